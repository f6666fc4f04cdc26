"""A meeting of the comité de pilotage technique in Chromium, from its preparation to its
published relevé de décisions.

The pilote prepares today's meeting, puts an engagement of Article 2 and a free item on
its agenda, sends the convocation (the member gets an e-mail with the invitation), records
it as held, the attendance (one member represented), a decision on the engagement, and
publishes the relevé, which opens as a PDF. axe-core finds no serious violation.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from gouvernance.models import Decision, Seance
from gouvernance.services import ajouter_membre
from tests.e2e.pages import rendu_complet, violations_graves

pytestmark = pytest.mark.e2e


def test_the_pilote_convenes_holds_and_publishes_a_copil_technique_meeting(
    nouvelle_session, live_server, contrat_charge, axe_js, mailoutbox, pilote, membre
):
    copil = contrat_charge.instances.get(code="copil-technique")
    ajouter_membre(
        instance=copil,
        acteur=pilote,
        date_debut=date(2015, 1, 1),
        utilisateur=membre,
        nom=membre.get_full_name(),
    )
    page = nouvelle_session("pilote")
    page.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/gouvernance/reunions/")
    page.get_by_role("link", name="Préparer une réunion").click()
    page.get_by_label("Instance").select_option(label=copil.nom)
    page.get_by_label("Titre").fill("COPIL technique de décembre")
    page.get_by_label("Date").fill(date.today().isoformat())
    page.get_by_label("Lieu (facultatif)").fill("Salle du conseil")
    page.get_by_role("button", name="Créer la séance").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("COPIL technique de décembre")
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves
    page.get_by_label("Dossier, bilan, engagement… à examiner").select_option(index=1)
    page.get_by_role("button", name="Ajouter à l'ordre du jour").click()
    page.get_by_label("Intitulé (facultatif pour un objet)").fill("Questions diverses")
    page.get_by_role("button", name="Ajouter à l'ordre du jour").click()
    expect(page.locator("#points > li")).to_have_count(2)

    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.get_by_text("Convocation envoyée à 1 destinataire.")).to_be_visible()
    assert mailoutbox[-1].attachments[0][0] == "invitation.ics"

    page.get_by_role("button", name="Enregistrer la séance comme tenue").click()
    expect(page.locator("#statut-seance")).to_contain_text("Tenue")
    page.get_by_label(f"Présence de {membre.get_full_name()}").select_option(label="Représenté")
    page.get_by_label(f"Représentant de {membre.get_full_name()}").fill("Mme Roux")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator("#decompte-presences")).to_contain_text("Représenté : 1")

    premier = page.locator("#points > li").first
    premier.get_by_label("Décision sur ce point").fill("Engagement tenu pour l'année")
    premier.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#points > li").first).to_contain_text("Engagement tenu pour l'année")
    page.get_by_role("button", name="Publier le relevé de décisions").click()
    expect(page.locator("#statut-seance")).to_contain_text("relevé de décisions publié le")

    seance = Seance.objects.get(titre="COPIL technique de décembre")
    assert seance.releve_publie_le is not None
    assert Decision.objects.get(seance=seance).decision_libelle == "Engagement tenu pour l'année"
    reponse = page.request.get(f"{live_server.url}/reunions/{seance.pk}/releve.pdf")
    assert reponse.status == 200 and reponse.body().startswith(b"%PDF")
