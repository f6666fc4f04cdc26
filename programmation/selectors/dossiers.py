"""Reads behind the porteur's pages and the dossier page, prepared for templates."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contrats.models import Contrat, FicheAction, ObjectifOperationnel, Organisation
from contrats.selectors import Droits, cle_numero
from historique.horloge import aujourdhui
from historique.selectors import historique_de
from programmation import extensions, permissions
from programmation.actions import ActionProgrammation
from programmation.etats import BADGES, TRANSITIONS, Transition, transitions_depuis
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    CodeTransition,
    Convention,
    DemandeComplements,
    Dossier,
    Financement,
    LigneBudget,
    PieceJointe,
    SectionDossier,
    Statut,
    Structure,
    TransitionDossier,
    VersionDossier,
)
from programmation.services import effets
from programmation.services.dossiers import erreurs_de_completude
from programmation.templatetags.montants import format_euros


def libelle_statut(valeur: str | None) -> str:
    if not valeur:
        return ""
    try:
        return Statut(valeur).label
    except ValueError:
        return valeur


# ---------------------------------------------------------------- porteur's own data


def organisation_du_porteur(droits_porteur: Droits) -> int | None:
    """The organisation a porteur acts for in a contract (one habilitation per role)."""
    organisations = permissions.organisations_porteuses(droits_porteur)
    return min(organisations) if organisations else None


def structure_du_porteur(droits_porteur: Droits) -> Structure | None:
    organisation = organisation_du_porteur(droits_porteur)
    if organisation is None:
        return None
    return (
        Structure.objects.select_related("organisation").filter(organisation=organisation).first()
    )


def nom_organisation(droits_porteur: Droits) -> str:
    organisation = organisation_du_porteur(droits_porteur)
    if organisation is None:
        return ""
    return Organisation.objects.filter(pk=organisation).values_list("nom", flat=True).first() or ""


@dataclass(frozen=True)
class LigneDossier:
    dossier: Dossier
    badge: str


def dossiers_du_porteur(contrat: Contrat, droits_porteur: Droits) -> list[LigneDossier]:
    organisations = permissions.organisations_porteuses(droits_porteur)
    dossiers = (
        Dossier.objects.filter(appel__contrat=contrat, structure__organisation__in=organisations)
        .select_related("appel", "structure__organisation")
        .order_by("-appel__annee", "numero")
    )
    return [LigneDossier(d, BADGES[d.statut]) for d in dossiers]


def appels_ouverts(contrat: Contrat | None = None) -> QuerySet[AppelAProjets]:
    """Published calls whose submission window contains today, of one contract or all."""
    aujourd_hui = aujourdhui()
    appels = AppelAProjets.objects.filter(
        publie=True, date_ouverture__lte=aujourd_hui, date_cloture__gte=aujourd_hui
    )
    if contrat is not None:
        appels = appels.filter(contrat=contrat)
    return appels.select_related("contrat").order_by("contrat__titre", "-annee")


# ---------------------------------------------------------------- the dossier


def dossier_par_pk(pk: int) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("appel__contrat", "structure__organisation", "pilier"),
        pk=pk,
    )


def piece_par_pk(pk: int) -> PieceJointe:
    return get_object_or_404(
        PieceJointe.objects.select_related(
            "dossier__appel__contrat", "dossier__structure__organisation"
        ),
        pk=pk,
    )


def dossier_complet(pk: int) -> Dossier:
    """A dossier with every CERFA section loaded in a fixed number of queries."""
    return get_object_or_404(
        Dossier.objects.select_related(
            "appel__contrat", "structure__organisation", "pilier"
        ).prefetch_related(
            Prefetch(
                "objectifs_operationnels",
                queryset=ObjectifOperationnel.objects.only("numero", "intitule"),
            ),
            "axes",
            "beneficiaires",
            Prefetch("lignes_budget", queryset=LigneBudget.objects.select_related("financeur")),
            Prefetch("pieces", queryset=PieceJointe.objects.select_related("deposee_par")),
            Prefetch(
                "financements",
                queryset=Financement.objects.select_related("financeur", "avis_par", "convention"),
            ),
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class LignePublic:
    tranche: str
    femmes: int
    hommes: int
    total: int


@dataclass(frozen=True)
class TableauPublic:
    lignes: list[LignePublic]
    femmes: int
    hommes: int
    total: int


def tableau_public(beneficiaires: Iterable[Beneficiaires]) -> TableauPublic:
    """Every age band, zero where nothing is declared, with totals."""
    par_tranche = {b.tranche: b for b in beneficiaires}
    lignes = []
    for tranche in Beneficiaires.Tranche:
        b = par_tranche.get(tranche.value)
        femmes, hommes = (b.femmes, b.hommes) if b else (0, 0)
        lignes.append(LignePublic(tranche.label, femmes, hommes, femmes + hommes))
    femmes = sum(ligne.femmes for ligne in lignes)
    hommes = sum(ligne.hommes for ligne in lignes)
    return TableauPublic(lignes, femmes, hommes, femmes + hommes)


@dataclass(frozen=True)
class BilanBudget:
    charges: Decimal
    produits: Decimal
    ecart: Decimal
    equilibre: bool
    libelle: str
    lignes_charges: list = field(default_factory=list)
    lignes_produits: list = field(default_factory=list)


def bilan_budget(lignes: Iterable) -> BilanBudget:
    """Totals and balance of budget lines (LigneBudget objects or dicts with sens/montant)."""
    charges_lignes, produits_lignes = [], []
    for ligne in lignes:
        sens = ligne["sens"] if isinstance(ligne, dict) else ligne.sens
        (charges_lignes if sens == LigneBudget.Sens.CHARGE else produits_lignes).append(ligne)

    def total(groupe) -> Decimal:
        return sum(
            (Decimal(g["montant"] if isinstance(g, dict) else g.montant) for g in groupe),
            Decimal(0),
        )

    charges, produits = total(charges_lignes), total(produits_lignes)
    ecart = abs(charges - produits)
    equilibre = charges == produits and charges > 0
    if equilibre:
        libelle = "Budget équilibré"
    elif charges == produits == 0:
        libelle = "Budget vide : indiquez les charges et les produits de l'action."
    else:
        libelle = f"Budget déséquilibré : écart de {format_euros(ecart)}"
    return BilanBudget(
        charges, produits, ecart, equilibre, libelle, charges_lignes, produits_lignes
    )


@dataclass(frozen=True)
class EntreeHistorique:
    date: str
    acteur: str
    libelle: str
    statut_avant: str
    statut_apres: str
    motif: str
    detail: str
    badge: str = ""
    seance: str = ""


def frise(dossier: Dossier, voir_instruction: bool = True) -> list[EntreeHistorique]:
    """The dossier's life, oldest first, in French: its changes of statut from the typed log,
    and the other events (edits, avis, payments) from the history. The financeurs' comments
    are for the partners of the instruction only (`voir_instruction`)."""
    # At the same instant, what was done comes before the change of statut it caused
    # (the last balance paid, then the dossier balanced).
    datees = [(t.horodatage, 1, t.pk, _entree_transition(t)) for t in _journal(dossier)]
    datees += [
        (e.horodatage, 0, e.pk, _entree_evenement(e, voir_instruction))
        for e in historique_de(dossier)
        if e.action not in ACTIONS_DE_TRANSITION
    ]
    return [entree for *_, entree in sorted(datees, key=lambda d: d[:3])]


ACTIONS_DE_TRANSITION = frozenset(t.action for t in TRANSITIONS.values())


def _journal(dossier: Dossier) -> QuerySet[TransitionDossier]:
    return TransitionDossier.objects.filter(dossier=dossier).select_related("acteur", "seance")


def _entree_transition(ligne: TransitionDossier) -> EntreeHistorique:
    regle = TRANSITIONS[CodeTransition(ligne.transition)]
    return EntreeHistorique(
        date=_date_heure(ligne.horodatage),
        acteur=str(ligne.acteur),
        libelle=regle.libelle_passe,
        statut_avant=ligne.get_de_display(),
        statut_apres=ligne.get_vers_display(),
        motif=ligne.motif,
        detail="",
        badge=regle.badge,
        seance=str(ligne.seance or ""),
    )


ACTIONS_DE_L_INSTRUCTION = frozenset(
    {ActionProgrammation.FINANCEMENT_AVIS, ActionProgrammation.FINANCEMENT_ACCORD}
)


def _entree_evenement(evenement, voir_instruction: bool) -> EntreeHistorique:
    changements = evenement.changements or {}
    statut = changements.get("statut")
    avant, apres = statut if isinstance(statut, list) and len(statut) == 2 else ("", "")
    detail = changements.get("pièce") or changements.get("financeur") or ""
    return EntreeHistorique(
        date=_date_heure(evenement.horodatage),
        acteur=str(evenement.acteur) if evenement.acteur else "Système",
        libelle=ActionProgrammation(evenement.action).label,
        statut_avant=libelle_statut(avant),
        statut_apres=libelle_statut(apres),
        motif=""
        if evenement.action in ACTIONS_DE_L_INSTRUCTION and not voir_instruction
        else evenement.motif,
        detail=str(detail),
    )


def _date_heure(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def transitions_permises(d: Droits, dossier: Dossier) -> list[Transition]:
    """The transitions this person may attempt from the dossier's statut (services decide)."""
    return [
        transition
        for transition in transitions_depuis(dossier.statut)
        if transition.proposee and permissions.peut_transitionner(d, transition.roles, dossier)
    ]


@dataclass(frozen=True)
class LigneFinancement:
    financeur: str
    nature: str
    montant_demande: Decimal
    avis: str
    montant_propose: Decimal | None
    montant_accorde: Decimal | None
    commentaire: str
    convention: Convention | None


@dataclass(frozen=True)
class FicheDossier:
    dossier: Dossier
    badge: str
    statut: str
    objectifs: list[ObjectifOperationnel]
    axes: list
    public: TableauPublic
    budget: BilanBudget
    pieces: list[PieceJointe]
    financements: list[LigneFinancement]
    voir_instruction: bool
    voir_conventions: bool
    derniere_version: VersionDossier | None
    comparaison_possible: bool
    historique: list[EntreeHistorique]
    transitions: list[Transition]
    est_porteur: bool
    # Why this person, a member of the structure porteuse, neither judges nor pays it.
    motif_deport: str
    modifiable: "SectionsModifiables"
    demande_complements: DemandeComplements | None
    erreurs_completude: list[str]
    # Blocks other apps add to the page (suivi: the bilan), see programmation.extensions.
    sections: list[extensions.SectionDuDossier] = field(default_factory=list)


@dataclass(frozen=True)
class SectionsModifiables:
    action: bool
    public: bool
    budget: bool
    pieces: bool

    @property
    def une(self) -> bool:
        return self.action or self.public or self.budget or self.pieces


def _sections_modifiables(d: Droits, dossier: Dossier) -> SectionsModifiables:
    sections = permissions.sections_modifiables(d, dossier)
    return SectionsModifiables(**{code: code in sections for code in SectionDossier.values})


def _convention_lisible(financement: Financement, d: Droits) -> Convention | None:
    """The financement's convention if this person may open it: no link that answers 403."""
    convention = getattr(financement, "convention", None)
    if convention is None or not permissions.peut_lire_convention(d, convention):
        return None
    return convention


def _deporte(d: Droits, dossier: Dossier) -> bool:
    """Said on the page to those who would judge or pay it but belong to its structure."""
    return permissions.en_deport(d, dossier) and (
        permissions.voit_l_instruction(d) or permissions.pilote(d)
    )


def fiche_dossier(dossier: Dossier, d: Droits) -> FicheDossier:
    """Everything the dossier page shows, for the person described by `d`."""
    est_porteur = permissions.est_porteur_du_dossier(d, dossier)
    derniere_version = dossier.versions.order_by("-numero").first()
    financements = [
        LigneFinancement(
            financeur=f.financeur.nom,
            nature=f.get_nature_display(),
            montant_demande=f.montant_demande,
            avis=f.get_avis_display(),
            montant_propose=f.montant_propose,
            montant_accorde=f.montant_accorde,
            commentaire=f.commentaire,
            convention=_convention_lisible(f, d),
        )
        for f in dossier.financements.all()
    ]
    return FicheDossier(
        dossier=dossier,
        badge=BADGES[dossier.statut],
        statut=dossier.get_statut_display(),
        objectifs=sorted(dossier.objectifs_operationnels.all(), key=lambda o: cle_numero(o.numero)),
        axes=list(dossier.axes.all()),
        public=tableau_public(dossier.beneficiaires.all()),
        budget=bilan_budget(dossier.lignes_budget.all()),
        pieces=list(dossier.pieces.all()),
        financements=financements,
        voir_conventions=permissions.voit_les_conventions(d, dossier),
        voir_instruction=permissions.voit_l_instruction(d),
        derniere_version=derniere_version,
        comparaison_possible=derniere_version is not None and derniere_version.numero > 1,
        historique=frise(dossier, permissions.voit_l_instruction(d)),
        transitions=transitions_permises(d, dossier),
        est_porteur=est_porteur,
        motif_deport=permissions.MOTIF_DEPORT if _deporte(d, dossier) else "",
        modifiable=_sections_modifiables(d, dossier),
        demande_complements=effets.demande_ouverte(dossier)
        if dossier.statut == Statut.A_COMPLETER
        else None,
        erreurs_completude=erreurs_de_completude(dossier)
        if est_porteur and dossier.statut in {Statut.BROUILLON, Statut.A_COMPLETER}
        else [],
        sections=_sections_d_autres_applications(dossier, d),
    )


def _sections_d_autres_applications(
    dossier: Dossier, d: Droits
) -> list[extensions.SectionDuDossier]:
    sections = (fournir(dossier, d) for fournir in extensions.sections_du_dossier)
    return [section for section in sections if section is not None]


# ---------------------------------------------------------------- choices of the forms


def objectifs_du_contrat(contrat: Contrat) -> list[ObjectifOperationnel]:
    """Operational objectives in the contract's numbering order (4.1.10 after 4.1.9)."""
    return sorted(
        ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).only(
            "numero", "intitule"
        ),
        key=lambda o: cle_numero(o.numero),
    )


def actions_du_plan_du_contrat(contrat: Contrat) -> QuerySet[FicheAction]:
    return FicheAction.objects.filter(ligne__contrat=contrat).order_by("ligne__ordre", "ordre")


def financeurs_possibles(contrat: Contrat) -> QuerySet[Organisation]:
    """Signatories of the contract and financeurs of its calls (CAF, État, commune…)."""
    return (
        Organisation.objects.filter(
            Q(signatures__contrat=contrat) | Q(enveloppes__appel__contrat=contrat)
        )
        .distinct()
        .order_by("nom")
    )
