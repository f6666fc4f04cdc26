"""Signing up with an e-mail address, confirming it by its link, then logging in with it."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.urls import reverse

from comptes.actions import ActionCompte
from comptes.models import Utilisateur
from comptes.selectors import a_l_adresse_verifiee
from comptes.services import marquer_adresse_verifiee
from comptes.tests.factories import MOT_DE_PASSE, CompteFactory
from comptes.tests.outils import lien_du_courriel, texte_de
from contrats.demo import COMPTES_DEMO
from contrats.tests.factories import UtilisateurFactory
from historique.models import Evenement

INSCRIPTION = reverse("account_signup")
CONNEXION = reverse("comptes:connexion")
CONFIRMATION_ENVOYEE = reverse("account_email_verification_sent")
ADRESSE = "Ines.Garnier@Exemple.fr"
SOLIDE = "Quartiers-en-mouvement-2026"


def inscrire(client, **champs):
    donnees = {
        "first_name": "Inès",
        "last_name": "Garnier",
        "email": ADRESSE,
        "password1": SOLIDE,
        "password2": SOLIDE,
        **champs,
    }
    return client.post(INSCRIPTION, donnees)


def connecte(client) -> bool:
    return SESSION_KEY in client.session


def test_sign_up_page_asks_names_address_and_password_twice_in_french(client, db):
    texte = texte_de(client.get(INSCRIPTION))
    assert "Créer un compte" in texte
    for libelle in ("Prénom", "Nom", "Adresse électronique", "Confirmation du mot de passe"):
        assert libelle in texte
    assert "12 caractères au moins" in texte
    assert 'name="username"' not in client.get(INSCRIPTION).content.decode()


def test_sign_up_creates_an_unconfirmed_account_and_mails_a_french_confirmation_link(
    client, db, mailoutbox
):
    reponse = inscrire(client)

    assert reponse.status_code == 302
    assert reponse.url == CONFIRMATION_ENVOYEE
    compte = Utilisateur.objects.get(email=ADRESSE.lower())
    assert (compte.first_name, compte.last_name) == ("Inès", "Garnier")
    assert compte.username and compte.check_password(SOLIDE)
    assert not a_l_adresse_verifiee(compte, ADRESSE)
    assert not connecte(client)
    (courriel,) = mailoutbox
    assert courriel.to == [ADRESSE.lower()]
    assert courriel.subject == "[Contrat de ville] Confirmez votre adresse électronique"
    assert "Pour confirmer que cette adresse électronique est bien la vôtre" in courriel.body
    assert lien_du_courriel(courriel, "/comptes/confirmation/")
    texte = texte_de(client.get(CONFIRMATION_ENVOYEE))
    assert "Un courriel vous a été envoyé" in texte


def test_following_the_link_confirms_the_address_then_the_address_logs_in(client, db, mailoutbox):
    inscrire(client)
    lien = lien_du_courriel(mailoutbox[0], "/comptes/confirmation/")

    assert "Confirmez que ines.garnier@exemple.fr est bien votre adresse" in texte_de(
        client.get(lien)
    )
    reponse = client.post(lien)
    assert reponse.status_code == 302
    assert reponse.url == CONNEXION
    compte = Utilisateur.objects.get(email=ADRESSE.lower())
    assert a_l_adresse_verifiee(compte, ADRESSE)

    reponse = client.post(CONNEXION, {"login": ADRESSE, "password": SOLIDE})
    assert reponse.status_code == 302
    assert reponse.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert client.session[SESSION_KEY] == str(compte.pk)


def test_an_unconfirmed_account_cannot_log_in_and_gets_a_new_link(client, db, mailoutbox):
    compte = CompteFactory(adresse_verifiee=False)

    reponse = client.post(CONNEXION, {"login": compte.email, "password": MOT_DE_PASSE})

    assert reponse.status_code == 302
    assert reponse.url == CONFIRMATION_ENVOYEE
    assert not connecte(client)
    (courriel,) = mailoutbox
    assert courriel.to == [compte.email]
    assert lien_du_courriel(courriel, "/comptes/confirmation/")


def test_an_unknown_confirmation_link_says_so_and_confirms_nothing(client, db):
    compte = CompteFactory(adresse_verifiee=False)
    texte = texte_de(client.get("/comptes/confirmation/pas-une-cle/"))
    assert "Ce lien de confirmation n'est pas valide" in texte
    assert not a_l_adresse_verifiee(compte, compte.email)


@pytest.mark.parametrize(
    ("mot_de_passe", "message"),
    [
        (
            "court-2026",
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        ("314159265358979", "Ce mot de passe est entièrement numérique."),
        ("password1234", "Ce mot de passe est trop courant."),
        (
            "ines.garnier-exemple",
            "Le mot de passe est trop semblable au champ « adresse électronique ».",
        ),
    ],
)
def test_a_weak_password_is_refused_in_french_and_no_account_is_created(
    client, db, mailoutbox, mot_de_passe, message
):
    avant = Utilisateur.objects.count()
    texte = texte_de(inscrire(client, password1=mot_de_passe, password2=mot_de_passe))
    assert message in texte
    assert Utilisateur.objects.count() == avant
    assert mailoutbox == []


def test_two_different_passwords_are_refused(client, db):
    avant = Utilisateur.objects.count()
    texte = texte_de(inscrire(client, password2=f"{SOLIDE}-bis"))
    assert "Vous devez saisir deux fois le même mot de passe." in texte
    assert Utilisateur.objects.count() == avant


def test_an_address_already_used_creates_no_account_and_warns_its_owner(client, db, mailoutbox):
    proprietaire = CompteFactory()
    avant = Utilisateur.objects.count()

    reponse = inscrire(client, email=proprietaire.email.upper())

    # The page is the same as for a new address: nobody learns which addresses have accounts.
    assert reponse.status_code == 302
    assert reponse.url == CONFIRMATION_ENVOYEE
    assert Utilisateur.objects.count() == avant
    (courriel,) = mailoutbox
    assert courriel.to == [proprietaire.email]
    assert courriel.subject == "[Contrat de ville] Un compte utilise déjà cette adresse"
    assert "/comptes/mot-de-passe/reinitialisation/" in courriel.body


@pytest.mark.parametrize("identifiant", [compte.identifiant for compte in COMPTES_DEMO])
def test_every_demo_account_address_is_verified(db, identifiant):
    compte = Utilisateur.objects.get(username=identifiant)
    assert a_l_adresse_verifiee(compte, compte.email)


def test_marking_an_address_verified_twice_writes_it_and_its_event_once(db):
    compte = CompteFactory(adresse_verifiee=False)

    marquer_adresse_verifiee(utilisateur=compte)
    marquer_adresse_verifiee(utilisateur=compte)

    adresse = EmailAddress.objects.get(user=compte)
    assert adresse.verified and adresse.primary
    evenements = Evenement.objects.filter(
        action=ActionCompte.ADRESSE_VERIFIEE, object_id=str(compte.pk)
    )
    assert evenements.count() == 1
    assert evenements.get().changements == {"adresse": compte.email}


def test_accounts_made_before_sign_up_existed_get_a_verified_address(db):
    ancien = UtilisateurFactory(email="Ancien.Agent@Exemple.fr")
    EmailAddress.objects.filter(user=ancien).delete()  # as before allauth was installed
    deja = CompteFactory(adresse_verifiee=False)
    migration = importlib.import_module("comptes.migrations.0002_adresses_existantes_verifiees")

    migration.verifier_les_adresses_existantes(apps, None)

    assert a_l_adresse_verifiee(ancien, "ancien.agent@exemple.fr")
    # An address allauth already knows keeps its state: its owner confirms it by its link.
    assert not a_l_adresse_verifiee(deja, deja.email)
