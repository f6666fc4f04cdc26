"""Reads of the pilotage pages: instruction board, co-financing, committees, conventions.

Every function here runs a fixed number of queries whatever the number of dossiers
(sums are computed by the database, grouped by dossier or by financeur and nature).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from contrats.models import Contrat, Organisation, Signataire
from contrats.selectors import Droits, droits
from gouvernance.models import Decision, Seance
from programmation import permissions
from programmation.models import (
    AppelAProjets,
    CompteBudget,
    Convention,
    Dossier,
    Enveloppe,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
)

ZERO = Decimal("0.00")
MONTANT = DecimalField(max_digits=14, decimal_places=2)
# Proposals of these dossiers no longer take money from an envelope.
STATUTS_SANS_ENGAGEMENT = (Statut.BROUILLON, Statut.IRRECEVABLE, Statut.REFUSE, Statut.RETIRE)
STATUTS_INSTRUCTION = (Statut.EN_INSTRUCTION, Statut.VALIDE)


# --- The call ------------------------------------------------------------------------------


def appel_du_contrat(slug: str, annee: int) -> AppelAProjets:
    return get_object_or_404(
        AppelAProjets.objects.select_related("contrat"), contrat__slug=slug, annee=annee
    )


def financeurs_du_contrat(contrat: Contrat) -> list[Organisation]:
    """Organisations that signed the contract, in the order of its signatures."""
    return [
        s.organisation
        for s in Signataire.objects.filter(contrat=contrat)
        .select_related("organisation")
        .order_by("ordre")
    ]


def enveloppes_existantes(appel: AppelAProjets) -> dict[tuple[int, str], Decimal]:
    return {
        (e.financeur_id, e.nature): e.montant
        for e in Enveloppe.objects.filter(appel=appel).only("financeur_id", "nature", "montant")
    }


# --- Instruction board -----------------------------------------------------------------------


@dataclass(frozen=True)
class Montants:
    demande: Decimal = ZERO
    propose: Decimal | None = None
    accorde: Decimal | None = None


@dataclass(frozen=True)
class ActionFinancement:
    """A financement the reader may act on from the board (avis or granted amount)."""

    pk: int
    libelle: str
    url_nom: str


@dataclass(frozen=True)
class LigneTableau:
    dossier: Dossier
    droit_commun: Montants
    credits_specifiques: Montants
    actions: list[ActionFinancement] = field(default_factory=list)


@dataclass(frozen=True)
class Espaces:
    """Which working spaces a logged-in person reaches from the public call pages."""

    tableau: bool
    pilotage: bool
    porteur: bool


def espaces(utilisateur, contrat) -> Espaces:
    d = droits(utilisateur, contrat)
    return Espaces(
        tableau=permissions.voit_le_tableau(d, contrat),
        pilotage=permissions.pilote(d),
        porteur=permissions.accede_a_l_espace_porteur(utilisateur, d),
    )


def montants_par_dossier(dossiers: list[Dossier]) -> dict[int, dict[str, Montants]]:
    """Asked (budget, compte 74), proposed and granted amounts per dossier and nature."""
    ids = [d.pk for d in dossiers]
    demandes: dict[tuple[int, str], Decimal] = {
        (r["dossier_id"], r["nature"]): r["total"]
        for r in LigneBudget.objects.filter(
            dossier_id__in=ids,
            compte=CompteBudget.C74,
            nature__in=NatureCredit.financees(),
        )
        .values("dossier_id", "nature")
        .annotate(total=Sum("montant"))
        .order_by()
    }
    instruits = {
        (r["dossier_id"], r["nature"]): r
        for r in Financement.objects.filter(dossier_id__in=ids)
        .values("dossier_id", "nature")
        .annotate(
            demande=Sum("montant_demande"),
            propose=Sum("montant_propose"),
            accorde=Sum("montant_accorde"),
        )
        .order_by()
    }
    resultat: dict[int, dict[str, Montants]] = {}
    for pk in ids:
        resultat[pk] = {}
        for nature in (NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES):
            instruit = instruits.get((pk, nature), {})
            resultat[pk][nature] = Montants(
                demande=instruit.get("demande") or demandes.get((pk, nature), ZERO),
                propose=instruit.get("propose"),
                accorde=instruit.get("accorde"),
            )
    return resultat


def _actions(dossiers: list[Dossier], d: Droits) -> dict[int, list[ActionFinancement]]:
    ids = [x.pk for x in dossiers if x.statut in STATUTS_INSTRUCTION]
    actions: dict[int, list[ActionFinancement]] = defaultdict(list)
    if not ids:
        return actions
    for f in (
        Financement.objects.filter(dossier_id__in=ids)
        .filter(permissions.filtre_financements_instruits(d))
        .select_related("financeur", "dossier")
        .only("pk", "nature", "dossier__statut", "financeur__nom")
        .order_by("dossier_id", "nature", "financeur__nom")
    ):
        en_instruction = f.dossier.statut == Statut.EN_INSTRUCTION
        actions[f.dossier_id].append(
            ActionFinancement(
                pk=f.pk,
                libelle=(
                    f"{'Avis' if en_instruction else 'Montant accordé'} · {f.financeur.nom} "
                    f"({f.get_nature_display().lower()})"
                ),
                url_nom=(
                    "programmation:financement_avis"
                    if en_instruction
                    else "programmation:financement_accord"
                ),
            )
        )
    return actions


def tableau_instruction(appel: AppelAProjets, d: Droits, statut: str = "") -> list[LigneTableau]:
    dossiers = permissions.dossiers_instruits(d, appel)
    if statut:
        dossiers = dossiers.filter(statut=statut)
    dossiers = list(dossiers.select_related("structure__organisation").order_by("numero"))
    montants = montants_par_dossier(dossiers)
    actions = _actions(dossiers, d)
    return [
        LigneTableau(
            dossier=dossier,
            droit_commun=montants[dossier.pk][NatureCredit.DROIT_COMMUN],
            credits_specifiques=montants[dossier.pk][NatureCredit.CREDITS_SPECIFIQUES],
            actions=actions.get(dossier.pk, []),
        )
        for dossier in dossiers
    ]


@dataclass(frozen=True)
class Compteurs:
    deposes: int
    recevables: int
    en_instruction: int
    proposes: int
    programmes: int


def compteurs(appel: AppelAProjets, d: Droits) -> Compteurs:
    par_statut = dict(
        permissions.dossiers_instruits(d, appel)
        .values("statut")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("statut", "n")
    )
    return Compteurs(
        deposes=par_statut.get(Statut.DEPOSE, 0),
        recevables=par_statut.get(Statut.RECEVABLE, 0),
        en_instruction=par_statut.get(Statut.EN_INSTRUCTION, 0),
        proposes=par_statut.get(Statut.PROPOSE, 0),
        programmes=sum(
            par_statut.get(s, 0) for s in (Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE)
        ),
    )


# --- Co-financing summary --------------------------------------------------------------------


@dataclass(frozen=True)
class LigneCofinancement:
    financeur: str
    nature: str
    nature_libelle: str
    enveloppe: Decimal | None
    propose: Decimal
    accorde: Decimal
    engage: Decimal
    reste: Decimal | None

    @property
    def depasse(self) -> bool:
        return self.reste is not None and self.reste < 0


@dataclass(frozen=True)
class SyntheseCofinancement:
    lignes: list[LigneCofinancement]
    droit_commun: Decimal
    credits_specifiques: Decimal
    part_droit_commun: int | None
    droit_commun_d_abord: bool


def synthese_cofinancement(appel: AppelAProjets, d: Droits) -> SyntheseCofinancement:
    """Per financeur and nature: envelope, proposed, granted and what remains.

    What a dossier takes from an envelope is its granted amount, or its proposed amount
    while nothing is granted yet. A financeur who is not pilote, État or membre sees
    only its own organisations.
    """
    enveloppes = permissions.enveloppes_lisibles(d, appel)
    financements = permissions.financements_lisibles(d, appel).exclude(
        dossier__statut__in=STATUTS_SANS_ENGAGEMENT
    )
    cles: dict[tuple[str, str], dict] = {}
    for e in enveloppes.values("financeur__nom", "nature", "montant"):
        cles[(e["financeur__nom"], e["nature"])] = {"enveloppe": e["montant"]}
    zero = Value(ZERO, output_field=MONTANT)
    for f in (
        financements.values("financeur__nom", "nature")
        .annotate(
            propose=Coalesce(Sum("montant_propose"), zero),
            accorde=Coalesce(Sum("montant_accorde"), zero),
            engage=Coalesce(
                Sum(Coalesce("montant_accorde", "montant_propose", output_field=MONTANT)), zero
            ),
        )
        .order_by()
    ):
        cles.setdefault((f["financeur__nom"], f["nature"]), {}).update(f)
    libelles = dict(NatureCredit.choices)
    lignes = []
    for (financeur, nature), valeurs in sorted(cles.items(), key=lambda c: (c[0][0], c[0][1])):
        enveloppe = valeurs.get("enveloppe")
        engage = valeurs.get("engage", ZERO)
        lignes.append(
            LigneCofinancement(
                financeur=financeur,
                nature=nature,
                nature_libelle=libelles.get(nature, nature),
                enveloppe=enveloppe,
                propose=valeurs.get("propose", ZERO),
                accorde=valeurs.get("accorde", ZERO),
                engage=engage,
                reste=None if enveloppe is None else enveloppe - engage,
            )
        )
    droit_commun = sum(
        (ligne.engage for ligne in lignes if ligne.nature == NatureCredit.DROIT_COMMUN), ZERO
    )
    specifiques = sum(
        (ligne.engage for ligne in lignes if ligne.nature == NatureCredit.CREDITS_SPECIFIQUES),
        ZERO,
    )
    total = droit_commun + specifiques
    return SyntheseCofinancement(
        lignes=lignes,
        droit_commun=droit_commun,
        credits_specifiques=specifiques,
        part_droit_commun=round(droit_commun * 100 / total) if total else None,
        droit_commun_d_abord=droit_commun >= specifiques,
    )


# --- Committees ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierAuComite:
    dossier: Dossier
    droit_commun: Montants
    credits_specifiques: Montants


def dossiers_en_attente(appel: AppelAProjets, statut: str) -> list[DossierAuComite]:
    dossiers = list(
        Dossier.objects.filter(appel=appel, statut=statut)
        .select_related("structure__organisation")
        .order_by("numero")
    )
    montants = montants_par_dossier(dossiers)
    return [
        DossierAuComite(
            dossier=dossier,
            droit_commun=montants[dossier.pk][NatureCredit.DROIT_COMMUN],
            credits_specifiques=montants[dossier.pk][NatureCredit.CREDITS_SPECIFIQUES],
        )
        for dossier in dossiers
    ]


def seance_detail(pk: int) -> Seance:
    return get_object_or_404(Seance.objects.select_related("instance__contrat"), pk=pk)


@dataclass(frozen=True)
class DecisionAffichee:
    decision: Decision
    dossier_pk: int | None


def decisions_de_seance(seance: Seance) -> list[DecisionAffichee]:
    type_dossier = ContentType.objects.get_for_model(Dossier)
    return [
        DecisionAffichee(
            decision=decision,
            dossier_pk=int(decision.object_id)
            if decision.content_type_id == type_dossier.pk
            else None,
        )
        for decision in seance.decisions.select_related("acteur").order_by("id")
    ]


# --- Conventions and payments ----------------------------------------------------------------


def convention_detail(pk: int) -> Convention:
    return get_object_or_404(
        Convention.objects.select_related(
            "financement__financeur",
            "financement__dossier__appel__contrat",
            "financement__dossier__structure__organisation",
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class EtatPaiements:
    paiements: list[Paiement]
    total_paye: Decimal
    reste: Decimal
    solde: bool


def etat_paiements(convention: Convention) -> EtatPaiements:
    paiements = list(convention.paiements.select_related("acteur").order_by("date", "id"))
    paye = sum((p.montant for p in paiements), ZERO)
    return EtatPaiements(
        paiements=paiements,
        total_paye=paye,
        reste=convention.montant - paye,
        solde=any(p.nature == Paiement.Nature.SOLDE for p in paiements),
    )
