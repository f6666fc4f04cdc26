"""Conventions pluriannuelles d'objectifs in Chromium: the pilote signs a three-year CPO for
a structure, its porteur attaches the year's dossier to it, the list shows that dossier.

The dossier is built through the services (programmation.tests.outils); the rest is done
on the screens, each person logged in through the login page.
"""

import re

import pytest
from playwright.sync_api import expect

from contrats.models import Organisation
from historique.horloge import aujourdhui
from programmation.models import ConventionPluriannuelle, Dossier
from programmation.tests import outils
from programmation.tests.factories import AppelFactory, DossierFactory
from tests.e2e.pages_programmation import champ

pytestmark = pytest.mark.e2e

# A call of Villiers 2015-2020 itself; the CPO covers 2016-2018.
ANNEE = 2017


def test_a_cpo_is_signed_then_carries_the_year_s_dossier(nouvelle_session, live_server, villiers):
    dossier = DossierFactory(complet=True, appel=AppelFactory(annee=ANNEE))
    outils.porteur_demo_du(dossier)
    structure = dossier.structure.organisation.nom
    liste = f"{live_server.url}/contrats/{villiers.slug}/programmation/conventions-pluriannuelles/"

    pilote = nouvelle_session("pilote")
    pilote.goto(f"{live_server.url}/contrats/{villiers.slug}/appels/{ANNEE}/dossiers/")
    pilote.get_by_role("link", name="Conventions pluriannuelles d'objectifs").click()
    expect(pilote.get_by_role("heading", level=1)).to_have_text(
        "Conventions pluriannuelles d'objectifs"
    )
    formulaire = pilote.get_by_role("main").locator("form")
    champ(formulaire, "Numéro de la convention").fill("CPO-2016-01")
    champ(formulaire, "Intitulé").fill("Accompagnement à la scolarité")
    champ(formulaire, "Structure porteuse").select_option(label=structure)
    champ(formulaire, "Financeur").select_option(label=Organisation.objects.get(code="caf").nom)
    champ(formulaire, "Première année").fill("2016")
    champ(formulaire, "Dernière année").fill("2018")
    champ(formulaire, "Montant annuel (€)").fill("10 000,00")
    champ(formulaire, "Signée le").fill(aujourdhui().isoformat())
    formulaire.get_by_role("button", name="Enregistrer la convention").click()
    expect(pilote.get_by_role("main").get_by_role("status")).to_contain_text(
        "La convention pluriannuelle d'objectifs CPO-2016-01 est enregistrée."
    )
    section = pilote.locator("section", has_text="Convention n° CPO-2016-01")
    expect(section).to_contain_text("2016-2018")
    expect(section).to_contain_text(structure)
    convention = ConventionPluriannuelle.objects.get(numero="CPO-2016-01")

    porteur = nouvelle_session("porteur")
    porteur.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    porteur.get_by_role("link", name="Choisir la convention pluriannuelle").click()
    champ(porteur.get_by_role("main"), "Convention pluriannuelle d'objectifs").select_option(
        value=str(convention.pk)
    )
    porteur.get_by_role("button", name="Enregistrer la convention du dossier").click()
    expect(porteur.get_by_role("main").get_by_role("status")).to_contain_text(
        f"Le dossier {dossier.numero} est rattaché à la convention CPO-2016-01."
    )
    expect(porteur.locator("#convention-pluriannuelle")).to_contain_text("CPO-2016-01")
    assert Dossier.objects.get(pk=dossier.pk).convention_pluriannuelle == convention

    pilote.goto(liste)
    tableau = pilote.get_by_role("table", name=re.compile("Dossiers portés par la convention"))
    ligne = tableau.get_by_role("row", name=re.compile(rf"^{ANNEE}"))
    expect(ligne).to_contain_text(dossier.numero)
    expect(ligne.get_by_role("link")).to_have_attribute("href", f"/dossiers/{dossier.pk}/")
