"""The evaluation referential in Chromium, as the pilote.

From "Mon espace" she opens the referential, defines the QPV's unemployment rate for
objective 3.2.2 (9,15 % in March 2015, 7,5 % due at the end of 2020), enters two
measures, reads the gap to the target on the indicator's page and in the referential,
then finds the indicator in the dashboard filtered on its pillar. axe-core finds no
serious violation in the indicator's page, the referential or the dashboard.

`live_server` flushes the database after each test: the test asks for `contrat_charge`.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import rendu_complet, se_connecter, violations_graves

pytestmark = pytest.mark.e2e

OBJECTIF = "3.2.2 Aider les demandeurs par un accompagnement personnalisé"
LIBELLE = "Taux de chômage du quartier prioritaire"


def _champ(page: Page, nom: str):
    """A field by the beginning of its label (DSFR adds the required mark and the hint)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(nom)}"))


def _mesurer(page: Page, jour: str, valeur: str) -> None:
    _champ(page, "Date de la mesure").fill(jour)
    _champ(page, "Valeur").fill(valeur)
    page.get_by_role("button", name="Enregistrer la mesure").click()
    expect(page.get_by_text(re.compile(r"La mesure du .* est enregistrée\."))).to_be_visible()


def test_pilote_defines_an_indicator_measures_it_and_finds_it_on_the_dashboard(
    page: Page, live_server, contrat_charge, axe_js
):
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, "pilote")
    page.goto(f"{live_server.url}/mon-espace/")
    tuile = page.locator(".tache", has_text="Référentiel d'évaluation")
    expect(tuile.locator(".nombre")).to_have_text("0")
    tuile.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Référentiel d'évaluation")

    page.get_by_role("link", name="Ajouter un indicateur").click()
    _champ(page, "Libellé").fill(LIBELLE)
    _champ(page, "Code").fill("chomage-qpv")
    _champ(page, "Unité").fill("%")
    _champ(page, "Objectif opérationnel mesuré").select_option(label=OBJECTIF)
    _champ(page, "Valeur de référence").fill("9,15")
    _champ(page, "Date de la valeur de référence").fill("2015-03-12")
    _champ(page, "Cible").fill("7,5")
    _champ(page, "Échéance de la cible").fill("2020-12-31")
    _champ(page, "Sens attendu").select_option(label="À réduire")
    _champ(page, "Source").fill("Pôle emploi")
    page.get_by_role("button", name="Créer l'indicateur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LIBELLE)
    expect(page.get_by_text(f"L'indicateur « {LIBELLE} » est créé.")).to_be_visible()

    _mesurer(page, "2017-12-31", "8,6")
    _mesurer(page, "2019-12-31", "8,1")
    expect(page.locator("#derniere-mesure")).to_have_text("8,1 %")
    expect(page.locator("#ecart-cible")).to_have_text("+0,6 %")
    expect(page.locator("#avancement")).to_have_text("64\u00a0%")
    expect(page.locator("#tableau-mesures tbody tr")).to_have_count(4)  # reference, 2, target
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves

    page.get_by_role("link", name="Référentiel d'évaluation").first.click()
    ligne = page.locator("#indicateur-chomage-qpv")
    expect(ligne.get_by_role("cell", name="8,1 % au 31/12/2019")).to_be_visible()
    expect(ligne.get_by_role("cell", name="+0,6 %")).to_be_visible()
    expect(ligne.locator(".fr-badge").last).to_have_text("En deçà de la cible")
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves

    pilier = contrat_charge.piliers.get(numero="3")
    page.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/tableau-de-bord/")
    page.get_by_label("Pilier", exact=True).select_option(
        label=f"Pilier {pilier.numero} · {pilier.intitule}"
    )
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"[?&]pilier={pilier.pk}(&|$)"))
    rendu_complet(page)
    indicateurs = page.get_by_role("table", name="Indicateurs au regard de leurs cibles (données)")
    rangee = indicateurs.locator("tbody tr")
    expect(rangee).to_have_count(1)
    expect(rangee.get_by_role("link", name=LIBELLE)).to_be_visible()
    expect(rangee).to_contain_text("+0,6 %")
    graves = violations_graves(page, axe_js)
    assert not graves, graves
