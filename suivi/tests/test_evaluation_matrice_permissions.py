"""Who gets what from every evaluation URL: one table, every role, every URL.

Each cell is what a person of that role gets (GET, or POST with an empty body for the
POST-only URLs), as in test_matrice_permissions_bilans.py: PAGE (200), REFUS (403),
CONNEXION (302 to the login page) or TRAITE (a POST the view handles: a redirection with
its message, or the opening form shown again with its errors). The evaluation is the
2015-2017 mid-term one, the dossier A's of the small world (its structure is the demo
porteur's); the CAF (demo financeur) funds it, the Région (another financeur) does not,
both read the evaluations. A test fails when an evaluation URL has no row.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from contrats.models import ObjectifOperationnel
from programmation.tests.outils import client_de, pilote_du, porteur_demo_du
from suivi import urls_evaluations
from suivi.models import Evaluation
from suivi.services.evaluations import ouvrir_evaluation
from suivi.tests.matrice import CONNEXION, PAGE, REFUS, TRAITE, constater, verifier_la_forme
from suivi.tests.outils_evaluations import construire_monde

pytestmark = pytest.mark.django_db

ROLES = (
    "anonyme",
    "pilote",
    "etat",
    "financeur",
    "autre_financeur",
    "porteur",
    "autre_porteur",
    "membre",
)
LECTEURS = {"pilote", "etat", "financeur", "autre_financeur"}
POST_SEULEMENT = frozenset(
    {
        "evaluation_ouvrir",
        "evaluation_constat",
        "evaluation_sections",
        "evaluation_decision",
        "evaluation_arreter",
    }
)

LECTURE = {
    "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
    "autre_financeur": PAGE, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
}  # fmt: skip
REDACTION = {
    "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
    "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
}  # fmt: skip
MATRICE = {
    # The pilotage and the financeurs habilitated on the contract, partners of the evaluation.
    "evaluations": LECTURE,
    "evaluation": LECTURE,
    # The pilotage (pilote and État) alone writes.
    "evaluation_ouvrir": REDACTION,
    "evaluation_constat": REDACTION,
    "evaluation_sections": REDACTION,
    "evaluation_decision": REDACTION,
    "evaluation_arreter": REDACTION,
}


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        monde = construire_monde()
        contrat = monde.a.appel.contrat
        evaluation = ouvrir_evaluation(
            contrat=contrat, nature=Evaluation.Nature.MI_PARCOURS, acteur=pilote_du(contrat)
        )
        yield monde, evaluation
        transaction.set_rollback(True)


def _cibles(monde, evaluation: Evaluation) -> dict[str, str]:
    slug = evaluation.contrat.slug
    objectif = ObjectifOperationnel.objects.get(
        domaine__pilier__contrat=evaluation.contrat, numero="4.1.1"
    )
    return {
        "evaluations": reverse("suivi:evaluations", args=[slug]),
        "evaluation_ouvrir": reverse("suivi:evaluation_ouvrir", args=[slug]),
        "evaluation": reverse("suivi:evaluation", args=[evaluation.pk]),
        "evaluation_constat": reverse(
            "suivi:evaluation_constat", args=[evaluation.pk, objectif.pk]
        ),
        "evaluation_sections": reverse("suivi:evaluation_sections", args=[evaluation.pk]),
        "evaluation_decision": reverse(
            "suivi:evaluation_decision", args=[evaluation.pk, monde.a.pk]
        ),
        "evaluation_arreter": reverse("suivi:evaluation_arreter", args=[evaluation.pk]),
    }


def test_the_matrix_has_a_row_for_every_evaluation_url_and_a_cell_for_every_role(monde):
    verifier_la_forme(MATRICE, urls_evaluations.urlpatterns, _cibles(*monde), ROLES, POST_SEULEMENT)


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_evaluation_url(monde, nom, role, personne):
    url = _cibles(*monde)[nom]
    utilisateur = porteur_demo_du(monde[0].a) if role == "porteur" else personne(role)
    client = client_de(utilisateur)
    post = nom in POST_SEULEMENT

    reponse = client.post(url, {}) if post else client.get(url)

    assert constater(reponse, post) == MATRICE[nom][role], (
        f"{role} sur {nom} : {reponse.status_code}"
    )
    corps = reponse.content.decode()
    assert "VARIABLE_INDEFINIE" not in corps
    if role not in LECTEURS:
        assert "mi-parcours 2015-2017" not in corps, f"{role} lit l'évaluation sur {nom}"


@pytest.mark.parametrize("nom", sorted(POST_SEULEMENT))
def test_post_only_evaluation_urls_refuse_get(monde, nom, pilote):
    assert client_de(pilote).get(_cibles(*monde)[nom]).status_code == 405


def test_an_empty_post_changes_nothing_in_the_evaluation(monde, pilote):
    _, evaluation = monde
    client = client_de(pilote)
    for nom in sorted(POST_SEULEMENT):
        client.post(_cibles(*monde)[nom], {})
    lue = Evaluation.objects.get(pk=evaluation.pk)
    assert Evaluation.objects.count() == 1
    assert (lue.statut, lue.conclusions) == (Evaluation.Statut.EN_COURS, "")
    assert not lue.constats.exists() and not lue.decisions.exists()
