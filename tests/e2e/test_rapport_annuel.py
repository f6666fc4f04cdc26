"""The rapport annuel in Chromium: the pilote creates the 2019 rapport, generates it and
watches its progress until the PDF and ODT links appear, submits it for avis, enters the
avis of the conseil citoyen (with réserves) and of the conseil municipal, adopts it with
the date of the délibération, generates the adopted version and publishes it; an
anonymous visitor then downloads the PDF from the public page and reads its sentence.

The queue is processed by the database worker of django-tasks, run from the test (its
`--batch` mode: every waiting task, then it stops) while the page keeps polling.
`live_server` flushes the database after each test: the test asks for `contrat_charge`.
"""

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from historique.horloge import aujourdhui
from suivi.tests.outils_rapports import actions_de_2019
from tests.e2e.pages import rendu_complet

pytestmark = pytest.mark.e2e
PHRASE = "En 2019, 2 actions ont été programmées."


def traiter_la_file() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def generer(page: Page) -> None:
    """Ask for a generation, see it wait, let the worker run, see the documents appear."""
    page.get_by_role("button", name="Générer le rapport").click()
    expect(page.locator("progress.progression-generation")).to_be_visible()
    expect(page.locator(".generation")).to_contain_text("En attente de traitement (0 %)")
    traiter_la_file()
    lien_pdf = page.get_by_role("link", name="Télécharger le PDF")
    expect(lien_pdf).to_be_visible(timeout=30_000)
    assert lien_pdf.get_attribute("href").endswith(".pdf")
    lien_odt = page.get_by_role("link", name="Télécharger l'ODT modifiable")
    assert lien_odt.get_attribute("href").endswith(".odt")
    expect(page.locator("progress.progression-generation")).to_have_count(0)


def saisir_avis(page: Page, nom: str, sens: str, texte: str) -> None:
    carte = page.locator(".avis-rapport", has_text=nom)
    # DSFR draws its own radio button: the label is what a person clicks.
    carte.locator("label.fr-label").get_by_text(sens, exact=True).click()
    expect(carte.get_by_label(sens, exact=True)).to_be_checked()
    if texte:
        carte.get_by_label("Texte de l'avis").fill(texte)
    carte.get_by_label("Reçu le").fill(aujourdhui().isoformat())
    carte.get_by_role("button", name=f"Enregistrer l'avis de « {nom} »").click()
    expect(page.get_by_text(f"L'avis « {nom} » est enregistré.")).to_be_visible()


def test_rapport_created_generated_consulted_adopted_published_then_downloaded(
    nouvelle_session, live_server, contrat_charge, medias, tmp_path: Path
):
    actions_de_2019()
    slug = contrat_charge.slug
    pilote = nouvelle_session("pilote")
    pilote.goto(f"{live_server.url}/contrats/{slug}/rapport-annuel/")
    rendu_complet(pilote)
    pilote.get_by_label("Année du rapport").select_option("2019")
    pilote.get_by_role("button", name="Créer le rapport").click()
    expect(pilote.get_by_role("heading", level=1)).to_have_text(
        "Rapport annuel 2019 sur la politique de la ville"
    )
    expect(pilote.locator("#statut-rapport")).to_have_text("Projet")
    expect(pilote.locator("#phrase-actions")).to_have_text(PHRASE)
    rendu_complet(pilote)

    generer(pilote)
    pilote.get_by_role("button", name="Soumettre pour avis").click()
    expect(pilote.locator("#statut-rapport")).to_have_text("Soumis pour avis")

    saisir_avis(
        pilote,
        "Conseil Citoyen",
        "Favorable avec réserves",
        "Associer les habitants au choix des actions.",
    )
    saisir_avis(pilote, "Conseil municipal de Villiers-sur-Marne", "Favorable", "")
    expect(pilote.get_by_text("0 avis attendu(s).")).to_be_visible()
    pilote.get_by_label("Date de la délibération").fill(aujourdhui().isoformat())
    pilote.get_by_label("Référence de la délibération").fill("DCM n° 2020-42")
    pilote.get_by_role("button", name="Adopter le rapport").click()
    expect(pilote.locator("#statut-rapport")).to_have_text("Adopté")

    generer(pilote)
    pilote.get_by_role("button", name="Publier le rapport").click()
    expect(pilote.locator("#statut-rapport")).to_have_text("Publié")
    rendu_complet(pilote)

    visiteur = nouvelle_session()
    visiteur.goto(f"{live_server.url}/contrats/{slug}/")
    visiteur.get_by_role("link", name="Rapports annuels").click()
    expect(visiteur.get_by_role("heading", level=2, name="Rapport 2019")).to_be_visible()
    expect(visiteur.get_by_text("Associer les habitants au choix des actions.")).to_be_visible()
    rendu_complet(visiteur)
    with visiteur.expect_download() as telechargement:
        visiteur.get_by_role("link", name="Télécharger le rapport 2019 (PDF)").click()
    chemin = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(chemin)

    assert chemin.name == f"rapport-annuel-2019-{slug}.pdf"
    texte = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(chemin), "-"], check=True, capture_output=True
    ).stdout.decode()
    assert PHRASE in texte and "DCM n° 2020-42" in texte
