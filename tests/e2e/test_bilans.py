"""The bilan in Chromium: the porteur files it, the pilote asks a correction, the porteur
corrects it, the pilote validates it, then the financeur pays the balance.

The funded dossier (advances paid) and the figures of the bilan are built through the
services (suivi/tests/outils.py); each person then acts through the pages.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from contrats.demo import MOT_DE_PASSE_DEMO
from programmation.models import Convention
from programmation.tests.outils import porteur_demo_du
from suivi.models import StatutBilan
from suivi.tests import outils
from tests.e2e.pages import PageConnexion
from tests.e2e.pages_programmation import PageConventionPaiements

pytestmark = pytest.mark.e2e


def _connecte(browser: Browser, base_url: str, identifiant: str) -> Page:
    page = browser.new_context(locale="fr-FR").new_page()
    page.set_default_timeout(10_000)
    connexion = PageConnexion(page, base_url)
    connexion.aller()
    connexion.se_connecter(identifiant, MOT_DE_PASSE_DEMO)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    return page


def test_bilan_filed_corrected_validated_then_the_balance_is_paid(
    browser: Browser, live_server, contrat_charge
):
    bilan = outils.bilan_attendu()
    dossier = bilan.dossier
    porteur_demo_du(dossier)
    outils.remplir(bilan)  # the figures, entered beforehand
    adresse = f"{live_server.url}/dossiers/{dossier.pk}/bilan/"

    porteur = _connecte(browser, live_server.url, "porteur")
    expect(porteur.locator(".tache", has_text="Bilans à déposer").locator(".nombre")).to_have_text(
        "1"
    )
    porteur.goto(adresse)
    porteur.get_by_role("link", name="Remplir le bilan").click()
    porteur.get_by_label("Ce qui a été réalisé").fill("Vingt ateliers de soutien scolaire.")
    porteur.get_by_role("button", name="Enregistrer le bilan").click()
    porteur.get_by_role("button", name="Déposer le bilan").click()
    expect(porteur.locator("#statut-bilan")).to_have_text("Déposé")

    pilote = _connecte(browser, live_server.url, "pilote")
    pilote.goto(adresse)
    expect(pilote.get_by_text("Vingt ateliers de soutien scolaire.")).to_be_visible()
    pilote.get_by_label("Motif").fill("Indiquez les résultats obtenus par les enfants.")
    pilote.get_by_role("button", name="Demander des corrections").click()
    expect(pilote.locator("#statut-bilan")).to_have_text("À corriger par le porteur")

    porteur.goto(adresse)
    expect(porteur.locator("#motif-bilan")).to_have_text(
        "Indiquez les résultats obtenus par les enfants."
    )
    porteur.get_by_role("link", name="Remplir le bilan").click()
    porteur.get_by_label("Résultats au regard des indicateurs de l'action").fill(
        "32 enfants sur 40 ont progressé d'un niveau."
    )
    porteur.get_by_role("button", name="Enregistrer le bilan").click()
    porteur.get_by_role("button", name="Déposer le bilan").click()
    expect(porteur.locator("#statut-bilan")).to_have_text("Déposé")

    pilote.goto(adresse)
    pilote.get_by_role("button", name="Valider le bilan").click()
    expect(pilote.locator("#statut-bilan")).to_have_text("Validé")
    assert outils.relire(bilan).statut == StatutBilan.VALIDE

    convention = Convention.objects.get(
        financement__dossier=dossier, financement__financeur__code="caf"
    )
    financeur = _connecte(browser, live_server.url, "financeur")
    financeur.goto(live_server.url + PageConventionPaiements.chemin_de(convention.pk))
    paiements = PageConventionPaiements(financeur, live_server.url)
    paiements.payer("Solde", "1750")
    expect(financeur.get_by_text("Le paiement est enregistré.")).to_be_visible()
    expect(paiements.solde_verse).to_be_visible()
