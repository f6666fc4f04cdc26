"""A body's members in Chromium: the pilote opens the COPIL technique from the table of
meetings held, adds the CAF's delegate as co-animatrice, sees her among the members in
office, then ends her mandate; the public reads the page without its forms. axe-core finds
no serious violation on it.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

import pytest
from playwright.sync_api import expect

from gouvernance.models import MembreInstance
from tests.e2e.pages import rendu_complet, violations_graves

pytestmark = pytest.mark.e2e


def test_the_pilote_records_a_member_of_the_copil_technique_and_ends_her_mandate(
    nouvelle_session, live_server, contrat_charge, axe_js
):
    copil = contrat_charge.instances.get(code="copil-technique")
    equipe = nouvelle_session("pilote")
    equipe.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/gouvernance/frequences/")
    equipe.locator("#frequences").get_by_role("link", name=copil.nom).click()
    expect(equipe.get_by_role("heading", level=1)).to_have_text(copil.nom)
    rendu_complet(equipe)
    graves = violations_graves(equipe, axe_js)
    assert not graves, graves

    formulaire = equipe.locator("#ajout-membre")
    formulaire.get_by_label("Organisation représentée").select_option(
        label="La Caisse d’Allocations Familiales"
    )
    formulaire.get_by_label("Nom de la personne").fill("Julie Perrin")
    formulaire.get_by_label("Rôle dans l'instance").select_option(label="Co-animateur")
    formulaire.get_by_label("Début du mandat").fill("2016-01-04")
    formulaire.get_by_role("button", name="Ajouter à l'instance").click()

    expect(equipe.get_by_role("status")).to_have_text(
        f"Membre ajouté à l'instance « {copil.nom} »."
    )
    ligne = equipe.locator("#membres-en-fonction tr", has_text="Julie Perrin")
    expect(ligne).to_contain_text("Co-animateur")
    expect(ligne).to_contain_text("04/01/2016")

    public = nouvelle_session()
    public.goto(equipe.url)
    expect(public.locator("#membres-en-fonction")).to_contain_text("Julie Perrin")
    expect(public.locator("#ajout-membre")).to_have_count(0)

    ligne.get_by_label("Fin du mandat de Julie Perrin").fill("2018-06-30")
    ligne.get_by_role("button", name="Mettre fin au mandat").click()
    expect(equipe.get_by_role("status")).to_contain_text("prend fin le 30/06/2018")
    expect(equipe.locator("#liste-anciens-membres")).to_contain_text(
        "Julie Perrin (La Caisse d’Allocations Familiales) — Co-animateur, "
        "du 04/01/2016 au 30/06/2018"
    )
    membre = MembreInstance.objects.get(instance=copil, nom="Julie Perrin")
    assert (membre.role, str(membre.date_fin)) == ("co_animateur", "2018-06-30")
