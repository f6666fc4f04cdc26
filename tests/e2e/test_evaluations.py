"""The mid-term evaluation in Chromium, as the pilote.

She opens the 2015-2017 mid-term evaluation from the list, writes a finding on the
objective 4.1.1, decides to reorient an evaluated action with a motif (the row updates in
place, htmx), then finds the decision on the next year's dossier of that action.
axe-core finds no serious violation in the workspace.

The funded actions and their bilans are built through the services
(suivi/tests/outils_evaluations.py); `live_server` flushes the database after the test,
which asks for `contrat_charge`.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from suivi.models import ConstatObjectif, DecisionAction, Evaluation
from suivi.tests.outils_evaluations import construire_monde
from tests.e2e.pages import rendu_complet, se_connecter, violations_graves

pytestmark = pytest.mark.e2e

CONSTAT = "Objectif en bonne voie : les enfants du quartier sont accompagnés."
MOTIF = "Ouvrir l'action aux collégiens du quartier."


def test_pilote_opens_the_mid_term_evaluation_decides_and_the_next_call_sees_it(
    page: Page, live_server, contrat_charge, axe_js
):
    monde = construire_monde()
    action = monde.a
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, "pilote")
    expect(page.locator(".tache", has_text="Évaluations en cours").locator(".nombre")).to_have_text(
        "0"
    )

    page.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/evaluations/")
    page.get_by_label("Nature").select_option(label="Évaluation à mi-parcours")
    page.get_by_role("button", name="Ouvrir l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Évaluation à mi-parcours 2015-2017")
    expect(page.locator("#statut-evaluation")).to_have_text("En cours de rédaction")
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves

    page.get_by_role("button", name=re.compile(r"^4\.1\.1 ")).click()
    page.get_by_label("Constats sur l'objectif 4.1.1").fill(CONSTAT)
    page.get_by_role("button", name="Enregistrer le constat sur l'objectif 4.1.1").click()
    expect(page.get_by_text("Le constat sur l'objectif 4.1.1 est enregistré.")).to_be_visible()
    expect(page.locator("#progression")).to_contain_text("1 objectif sur 27 renseigné")

    ligne = page.locator(f"#action-{action.pk}")
    ligne.get_by_label(f"Décision sur le dossier {action.numero}").select_option(
        label="Réorienter l'action"
    )
    ligne.get_by_label(f"Motif pour le dossier {action.numero}").fill(MOTIF)
    ligne.get_by_role("button", name=f"Enregistrer la décision sur {action.numero}").click()
    expect(page.locator(f"#decision-{action.pk}")).to_have_text("Réorienter l'action")
    expect(page.locator(f"#motif-{action.pk}")).to_have_text(MOTIF)
    # The row came back alone (htmx): its own announcement, not the page's message.
    expect(ligne.get_by_role("status")).to_have_text(
        f"Décision sur le dossier {action.numero} enregistrée."
    )

    evaluation = Evaluation.objects.get()
    assert ConstatObjectif.objects.get(evaluation=evaluation).texte == CONSTAT
    decision = DecisionAction.objects.get(evaluation=evaluation)
    assert (decision.dossier_id, decision.decision, decision.motif) == (
        action.pk,
        "reorienter",
        MOTIF,
    )

    page.goto(f"{live_server.url}/dossiers/{monde.n.pk}/")
    bloc = page.get_by_role("region", name="Décisions des évaluations")
    expect(bloc).to_contain_text(
        f"Évaluation à mi-parcours 2015-2017 (en cours de rédaction), dossier {action.numero} "
        f"(2015) : Réorienter l'action. Motif : {MOTIF}"
    )
    bloc.get_by_role("link").click()
    expect(page.locator(f"#decision-{action.pk}")).to_have_text("Réorienter l'action")
