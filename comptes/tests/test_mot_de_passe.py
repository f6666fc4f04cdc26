"""A forgotten password is reset through a link sent by e-mail; a known one is changed."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from comptes.tests.factories import MOT_DE_PASSE, CompteFactory
from comptes.tests.outils import lien_du_courriel, texte_de

REINITIALISATION = reverse("account_reset_password")
CONNEXION = reverse("comptes:connexion")
CHANGEMENT = reverse("account_change_password")
NOUVEAU = "Nouveau-depart-quartier-2026"


@pytest.fixture
def compte(db):
    return CompteFactory()


def demander_le_lien(client, mailoutbox, email: str) -> str:
    reponse = client.post(REINITIALISATION, {"email": email})
    assert reponse.status_code == 302
    assert reponse.url == reverse("account_reset_password_done")
    return lien_du_courriel(mailoutbox[-1], "/comptes/mot-de-passe/reinitialisation/cle/")


def test_the_forgotten_password_page_is_linked_from_login_and_in_french(client, db):
    assert REINITIALISATION in client.get(CONNEXION).content.decode()
    texte = texte_de(client.get(REINITIALISATION))
    assert "Mot de passe oublié" in texte
    assert "Adresse électronique" in texte


def test_a_known_address_receives_a_french_reset_link(client, compte, mailoutbox):
    demander_le_lien(client, mailoutbox, compte.email.upper())

    (courriel,) = mailoutbox
    assert courriel.to == [compte.email]
    assert courriel.subject == "[Contrat de ville] Réinitialisation de votre mot de passe"
    assert f"votre identifiant est {compte.username}" in courriel.body
    assert "Consultez votre messagerie" in texte_de(
        client.get(reverse("account_reset_password_done"))
    )


def test_the_link_sets_a_new_password_that_then_logs_in_and_the_old_one_no_longer(
    client, compte, mailoutbox
):
    lien = demander_le_lien(client, mailoutbox, compte.email)

    # allauth moves the key out of the address before showing the form.
    reponse = client.get(lien)
    assert reponse.status_code == 302
    formulaire = reponse.url
    assert "Choisir un nouveau mot de passe" in texte_de(client.get(formulaire))
    reponse = client.post(formulaire, {"password1": NOUVEAU, "password2": NOUVEAU})
    assert reponse.status_code == 302
    assert reponse.url == reverse("account_reset_password_from_key_done")
    assert "Votre nouveau mot de passe est enregistré." in texte_de(client.get(reponse.url))

    compte.refresh_from_db()
    assert compte.check_password(NOUVEAU)
    assert not compte.check_password(MOT_DE_PASSE)
    client.post(CONNEXION, {"login": compte.email, "password": NOUVEAU})
    assert client.session[SESSION_KEY] == str(compte.pk)


def test_a_used_reset_link_is_refused(client, compte, mailoutbox):
    lien = demander_le_lien(client, mailoutbox, compte.email)
    formulaire = client.get(lien).url
    client.post(formulaire, {"password1": NOUVEAU, "password2": NOUVEAU})

    texte = texte_de(client.get(lien))
    assert "Lien de réinitialisation non valide" in texte
    compte.refresh_from_db()
    assert compte.check_password(NOUVEAU)


def test_a_weak_new_password_is_refused_and_the_old_one_kept(client, compte, mailoutbox):
    formulaire = client.get(demander_le_lien(client, mailoutbox, compte.email)).url

    texte = texte_de(client.post(formulaire, {"password1": "court", "password2": "court"}))

    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in texte
    compte.refresh_from_db()
    assert compte.check_password(MOT_DE_PASSE)


def test_an_unknown_address_gets_the_same_page_and_an_e_mail_without_reset_link(
    client, db, mailoutbox
):
    reponse = client.post(REINITIALISATION, {"email": "personne@exemple.fr"})

    assert reponse.status_code == 302
    assert reponse.url == reverse("account_reset_password_done")
    (courriel,) = mailoutbox
    assert courriel.subject == "[Contrat de ville] Aucun compte à cette adresse"
    assert "/comptes/mot-de-passe/reinitialisation/cle/" not in courriel.body
    assert reverse("account_signup") in courriel.body


def test_changing_the_password_needs_the_current_one(client, compte):
    client.force_login(compte)

    texte = texte_de(
        client.post(
            CHANGEMENT, {"oldpassword": "pas-le-bon", "password1": NOUVEAU, "password2": NOUVEAU}
        )
    )

    assert "Saisissez votre mot de passe actuel." in texte
    compte.refresh_from_db()
    assert compte.check_password(MOT_DE_PASSE)


def test_changing_the_password_leads_back_to_my_account(client, compte):
    client.force_login(compte)
    assert "Modifier mon mot de passe" in texte_de(client.get(CHANGEMENT))

    reponse = client.post(
        CHANGEMENT, {"oldpassword": MOT_DE_PASSE, "password1": NOUVEAU, "password2": NOUVEAU}
    )

    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:mon_compte")
    compte.refresh_from_db()
    assert compte.check_password(NOUVEAU)


def test_changing_the_password_requires_login(client, db):
    reponse = client.get(CHANGEMENT)
    assert reponse.status_code == 302
    assert reponse.url.startswith(CONNEXION)
