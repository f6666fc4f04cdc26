"""The conseil citoyen's avis on a year's programming in Chromium.

The pilote sends the call's proposed programming to the conseil citoyen from the avis
page; a membre of the conseil, in his own browser, finds the avis to give in "Mon
espace", gives a favourable avis with réserves; the page then shows it, to the public
too, and the plan d'actions annexes it. The conseil citoyen's public page lists its
colleges. axe-core finds no serious violation on these pages.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from comptes.models import Role
from contrats.demo import MOT_DE_PASSE_DEMO
from contrats.models import Instance
from contrats.services import attribuer_habilitation
from contrats.tests.factories import UtilisateurFactory
from gouvernance.conseil_citoyen import inscrire_au_conseil
from gouvernance.models import MembreInstance
from programmation.models import AvisProgrammation
from programmation.tests import outils
from programmation.tests.factories import AppelFactory
from tests.e2e.pages import rendu_complet, violations_graves

pytestmark = pytest.mark.e2e

RESERVES = (
    "Avis favorable. Le conseil demande que les jeunes de 16 à 25 ans du quartier soient "
    "mieux servis l'an prochain."
)


def test_the_pilote_consults_the_conseil_citoyen_whose_membre_gives_a_favourable_avis_with_reserves(
    nouvelle_session, live_server, contrat_charge, axe_js, pilote
):
    appel = AppelFactory()
    outils.dossier_propose(appel)
    conseil = contrat_charge.instances.get(nature=Instance.Nature.CONSEIL_CITOYEN)
    habitant = UtilisateurFactory(username="lina-haddad", first_name="Lina", last_name="Haddad")
    habitant.set_password(MOT_DE_PASSE_DEMO)
    habitant.save()
    attribuer_habilitation(
        utilisateur=habitant, contrat=contrat_charge, role=Role.MEMBRE, instance=conseil
    )
    inscrire_au_conseil(
        instance=conseil,
        acteur=pilote,
        college=MembreInstance.College.HABITANTS,
        date_debut=date(2015, 4, 9),
        nom="Lina Haddad",
        sexe=MembreInstance.Sexe.FEMME,
        tire_au_sort=True,
    )
    adresse = (
        f"{live_server.url}/contrats/{contrat_charge.slug}/appels/{appel.annee}/"
        "avis-conseil-citoyen/"
    )

    equipe = nouvelle_session("pilote")
    equipe.goto(adresse)
    expect(equipe.get_by_role("heading", level=1)).to_have_text(
        f"Avis du conseil citoyen sur la programmation {appel.annee}"
    )
    expect(equipe.locator("#etat-avis")).to_contain_text("pas encore été consulté")
    rendu_complet(equipe)
    graves = violations_graves(equipe, axe_js)
    assert not graves, graves
    equipe.get_by_role("button", name="Transmettre la programmation au conseil citoyen").click()
    avis = AvisProgrammation.objects.get(appel=appel)
    echeance = f"{avis.echeance:%d/%m/%Y}"
    expect(equipe.get_by_role("status")).to_contain_text(
        f"son avis est attendu au plus tard le {echeance}"
    )
    expect(equipe.locator("#etat-avis")).to_have_text(f"Attendu jusqu'au {echeance}")

    membre = nouvelle_session("lina-haddad")
    membre.goto(f"{live_server.url}/mon-espace/")
    membre.get_by_role("link", name=f"Avis à rendre sur la programmation {appel.annee}").click()
    expect(membre.locator("#echeance-avis")).to_have_text(echeance)
    rendu_complet(membre)
    graves = violations_graves(membre, axe_js)
    assert not graves, graves
    membre.get_by_label("Sens de l'avis").select_option(label="Favorable avec réserves")
    membre.get_by_label("Texte de l'avis").fill(RESERVES)
    membre.get_by_role("button", name="Enregistrer l'avis").click()

    expect(membre.get_by_role("status")).to_have_text(
        f"Avis du conseil citoyen sur la programmation {appel.annee} enregistré."
    )
    expect(membre.locator("#etat-avis")).to_have_text("Favorable avec réserves")
    expect(membre.locator("#texte-avis")).to_have_text(RESERVES)
    expect(membre.locator("#form-avis")).to_have_count(0)
    avis.refresh_from_db()
    assert (avis.sens, avis.saisi_par) == (AvisProgrammation.Sens.RESERVES, habitant)

    public = nouvelle_session()
    public.goto(adresse)
    expect(public.locator("#etat-avis")).to_have_text("Favorable avec réserves")
    expect(public.locator("#texte-avis")).to_have_text(RESERVES)
    public.get_by_role("link", name=f"plan d'actions {appel.annee}").click()
    expect(public.locator("#annexe-avis-conseil-citoyen")).to_contain_text(RESERVES)
    adresse_conseil = (
        f"{live_server.url}/contrats/{contrat_charge.slug}/gouvernance/conseil-citoyen/"
    )
    public.goto(adresse_conseil)
    # The public reads the college without its members' names (RGPD).
    expect(public.locator("#college-habitants")).not_to_contain_text("Lina Haddad")
    expect(public.locator("#alertes-conseil")).to_contain_text(
        "Le collège des acteurs locaux est vide."
    )
    rendu_complet(public)
    graves = violations_graves(public, axe_js)
    assert not graves, graves

    # The pilote completes the acteurs locaux' college from the same page.
    equipe.goto(adresse_conseil)
    rendu_complet(equipe)
    graves = violations_graves(equipe, axe_js)
    assert not graves, graves
    formulaire = equipe.locator("#ajout-membre")
    formulaire.get_by_label("Collège", exact=True).select_option(label="Collège des acteurs locaux")
    formulaire.get_by_label("Association ou acteur local").fill("Amicale des locataires")
    formulaire.get_by_label("Début du mandat").fill("2015-04-09")
    formulaire.get_by_role("button", name="Ajouter au conseil citoyen").click()
    expect(equipe.get_by_role("status")).to_have_text("Membre ajouté au conseil citoyen.")
    expect(equipe.locator("#college-acteurs-locaux")).to_contain_text("Amicale des locataires")
    expect(equipe.locator("#alertes-conseil")).to_contain_text("Les deux collèges sont pourvus")
