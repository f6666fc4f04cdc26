"""Accounts in Chromium: signing up, confirming the address, resetting a password, and a
pilote inviting a CAF agent who accepts, then losing the role when the pilote revokes it.

E-mails are read from Django's test outbox: the live server runs in the test's process.
`live_server` flushes the database after each test, hence `contrat_charge`.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from comptes.tests.factories import CompteFactory
from comptes.tests.outils import limites_de_debit_remises_a_zero  # noqa: F401
from contrats.demo import MOT_DE_PASSE_DEMO
from contrats.models import Organisation
from tests.e2e.pages import (
    PageAccueil,
    PageConfirmationAdresse,
    PageConnexion,
    PageEquipe,
    PageInscription,
    PageInvitation,
    PageMonCompte,
    PageMotDePasseOublie,
    PageNouveauMotDePasse,
    injecter_axe,
    rendu_complet,
)

pytestmark = pytest.mark.e2e

MOT_DE_PASSE = "Quartiers-en-mouvement-2026"


def lien_du_dernier_courriel(mailoutbox, destinataire: str, chemin: str) -> str:
    courriel = mailoutbox[-1]
    assert courriel.to == [destinataire]
    (lien,) = re.findall(rf"https?://\S+{re.escape(chemin)}\S*", courriel.body)
    return lien


def test_newcomer_signs_up_confirms_the_address_by_e_mail_and_logs_in_with_it(
    page: Page, live_server, contrat_charge, mailoutbox
):
    accueil = PageAccueil(page, live_server.url)
    accueil.aller()
    accueil.lien_creer_un_compte.click()

    inscription = PageInscription(page, live_server.url)
    expect(inscription.titre).to_have_text("Créer un compte")
    rendu_complet(page)
    inscription.s_inscrire("Inès", "Garnier", MOT_DE_PASSE, email="ines.garnier@exemple.fr")
    expect(inscription.titre).to_have_text("Confirmez votre adresse électronique")
    expect(inscription.lien_se_connecter).to_be_visible()

    lien = lien_du_dernier_courriel(mailoutbox, "ines.garnier@exemple.fr", "/comptes/confirmation/")
    page.goto(lien)
    confirmation = PageConfirmationAdresse(page, live_server.url)
    expect(page.get_by_role("main")).to_contain_text(
        "Confirmez que ines.garnier@exemple.fr est bien votre adresse électronique."
    )
    connexion = confirmation.confirmer()

    expect(connexion.titre).to_have_text("Se connecter")
    connexion.se_connecter("ines.garnier@exemple.fr", MOT_DE_PASSE)
    expect(page).not_to_have_url(re.compile(r"/comptes/connexion/"))
    expect(accueil.lien_compte("Inès Garnier")).to_be_visible()
    expect(accueil.lien_se_connecter).to_have_count(0)
    expect(accueil.lien_creer_un_compte).to_have_count(0)


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(
    page: Page, live_server, contrat_charge, mailoutbox
):
    CompteFactory(email="claire.dubois@exemple.fr", first_name="Claire", last_name="Dubois")
    connexion = PageConnexion(page, live_server.url)
    connexion.aller()
    page.get_by_role("link", name="Mot de passe oublié ?", exact=True).click()

    oubli = PageMotDePasseOublie(page, live_server.url)
    expect(oubli.titre).to_have_text("Mot de passe oublié")
    oubli.demander_un_lien("claire.dubois@exemple.fr")
    expect(oubli.titre).to_have_text("Consultez votre messagerie")

    page.goto(
        lien_du_dernier_courriel(
            mailoutbox, "claire.dubois@exemple.fr", "/comptes/mot-de-passe/reinitialisation/cle/"
        )
    )
    nouveau = PageNouveauMotDePasse(page, live_server.url)
    expect(nouveau.titre).to_have_text("Choisir un nouveau mot de passe")
    nouveau.choisir(MOT_DE_PASSE)
    expect(nouveau.titre).to_have_text("Mot de passe modifié")

    page.get_by_role("main").get_by_role("link", name="Se connecter", exact=True).click()
    connexion.se_connecter("claire.dubois@exemple.fr", MOT_DE_PASSE)
    expect(connexion.lien_compte("Claire Dubois")).to_be_visible()


def test_pilote_invites_a_caf_financeur_who_accepts_then_the_pilote_revokes_the_role(
    live_server, contrat_charge, mailoutbox, nouvelle_session
):
    caf = Organisation.objects.get(code="caf")
    base = live_server.url

    # The pilote opens the team from "Mon compte" and invites an agent of the CAF.
    pilote = nouvelle_session()
    connexion = PageConnexion(pilote, base)
    connexion.aller()
    connexion.se_connecter("pilote", MOT_DE_PASSE_DEMO)
    PageMonCompte(pilote, base).aller()
    pilote.get_by_role("link", name="Équipe du contrat", exact=True).click()
    equipe = PageEquipe(pilote, base)
    expect(equipe.titre).to_have_text("Équipe du contrat")
    rendu_complet(pilote)
    equipe.inviter("agent.caf@exemple.fr", "Financeur", organisation=caf.nom)
    expect(equipe.message).to_have_text(
        f"Invitation envoyée à agent.caf@exemple.fr : Financeur pour {caf.nom}."
    )
    expect(equipe.ligne("agent.caf@exemple.fr")).to_contain_text(f"Financeur pour {caf.nom}")

    # The agent follows the e-mailed link, creates the account with the invited address…
    invitee = nouvelle_session()
    lien = lien_du_dernier_courriel(
        mailoutbox, "agent.caf@exemple.fr", f"/contrats/{contrat_charge.slug}/invitation/"
    )
    invitee.goto(lien)
    invitation = PageInvitation(invitee, base)
    expect(invitee.get_by_role("main")).to_contain_text(
        f"Camille Martin vous invite à prendre le rôle Financeur pour {caf.nom}"
    )
    rendu_complet(invitee)
    inscription = invitation.creer_mon_compte()
    expect(inscription.champ_adresse).to_have_value("agent.caf@exemple.fr")
    inscription.s_inscrire("Léa", "Fontaine", MOT_DE_PASSE)

    # …is logged in at once (the link proved the address) and accepts exactly that role.
    expect(invitation.lien_compte("Léa Fontaine")).to_be_visible()
    mon_compte = invitation.accepter()
    expect(mon_compte.titre).to_have_text("Bonjour Léa Fontaine")
    expect(mon_compte.roles).to_have_count(1)
    expect(mon_compte.roles).to_contain_text(f"Financeur pour {caf.nom}")
    expect(mon_compte.roles).to_contain_text(contrat_charge.titre)

    # The pilote sees the new member, then revokes the role.
    equipe.aller(PageEquipe.chemin_de(contrat_charge.slug))
    expect(equipe.ligne("Léa Fontaine")).to_contain_text(f"Financeur pour {caf.nom}")
    equipe.retirer_le_role("Léa Fontaine")
    expect(equipe.message).to_have_text(
        f"Le rôle Financeur pour {caf.nom} de Léa Fontaine est retiré."
    )
    expect(equipe.ligne("Léa Fontaine")).to_have_count(0)

    mon_compte.aller()
    expect(invitee.get_by_role("main")).to_contain_text(
        "Vous n'avez encore aucun rôle dans un contrat."
    )


# --- Accessibility of the account and team pages ----------------------------------------

IMPACTS_BLOQUANTS = {"serious", "critical"}


def violations_bloquantes(page: Page, axe_js) -> list[str]:
    injecter_axe(page, axe_js)
    resultats = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → {v['nodes'][0]['target']}"
        for v in resultats["violations"]
        if v["impact"] in IMPACTS_BLOQUANTS
    ]


@pytest.mark.parametrize(
    "chemin",
    [
        "/comptes/inscription/",
        "/comptes/confirmation/",
        "/comptes/mot-de-passe/reinitialisation/",
        "/comptes/mot-de-passe/reinitialisation/envoyee/",
    ],
)
def test_account_page_has_no_serious_or_critical_axe_violation(
    page: Page, live_server, contrat_charge, axe_js, chemin
):
    reponse = page.goto(f"{live_server.url}{chemin}")
    assert reponse is not None and reponse.ok
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations_bloquantes(page, axe_js) == []


def test_team_and_invitation_pages_have_no_serious_or_critical_axe_violation(
    live_server, contrat_charge, axe_js, mailoutbox, nouvelle_session
):
    pilote = nouvelle_session()
    connexion = PageConnexion(pilote, live_server.url)
    connexion.aller()
    connexion.se_connecter("pilote", MOT_DE_PASSE_DEMO)
    equipe = PageEquipe(pilote, live_server.url)
    equipe.aller(PageEquipe.chemin_de(contrat_charge.slug))
    equipe.inviter("membre.copil@exemple.fr", "État (délégué·e du préfet)")
    expect(equipe.message).to_be_visible()
    assert violations_bloquantes(pilote, axe_js) == []

    invite = nouvelle_session()
    invite.goto(
        lien_du_dernier_courriel(
            mailoutbox, "membre.copil@exemple.fr", f"/contrats/{contrat_charge.slug}/invitation/"
        )
    )
    expect(invite.get_by_role("heading", level=1)).to_have_text("Invitation à rejoindre le contrat")
    assert violations_bloquantes(invite, axe_js) == []
