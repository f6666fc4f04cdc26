"""The history of domain changes: what is recorded, how it is read back."""

import pytest
from django.contrib.auth.models import AnonymousUser

from comptes.models import Role
from contrats.models import Contrat
from contrats.services import attribuer_habilitation
from contrats.tests.factories import ContratFactory, UtilisateurFactory
from historique.models import Evenement
from historique.selectors import historique_de
from historique.services import differences, enregistrer_evenement


@pytest.fixture
def contrat(db) -> Contrat:
    return ContratFactory(titre="Contrat de ville de Test")


def test_event_stores_actor_object_action_changes_and_reason(contrat):
    acteur = UtilisateurFactory()
    evenement = enregistrer_evenement(
        acteur=acteur,
        objet=contrat,
        action="contrat.modification",
        changements={"titre": ["Ancien titre", "Contrat de ville de Test"]},
        motif="Coquille dans le titre",
    )
    evenement = Evenement.objects.get(pk=evenement.pk)
    assert evenement.acteur == acteur
    assert evenement.objet == contrat
    assert evenement.objet_libelle == "Contrat de ville de Test"
    assert evenement.action == "contrat.modification"
    assert evenement.changements == {"titre": ["Ancien titre", "Contrat de ville de Test"]}
    assert evenement.motif == "Coquille dans le titre"


def test_anonymous_actor_is_stored_as_no_actor(contrat):
    evenement = enregistrer_evenement(acteur=AnonymousUser(), objet=contrat, action="test")
    assert evenement.acteur is None


def test_event_without_changes_stores_an_empty_dict(contrat):
    evenement = enregistrer_evenement(acteur=None, objet=contrat, action="test")
    assert Evenement.objects.get(pk=evenement.pk).changements == {}


def test_history_of_an_object_is_newest_first_and_only_its_own(contrat):
    autre = ContratFactory()
    evenements = [
        enregistrer_evenement(acteur=None, objet=contrat, action=f"etape.{i}") for i in range(3)
    ]
    enregistrer_evenement(acteur=None, objet=autre, action="etape.autre")
    assert list(historique_de(contrat)) == evenements[::-1]


def test_history_reads_events_and_their_actors_in_one_query(contrat, django_assert_num_queries):
    for _ in range(3):
        enregistrer_evenement(acteur=UtilisateurFactory(), objet=contrat, action="test")
    historique = historique_de(contrat)
    with django_assert_num_queries(1):
        assert all(e.acteur.username for e in historique)


def test_differences_keep_only_changed_fields():
    avant = {"titre": "A", "date_fin": "2020-12-31", "objet": "inchangé"}
    apres = {"titre": "B", "date_fin": "2022-12-31", "objet": "inchangé"}
    assert differences(avant, apres) == {
        "titre": ["A", "B"],
        "date_fin": ["2020-12-31", "2022-12-31"],
    }


def test_differences_of_a_new_field_start_from_none():
    assert differences({}, {"motif": "ajout"}) == {"motif": [None, "ajout"]}


def test_differences_of_identical_states_are_empty():
    assert differences({"titre": "A"}, {"titre": "A"}) == {}


def test_habilitation_attribution_is_recorded_only_the_first_time(contrat):
    utilisateur, acteur = UtilisateurFactory(), UtilisateurFactory()
    premiere = attribuer_habilitation(
        utilisateur=utilisateur, contrat=contrat, role=Role.ETAT, acteur=acteur
    )
    seconde = attribuer_habilitation(
        utilisateur=utilisateur, contrat=contrat, role=Role.ETAT, acteur=acteur
    )
    assert seconde.pk == premiere.pk
    evenement = historique_de(premiere).get()
    assert (evenement.action, evenement.acteur) == ("habilitation.attribution", acteur)
    assert evenement.changements == {"rôle": "etat", "organisation": "", "instance": ""}
