"""The evaluation pages through the test client: what the forms post, with and without
htmx, and what an arrêtée evaluation no longer offers."""

import pytest

from contrats.models import ObjectifOperationnel
from programmation.tests.outils import client_de, texte
from suivi.models import DecisionAction, Evaluation

pytestmark = pytest.mark.django_db


def _url(evaluation, suite: str = "") -> str:
    return f"/evaluations/{evaluation.pk}/{suite}"


def test_opening_with_a_year_outside_the_contract_says_so_and_opens_nothing(villiers, pilote):
    reponse = client_de(pilote).post(
        f"/contrats/{villiers.slug}/evaluations/ouvrir/",
        {"nature": "annuelle", "annee_debut": "2014", "annee_fin": ""},
    )
    assert reponse.status_code == 200
    assert "Choisissez une année du contrat (2015 à 2020)." in texte(reponse)
    assert not Evaluation.objects.exists()


def test_opening_leads_to_the_workspace(villiers, etat):
    reponse = client_de(etat).post(
        f"/contrats/{villiers.slug}/evaluations/ouvrir/",
        {"nature": "annuelle", "annee_debut": "2016", "annee_fin": ""},
    )
    evaluation = Evaluation.objects.get()
    assert reponse["Location"] == _url(evaluation)
    assert evaluation.periode == "2016"


def test_a_decision_without_javascript_comes_back_to_its_row_with_a_message(
    monde, evaluation, pilote
):
    client = client_de(pilote)
    reponse = client.post(
        _url(evaluation, f"decisions/{monde.b.pk}/"), {"decision": "arreter", "motif": ""}
    )
    assert reponse["Location"] == _url(evaluation) + f"#action-{monde.b.pk}"
    page = texte(client.get(reponse["Location"]))
    assert (
        "Rien n'a été enregistré : Indiquez le motif de la décision « Arrêter l'action »." in page
    )
    assert not DecisionAction.objects.exists()
    client.post(
        _url(evaluation, f"decisions/{monde.b.pk}/"),
        {"decision": "arreter", "motif": "Doublon avec le droit commun."},
    )
    assert DecisionAction.objects.get().decision == "arreter"


def test_a_decision_by_htmx_returns_the_row_alone(monde, evaluation, pilote):
    client = client_de(pilote)
    url = _url(evaluation, f"decisions/{monde.a.pk}/")
    refus = texte(client.post(url, {"decision": "reorienter"}, HTTP_HX_REQUEST="true"))
    assert refus.lstrip().startswith(f'<tr id="action-{monde.a.pk}">')
    assert "Indiquez le motif de la décision « Réorienter l'action »." in refus
    assert not DecisionAction.objects.exists()
    ligne = texte(
        client.post(url, {"decision": "reorienter", "motif": "Recentrer."}, HTTP_HX_REQUEST="true")
    )
    assert f"Décision sur le dossier {monde.a.numero} enregistrée." in ligne
    assert "<html" not in ligne


def test_findings_and_sections_posted_from_the_workspace(villiers, evaluation, pilote):
    client = client_de(pilote)
    objectif = ObjectifOperationnel.objects.get(domaine__pilier__contrat=villiers, numero="4.1.1")
    reponse = client.post(
        _url(evaluation, f"objectifs/{objectif.pk}/constat/"), {"texte": "Atteint."}
    )
    assert reponse["Location"] == _url(evaluation) + f"#objectif-{objectif.pk}"
    client.post(_url(evaluation, "sections/"), {"conclusions": "Poursuivre."})
    client.post(_url(evaluation, "sections/"), {"moyens_mobilises": "Stables."})
    lue = Evaluation.objects.get(pk=evaluation.pk)
    assert (lue.conclusions, lue.moyens_mobilises) == ("Poursuivre.", "Stables.")
    assert lue.constats.get().texte == "Atteint."


def test_an_arretee_evaluation_shows_its_text_and_no_form(monde, evaluation, pilote):
    client = client_de(pilote)
    client.post(_url(evaluation, "sections/"), {"conclusions": "Poursuivre l'essentiel."})
    client.post(_url(evaluation, "arreter/"))
    page = texte(client.get(_url(evaluation)))
    assert "Arrêtée" in page and "ne se modifient plus" in page
    assert "Poursuivre l'essentiel." in page
    assert "Enregistrer la décision" not in page and "Arrêter l'évaluation</button>" not in page
    refus = client.post(_url(evaluation, "sections/"), {"conclusions": "Autre."}, follow=True)
    assert "elle ne se modifie plus" in texte(refus)
    assert Evaluation.objects.get(pk=evaluation.pk).conclusions == "Poursuivre l'essentiel."
