"""Journeys through the public site and the accounts, in Chromium.

`live_server` flushes the database after each test: every test asks for
`contrat_charge` so the Villiers contract and the demo accounts are there.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from comptes.models import Role
from contrats.demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO
from contrats.models import FicheAction, ObjectifOperationnel
from tests.e2e.pages import (
    PageAccueil,
    PageAdmin,
    PageBase,
    PageConnexion,
    PageMonCompte,
)

pytestmark = pytest.mark.e2e

COMPTES = {compte.identifiant: compte for compte in COMPTES_DEMO}


def test_newcomer_goes_from_home_to_objective_4_4_2_then_plan_filtered_then_diagnostic(
    page: Page, live_server, contrat_charge
):
    accueil = PageAccueil(page, live_server.url)
    accueil.aller()

    apercu = accueil.ouvrir_contrat(contrat_charge.titre)
    expect(apercu.titre).to_have_text(contrat_charge.titre)

    cadre = apercu.ouvrir_cadre_strategique()
    expect(cadre.titre).to_have_text("Cadre stratégique")

    objectif = cadre.ouvrir_objectif("4.4.2")
    expect(objectif.titre).to_have_text("Soutenir les victimes")
    expect(objectif.badge).to_have_text("Objectif opérationnel 4.4.2")

    plan = objectif.ouvrir_plan()
    expect(plan.titre).to_have_text("Plan d'actions")
    plan.filtrer_par_pilier("4. Cohésion sociale")

    attendu = FicheAction.objects.filter(
        ligne__pilier__numero="4", ligne__contrat__slug=contrat_charge.slug
    ).count()
    assert 0 < attendu < FicheAction.objects.filter(ligne__contrat=contrat_charge).count()
    expect(page).to_have_url(re.compile(r"[?&]pilier=4(&|$)"))
    expect(plan.choix_pilier).to_have_value("4")
    expect(plan.nombre_d_actions(attendu)).to_be_visible()

    diagnostic = plan.ouvrir_diagnostic()
    expect(diagnostic.titre).to_have_text("Diagnostic territorial")
    expect(diagnostic.tableau("Démographie")).to_be_visible()
    expect(diagnostic.cellule("Démographie", "27222")).to_be_visible()
    expect(diagnostic.cellule("Démographie", "6250")).to_be_visible()


@pytest.mark.parametrize("identifiant", list(COMPTES))
def test_demo_account_logs_in_and_out(page: Page, live_server, contrat_charge, identifiant):
    compte = COMPTES[identifiant]
    nom_affiche = f"{compte.prenom} {compte.nom}"
    accueil = PageAccueil(page, live_server.url)
    accueil.aller()

    connexion = accueil.aller_a_la_connexion()
    expect(connexion.titre).to_have_text("Se connecter")
    connexion.se_connecter(identifiant, MOT_DE_PASSE_DEMO)

    # After login, each person lands on their workspace, whatever their roles.
    expect(accueil.titre).to_have_text("Mon espace")
    expect(page.get_by_role("heading", name=contrat_charge.titre)).to_be_visible()
    expect(accueil.lien_compte(nom_affiche)).to_be_visible()
    expect(accueil.lien_se_connecter).to_have_count(0)

    accueil.lien_compte(nom_affiche).click()
    mon_compte = PageMonCompte(page, live_server.url)
    expect(mon_compte.titre).to_have_text(f"Bonjour {nom_affiche}")
    expect(mon_compte.roles).to_have_count(1)
    expect(mon_compte.roles).to_contain_text(Role(compte.role).label)
    expect(mon_compte.roles).to_contain_text(contrat_charge.titre)

    mon_compte.se_deconnecter()
    expect(mon_compte.lien_se_connecter).to_be_visible()
    expect(mon_compte.lien_compte(nom_affiche)).to_have_count(0)
    expect(mon_compte.bouton_se_deconnecter).to_have_count(0)


def test_wrong_password_shows_french_error(page: Page, live_server, contrat_charge):
    connexion = PageConnexion(page, live_server.url)
    connexion.aller()
    connexion.se_connecter("pilote", "pas-le-bon-mot-de-passe")

    expect(connexion.erreur).to_contain_text("Identifiant ou mot de passe incorrect")
    expect(connexion.titre).to_have_text("Se connecter")
    expect(connexion.lien_se_connecter).to_be_visible()
    expect(connexion.bouton_se_deconnecter).to_have_count(0)

    # The session holds no user: the account page sends back to the login form.
    PageMonCompte(page, live_server.url).aller()
    expect(page).to_have_url(re.compile(r"/comptes/connexion/\?next="))


@pytest.mark.parametrize("depuis", ["entete", "accueil"])
def test_search_box_finds_objective(page: Page, live_server, contrat_charge, depuis):
    objectif = ObjectifOperationnel.objects.get(
        numero="4.4.4", domaine__pilier__contrat=contrat_charge
    )
    titre_resultat = f"{objectif.numero} {objectif.intitule}"
    accueil = PageAccueil(page, live_server.url)
    accueil.aller()

    if depuis == "entete":
        recherche = accueil.rechercher_depuis_l_entete("laïcité")
    else:
        recherche = accueil.rechercher("laïcité")

    expect(page).to_have_url(re.compile(r"/recherche/\?q="))
    expect(page.get_by_role("status")).to_contain_text("« laïcité »")
    expect(recherche.resultat(titre_resultat)).to_be_visible()

    recherche.ouvrir_resultat(titre_resultat)
    expect(page).to_have_url(re.compile(r"/cadre-strategique/objectifs/4\.4\.4/$"))
    expect(PageBase(page, live_server.url).titre).to_have_text(objectif.intitule)


def test_pilote_opens_admin_and_sees_objectives(page: Page, live_server, contrat_charge):
    attendu = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat_charge).count()
    assert attendu == 27

    connexion = PageConnexion(page, live_server.url)
    connexion.aller()
    connexion.se_connecter("pilote", MOT_DE_PASSE_DEMO)
    expect(connexion.lien_compte("Camille Martin")).to_be_visible()

    admin = PageAdmin(page, live_server.url)
    admin.aller()
    expect(page.get_by_role("heading", name="Données des contrats")).to_be_visible()
    admin.ouvrir_modele("Objectifs opérationnels")

    expect(page).to_have_url(re.compile(r"/admin/contrats/objectifoperationnel/$"))
    expect(admin.lignes_du_tableau).to_have_count(attendu)
    expect(page.get_by_text(f"{attendu} objectifs opérationnels", exact=True)).to_be_visible()
