"""The evaluation workspace's figures on a small hand-built world (outils_evaluations),
the list's progress, the next call's "Décisions des évaluations" block and the tile."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptes.models import Role
from contrats.models import ObjectifOperationnel
from contrats.selectors import droits
from contrats.services import attribuer_habilitation
from programmation.models import Statut
from programmation.tests.factories import DossierFactory
from programmation.tests.outils import client_de, texte
from suivi.models import Evaluation, IndicateurResultat
from suivi.selectors import evaluations as selecteurs
from suivi.services import evaluations as services
from suivi.tests.outils_evaluations import finance

pytestmark = pytest.mark.django_db

Nature = Evaluation.Nature
ESPACE = "\u00a0"


def _objectif(fiche, numero: str):
    return next(
        o for p in fiche.piliers for d in p.domaines for o in d.objectifs if o.numero == numero
    )


def _section(fiche, champ: str) -> dict[str, str]:
    section = next(s for s in fiche.sections if s.champ == champ)
    return {c.libelle: c.valeur for c in section.chiffres}


# ---------------------------------------------------------------- the workspace


def test_the_objective_gathers_the_period_bilans_as_counted_by_hand(monde, evaluation, pilote):
    fiche = selecteurs.fiche_evaluation(evaluation, droits(pilote, evaluation.contrat))
    bilans = _objectif(fiche, "4.1.1").bilans
    assert bilans.bilans == 3
    assert {e.libelle: e.nombre for e in bilans.statuts} == {
        "Attendu": 1,
        "Déposé": 1,
        "À corriger par le porteur": 0,
        "Validé": 1,
    }
    # Only A's bilan is validated: its 22 people, 11 of them residents of the QPV.
    assert (bilans.realisees, bilans.non_realisees) == (1, 0)
    assert (bilans.femmes, bilans.hommes, bilans.residents_qpv) == (10, 12, 11)
    assert bilans.part_qpv == f"50,0{ESPACE}%"
    # C's bilan is still expected: two recommendations, A's and B's.
    assert {e.libelle: e.nombre for e in bilans.recommandations_comptees} == {
        "Poursuivre l'action": 1,
        "Réorienter l'action": 1,
        "Arrêter l'action": 0,
    }
    assert _objectif(fiche, "4.1.2").bilans.bilans == 0
    assert fiche.progression == "0 objectif sur 27 renseigné, 0 décision sur 3 actions"


def test_a_yearly_follow_up_counts_only_its_year(monde, villiers, pilote):
    suivi = services.ouvrir_evaluation(
        contrat=villiers, nature=Nature.ANNUELLE, annee_fin=2016, acteur=pilote
    )
    fiche = selecteurs.fiche_evaluation(suivi, droits(pilote, villiers))
    assert [a.numero for a in fiche.actions] == [monde.b.numero]
    assert _objectif(fiche, "4.1.1").bilans.bilans == 1


def test_the_objective_shows_its_indicators_and_those_of_the_actions_pursuing_it(
    monde, villiers, evaluation, pilote
):
    objectif = ObjectifOperationnel.objects.get(domaine__pilier__contrat=villiers, numero="4.1.1")
    IndicateurResultat.objects.create(
        contrat=villiers,
        objectif=objectif,
        code="beneficiaires-soutien",
        libelle="Enfants accompagnés",
        unite="personnes",
        valeur_reference=Decimal(0),
        valeur_cible=Decimal(100),
        date_cible="2020-12-31",
        sens=IndicateurResultat.Sens.HAUSSE,
        calcul=IndicateurResultat.Calcul.BENEFICIAIRES,
    )
    IndicateurResultat.objects.create(
        contrat=villiers,
        action=monde.fiche,
        code="actions-fiche",
        libelle="Actions réalisées de la fiche",
        unite="actions",
        valeur_cible=Decimal(3),
        date_cible="2020-12-31",
        sens=IndicateurResultat.Sens.HAUSSE,
        calcul=IndicateurResultat.Calcul.ACTIONS_REALISEES,
    )
    fiche = selecteurs.fiche_evaluation(evaluation, droits(pilote, villiers))
    [situation] = _objectif(fiche, "4.1.1").indicateurs
    assert (situation.derniere.valeur, situation.ecart_affiche) == (22, "-78 personnes")
    assert situation.avancement_affiche == f"22{ESPACE}%"
    numeros = set(monde.fiche.ligne.objectifs_operationnels.values_list("numero", flat=True))
    assert numeros
    for numero in numeros:
        assert "actions-fiche" in {s.indicateur.code for s in _objectif(fiche, numero).indicateurs}


def test_the_sections_figures_come_from_the_period_data(monde, evaluation, pilote):
    fiche = selecteurs.fiche_evaluation(evaluation, droits(pilote, evaluation.contrat))
    moyens = _section(fiche, "moyens_mobilises")
    # Three actions, each granted 3 500 € of droit commun (CAF) and 5 000 € of crédits
    # spécifiques (État), nothing paid yet.
    assert moyens["Droit commun : accordé"] == "10\u202f500,00\u00a0€"
    assert moyens["Crédits spécifiques politique de la ville : accordé"] == "15\u202f000,00\u00a0€"
    assert moyens["Total accordé"] == "25\u202f500,00\u00a0€"
    assert moyens["Droit commun : payé"] == "0,00\u00a0€"
    assert moyens["Part du droit commun dans l'accordé"] == f"41,2{ESPACE}%"
    assert moyens["Actions programmées (validées par le comité de pilotage)"] == "3"
    assert _section(fiche, "qualite_partenariat") == {
        "Financeurs ayant accordé des crédits": "2",
        "Actions programmées cofinancées (au moins deux financeurs)": "3",
        "Bilans remis citant des partenaires mobilisés": "2 sur 2",
    }
    assert _section(fiche, "participation_habitants") == {
        "Bilans validés comptant des habitants du quartier prioritaire": "1 sur 1",
        "Bénéficiaires réels (bilans validés)": "22",
        "dont femmes": "10",
        "dont résidents du quartier prioritaire": f"11 (50,0{ESPACE}%)",
    }
    assert _section(fiche, "themes_transversaux")[monde.axe.intitule] == "1 action sur 3"


def test_the_actions_table_shows_recommendation_and_decision(monde, evaluation, pilote):
    services.decider_sur_action(
        evaluation=evaluation,
        dossier=monde.b,
        decision="reorienter",
        motif="Recentrer.",
        acteur=pilote,
    )
    services.enregistrer_constat(
        evaluation=evaluation,
        objectif=ObjectifOperationnel.objects.get(
            domaine__pilier__contrat=evaluation.contrat, numero="4.1.1"
        ),
        texte="En bonne voie.",
        acteur=pilote,
    )
    fiche = selecteurs.fiche_evaluation(evaluation, droits(pilote, evaluation.contrat))
    lignes = {a.numero: a for a in fiche.actions}
    assert list(lignes) == [monde.a.numero, monde.b.numero, monde.c.numero]
    b = lignes[monde.b.numero]
    assert (b.recommandation, b.decision_libelle, b.motif) == (
        "Réorienter l'action",
        "Réorienter l'action",
        "Recentrer.",
    )
    assert b.peut_decider and b.url_bilan
    assert lignes[monde.c.numero].recommandation == "Non renseignée"
    assert _section(fiche, "conclusions") == {
        "Objectifs renseignés": "1 sur 27",
        "Poursuivre l'action": "0",
        "Réorienter l'action": "1",
        "Arrêter l'action": "0",
        "Actions sans décision": "2",
    }
    assert fiche.progression == "1 objectif sur 27 renseigné, 1 décision sur 3 actions"
    [ligne] = selecteurs.evaluations_du_contrat(pilote, evaluation.contrat)
    assert ligne.progression == fiche.progression


def test_a_financeur_reads_the_table_without_links_to_bilans_it_may_not_open(
    monde, evaluation, autre_financeur
):
    fiche = selecteurs.fiche_evaluation(evaluation, droits(autre_financeur, evaluation.contrat))
    assert not fiche.modifiable
    assert [a.url_bilan for a in fiche.actions] == ["", "", ""]
    assert not any(a.peut_decider for a in fiche.actions)


def test_the_workspace_reads_in_constant_queries(monde, evaluation, pilote):
    d = droits(pilote, evaluation.contrat)
    with CaptureQueriesContext(connection) as avant:
        selecteurs.fiche_evaluation(evaluation, d)
    finance(monde.appels[2017])
    selecteurs.fiche_evaluation(evaluation, d)  # creates the new dossier's expected bilan
    with CaptureQueriesContext(connection) as apres:
        fiche = selecteurs.fiche_evaluation(evaluation, d)
    assert len(fiche.actions) == 4
    assert len(apres) == len(avant) <= 30


# ---------------------------------------------------------------- the next call


@pytest.fixture
def decision_sur_a(monde, evaluation, pilote):
    return services.decider_sur_action(
        evaluation=evaluation,
        dossier=monde.a,
        decision="reorienter",
        motif="Ouvrir l'action aux collégiens.",
        acteur=pilote,
    )


@pytest.mark.parametrize("role", ["pilote", "etat", "financeur"])
def test_the_next_year_dossier_of_the_action_shows_the_decision_to_its_instructors(
    monde, decision_sur_a, personne, role
):
    section = selecteurs.section_decisions(monde.n, droits(personne(role), monde.n.appel.contrat))
    assert section.titre == "Décisions des évaluations"
    assert section.texte == "Une évaluation a statué sur la suite de cette action :"
    assert section.lignes == (
        f"Évaluation à mi-parcours 2015-2017 (en cours de rédaction), dossier {monde.a.numero} "
        "(2015) : Réorienter l'action. Motif : Ouvrir l'action aux collégiens.",
    )
    assert section.url.endswith(f"/evaluations/{decision_sur_a.evaluation_id}/#action-{monde.a.pk}")


@pytest.mark.parametrize("role", ["autre_financeur", "membre", "porteur"])
def test_those_who_do_not_instruct_it_see_no_decision(monde, decision_sur_a, personne, role):
    qui = personne(role)
    if role == "porteur":
        attribuer_habilitation(
            utilisateur=qui,
            contrat=monde.n.appel.contrat,
            role=Role.PORTEUR,
            organisation=monde.n.structure.organisation,
        )
    assert selecteurs.section_decisions(monde.n, droits(qui, monde.n.appel.contrat)) is None


def test_an_unrelated_or_same_year_dossier_shows_nothing(monde, decision_sur_a, pilote):
    d = droits(pilote, monde.u.appel.contrat)
    assert selecteurs.section_decisions(monde.u, d) is None
    meme_annee = DossierFactory(appel=monde.appels[2017], action_du_plan=monde.fiche)
    assert selecteurs.section_decisions(meme_annee, d) is None


def test_same_structure_and_title_case_aside_continue_an_action(monde, evaluation, pilote):
    services.decider_sur_action(
        evaluation=evaluation, dossier=monde.b, decision="poursuivre", acteur=pilote
    )
    suite = DossierFactory(
        appel=monde.appels[2018], structure=monde.b.structure, intitule=monde.b.intitule.upper()
    )
    section = selecteurs.section_decisions(suite, droits(pilote, evaluation.contrat))
    assert f"dossier {monde.b.numero} (2016) : Poursuivre l'action." in section.lignes[0]


def test_the_dossier_page_shows_the_block(monde, decision_sur_a, pilote):
    page = texte(client_de(pilote).get(f"/dossiers/{monde.n.pk}/"))
    assert "Décisions des évaluations" in page
    assert "Motif : Ouvrir l'action aux collégiens." in page
    assert monde.n.statut == Statut.DEPOSE


# ---------------------------------------------------------------- "Mon espace"


def test_mon_espace_counts_the_evaluations_being_written_for_the_pilotage(
    evaluation, villiers, pilote, financeur
):
    [tache] = selecteurs.taches_des_evaluations(pilote, droits(pilote, villiers), villiers)
    assert (tache.libelle, tache.nombre) == ("Évaluations en cours", 1)
    assert tache.url == f"/contrats/{villiers.slug}/evaluations/"
    assert selecteurs.taches_des_evaluations(financeur, droits(financeur, villiers), villiers) == []
    assert "Évaluations en cours" in texte(client_de(pilote).get("/mon-espace/"))
