"""Reads behind the bilan pages, "Mon espace" and the dossier page, prepared for templates.

Who may see what is asked of suivi.permissions; nothing here looks at a role.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Min, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from contrats.models import Contrat
from contrats.selectors import Droits
from historique.horloge import aujourdhui
from historique.selectors import historique_de
from programmation.extensions import SectionDuDossier
from programmation.models import Dossier
from programmation.selectors.espace import Tache
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.etats import BADGES, TRANSITIONS, Transition, transitions_depuis
from suivi.models import (
    BeneficiairesBilan,
    Bilan,
    CodeTransitionBilan,
    OrdreDeReversement,
    ReportDeDates,
    StatutBilan,
    TransitionBilan,
)
from suivi.services import bilans as services
from suivi.services.ecarts import TableauFinancier, tableau_financier
from suivi.services.effets import erreurs_du_bilan


def bilan_par_pk(pk: int) -> Bilan:
    return get_object_or_404(
        Bilan.objects.select_related("dossier__appel__contrat", "dossier__structure__organisation"),
        pk=pk,
    )


def report_par_pk(pk: int) -> ReportDeDates:
    return get_object_or_404(
        ReportDeDates.objects.select_related(
            "bilan__dossier__appel__contrat", "bilan__dossier__structure__organisation"
        ),
        pk=pk,
    )


# ---------------------------------------------------------------- the bilan page


@dataclass(frozen=True)
class LigneBeneficiaires:
    tranche: str
    femmes: int
    hommes: int
    residents_qpv: int
    total: int


@dataclass(frozen=True)
class TableauBeneficiaires:
    lignes: list[LigneBeneficiaires]
    femmes: int
    hommes: int
    residents_qpv: int
    total: int


def tableau_beneficiaires(bilan: Bilan) -> TableauBeneficiaires:
    """Every age band, zero where nothing is declared, with totals."""
    par_tranche = {b.tranche: b for b in bilan.beneficiaires.all()}
    lignes = []
    for tranche in BeneficiairesBilan.Tranche:
        b = par_tranche.get(tranche.value)
        f, h, q = (b.femmes, b.hommes, b.residents_qpv) if b else (0, 0, 0)
        lignes.append(LigneBeneficiaires(tranche.label, f, h, q, f + h))
    return TableauBeneficiaires(
        lignes,
        sum(x.femmes for x in lignes),
        sum(x.hommes for x in lignes),
        sum(x.residents_qpv for x in lignes),
        sum(x.total for x in lignes),
    )


@dataclass(frozen=True)
class EntreeFrise:
    date: str
    acteur: str
    libelle: str
    motif: str
    badge: str = ""


def frise_du_bilan(bilan: Bilan) -> list[EntreeFrise]:
    """The bilan's life, oldest first: its transitions from the typed log, then the other
    events (entries, reports, ordres de reversement) from the history."""
    datees = [
        (t.horodatage, 1, t.pk, _entree_transition(t))
        for t in TransitionBilan.objects.filter(bilan=bilan).select_related("acteur")
    ]
    actions_de_transition = {t.action for t in TRANSITIONS.values()}
    datees += [
        (
            e.horodatage,
            0,
            e.pk,
            EntreeFrise(
                _date_heure(e.horodatage),
                str(e.acteur) if e.acteur else "Système",
                ActionSuivi(e.action).label,
                e.motif,
            ),
        )
        for e in historique_de(bilan)
        if e.action not in actions_de_transition
    ]
    return [entree for *_, entree in sorted(datees, key=lambda x: x[:3])]


def _entree_transition(ligne: TransitionBilan) -> EntreeFrise:
    regle = TRANSITIONS[CodeTransitionBilan(ligne.transition)]
    return EntreeFrise(
        _date_heure(ligne.horodatage),
        str(ligne.acteur),
        regle.libelle_passe,
        ligne.motif,
        regle.badge,
    )


def _date_heure(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


@dataclass(frozen=True)
class LigneOrdre:
    convention: str
    financeur: str
    montant: object
    date: date
    motif: str


@dataclass(frozen=True)
class FicheBilan:
    bilan: Bilan
    dossier: Dossier
    badge: str
    statut: str
    nature: str
    en_retard: bool
    beneficiaires: TableauBeneficiaires
    financier: TableauFinancier
    transitions: list[Transition]
    historique: list[EntreeFrise]
    ordres: list[LigneOrdre]
    reports: list[ReportDeDates]
    # The pending request the person may decide on, if any.
    report_a_statuer: ReportDeDates | None
    peut_saisir: bool
    peut_demander_report: bool
    motif_deport: str
    financeurs: list[str]
    erreurs: list[str]


def transitions_permises(d: Droits, bilan: Bilan) -> list[Transition]:
    return [
        t
        for t in transitions_depuis(bilan.statut)
        if permissions.peut_transitionner_bilan(d, t.roles, bilan)
    ]


def fiche_bilan(bilan: Bilan, d: Droits) -> FicheBilan:
    """Everything the bilan page shows, for the person described by `d`."""
    peut_saisir = permissions.peut_saisir_bilan(d, bilan)
    en_attente = bilan.reports.filter(statut=ReportDeDates.Statut.EN_ATTENTE).first()
    ordres = OrdreDeReversement.objects.filter(bilan=bilan).select_related(
        "convention__financement__financeur"
    )
    return FicheBilan(
        bilan=bilan,
        dossier=bilan.dossier,
        badge=BADGES[bilan.statut],
        statut=bilan.get_statut_display(),
        nature=bilan.get_nature_display(),
        en_retard=bilan.statut == StatutBilan.ATTENDU and bilan.date_limite < aujourdhui(),
        beneficiaires=tableau_beneficiaires(bilan),
        financier=tableau_financier(bilan),
        transitions=transitions_permises(d, bilan),
        historique=frise_du_bilan(bilan),
        ordres=[
            LigneOrdre(
                o.convention.numero,
                o.convention.financement.financeur.nom,
                o.montant,
                o.date,
                o.motif,
            )
            for o in ordres
        ],
        reports=list(bilan.reports.select_related("demande_par", "decide_par")),
        report_a_statuer=en_attente if permissions.peut_statuer_report(d, bilan) else None,
        peut_saisir=peut_saisir,
        peut_demander_report=permissions.peut_demander_report(d, bilan) and en_attente is None,
        motif_deport=permissions.MOTIF_DEPORT_BILAN
        if permissions.en_deport_sur_le_bilan(d, bilan)
        else "",
        financeurs=sorted(
            {f.financeur.nom for f in bilan.dossier.financements.select_related("financeur")}
        ),
        erreurs=erreurs_du_bilan(bilan) if peut_saisir else [],
    )


# ---------------------------------------------------------------- lists and counts


@dataclass(frozen=True)
class LigneListe:
    dossier_pk: int
    numero: str
    intitule: str
    structure: str
    annee: int
    statut: str
    badge: str
    date_limite: date


def bilans_du_contrat(qui, contrat: Contrat) -> list[LigneListe]:
    services.bilans_attendus(contrat)
    bilans = permissions.bilans_lisibles(qui, contrat)
    return [
        LigneListe(
            b.dossier_id,
            b.dossier.numero,
            b.dossier.intitule,
            b.dossier.structure.organisation.nom,
            b.annee,
            b.get_statut_display(),
            BADGES[b.statut],
            b.date_limite,
        )
        for b in bilans.select_related("dossier__structure__organisation").order_by(
            "-annee", "dossier__numero"
        )
    ]


def beneficiaires_par_sexe(bilans: QuerySet[Bilan]) -> dict[int, tuple[int, int]]:
    """(femmes, hommes) per bilan, in one query."""
    sommes = (
        BeneficiairesBilan.objects.filter(bilan__in=bilans)
        .values("bilan")
        .annotate(f=Sum("femmes"), h=Sum("hommes"))
    )
    return {s["bilan"]: (s["f"] or 0, s["h"] or 0) for s in sommes}


def taches_des_bilans(utilisateur, d: Droits, contrat: Contrat) -> list[Tache]:
    """The tiles of "Mon espace" (registered in programmation.extensions)."""
    if not (
        permissions.depose_des_bilans(d)
        or permissions.valide_des_bilans(d)
        or permissions.lit_des_bilans_comme_financeur(d)
    ):
        return []
    services.bilans_attendus(contrat)
    url = reverse("suivi:bilans_du_contrat", args=[contrat.slug])
    taches = []
    if permissions.depose_des_bilans(d):
        a_deposer = permissions.bilans_a_deposer(d, contrat)
        prochaine = a_deposer.aggregate(d=Min("date_limite"))["d"]
        detail = f"Prochaine échéance : {prochaine:%d/%m/%Y}." if prochaine else ""
        taches.append(Tache("Bilans à déposer", a_deposer.count(), url, detail))
    if permissions.valide_des_bilans(d):
        taches.append(
            Tache(
                "Bilans à valider",
                permissions.bilans_a_valider(d, contrat).count(),
                url,
                "Bilans déposés : validez-les ou demandez des corrections.",
            )
        )
    if permissions.lit_des_bilans_comme_financeur(d):
        taches.append(
            Tache(
                "Bilans à lire",
                permissions.bilans_a_lire_comme_financeur(d, contrat).count(),
                url,
                "Bilans déposés ou validés des dossiers que vous financez.",
            )
        )
    return taches


def section_bilan(dossier: Dossier, d: Droits) -> SectionDuDossier | None:
    """The "Bilan" block of the dossier page (registered in programmation.extensions)."""
    if dossier.statut not in services.STATUTS_FINANCES:
        return None
    if not permissions.peut_lire_bilan_du_dossier(d, dossier):
        return None
    bilan = Bilan.objects.filter(dossier=dossier).first()
    if bilan is None:
        texte = (
            f"Bilan {dossier.appel.annee} attendu avant le "
            f"{services.echeance(dossier.appel.annee):%d/%m/%Y}."
        )
    else:
        texte = (
            f"Bilan {bilan.annee} : {bilan.get_statut_display()}, à déposer avant le "
            f"{bilan.date_limite:%d/%m/%Y}."
        )
    return SectionDuDossier(
        "Bilan de l'action", reverse("suivi:bilan_du_dossier", args=[dossier.pk]), texte
    )
