"""Evaluations through their services: opened, written, decided on, closed; every refusal
changes nothing, every change leaves one history event on the evaluation."""

import pytest

from comptes.models import Role
from contrats.models import ObjectifOperationnel
from contrats.services import attribuer_habilitation
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from suivi.actions import ActionSuivi
from suivi.models import ConstatObjectif, DecisionAction, Evaluation
from suivi.services import evaluations as services

pytestmark = pytest.mark.django_db

Nature = Evaluation.Nature
REORIENTER = "reorienter"


@pytest.fixture
def objectif(villiers):
    return ObjectifOperationnel.objects.get(domaine__pilier__contrat=villiers, numero="4.1.1")


def actions(evaluation) -> list[str]:
    return [e.action for e in historique_de(evaluation).order_by("horodatage", "pk")]


def relire(evaluation) -> Evaluation:
    return Evaluation.objects.get(pk=evaluation.pk)


def nombre_d_evenements() -> int:
    return Evenement.objects.count()


# ---------------------------------------------------------------- opening


def test_pilote_opens_the_mid_term_evaluation_over_2015_2017_by_default(evaluation, pilote):
    assert (evaluation.annee_debut, evaluation.annee_fin) == (2015, 2017)
    assert evaluation.statut == Evaluation.Statut.EN_COURS
    assert str(evaluation) == "Évaluation à mi-parcours 2015-2017"
    [evenement] = historique_de(evaluation)
    assert evenement.action == ActionSuivi.EVALUATION_OUVERTURE
    assert evenement.acteur == pilote
    assert evenement.changements == {"nature": "mi_parcours", "periode": [2015, 2017]}


def test_state_opens_a_yearly_follow_up_of_one_chosen_year(villiers, etat):
    suivi = services.ouvrir_evaluation(
        contrat=villiers, nature=Nature.ANNUELLE, annee_fin=2016, acteur=etat
    )
    assert (suivi.annee_debut, suivi.annee_fin, suivi.periode) == (2016, 2016, "2016")


def test_the_final_evaluation_covers_every_year_of_the_contract(villiers, pilote):
    finale = services.ouvrir_evaluation(contrat=villiers, nature=Nature.FINALE, acteur=pilote)
    assert (finale.annee_debut, finale.annee_fin) == (2015, 2020)


@pytest.mark.parametrize(
    ("nature", "debut", "fin", "message"),
    [
        (Nature.MI_PARCOURS, 2014, 2017, "L'année 2014 n'est pas dans la période du contrat"),
        (Nature.FINALE, 2015, 2021, "L'année 2021 n'est pas dans la période du contrat"),
        (Nature.MI_PARCOURS, 2017, 2016, "La première année évaluée (2017) doit précéder"),
        (Nature.ANNUELLE, 2015, 2016, "Un suivi annuel porte sur une seule année."),
        ("semestrielle", None, None, "Choisissez la nature de l'évaluation."),
    ],
)
def test_a_bad_period_or_nature_opens_nothing(villiers, pilote, nature, debut, fin, message):
    avant = nombre_d_evenements()
    with pytest.raises(DonneesInvalides) as erreur:
        services.ouvrir_evaluation(
            contrat=villiers, nature=nature, annee_debut=debut, annee_fin=fin, acteur=pilote
        )
    assert message in erreur.value.message
    assert not Evaluation.objects.exists()
    assert nombre_d_evenements() == avant


def test_one_evaluation_per_nature_and_last_year(evaluation, villiers, etat):
    with pytest.raises(DonneesInvalides, match="Évaluation à mi-parcours 2017 existe déjà"):
        services.ouvrir_evaluation(
            contrat=villiers, nature=Nature.MI_PARCOURS, annee_debut=2016, acteur=etat
        )
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("role", ["financeur", "porteur", "membre"])
def test_only_the_pilotage_opens_an_evaluation(villiers, personne, role):
    with pytest.raises(DroitInsuffisant):
        services.ouvrir_evaluation(contrat=villiers, nature=Nature.ANNUELLE, acteur=personne(role))
    assert not Evaluation.objects.exists()


# ---------------------------------------------------------------- findings and sections


def test_a_finding_is_written_rewritten_then_erased_each_time_in_the_history(
    evaluation, objectif, pilote
):
    constat = services.enregistrer_constat(
        evaluation=evaluation, objectif=objectif, texte="  Objectif en bonne voie. ", acteur=pilote
    )
    assert constat.texte == "Objectif en bonne voie."
    services.enregistrer_constat(
        evaluation=evaluation, objectif=objectif, texte="Objectif atteint.", acteur=pilote
    )
    assert ConstatObjectif.objects.get(evaluation=evaluation).texte == "Objectif atteint."
    assert (
        services.enregistrer_constat(
            evaluation=evaluation, objectif=objectif, texte="Objectif atteint.", acteur=pilote
        ).texte
        == "Objectif atteint."
    )
    assert (
        services.enregistrer_constat(
            evaluation=evaluation, objectif=objectif, texte=" ", acteur=pilote
        )
        is None
    )
    assert not ConstatObjectif.objects.exists()
    assert actions(evaluation)[1:] == [
        ActionSuivi.EVALUATION_CONSTAT,
        ActionSuivi.EVALUATION_CONSTAT,
        ActionSuivi.EVALUATION_CONSTAT_EFFACE,
    ]
    dernier = historique_de(evaluation).order_by("-horodatage", "-pk").first()
    assert dernier.changements == {"objectif": "4.1.1", "texte": ["Objectif atteint.", ""]}


def test_an_empty_finding_on_a_blank_objective_is_refused(evaluation, objectif, pilote):
    with pytest.raises(DonneesInvalides, match=r"Écrivez le constat sur l.objectif 4\.1\.1"):
        services.enregistrer_constat(
            evaluation=evaluation, objectif=objectif, texte="", acteur=pilote
        )
    assert actions(evaluation) == [ActionSuivi.EVALUATION_OUVERTURE]


def test_a_financeur_writes_no_finding(evaluation, objectif, financeur):
    with pytest.raises(DroitInsuffisant):
        services.enregistrer_constat(
            evaluation=evaluation, objectif=objectif, texte="Atteint.", acteur=financeur
        )
    assert not ConstatObjectif.objects.exists()


def test_sections_posted_change_the_others_stay(evaluation, pilote):
    services.enregistrer_sections(
        evaluation=evaluation,
        sections={"moyens_mobilises": "Droit commun stable.", "conclusions": "Poursuivre."},
        acteur=pilote,
    )
    services.enregistrer_sections(
        evaluation=evaluation, sections={"conclusions": "Poursuivre et réorienter."}, acteur=pilote
    )
    services.enregistrer_sections(
        evaluation=evaluation, sections={"conclusions": "Poursuivre et réorienter."}, acteur=pilote
    )
    lue = relire(evaluation)
    assert lue.moyens_mobilises == "Droit commun stable."
    assert lue.conclusions == "Poursuivre et réorienter."
    assert actions(evaluation).count(ActionSuivi.EVALUATION_SECTIONS) == 2
    dernier = historique_de(evaluation).order_by("-horodatage", "-pk").first()
    assert dernier.changements == {"conclusions": ["Poursuivre.", "Poursuivre et réorienter."]}


def test_an_unknown_section_is_refused_and_nothing_written(evaluation, pilote):
    with pytest.raises(DonneesInvalides, match="Sections inconnues : budget"):
        services.enregistrer_sections(
            evaluation=evaluation,
            sections={"budget": "x", "conclusions": "Poursuivre."},
            acteur=pilote,
        )
    assert relire(evaluation).conclusions == ""


# ---------------------------------------------------------------- decisions


def test_pilote_reorients_an_evaluated_action_with_a_motif_then_changes_its_mind(
    monde, evaluation, pilote
):
    decision = services.decider_sur_action(
        evaluation=evaluation,
        dossier=monde.b,
        decision=REORIENTER,
        motif="Recentrer sur les collégiens.",
        acteur=pilote,
    )
    assert (decision.decision, decision.motif, decision.decide_par) == (
        REORIENTER,
        "Recentrer sur les collégiens.",
        pilote,
    )
    services.decider_sur_action(
        evaluation=evaluation, dossier=monde.b, decision="poursuivre", acteur=pilote
    )
    assert DecisionAction.objects.get().decision == "poursuivre"
    evenements = historique_de(evaluation).filter(action=ActionSuivi.EVALUATION_DECISION)
    assert [e.changements["decision"] for e in evenements.order_by("horodatage", "pk")] == [
        ["", REORIENTER],
        [REORIENTER, "poursuivre"],
    ]
    assert evenements.order_by("horodatage", "pk").first().motif == "Recentrer sur les collégiens."


@pytest.mark.parametrize(
    ("decision", "motif", "message"),
    [
        (REORIENTER, " ", "Indiquez le motif de la décision « Réorienter l'action »."),
        ("arreter", "", "Indiquez le motif de la décision « Arrêter l'action »."),
        ("suspendre", "Pause", "Choisissez de poursuivre, de réorienter ou d'arrêter l'action."),
    ],
)
def test_a_decision_without_its_motif_or_unknown_is_refused(
    monde, evaluation, pilote, decision, motif, message
):
    with pytest.raises(DonneesInvalides) as erreur:
        services.decider_sur_action(
            evaluation=evaluation, dossier=monde.a, decision=decision, motif=motif, acteur=pilote
        )
    assert erreur.value.message == message
    assert not DecisionAction.objects.exists()
    assert actions(evaluation) == [ActionSuivi.EVALUATION_OUVERTURE]


def test_an_action_outside_the_evaluated_period_gets_no_decision(monde, evaluation, pilote):
    with pytest.raises(DonneesInvalides, match="n'a pas de bilan sur la période 2015-2017"):
        services.decider_sur_action(
            evaluation=evaluation, dossier=monde.n, decision="poursuivre", acteur=pilote
        )
    assert not DecisionAction.objects.exists()


def test_a_pilote_member_of_the_structure_does_not_decide_on_its_action(
    monde, villiers, evaluation, pilote
):
    attribuer_habilitation(
        utilisateur=pilote,
        contrat=villiers,
        role=Role.PORTEUR,
        organisation=monde.a.structure.organisation,
    )
    with pytest.raises(DroitInsuffisant, match="vous vous déportez"):
        services.decider_sur_action(
            evaluation=evaluation, dossier=monde.a, decision="poursuivre", acteur=pilote
        )
    assert not DecisionAction.objects.exists()


def test_a_financeur_takes_no_decision(monde, evaluation, financeur):
    with pytest.raises(DroitInsuffisant):
        services.decider_sur_action(
            evaluation=evaluation, dossier=monde.a, decision="poursuivre", acteur=financeur
        )
    assert not DecisionAction.objects.exists()


# ---------------------------------------------------------------- closing


def test_an_evaluation_without_conclusions_is_not_closed(evaluation, pilote):
    with pytest.raises(DonneesInvalides, match="Rédigez les conclusions"):
        services.arreter_evaluation(evaluation=evaluation, acteur=pilote)
    lue = relire(evaluation)
    assert (lue.statut, lue.arretee_le) == (Evaluation.Statut.EN_COURS, None)


def test_once_closed_nothing_in_the_evaluation_changes(monde, evaluation, objectif, etat):
    services.enregistrer_sections(
        evaluation=evaluation, sections={"conclusions": "Poursuivre."}, acteur=etat
    )
    arretee = services.arreter_evaluation(evaluation=evaluation, acteur=etat)
    assert arretee.statut == Evaluation.Statut.ARRETEE and arretee.arretee_le is not None
    assert actions(evaluation)[-1] == ActionSuivi.EVALUATION_ARRET
    avant = nombre_d_evenements()
    ecritures = [
        lambda: services.enregistrer_constat(
            evaluation=evaluation, objectif=objectif, texte="Tard.", acteur=etat
        ),
        lambda: services.enregistrer_sections(
            evaluation=evaluation, sections={"conclusions": "Autre."}, acteur=etat
        ),
        lambda: services.decider_sur_action(
            evaluation=evaluation, dossier=monde.a, decision="poursuivre", acteur=etat
        ),
        lambda: services.arreter_evaluation(evaluation=evaluation, acteur=etat),
    ]
    for ecrire in ecritures:
        with pytest.raises(TransitionInterdite, match=r"est arrêtée le .* ne se modifie plus"):
            ecrire()
    assert relire(evaluation).conclusions == "Poursuivre."
    assert not ConstatObjectif.objects.exists() and not DecisionAction.objects.exists()
    assert nombre_d_evenements() == avant
