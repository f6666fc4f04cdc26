"""The second factor in Chromium, where it is required (DOUBLE_FACTEUR_OBLIGATOIRE): a
pilote logs in, is asked to activate it, reads the secret on the page, types the code his
app would show, keeps his recovery codes, logs out, then logs in again with a code.

The code is computed from the secret read on the page (RFC 6238, comptes.tests.outils).
Each page of the journey runs under the site's Content-Security-Policy (the `page`
fixture) and has no serious axe-core violation. `live_server` flushes the database after
the test, hence `contrat_charge`.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from comptes.tests.outils import (
    code_totp,
    limites_de_debit_remises_a_zero,  # noqa: F401
)
from contrats.demo import MOT_DE_PASSE_DEMO
from tests.e2e.pages import PageConnexion, rendu_complet, violations_graves

pytestmark = pytest.mark.e2e


def sans_violation(page: Page, axe_js) -> None:
    rendu_complet(page)
    assert violations_graves(page, axe_js) == [], page.url


def test_un_pilote_active_la_double_authentification_puis_se_connecte_avec_son_code(
    page: Page, live_server, contrat_charge, settings, axe_js
):
    settings.DOUBLE_FACTEUR_OBLIGATOIRE = True
    connexion = PageConnexion(page, live_server.url)
    principal = page.get_by_role("main")

    connexion.aller()
    expect(principal).to_contain_text(
        "La double authentification (application TOTP sur votre téléphone) est exigée des "
        "pilotes, des services de l'État et des financeurs."
    )
    connexion.se_connecter("pilote", MOT_DE_PASSE_DEMO)

    # Asked to activate it, with the reason; allauth first asks for the password again.
    expect(principal).to_contain_text(
        "La double authentification est exigée des pilotes, des services de l'État et des "
        "financeurs : activez-la pour accéder à votre espace"
    )
    expect(connexion.titre).to_have_text("Confirmer votre identité")
    principal.get_by_label("Mot de passe").fill(MOT_DE_PASSE_DEMO)
    principal.get_by_role("button", name="Confirmer", exact=True).click()

    expect(connexion.titre).to_have_text("Activer la double authentification")
    expect(principal.get_by_role("img", name=re.compile("Code QR"))).to_be_visible()
    sans_violation(page, axe_js)
    cle = principal.locator("#cle-totp").inner_text()
    principal.get_by_label("Code affiché par l'application").fill(code_totp(cle))
    principal.get_by_role("button", name="Activer", exact=True).click()

    expect(connexion.titre).to_have_text("Codes de secours")
    expect(principal).to_contain_text("La double authentification est activée")
    codes = principal.get_by_role("list", name="Codes de secours encore utilisables")
    expect(codes.get_by_role("listitem")).to_have_count(10)
    expect(codes.get_by_role("listitem").first).to_have_text(re.compile(r"^\d{8}$"))
    sans_violation(page, axe_js)
    connexion.se_deconnecter()

    connexion.aller()
    connexion.se_connecter("pilote", MOT_DE_PASSE_DEMO)
    expect(connexion.titre).to_have_text("Double authentification")
    expect(connexion.lien_se_connecter).to_be_visible()  # not logged in before the code
    sans_violation(page, axe_js)
    principal.get_by_label("Code de vérification").fill(code_totp(cle))
    principal.get_by_role("button", name="Se connecter", exact=True).click()

    expect(connexion.lien_compte("Camille Martin")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/mon-espace/")
