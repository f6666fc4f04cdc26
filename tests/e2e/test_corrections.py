"""Corrections in Chromium: compléments asked and brought, a payment cancelled, a déport.

Each person logs in through the login page and lands on "Mon espace"; the states the
journey starts from are built through the services (programmation.tests.outils).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from comptes.models import Role, Utilisateur
from contrats.demo import MOT_DE_PASSE_DEMO
from contrats.services import attribuer_habilitation
from historique.horloge import aujourdhui
from programmation.models import Dossier, Paiement, Statut
from programmation.services.paiements import enregistrer_paiement
from programmation.tests import outils
from tests.e2e.pages import PageConnexion

pytestmark = pytest.mark.e2e


def _connecte(browser: Browser, base_url: str, identifiant: str) -> Page:
    page = browser.new_context(locale="fr-FR").new_page()
    connexion = PageConnexion(page, base_url)
    connexion.aller()
    connexion.se_connecter(identifiant, MOT_DE_PASSE_DEMO)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    return page


def test_complements_are_asked_brought_and_compared(browser: Browser, live_server, contrat_charge):
    dossier = outils.dossier_depose()
    outils.porteur_demo_du(dossier)
    pilote = _connecte(browser, live_server.url, "pilote")
    pilote.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    pilote.get_by_role("link", name="Demander des compléments").click()
    pilote.get_by_label("Message au porteur").fill("Précisez le nombre de séances.")
    pilote.get_by_text("L'action (description, objectifs, dates, moyens humains)").click()
    pilote.get_by_label("À compléter avant le").fill(
        (aujourdhui() + timedelta(days=10)).isoformat()
    )
    pilote.get_by_role("button", name="Envoyer la demande au porteur").click()
    expect(pilote.get_by_text("Compléments demandés, à apporter avant le")).to_be_visible()

    porteur = _connecte(browser, live_server.url, "porteur")
    tuile = porteur.locator(".tache", has_text="Compléments demandés")
    expect(tuile.locator(".nombre")).to_have_text("1")
    porteur.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(porteur.locator(".fr-callout__text")).to_have_text("Précisez le nombre de séances.")
    expect(porteur.get_by_role("link", name="Modifier le budget")).to_have_count(0)
    porteur.get_by_role("link", name="Modifier l'action").click()
    porteur.get_by_label("Description de l'action").fill("Ateliers : 24 séances de deux heures")
    porteur.get_by_role("button", name="Enregistrer").click()
    porteur.get_by_role("button", name="Redéposer le dossier complété").click()
    expect(porteur.get_by_text("est désormais « Déposé »")).to_be_visible()
    porteur.get_by_role("link", name="Comparer les versions déposées").click()
    expect(porteur.locator("#resume-comparaison")).to_have_text(
        "1 champ(s) modifié(s) entre la version 1 et la version 2."
    )
    assert Dossier.objects.get(pk=dossier.pk).versions.count() == 2


def test_a_payment_recorded_by_mistake_is_cancelled(browser: Browser, live_server, contrat_charge):
    dossier = outils.dossier_conventionne()
    convention = outils.convention_de(dossier)
    enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.AVANCE,
        montant=Decimal("1500"),
        date=aujourdhui(),
        acteur=Utilisateur.objects.get(username="financeur"),
    )
    financeur = _connecte(browser, live_server.url, "financeur")
    financeur.goto(f"{live_server.url}/conventions/{convention.pk}/paiements/")
    financeur.get_by_role("link", name="Annuler ce paiement").click()
    financeur.get_by_label("Motif de l'annulation").fill("Saisi sur la mauvaise convention")
    financeur.get_by_role("button", name="Annuler ce paiement").click()
    expect(
        financeur.get_by_text("Le paiement est annulé par une contre-passation.")
    ).to_be_visible()
    expect(financeur.locator("#totaux-paiements")).to_contain_text("0,00")
    expect(financeur.get_by_text("Annulé", exact=True)).to_be_visible()
    assert convention.paiements.count() == 2


def test_a_financeur_who_belongs_to_the_structure_is_refused(
    browser: Browser, live_server, contrat_charge
):
    dossier = outils.dossier_en_instruction()
    agent = Utilisateur.objects.get(username="financeur")
    attribuer_habilitation(
        utilisateur=agent,
        contrat=dossier.appel.contrat,
        role=Role.PORTEUR,
        organisation=dossier.structure.organisation,
    )
    page = _connecte(browser, live_server.url, "financeur")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.locator("#deport")).to_contain_text("vous vous déportez")
    avis = outils.financement(dossier, "caf")
    reponse = page.goto(f"{live_server.url}/financements/{avis.pk}/avis/")
    assert reponse.status == 403
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.EN_INSTRUCTION
