"""Reads behind the evaluation pages and the "Décisions des évaluations" block of the
dossier page, prepared for templates.

The evaluated period's bilans are those of the funded dossiers of its years (a bilan's
year is its call's). Real beneficiaries and realised actions count the validated bilans,
as the referential's computed indicators do (suivi.selectors.referentiel); the porteurs'
recommendations and the partners they cite count the bilans handed in (deposited, sent
back for corrections or validated). Every read runs a fixed number of queries whatever
the number of objectives, dossiers and bilans: sums and counts are grouped in the database.

Who may see what is asked of suivi.permissions; nothing here looks at a role.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from contrats.models import AxeTransversal, Contrat, FicheAction, ObjectifOperationnel
from contrats.selectors import Droits, cle_numero
from historique.selectors import historique_de
from programmation.etats import STATUTS_PROGRAMMES
from programmation.extensions import SectionDuDossier
from programmation.models import Dossier, Financement, NatureCredit
from programmation.selectors.espace import Tache
from programmation.selectors.plan import format_pourcentage, pourcentage
from programmation.templatetags.montants import format_euros
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.etats import BADGES as BADGES_BILAN
from suivi.models import (
    BeneficiairesBilan,
    Bilan,
    ConstatObjectif,
    DecisionAction,
    Evaluation,
    StatutBilan,
)
from suivi.selectors.referentiel import SituationIndicateur, situation_des_indicateurs
from suivi.selectors.tableau_de_bord import Filtres, agreger, perimetre
from suivi.services.bilans import bilans_attendus
from suivi.services.evaluations import SECTIONS

Decision = Bilan.Recommandation
BILANS_REMIS = Q(statut__in=(StatutBilan.DEPOSE, StatutBilan.A_CORRIGER, StatutBilan.VALIDE))
VALIDES = Q(statut=StatutBilan.VALIDE)
BADGES = {
    Evaluation.Statut.EN_COURS: "fr-badge--info",
    Evaluation.Statut.ARRETEE: "fr-badge--success",
}
BADGES_DECISION = {
    Decision.POURSUIVRE: "fr-badge--success",
    Decision.REORIENTER: "fr-badge--warning",
    Decision.ARRETER: "fr-badge--error",
}


def evaluation_par_pk(pk: int) -> Evaluation:
    return get_object_or_404(Evaluation.objects.select_related("contrat"), pk=pk)


def objectif_du_contrat(contrat: Contrat, pk: int) -> ObjectifOperationnel:
    return get_object_or_404(
        ObjectifOperationnel.objects.select_related("domaine__pilier"),
        pk=pk,
        domaine__pilier__contrat=contrat,
    )


def dossier_du_contrat(contrat: Contrat, pk: int) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("appel__contrat", "structure__organisation"),
        pk=pk,
        appel__contrat=contrat,
    )


def url_evaluation(evaluation: Evaluation, ancre: str = "") -> str:
    url = reverse("suivi:evaluation", args=[evaluation.pk])
    return f"{url}#{ancre}" if ancre else url


def bilans_de_la_periode(evaluation: Evaluation) -> QuerySet[Bilan]:
    """The evaluated bilans, after creating those funded dossiers still lack."""
    return bilans_attendus(evaluation.contrat).filter(
        annee__range=(evaluation.annee_debut, evaluation.annee_fin)
    )


def _progression(renseignes: int, objectifs: int, decisions: int, actions: int) -> str:
    return (
        f"{renseignes} objectif{'s' if renseignes > 1 else ''} sur {objectifs} "
        f"renseigné{'s' if renseignes > 1 else ''}, {decisions} décision"
        f"{'s' if decisions > 1 else ''} sur {actions} action{'s' if actions > 1 else ''}"
    )


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class LigneEvaluation:
    pk: int
    nature: str
    periode: str
    statut: str
    badge: str
    progression: str
    cree_le: str
    arretee_le: str
    est_demo: bool


def evaluations_du_contrat(qui, contrat: Contrat) -> list[LigneEvaluation]:
    """The evaluations this person may read, latest period first, with their progress."""
    evaluations = list(
        permissions.evaluations_lisibles(qui, contrat).order_by("-annee_fin", "nature")
    )
    if not evaluations:
        return []
    objectifs = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).count()
    constats = _compte_par_evaluation(ConstatObjectif, evaluations)
    decisions = _compte_par_evaluation(DecisionAction, evaluations)
    bilans_bruts = bilans_attendus(contrat).values("annee").annotate(n=Count("pk")).order_by()
    par_annee = {ligne["annee"]: ligne["n"] for ligne in bilans_bruts}
    return [
        LigneEvaluation(
            pk=e.pk,
            nature=e.get_nature_display(),
            periode=e.periode,
            statut=e.get_statut_display(),
            badge=BADGES[e.statut],
            progression=_progression(
                constats[e.pk],
                objectifs,
                decisions[e.pk],
                sum(par_annee.get(a, 0) for a in range(e.annee_debut, e.annee_fin + 1)),
            ),
            cree_le=_date(e.cree_le),
            arretee_le=_date(e.arretee_le),
            est_demo=e.est_demo,
        )
        for e in evaluations
    ]


def _compte_par_evaluation(modele, evaluations: list[Evaluation]) -> Counter:
    lignes = (
        modele.objects.filter(evaluation__in=evaluations)
        .values("evaluation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({ligne["evaluation"]: ligne["n"] for ligne in lignes})


# ---------------------------------------------------------------- the workspace: objectives


@dataclass(frozen=True)
class Effectif:
    libelle: str
    nombre: int


@dataclass
class ChiffresBilans:
    """What the period's bilans say of a group of dossiers (see the module's docstring)."""

    bilans: int = 0
    par_statut: Counter = field(default_factory=Counter)
    realisees: int = 0
    non_realisees: int = 0
    femmes: int = 0
    hommes: int = 0
    residents_qpv: int = 0
    recommandations: Counter = field(default_factory=Counter)

    @property
    def beneficiaires(self) -> int:
        return self.femmes + self.hommes

    @property
    def part_qpv(self) -> str:
        return format_pourcentage(pourcentage(self.residents_qpv, self.beneficiaires))

    @property
    def statuts(self) -> list[Effectif]:
        return [Effectif(s.label, self.par_statut[s.value]) for s in StatutBilan]

    @property
    def recommandations_comptees(self) -> list[Effectif]:
        return [Effectif(r.label, self.recommandations[r.value]) for r in Decision]


@dataclass(frozen=True)
class ObjectifEvalue:
    pk: int
    numero: str
    intitule: str
    indicateurs: list[SituationIndicateur]
    bilans: ChiffresBilans
    constat: str


@dataclass(frozen=True)
class DomaineEvalue:
    numero: str
    intitule: str
    objectifs: list[ObjectifEvalue]


@dataclass(frozen=True)
class PilierEvalue:
    numero: str
    intitule: str
    domaines: list[DomaineEvalue]


def _chiffres_par_objectif(bilans: QuerySet[Bilan]) -> dict[int, ChiffresBilans]:
    """Per operational objective of the bilans' dossiers: two grouped queries."""
    chiffres: dict[int, ChiffresBilans] = defaultdict(ChiffresBilans)
    cle = "dossier__objectifs_operationnels"
    groupes = (
        bilans.filter(**{f"{cle}__isnull": False})
        .values(cle, "statut", "nature", "recommandation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in groupes:
        _compter(chiffres[g[cle]], g["statut"], g["nature"], g["recommandation"], g["n"])
    for g in (
        BeneficiairesBilan.objects.filter(
            bilan__in=bilans.filter(VALIDES, nature=Bilan.Nature.COMPLET),
            **{f"bilan__{cle}__isnull": False},
        )
        .values(f"bilan__{cle}")
        .annotate(f=Sum("femmes"), h=Sum("hommes"), q=Sum("residents_qpv"))
        .order_by()
    ):
        c = chiffres[g[f"bilan__{cle}"]]
        c.femmes, c.hommes, c.residents_qpv = g["f"] or 0, g["h"] or 0, g["q"] or 0
    return chiffres


def _compter(c: ChiffresBilans, statut: str, nature: str, recommandation: str, n: int) -> None:
    c.bilans += n
    c.par_statut[statut] += n
    if statut == StatutBilan.VALIDE:
        c.realisees += n if nature == Bilan.Nature.COMPLET else 0
        c.non_realisees += n if nature == Bilan.Nature.NON_REALISATION else 0
    if recommandation and statut != StatutBilan.ATTENDU:
        c.recommandations[recommandation] += n


def _indicateurs_par_objectif(evaluation: Evaluation) -> dict[int, list[SituationIndicateur]]:
    """The situation of every indicator up to the period's end, under each objective it
    measures: its own, or those its action of the plan pursues (one call, not one per
    objective, and one query for the actions' objectives)."""
    situations = situation_des_indicateurs(evaluation.contrat, annee_max=evaluation.annee_fin)
    actions = {s.indicateur.action_id for s in situations if s.indicateur.action_id}
    objectifs_des_actions: dict[int, set[int]] = defaultdict(set)
    for action, objectif in FicheAction.objects.filter(
        pk__in=actions, ligne__objectifs_operationnels__isnull=False
    ).values_list("pk", "ligne__objectifs_operationnels"):
        objectifs_des_actions[action].add(objectif)
    par_objectif: dict[int, list[SituationIndicateur]] = defaultdict(list)
    for s in situations:
        indicateur = s.indicateur
        cibles = (
            {indicateur.objectif_id}
            if indicateur.objectif_id
            else objectifs_des_actions[indicateur.action_id]
        )
        for objectif in cibles:
            par_objectif[objectif].append(s)
    return par_objectif


def _cadre(evaluation: Evaluation, bilans: QuerySet[Bilan]) -> tuple[list[PilierEvalue], int, int]:
    """Pillar → domain → objective, each objective with what the evaluation knows of it;
    and how many objectives there are and how many have findings."""
    objectifs = ObjectifOperationnel.objects.filter(
        domaine__pilier__contrat=evaluation.contrat
    ).select_related("domaine__pilier")
    constats = dict(
        ConstatObjectif.objects.filter(evaluation=evaluation).values_list("objectif_id", "texte")
    )
    chiffres = _chiffres_par_objectif(bilans)
    indicateurs = _indicateurs_par_objectif(evaluation)
    arbre: dict = defaultdict(lambda: defaultdict(list))
    for o in sorted(objectifs, key=lambda o: cle_numero(o.numero)):
        arbre[o.domaine.pilier][o.domaine].append(
            ObjectifEvalue(
                o.pk,
                o.numero,
                o.intitule,
                indicateurs.get(o.pk, []),
                chiffres.get(o.pk, ChiffresBilans()),
                constats.get(o.pk, ""),
            )
        )
    piliers = [
        PilierEvalue(
            pilier.numero,
            pilier.intitule,
            [
                DomaineEvalue(domaine.numero, domaine.intitule, liste)
                for domaine, liste in sorted(
                    domaines.items(), key=lambda d: cle_numero(d[0].numero)
                )
            ],
        )
        for pilier, domaines in sorted(arbre.items(), key=lambda p: cle_numero(p[0].numero))
    ]
    return piliers, len(objectifs), len(constats)


# ---------------------------------------------------------------- the workspace: sections


@dataclass(frozen=True)
class Chiffre:
    libelle: str
    valeur: str


@dataclass(frozen=True)
class SectionEvaluation:
    champ: str
    titre: str
    texte: str
    chiffres: list[Chiffre]


def _moyens(dossiers: QuerySet[Dossier]) -> tuple[list[Chiffre], dict]:
    """Granted and paid per nature, with the dashboard's definitions (its `agreger`)."""
    par_financement = agreger(dossiers, Filtres(), "financement")
    accorde: dict[str, Decimal] = defaultdict(Decimal)
    paye: dict[str, Decimal] = defaultdict(Decimal)
    for (_, nature), c in par_financement.items():
        accorde[nature] += c.accorde
        paye[nature] += c.paye
    total = sum(accorde.values(), Decimal(0))
    chiffres = [
        Chiffre(f"{nature.label} : accordé", format_euros(accorde[nature]))
        for nature in NatureCredit.financees()
    ]
    chiffres += [
        Chiffre(f"{nature.label} : payé", format_euros(paye[nature]))
        for nature in NatureCredit.financees()
    ]
    chiffres += [
        Chiffre(
            "Actions programmées (validées par le comité de pilotage)",
            str(dossiers.filter(statut__in=STATUTS_PROGRAMMES).count()),
        ),
        Chiffre("Total accordé", format_euros(total)),
        Chiffre(
            "Part du droit commun dans l'accordé",
            format_pourcentage(pourcentage(accorde[NatureCredit.DROIT_COMMUN], total)),
        ),
    ]
    return chiffres, par_financement


def _partenariat(bilans: QuerySet[Bilan], dossiers: QuerySet[Dossier], par_financement) -> list:
    financeurs = {f for (f, _), c in par_financement.items() if c.accorde > 0}
    cofinances = (
        Financement.objects.filter(dossier__in=dossiers, montant_accorde__gt=0)
        .values("dossier")
        .annotate(n=Count("financeur", distinct=True))
        .filter(n__gte=2)
        .count()
    )
    remis = bilans.filter(BILANS_REMIS).aggregate(
        n=Count("pk"), partenaires=Count("pk", filter=~Q(partenaires=""))
    )
    return [
        Chiffre("Financeurs ayant accordé des crédits", str(len(financeurs))),
        Chiffre("Actions programmées cofinancées (au moins deux financeurs)", str(cofinances)),
        Chiffre(
            "Bilans remis citant des partenaires mobilisés",
            f"{remis['partenaires']} sur {remis['n']}",
        ),
    ]


def _participation(bilans: QuerySet[Bilan]) -> list[Chiffre]:
    valides = bilans.filter(VALIDES, nature=Bilan.Nature.COMPLET)
    residents = BeneficiairesBilan.objects.filter(bilan=OuterRef("pk"), residents_qpv__gt=0)
    comptes = valides.aggregate(n=Count("pk"), avec_qpv=Count("pk", filter=Q(Exists(residents))))
    somme = BeneficiairesBilan.objects.filter(bilan__in=valides).aggregate(
        f=Sum("femmes"), h=Sum("hommes"), q=Sum("residents_qpv")
    )
    femmes, hommes, qpv = somme["f"] or 0, somme["h"] or 0, somme["q"] or 0
    return [
        Chiffre(
            "Bilans validés comptant des habitants du quartier prioritaire",
            f"{comptes['avec_qpv']} sur {comptes['n']}",
        ),
        Chiffre("Bénéficiaires réels (bilans validés)", str(femmes + hommes)),
        Chiffre("dont femmes", str(femmes)),
        Chiffre(
            "dont résidents du quartier prioritaire",
            f"{qpv} ({format_pourcentage(pourcentage(qpv, femmes + hommes))})",
        ),
    ]


def _thematiques(evaluation: Evaluation, bilans: QuerySet[Bilan]) -> list[Chiffre]:
    """How many evaluated actions declare each transversal theme."""
    axes = AxeTransversal.objects.filter(contrat=evaluation.contrat).order_by("numero")
    par_axe = dict(
        bilans.filter(dossier__axes__isnull=False)
        .values_list("dossier__axes")
        .annotate(n=Count("dossier", distinct=True))
        .order_by()
    )
    total = bilans.count()
    return [Chiffre(axe.intitule, _sur(par_axe.get(axe.pk, 0), total, "action")) for axe in axes]


def _sur(nombre: int, total: int, nom: str) -> str:
    return f"{nombre} {nom}{'s' if nombre > 1 else ''} sur {total}"


def _conclusions(actions: list["LigneAction"], objectifs: int, renseignes: int) -> list[Chiffre]:
    decisions = Counter(a.decision for a in actions)
    return [
        Chiffre("Objectifs renseignés", f"{renseignes} sur {objectifs}"),
        *(Chiffre(d.label, str(decisions[d.value])) for d in Decision),
        Chiffre("Actions sans décision", str(decisions[""])),
    ]


def _sections(
    evaluation: Evaluation,
    bilans: QuerySet[Bilan],
    actions: list["LigneAction"],
    objectifs: int,
    renseignes: int,
) -> list[SectionEvaluation]:
    dossiers = perimetre(evaluation.contrat, Filtres()).filter(
        appel__annee__range=(evaluation.annee_debut, evaluation.annee_fin)
    )
    moyens, par_financement = _moyens(dossiers)
    chiffres = {
        "themes_transversaux": _thematiques(evaluation, bilans),
        "participation_habitants": _participation(bilans),
        "moyens_mobilises": moyens,
        "qualite_partenariat": _partenariat(bilans, dossiers, par_financement),
        "conclusions": _conclusions(actions, objectifs, renseignes),
    }
    return [
        SectionEvaluation(
            champ,
            Evaluation._meta.get_field(champ).verbose_name.capitalize(),
            getattr(evaluation, champ),
            chiffres[champ],
        )
        for champ in SECTIONS
    ]


# ---------------------------------------------------------------- the workspace: actions


@dataclass(frozen=True)
class LigneAction:
    dossier_pk: int
    numero: str
    intitule: str
    structure: str
    annee: int
    statut_bilan: str
    badge_bilan: str
    # The bilan page, when this person may open it (no link that answers 403).
    url_bilan: str
    recommandation: str
    decision: str
    decision_libelle: str
    badge_decision: str
    motif: str
    decide: str  # "le 12/11/2017 par Camille Martin"
    peut_decider: bool
    # Why the pilotage member may not decide on it (a member of its structure).
    motif_deport: str


def lignes_actions(
    evaluation: Evaluation, d: Droits, modifiable: bool, dossier: Dossier | None = None
) -> list[LigneAction]:
    """The evaluated actions (dossiers with a bilan of the period), or only `dossier`'s."""
    bilans = bilans_de_la_periode(evaluation).select_related(
        "dossier__structure__organisation", "dossier__appel__contrat"
    )
    if dossier is not None:
        bilans = bilans.filter(dossier=dossier)
    bilans = list(bilans.order_by("annee", "dossier__numero"))
    lisibles = set(
        permissions.bilans_lisibles(d, evaluation.contrat)
        .filter(pk__in=[b.pk for b in bilans])
        .values_list("pk", flat=True)
    )
    decisions = {
        x.dossier_id: x
        for x in DecisionAction.objects.filter(
            evaluation=evaluation, dossier__in=[b.dossier_id for b in bilans]
        ).select_related("decide_par")
    }
    return [
        _ligne_action(b, decisions.get(b.dossier_id), b.pk in lisibles, d, modifiable)
        for b in bilans
    ]


def _ligne_action(
    bilan: Bilan, decision: DecisionAction | None, lisible: bool, d: Droits, modifiable: bool
) -> LigneAction:
    dossier = bilan.dossier
    return LigneAction(
        dossier_pk=dossier.pk,
        numero=dossier.numero,
        intitule=dossier.intitule,
        structure=dossier.structure.organisation.nom,
        annee=bilan.annee,
        statut_bilan=bilan.get_statut_display(),
        badge_bilan=BADGES_BILAN[bilan.statut],
        url_bilan=reverse("suivi:bilan_du_dossier", args=[dossier.pk]) if lisible else "",
        recommandation=bilan.get_recommandation_display() or "Non renseignée",
        decision=decision.decision if decision else "",
        decision_libelle=decision.get_decision_display() if decision else "",
        badge_decision=BADGES_DECISION[decision.decision] if decision else "",
        motif=decision.motif if decision else "",
        decide=f"le {_date(decision.decide_le)} par {decision.decide_par}" if decision else "",
        peut_decider=modifiable and permissions.peut_decider_sur_action(d, dossier),
        motif_deport=permissions.MOTIF_DEPORT_DECISION
        if modifiable and permissions.deporte_pour_decider(d, dossier)
        else "",
    )


# ---------------------------------------------------------------- the workspace


@dataclass(frozen=True)
class EntreeHistorique:
    date: str
    acteur: str
    libelle: str
    detail: str
    motif: str


def _historique(evaluation: Evaluation) -> list[EntreeHistorique]:
    entrees = []
    for e in historique_de(evaluation).order_by("-horodatage", "-pk"):
        c = e.changements
        detail = (
            f"objectif {c['objectif']}"
            if "objectif" in c
            else f"dossier {c['dossier']}"
            if "dossier" in c
            else ""
        )
        entrees.append(
            EntreeHistorique(
                timezone.localtime(e.horodatage).strftime("%d/%m/%Y à %H:%M"),
                str(e.acteur) if e.acteur else "Système",
                ActionSuivi(e.action).label,
                detail,
                e.motif,
            )
        )
    return entrees


@dataclass(frozen=True)
class FicheEvaluation:
    evaluation: Evaluation
    titre: str
    # "Actions financées en 2015", "Actions financées de 2015 à 2017".
    periode: str
    statut: str
    badge: str
    modifiable: bool
    progression: str
    piliers: list[PilierEvalue]
    sections: list[SectionEvaluation]
    actions: list[LigneAction]
    historique: list[EntreeHistorique]


def _actions_financees(evaluation: Evaluation) -> str:
    if evaluation.annee_debut == evaluation.annee_fin:
        return f"Actions financées en {evaluation.annee_fin}"
    return f"Actions financées de {evaluation.annee_debut} à {evaluation.annee_fin}"


def est_modifiable(evaluation: Evaluation, qui) -> bool:
    return evaluation.statut == Evaluation.Statut.EN_COURS and permissions.peut_rediger_evaluations(
        qui, evaluation.contrat
    )


def fiche_evaluation(evaluation: Evaluation, d: Droits) -> FicheEvaluation:
    """Everything the workspace shows, for the person described by `d`."""
    modifiable = est_modifiable(evaluation, d)
    bilans = bilans_de_la_periode(evaluation)
    piliers, objectifs, renseignes = _cadre(evaluation, bilans)
    actions = lignes_actions(evaluation, d, modifiable)
    decidees = sum(1 for a in actions if a.decision)
    return FicheEvaluation(
        evaluation=evaluation,
        titre=str(evaluation),
        periode=_actions_financees(evaluation),
        statut=evaluation.get_statut_display(),
        badge=BADGES[evaluation.statut],
        modifiable=modifiable,
        progression=_progression(renseignes, objectifs, decidees, len(actions)),
        piliers=piliers,
        sections=_sections(evaluation, bilans, actions, objectifs, renseignes),
        actions=actions,
        historique=_historique(evaluation),
    )


# ---------------------------------------------------------------- plugged into programmation


def taches_des_evaluations(utilisateur, d: Droits, contrat: Contrat) -> list[Tache]:
    """The "Mon espace" tile of the pilotage (registered in programmation.extensions)."""
    if not permissions.suit_les_evaluations(d):
        return []
    en_cours = Evaluation.objects.filter(contrat=contrat, statut=Evaluation.Statut.EN_COURS)
    return [
        Tache(
            "Évaluations en cours",
            en_cours.count(),
            reverse("suivi:evaluations", args=[contrat.slug]),
            "Suivis annuels et évaluations à rédiger, décider puis arrêter.",
        )
    ]


def decisions_anterieures(dossier: Dossier) -> QuerySet[DecisionAction]:
    """The evaluations' decisions on the former dossiers of the same action: the same
    action of the plan, or the same structure and title (case aside), taken by an
    evaluation whose period ended before this dossier's call."""
    meme_action = Q(
        dossier__structure=dossier.structure_id, dossier__intitule__iexact=dossier.intitule
    )
    if dossier.action_du_plan_id:
        meme_action |= Q(dossier__action_du_plan=dossier.action_du_plan_id)
    return (
        DecisionAction.objects.filter(
            meme_action,
            evaluation__contrat=dossier.appel.contrat_id,
            evaluation__annee_fin__lt=dossier.appel.annee,
        )
        .exclude(dossier=dossier)
        .select_related("evaluation", "dossier__appel")
        .order_by(
            "-evaluation__annee_fin",
            "evaluation__nature",
            "-dossier__appel__annee",
            "dossier__numero",
        )
    )


def _phrase_decision(decision: DecisionAction) -> str:
    evaluation = decision.evaluation
    en_cours = " (en cours de rédaction)" if evaluation.statut == Evaluation.Statut.EN_COURS else ""
    motif = f" Motif : {decision.motif}" if decision.motif else ""
    return (
        f"{evaluation}{en_cours}, dossier {decision.dossier.numero} "
        f"({decision.dossier.appel.annee}) : {decision.get_decision_display()}.{motif}"
    )


def section_decisions(dossier: Dossier, d: Droits) -> SectionDuDossier | None:
    """The "Décisions des évaluations" block of the dossier page, for its instructors
    (registered in programmation.extensions); nothing when no decision precedes it."""
    if not permissions.voit_les_decisions_d_evaluation(d, dossier):
        return None
    decisions = list(decisions_anterieures(dossier))
    if not decisions:
        return None
    return SectionDuDossier(
        "Décisions des évaluations",
        url_evaluation(decisions[0].evaluation, f"action-{decisions[0].dossier_id}"),
        _resume_des_decisions(decisions),
        tuple(_phrase_decision(x) for x in decisions),
    )


def _resume_des_decisions(decisions: list[DecisionAction]) -> str:
    if len(decisions) == 1:
        return "Une évaluation a statué sur la suite de cette action :"
    return f"Les évaluations ont pris {len(decisions)} décisions sur la suite de cette action :"
