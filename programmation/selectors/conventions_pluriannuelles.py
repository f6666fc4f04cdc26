"""What the pages of the conventions pluriannuelles d'objectifs (CPO) show, formatted.

The list of a contract's CPO (one row per year with the dossier it carried and its
amounts) and the box of the dossier page; templates print these strings as they are.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.urls import reverse

from contrats.models import Contrat
from contrats.selectors import Droits, droits
from programmation import permissions
from programmation.models import (
    CompteBudget,
    ConventionPluriannuelle,
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    Statut,
)
from programmation.templatetags.montants import format_euros

# A dossier that will never be financed does not hold its CPO's year.
STATUTS_SANS_SUITE = frozenset({Statut.IRRECEVABLE, Statut.REFUSE, Statut.RETIRE})


def montant_demande_au_financeur(dossier: Dossier, financeur_id: int) -> Decimal:
    """What the dossier asks the financeur: its lines of instruction once opened, until
    then the subventions of its budget (compte 74, natures instructed)."""
    financements = Financement.objects.filter(dossier=dossier)
    if financements.exists():
        total = financements.filter(financeur_id=financeur_id).aggregate(t=Sum("montant_demande"))[
            "t"
        ]
    else:
        total = LigneBudget.objects.filter(
            dossier=dossier,
            compte=CompteBudget.C74,
            financeur_id=financeur_id,
            nature__in=NatureCredit.financees(),
        ).aggregate(t=Sum("montant"))["t"]
    return total or Decimal(0)


def montant_accorde_par_le_financeur(dossier: Dossier, financeur_id: int) -> Decimal | None:
    return Financement.objects.filter(
        dossier=dossier, financeur_id=financeur_id, montant_accorde__isnull=False
    ).aggregate(t=Sum("montant_accorde"))["t"]


def conventions_au_choix(dossier: Dossier) -> QuerySet[ConventionPluriannuelle]:
    """The CPO of the dossier's structure that cover its call's year."""
    annee = dossier.appel.annee
    return ConventionPluriannuelle.objects.filter(
        contrat_id=dossier.appel.contrat_id,
        structure_id=dossier.structure_id,
        annee_debut__lte=annee,
        annee_fin__gte=annee,
    ).select_related("financeur")


def libelle_convention(convention: ConventionPluriannuelle) -> str:
    """ "CPO-1 · Soutien scolaire · CAF · 2024-2026 · 10 000,00 € par an"."""
    return (
        f"{convention.numero} · {convention.intitule} · {convention.financeur.nom} · "
        f"{convention.periode} · {format_euros(convention.montant_annuel)} par an"
    )


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class AnneeConvention:
    annee: str
    # The dossier carried that year: its number and title, and a link only for its readers.
    dossier: str
    url_dossier: str
    demande: str
    accorde: str


@dataclass(frozen=True)
class LigneConvention:
    pk: int
    numero: str
    intitule: str
    porteur: str
    financeur: str
    periode: str
    montant_annuel: str
    total: str
    signee_le: str
    est_demo: bool
    annees: list[AnneeConvention]


def conventions_du_contrat(contrat: Contrat, qui) -> list[LigneConvention]:
    d = droits(qui, contrat)
    conventions = (
        permissions.conventions_pluriannuelles_lisibles(d, contrat)
        .select_related("structure__organisation", "financeur")
        .prefetch_related("dossiers__appel__contrat", "dossiers__structure")
    )
    return [_ligne(convention, d) for convention in conventions]


def _ligne(convention: ConventionPluriannuelle, d: Droits) -> LigneConvention:
    par_annee: dict[int, Dossier] = {}
    for dossier in sorted(convention.dossiers.all(), key=lambda x: x.pk):
        # A dossier without follow-up gives way to the one that holds the year.
        actuel = par_annee.get(dossier.appel.annee)
        if actuel is None or actuel.statut in STATUTS_SANS_SUITE:
            par_annee[dossier.appel.annee] = dossier
    return LigneConvention(
        pk=convention.pk,
        numero=convention.numero,
        intitule=convention.intitule,
        porteur=convention.structure.organisation.nom,
        financeur=convention.financeur.nom,
        periode=convention.periode,
        montant_annuel=format_euros(convention.montant_annuel),
        total=format_euros(convention.montant_annuel * convention.duree),
        signee_le=convention.signee_le.strftime("%d/%m/%Y"),
        est_demo=convention.est_demo,
        annees=[_annee(annee, par_annee.get(annee), convention, d) for annee in convention.annees],
    )


def _annee(
    annee: int, dossier: Dossier | None, convention: ConventionPluriannuelle, d: Droits
) -> AnneeConvention:
    if dossier is None:
        return AnneeConvention(str(annee), "Aucun dossier", "", "—", "—")
    if not permissions.peut_lire_dossier(d, dossier):
        # Who may not read the dossier does not learn its number either.
        return AnneeConvention(str(annee), "Un dossier de la structure", "", "—", "—")
    return AnneeConvention(
        annee=str(annee),
        dossier=f"{dossier.numero} — {dossier.intitule} ({dossier.get_statut_display()})",
        url_dossier=reverse("programmation:dossier", args=[dossier.pk]),
        demande=format_euros(montant_demande_au_financeur(dossier, convention.financeur_id)),
        accorde=format_euros(montant_accorde_par_le_financeur(dossier, convention.financeur_id)),
    )


# ---------------------------------------------------------------- the dossier page


@dataclass(frozen=True)
class ConventionDuDossier:
    # The CPO carried, "" when none.
    libelle: str
    modifiable: bool
    # Some CPO of the structure cover the call's year.
    choix_possibles: bool
    url_liste: str


def convention_du_dossier(dossier: Dossier, qui) -> ConventionDuDossier | None:
    """The dossier page's box: the CPO it is carried by; None when there is nothing to show
    (not carried, and its reader could not choose one)."""
    convention = dossier.convention_pluriannuelle
    modifiable = permissions.peut_rattacher_convention_pluriannuelle(qui, dossier)
    choix_possibles = modifiable and conventions_au_choix(dossier).exists()
    if convention is None and not choix_possibles:
        return None
    contrat = dossier.appel.contrat
    return ConventionDuDossier(
        libelle=libelle_convention(convention) if convention else "",
        modifiable=modifiable,
        choix_possibles=choix_possibles,
        url_liste=reverse("programmation:conventions_pluriannuelles", args=[contrat.slug])
        if permissions.voit_les_conventions_pluriannuelles(qui, contrat)
        else "",
    )
