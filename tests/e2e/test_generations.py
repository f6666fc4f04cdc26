"""A contract of the next generation in Chromium: the pilote of Villiers 2015-2020 creates
the 2024-2030 contract from it, lands on it, reads its generation on every page and the way
back to the contract it comes from. axe-core finds no serious violation on the pages.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

import pytest
from playwright.sync_api import expect

from contrats.models import Contrat
from tests.e2e.pages import rendu_complet, violations_graves

pytestmark = pytest.mark.e2e


def sans_violation(page, axe_js) -> None:
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves


def test_the_pilote_creates_the_2024_contract_from_the_2015_one(
    nouvelle_session, live_server, contrat_charge, axe_js
):
    pilote = nouvelle_session("pilote")
    pilote.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/")
    pilote.get_by_role("link", name="Créer le contrat de la génération suivante").click()

    formulaire = pilote.locator("#form-contrat-suivant")
    expect(formulaire.get_by_label("Génération du nouveau contrat")).to_have_value("2024-2030")
    expect(formulaire.get_by_label("Début")).to_have_value("2024-01-01")
    expect(formulaire.get_by_label("Fin")).to_have_value("2030-12-31")
    sans_violation(pilote, axe_js)
    formulaire.get_by_label("Fin").fill("2034-12-31")
    formulaire.get_by_role("button", name="Créer le contrat").click()
    expect(pilote.locator("#erreur-action")).to_contain_text("court de 2024 à 2030")
    assert not Contrat.objects.filter(generation="2024-2030").exists()

    pilote.locator("#form-contrat-suivant").get_by_label("Fin").fill("2030-12-31")
    pilote.locator("#form-contrat-suivant").get_by_role("button", name="Créer le contrat").click()

    expect(pilote.get_by_role("heading", level=1)).to_have_text(
        "Contrat de ville de Villiers-sur-Marne 2024-2030"
    )
    expect(pilote.locator("#generation-du-contrat")).to_contain_text(
        "Engagements Quartiers 2030 (2024-2030)"
    )
    expect(pilote.locator("#lignee")).to_contain_text("Clause de revoyure : 30/06/2027")
    sans_violation(pilote, axe_js)
    pilote.get_by_role("link", name="Cadre stratégique").first.click()
    expect(pilote.locator("main")).to_contain_text(
        "les priorités locales du contrat restent à fixer"
    )
    expect(pilote.locator("#generation-du-contrat")).to_contain_text("Engagements Quartiers 2030")
    pilote.get_by_role("link", name="Le contrat", exact=True).click()
    pilote.locator("#lignee").get_by_role("link").click()
    expect(pilote.locator("#lignee")).to_contain_text(
        "Génération suivante : Contrat de ville de Villiers-sur-Marne 2024-2030"
    )
