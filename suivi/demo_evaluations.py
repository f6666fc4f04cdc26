"""Demo evaluations, written through the services at their dates.

Article 3 §2.1 names an evaluation "à la fin de l'année 2015, avant la préparation de la
campagne de 2016": the 2015 yearly follow-up, written in July 2016 once its bilans are in
(due by 30 June), and arrêté. Article 3 §1.5 asks a mid-term evaluation in 2017: the
2015-2017 one, drafted in November 2017 and still being written (en cours). Each has
findings on the objectives most pursued, its sections, and decisions on most of the
evaluated actions, in line with their bilans: an attested non-réalisation is stopped, a
bilan sent back for corrections reoriented, a bilan still expected waits, the others
mostly pursued as their porteurs recommend.

An evaluation that already exists is left as it is: a second run creates nothing.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Habilitation, ObjectifOperationnel
from historique.horloge import rejouer_a
from programmation.demo import moment
from suivi.demo import pilote_pour
from suivi.models import Bilan, Evaluation, StatutBilan
from suivi.services import evaluations as services

Decision = Bilan.Recommandation
CONSTATS = (
    "Objectif en bonne voie : les actions se sont tenues comme prévu et touchent d'abord "
    "les habitants du quartier. À poursuivre.",
    "Objectif partiellement atteint : la fréquentation progresse, mais les adolescents "
    "restent peu touchés. Recentrer une partie des actions sur les 12-15 ans.",
    "Résultats encore difficiles à mesurer : plusieurs bilans restent à valider et les "
    "indicateurs du référentiel à renseigner par les porteurs.",
    "Objectif atteint ; le partenariat avec les bailleurs et le centre social gagnerait à "
    "être formalisé par une convention.",
    "Peu d'actions répondent à cet objectif : le lancer dans le prochain appel à projets "
    "comme priorité.",
)
REORIENTATIONS = (
    "Fréquentation en baisse : ouvrir l'action aux collégiens et aux familles.",
    "Part des habitants du quartier insuffisante : tenir les séances au centre social.",
    "Doublon avec une action de droit commun : la recentrer sur l'accompagnement individuel.",
)
MOTIF_CORRECTIONS = "Résultats non établis au regard des indicateurs : recentrer les objectifs."
MOTIF_NON_REALISATION = "Action non réalisée (attestation validée) : crédits redéployés."
MOTIF_ARRET_RECOMMANDE = "Le porteur ne reconduit pas l'action : ses crédits sont redéployés."
# One action its porteur would pursue in this many is reoriented all the same.
RYTHME = 6


@dataclass(frozen=True)
class EvaluationDemo:
    nature: str
    annee_debut: int
    annee_fin: int
    ouverte_le: date
    sections: dict[str, str]
    arretee_le: date | None = None
    constats: int = 5


SUIVI_2015 = EvaluationDemo(
    nature=Evaluation.Nature.ANNUELLE,
    annee_debut=2015,
    annee_fin=2015,
    ouverte_le=date(2016, 7, 4),
    arretee_le=date(2016, 7, 22),
    constats=4,
    sections={
        "themes_transversaux": (
            "La lutte contre les discriminations est la thématique la plus portée ; "
            "l'égalité femmes-hommes reste à inscrire dans les critères de l'appel 2016."
        ),
        "participation_habitants": (
            "Les actions touchent d'abord les habitants du quartier. Le conseil citoyen, "
            "installé en cours d'année, sera associé au comité technique dès 2016."
        ),
        "moyens_mobilises": (
            "Droit commun et crédits spécifiques se partagent l'effort financier ; le droit "
            "commun de la Ville et de la CAF porte les actions éducatives."
        ),
        "qualite_partenariat": (
            "Les groupes techniques se sont réunis ; la plupart des actions sont cofinancées. "
            "Les bailleurs sont à mobiliser davantage sur le cadre de vie."
        ),
        "conclusions": (
            "Plan d'actions transitoire confirmé pour 2016 (article 3, § 2.1) : poursuivre la "
            "plupart des actions, réorienter celles dont les résultats restent à établir. "
            "Proposition transmise au comité de pilotage politique."
        ),
    },
)
MI_PARCOURS_2017 = EvaluationDemo(
    nature=Evaluation.Nature.MI_PARCOURS,
    annee_debut=2015,
    annee_fin=2017,
    ouverte_le=date(2017, 11, 6),
    sections={
        "themes_transversaux": (
            "Les trois thématiques transversales sont présentes dans les actions ; la valeur "
            "jeunesse progresse depuis 2016."
        ),
        "participation_habitants": (
            "Près de quatre bénéficiaires sur cinq résident dans le quartier prioritaire ; le "
            "conseil citoyen a donné son avis sur la programmation 2017."
        ),
        "moyens_mobilises": (
            "Les montants accordés sont stables sur trois ans ; la part du droit commun se "
            "maintient autour de la moitié de l'accordé."
        ),
        "qualite_partenariat": (
            "Partenariat solide avec la CAF et l'État ; la Région et le Département restent "
            "à associer plus tôt à l'instruction."
        ),
    },
)
EVALUATIONS = (SUIVI_2015, MI_PARCOURS_2017)


def _pilote(contrat: Contrat) -> Utilisateur:
    """The contract's first pilote, else the État's delegate."""
    for role in (Role.PILOTE, Role.ETAT):
        h = (
            Habilitation.objects.filter(contrat=contrat, role=role)
            .select_related("utilisateur")
            .order_by("pk")
            .first()
        )
        if h:
            return h.utilisateur
    raise ValueError("Aucun pilote ne rédige les évaluations de démonstration.")


def decision_demo(bilan: Bilan, rang: int) -> tuple[str, str] | None:
    """The decision an evaluation takes in view of this bilan, or None (wait for it)."""
    if bilan.nature == Bilan.Nature.NON_REALISATION:
        return Decision.ARRETER, MOTIF_NON_REALISATION
    if bilan.statut == StatutBilan.ATTENDU:
        return None
    if bilan.statut == StatutBilan.A_CORRIGER:
        return Decision.REORIENTER, MOTIF_CORRECTIONS
    recommandation = bilan.recommandation or Decision.POURSUIVRE
    if recommandation == Decision.ARRETER:
        return Decision.ARRETER, MOTIF_ARRET_RECOMMANDE
    if recommandation == Decision.REORIENTER or rang % RYTHME == RYTHME - 1:
        return Decision.REORIENTER, REORIENTATIONS[rang % len(REORIENTATIONS)]
    return Decision.POURSUIVRE, ""


def _objectifs_les_plus_poursuivis(bilans, nombre: int) -> list[ObjectifOperationnel]:
    comptes = Counter(
        bilans.filter(dossier__objectifs_operationnels__isnull=False).values_list(
            "dossier__objectifs_operationnels", flat=True
        )
    )
    retenus = [pk for pk, _ in sorted(comptes.items(), key=lambda c: (-c[1], c[0]))[:nombre]]
    return list(
        ObjectifOperationnel.objects.filter(pk__in=retenus)
        .select_related("domaine__pilier")
        .order_by("pk")
    )


def _ecrire(contrat: Contrat, demo: EvaluationDemo, pilote: Utilisateur) -> int:
    """Open, write and decide, each step at its date; the number of rows created."""
    with rejouer_a(moment(demo.ouverte_le, 10)):
        evaluation = services.ouvrir_evaluation(
            contrat=contrat,
            nature=demo.nature,
            annee_debut=demo.annee_debut,
            annee_fin=demo.annee_fin,
            acteur=pilote,
            est_demo=True,
        )
    bilans = Bilan.objects.filter(
        dossier__appel__contrat=contrat,
        dossier__est_demo=True,
        annee__range=(demo.annee_debut, demo.annee_fin),
    )
    crees = 1
    jour = demo.ouverte_le + timedelta(days=3)
    for rang, objectif in enumerate(_objectifs_les_plus_poursuivis(bilans, demo.constats)):
        with rejouer_a(moment(jour, 14, rang * 5)):
            services.enregistrer_constat(
                evaluation=evaluation,
                objectif=objectif,
                texte=CONSTATS[rang % len(CONSTATS)],
                acteur=pilote,
            )
        crees += 1
    with rejouer_a(moment(jour + timedelta(days=4), 11)):
        services.enregistrer_sections(evaluation=evaluation, sections=demo.sections, acteur=pilote)
    crees += _decider(evaluation, bilans, jour + timedelta(days=7))
    if demo.arretee_le:
        with rejouer_a(moment(demo.arretee_le, 17)):
            services.arreter_evaluation(evaluation=evaluation, acteur=pilote)
    return crees


def _decider(evaluation: Evaluation, bilans, jour: date) -> int:
    decidees = 0
    ordonnes = bilans.select_related("dossier__appel__contrat", "dossier__structure")
    for rang, bilan in enumerate(ordonnes.order_by("annee", "dossier__numero")):
        choix = decision_demo(bilan, rang)
        if choix is None:
            continue
        decision, motif = choix
        with rejouer_a(moment(jour + timedelta(days=rang // 20), 9, rang % 60)):
            services.decider_sur_action(
                evaluation=evaluation,
                dossier=bilan.dossier,
                decision=decision,
                motif=motif,
                acteur=pilote_pour(bilan.dossier),
            )
        decidees += 1
    return decidees


def generer_demo_evaluations(contrat: Contrat) -> int:
    """Write the demo evaluations through the services; the number of rows created
    (evaluations, findings, decisions), 0 on a second run."""
    pilote = _pilote(contrat)
    crees = 0
    with transaction.atomic():
        for demo in EVALUATIONS:
            existe = Evaluation.objects.filter(
                contrat=contrat, nature=demo.nature, annee_fin=demo.annee_fin
            ).exists()
            a_evaluer = Bilan.objects.filter(
                dossier__appel__contrat=contrat,
                dossier__est_demo=True,
                annee__range=(demo.annee_debut, demo.annee_fin),
            ).exists()
            if not existe and a_evaluer:
                crees += _ecrire(contrat, demo, pilote)
    return crees
