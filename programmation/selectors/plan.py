"""Public reads: the calls for projects of a contract and the yearly plan d'actions.

The plan of a year is derived from the dossiers the comité de pilotage programmed
(validated, then conventionned and balanced), with the synthetic figures the seed gives
in Article 3 §2.1.1: number of actions, who carries them, people targeted per pillar.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from contrats.models import AxeTransversal, Contrat, ObjectifOperationnel
from contrats.selectors import cle_numero
from historique.horloge import aujourdhui
from programmation import permissions
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    Dossier,
    Enveloppe,
    Financement,
    NatureCredit,
    Structure,
)

ESPACE_AVANT_POURCENT = "\u00a0"
CENTIME = Decimal("0.01")
PORTEE_PAR_PROFESSIONNELS = "Professionnels"
PORTEE_PAR_BENEVOLES = "Bénévoles"
REGLE_PORTAGE = (
    "Une action est comptée comme portée par des bénévoles lorsque ses bénévoles mobilisés "
    "sont plus nombreux que ses salariés ; sinon, elle est portée par des professionnels."
)


# --- Formats -------------------------------------------------------------------------------


def pourcentage(partie: int | Decimal, total: int | Decimal) -> Decimal | None:
    """Share of a total, rounded half up to one decimal; None when the total is zero."""
    if not total:
        return None
    return (Decimal(partie) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def format_pourcentage(valeur: Decimal | None) -> str:
    """34.5 → "34,5 %" (no-break space before the sign, as in French typography)."""
    if valeur is None:
        return "—"
    return f"{valeur:.1f}".replace(".", ",") + f"{ESPACE_AVANT_POURCENT}%"


def periode(appel: AppelAProjets) -> str:
    return f"du {appel.date_ouverture:%d/%m/%Y} au {appel.date_cloture:%d/%m/%Y}"


# --- Calls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EtatDepots:
    code: str
    libelle: str
    classe_badge: str


A_VENIR = EtatDepots("a_venir", "Dépôts à venir", "fr-badge--info")
OUVERT = EtatDepots("ouvert", "Dépôts ouverts", "fr-badge--success")
CLOS = EtatDepots("clos", "Dépôts clos", "fr-badge--error")


def etat_depots(appel: AppelAProjets, aujourd_hui: date | None = None) -> EtatDepots:
    """Open from the opening date to the closing date, both included."""
    jour = aujourd_hui or aujourdhui()
    if jour < appel.date_ouverture:
        return A_VENIR
    if jour > appel.date_cloture:
        return CLOS
    return OUVERT


@dataclass(frozen=True)
class AppelResume:
    appel: AppelAProjets
    periode: str
    etat: EtatDepots


def appels_visibles(
    contrat: Contrat, utilisateur, aujourd_hui: date | None = None
) -> list[AppelResume]:
    """Published calls, most recent first; the pilotage also sees the unpublished ones."""
    appels = contrat.appels.order_by("-annee")
    if not permissions.voit_les_appels_non_publies(utilisateur, contrat):
        appels = appels.filter(publie=True)
    return [AppelResume(a, periode(a), etat_depots(a, aujourd_hui)) for a in appels]


def appel_visible(contrat: Contrat, annee: int, utilisateur) -> AppelAProjets:
    """The call of a year; an unpublished one does not exist for whoever doesn't pilot.
    Read with the conseil citoyen's avis on its programming (annexed to the plan)."""
    appel = get_object_or_404(
        AppelAProjets.objects.select_related("avis_conseil_citoyen"), contrat=contrat, annee=annee
    )
    if not appel.publie and not permissions.voit_les_appels_non_publies(utilisateur, contrat):
        raise Http404("Appel à projets non publié")
    return appel


@dataclass(frozen=True)
class LigneEnveloppe:
    financeur: str
    nature_code: str
    nature: str
    montant: Decimal


@dataclass(frozen=True)
class PageAppel:
    appel: AppelAProjets
    periode: str
    etat: EtatDepots
    criteres: list[AxeTransversal]
    enveloppes: list[LigneEnveloppe]
    total_enveloppes: Decimal
    total_credits_specifiques: Decimal
    total_droit_commun: Decimal


def page_appel(appel: AppelAProjets, aujourd_hui: date | None = None) -> PageAppel:
    enveloppes = [
        LigneEnveloppe(e.financeur.nom, e.nature, e.get_nature_display(), e.montant)
        for e in Enveloppe.objects.filter(appel=appel).select_related("financeur")
    ]
    totaux: dict[str, Decimal] = defaultdict(Decimal)
    for e in enveloppes:
        totaux[e.nature_code] += e.montant
    return PageAppel(
        appel=appel,
        periode=periode(appel),
        etat=etat_depots(appel, aujourd_hui),
        criteres=list(appel.criteres.order_by("numero")),
        enveloppes=enveloppes,
        total_enveloppes=sum((e.montant for e in enveloppes), Decimal(0)),
        total_credits_specifiques=totaux[NatureCredit.CREDITS_SPECIFIQUES],
        total_droit_commun=totaux[NatureCredit.DROIT_COMMUN],
    )


# --- Plan d'actions of a year ----------------------------------------------------------------


@dataclass(frozen=True)
class ObjectifLie:
    numero: str
    intitule: str


@dataclass(frozen=True)
class LigneAction:
    numero: str
    intitule: str
    structure: str
    type_structure_code: str
    type_structure: str
    pilier: str
    objectifs: list[ObjectifLie]
    objectifs_texte: str
    personnes: int
    salaries: int
    benevoles: int
    portee_par: str
    statut: str
    droit_commun: Decimal
    credits_specifiques: Decimal
    total_accorde: Decimal
    est_demo: bool


@dataclass(frozen=True)
class Part:
    libelle: str
    nombre: int
    pourcentage: Decimal | None
    affichage: str


def _part(libelle: str, nombre: int, total: int) -> Part:
    valeur = pourcentage(nombre, total)
    return Part(libelle, nombre, valeur, format_pourcentage(valeur))


@dataclass(frozen=True)
class Synthese:
    nombre_actions: int
    par_type_structure: list[Part]
    associations: Part
    services_municipaux: Part
    professionnels: Part
    benevoles: Part
    regle_portage: str
    personnes_ciblees: int
    personnes_par_pilier: list[Part]
    total_droit_commun: Decimal
    total_credits_specifiques: Decimal
    total_accorde: Decimal


@dataclass(frozen=True)
class PlanAnnuel:
    appel: AppelAProjets
    lignes: list[LigneAction]
    synthese: Synthese
    est_demo: bool


def _somme_par_dossier(queryset: QuerySet, expression, output_field) -> Coalesce:
    sous_requete = (
        queryset.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(somme=Sum(expression, output_field=output_field))
        .values("somme")
    )
    return Coalesce(
        Subquery(sous_requete, output_field=output_field), Value(0), output_field=output_field
    )


def dossiers_programmes(appel: AppelAProjets) -> QuerySet[Dossier]:
    """Programmed dossiers with their people and granted amounts summed in the same query."""
    montant = DecimalField(max_digits=14, decimal_places=2)
    accordes = Financement.objects.filter(montant_accorde__isnull=False)
    return (
        Dossier.objects.filter(appel=appel, statut__in=STATUTS_PROGRAMMES)
        .select_related("structure__organisation", "pilier")
        .prefetch_related(
            Prefetch(
                "objectifs_operationnels",
                queryset=ObjectifOperationnel.objects.order_by().only(
                    "numero", "intitule", "domaine_id"
                ),
            )
        )
        .annotate(
            personnes=_somme_par_dossier(
                Beneficiaires.objects.all(), F("femmes") + F("hommes"), IntegerField()
            ),
            accorde_droit_commun=_somme_par_dossier(
                accordes.filter(nature=NatureCredit.DROIT_COMMUN), F("montant_accorde"), montant
            ),
            accorde_credits_specifiques=_somme_par_dossier(
                accordes.filter(nature=NatureCredit.CREDITS_SPECIFIQUES),
                F("montant_accorde"),
                montant,
            ),
        )
        .order_by("numero")
    )


def portee_par(dossier: Dossier) -> str:
    if dossier.nb_benevoles > dossier.nb_salaries:
        return PORTEE_PAR_BENEVOLES
    return PORTEE_PAR_PROFESSIONNELS


def _ligne(dossier: Dossier) -> LigneAction:
    objectifs = sorted(
        (ObjectifLie(o.numero, o.intitule) for o in dossier.objectifs_operationnels.all()),
        key=lambda o: cle_numero(o.numero),
    )
    # SQLite sums decimals as floats: back to cents.
    droit_commun = Decimal(dossier.accorde_droit_commun).quantize(CENTIME, ROUND_HALF_UP)
    credits_specifiques = Decimal(dossier.accorde_credits_specifiques).quantize(
        CENTIME, ROUND_HALF_UP
    )
    return LigneAction(
        numero=dossier.numero,
        intitule=dossier.intitule,
        structure=dossier.structure.organisation.nom,
        type_structure_code=dossier.structure.type,
        type_structure=dossier.structure.get_type_display(),
        pilier=dossier.pilier.intitule if dossier.pilier else "Sans pilier",
        objectifs=objectifs,
        objectifs_texte=", ".join(o.numero for o in objectifs),
        personnes=dossier.personnes,
        salaries=dossier.nb_salaries,
        benevoles=dossier.nb_benevoles,
        portee_par=portee_par(dossier),
        statut=dossier.get_statut_display(),
        droit_commun=droit_commun,
        credits_specifiques=credits_specifiques,
        total_accorde=droit_commun + credits_specifiques,
        est_demo=dossier.est_demo,
    )


def synthese(lignes: list[LigneAction]) -> Synthese:
    nombre = len(lignes)
    types = Counter(ligne.type_structure_code for ligne in lignes)
    par_type = [
        _part(libelle, types[code], nombre)
        for code, libelle in Structure.Type.choices
        if types[code] or code in (Structure.Type.ASSOCIATION, Structure.Type.SERVICE_MUNICIPAL)
    ]
    portage = Counter(ligne.portee_par for ligne in lignes)
    personnes = sum(ligne.personnes for ligne in lignes)
    par_pilier: dict[str, int] = {}
    for ligne in lignes:
        par_pilier[ligne.pilier] = par_pilier.get(ligne.pilier, 0) + ligne.personnes
    droit_commun = sum((ligne.droit_commun for ligne in lignes), Decimal(0))
    credits_specifiques = sum((ligne.credits_specifiques for ligne in lignes), Decimal(0))
    return Synthese(
        nombre_actions=nombre,
        par_type_structure=par_type,
        associations=_part("Associations", types[Structure.Type.ASSOCIATION], nombre),
        services_municipaux=_part(
            "Services municipaux", types[Structure.Type.SERVICE_MUNICIPAL], nombre
        ),
        professionnels=_part(PORTEE_PAR_PROFESSIONNELS, portage[PORTEE_PAR_PROFESSIONNELS], nombre),
        benevoles=_part(PORTEE_PAR_BENEVOLES, portage[PORTEE_PAR_BENEVOLES], nombre),
        regle_portage=REGLE_PORTAGE,
        personnes_ciblees=personnes,
        personnes_par_pilier=[
            _part(pilier, n, personnes)
            for pilier, n in sorted(par_pilier.items(), key=lambda item: -item[1])
        ],
        total_droit_commun=droit_commun,
        total_credits_specifiques=credits_specifiques,
        total_accorde=droit_commun + credits_specifiques,
    )


def plan_annuel(appel: AppelAProjets) -> PlanAnnuel:
    """Two queries: the programmed dossiers with their sums, their operational objectives."""
    lignes = [_ligne(d) for d in dossiers_programmes(appel)]
    return PlanAnnuel(
        appel=appel,
        lignes=lignes,
        synthese=synthese(lignes),
        est_demo=any(ligne.est_demo for ligne in lignes),
    )
