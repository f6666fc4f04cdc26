"""Logging in and out with the demo accounts, and the "Mon compte" page."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.urls import reverse

from comptes.models import Utilisateur
from comptes.tests.outils import texte_de
from contrats.demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO
from contrats.models import Organisation
from tests.outils import html_de

CONNEXION = reverse("comptes:connexion")
DECONNEXION = reverse("comptes:deconnexion")
MON_COMPTE = reverse("comptes:mon_compte")
TITRE_VILLIERS = "Contrat de ville de Villiers-sur-Marne 2015-2020"


def utilisateur_connecte(client) -> int | None:
    identifiant = client.session.get(SESSION_KEY)
    return int(identifiant) if identifiant is not None else None


def test_login_page_answers_in_french(client, db):
    html = html_de(client.get(CONNEXION))
    assert "Se connecter" in html
    assert "Identifiant" in html
    assert "Mot de passe" in html


@pytest.mark.parametrize("identifiant", [compte.identifiant for compte in COMPTES_DEMO])
def test_each_demo_account_logs_in_and_is_redirected(client, db, identifiant):
    reponse = client.post(CONNEXION, {"login": identifiant, "password": MOT_DE_PASSE_DEMO})
    assert reponse.status_code == 302
    assert reponse.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert utilisateur_connecte(client) == Utilisateur.objects.get(username=identifiant).pk


def test_login_redirects_to_the_requested_page(client, db):
    reponse = client.post(
        CONNEXION, {"login": "membre", "password": MOT_DE_PASSE_DEMO, "next": MON_COMPTE}
    )
    assert reponse.status_code == 302
    assert reponse.url == MON_COMPTE


def test_wrong_password_shows_a_french_error_and_keeps_the_visitor_anonymous(client, db):
    reponse = client.post(CONNEXION, {"login": "pilote", "password": "pas-le-bon"})
    html = html_de(reponse)
    assert "Identifiant ou mot de passe incorrect" in html
    assert utilisateur_connecte(client) is None
    assert not reponse.wsgi_request.user.is_authenticated


def test_my_account_requires_login(client, db):
    reponse = client.get(MON_COMPTE)
    assert reponse.status_code == 302
    assert reponse.url == f"{CONNEXION}?next={MON_COMPTE}"


def test_my_account_shows_the_financeur_role_and_organisation(client, db):
    client.force_login(Utilisateur.objects.get(username="financeur"))
    html = html_de(client.get(MON_COMPTE))
    caf = Organisation.objects.get(code="caf")
    assert f"Financeur pour {caf.nom}" in html
    assert TITRE_VILLIERS in html
    assert "Administration des données du contrat" not in html


def test_my_account_shows_the_pilote_role_and_a_link_to_the_admin(client, db):
    client.force_login(Utilisateur.objects.get(username="pilote"))
    html = html_de(client.get(MON_COMPTE))
    assert "Pilote (équipe projet de la ville)" in html
    assert reverse("admin:index") in html


def test_logout_refuses_get(client, db):
    client.force_login(Utilisateur.objects.get(username="membre"))
    assert client.get(DECONNEXION).status_code == 405
    assert utilisateur_connecte(client) is not None


def test_logout_by_post_ends_the_session(client, db):
    client.force_login(Utilisateur.objects.get(username="membre"))
    reponse = client.post(DECONNEXION)
    assert reponse.status_code == 302
    assert reponse.url == reverse("accueil")
    assert utilisateur_connecte(client) is None
    assert client.get(MON_COMPTE).status_code == 302


def test_a_demo_account_also_logs_in_with_its_email_address(client, db):
    pilote = Utilisateur.objects.get(username="pilote")
    reponse = client.post(CONNEXION, {"login": pilote.email.upper(), "password": MOT_DE_PASSE_DEMO})
    assert reponse.status_code == 302
    assert utilisateur_connecte(client) == pilote.pk


def test_login_page_has_one_identifier_field_and_links_to_sign_up_and_reset(client, db):
    html = html_de(client.get(CONNEXION))
    principal = html[html.index("<main") : html.index("</main>")]
    assert "Identifiant ou adresse électronique" in principal
    assert principal.count("<input") - principal.count('type="hidden"') == 2
    assert 'name="login"' in principal
    assert principal.count('type="password"') == 1
    assert reverse("account_signup") in principal
    assert reverse("account_reset_password") in principal
    # DSFR labels say what to type; placeholders would vanish as soon as one types.
    assert "placeholder" not in principal


def test_header_offers_login_and_sign_up_to_visitors_only(client, db):
    html = html_de(client.get(reverse("accueil")))
    assert f'href="{CONNEXION}">Se connecter' in html
    assert f'href="{reverse("account_signup")}">Créer un compte' in html

    client.force_login(Utilisateur.objects.get(username="membre"))
    html = html_de(client.get(reverse("accueil")))
    assert "Se connecter</a>" not in html
    assert "Créer un compte</a>" not in html
    assert "Se déconnecter" in html


def test_my_account_shows_identifier_address_and_account_links(client, db):
    membre = Utilisateur.objects.get(username="membre")
    client.force_login(membre)
    texte = texte_de(client.get(MON_COMPTE))
    assert f"Identifiant {membre.username}" in texte
    assert f"Adresse électronique {membre.email}" in texte
    assert "Modifier mon mot de passe" in texte
    assert "Changer d'adresse électronique" in texte


def test_the_e_mail_change_page_answers_in_french(client, db):
    client.force_login(Utilisateur.objects.get(username="membre"))
    texte = texte_de(client.get(reverse("account_email")))
    assert "Mon adresse électronique" in texte
    assert "Adresse actuelle : membre@demo.contrat-de-ville.test" in texte
    assert "Nouvelle adresse électronique" in texte


def test_an_account_made_by_the_platform_logs_in_without_a_confirmation_link(
    client, db, mailoutbox
):
    # As an administrator, a script or a journey test creates one: its address is trusted.
    compte = Utilisateur.objects.create_user(
        username="agent.cree", email="agent.cree@exemple.fr", password="un-mot-de-passe-bien-long"
    )
    client.post(CONNEXION, {"login": "agent.cree", "password": "un-mot-de-passe-bien-long"})
    assert utilisateur_connecte(client) == compte.pk
    assert mailoutbox == []
