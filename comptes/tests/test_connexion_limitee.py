"""Login throttling (django-axes): after 5 failures for one account, or from one address,
the right password is refused too for 15 minutes, with a French page; a success clears
the count; typing the address instead of the identifier counts for the same account."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.test import Client
from django.urls import reverse

from comptes.tests.outils import texte_de
from contrats.demo import MOT_DE_PASSE_DEMO

pytestmark = pytest.mark.django_db

CONNEXION = reverse("comptes:connexion")
BLOQUEE = "Trop de tentatives de connexion ont échoué (5 à la suite)"


def _essayer(client: Client, login: str, mot_de_passe: str = "pas-le-bon", adresse="10.0.0.1"):
    return client.post(CONNEXION, {"login": login, "password": mot_de_passe}, REMOTE_ADDR=adresse)


def _connecte(client: Client) -> bool:
    return client.session.get(SESSION_KEY) is not None


def test_the_right_password_is_refused_after_five_failures_on_one_account(client, pilote):
    for _ in range(4):
        assert _essayer(client, "pilote").status_code == 200
    # The fifth failure already answers the lockout page.
    assert _essayer(client, "pilote").status_code == 429

    reponse = _essayer(client, "pilote", MOT_DE_PASSE_DEMO)

    assert reponse.status_code == 429
    assert BLOQUEE in texte_de(reponse, 429)
    assert "pendant 15 minutes, même avec le bon mot de passe" in texte_de(reponse, 429)
    assert not _connecte(client)


def test_four_failures_then_the_right_password_logs_in_and_clears_the_count(client, pilote):
    for _ in range(4):
        _essayer(client, "pilote")
    assert _essayer(client, "pilote", MOT_DE_PASSE_DEMO).status_code == 302
    assert _connecte(client)

    autre = Client()
    for _ in range(4):
        _essayer(autre, "pilote")
    assert _essayer(autre, "pilote", MOT_DE_PASSE_DEMO).status_code == 302


def test_the_address_and_the_identifier_count_for_the_same_account(client, pilote):
    for login in ("pilote", pilote.email, "PILOTE", pilote.email.upper(), "pilote"):
        _essayer(client, login, adresse="10.0.0.7")

    # Another address: the account itself is locked.
    assert _essayer(Client(), "pilote", MOT_DE_PASSE_DEMO, "10.0.0.8").status_code == 429


def test_five_failures_from_one_address_lock_that_address_only(client, pilote, etat):
    for inconnu in ("alice", "bob", "carole", "david", "emma"):
        _essayer(client, inconnu, adresse="10.0.0.9")

    assert _essayer(Client(), "etat", MOT_DE_PASSE_DEMO, "10.0.0.9").status_code == 429
    ailleurs = Client()
    assert _essayer(ailleurs, "etat", MOT_DE_PASSE_DEMO, "10.0.0.10").status_code == 302
    assert _connecte(ailleurs)


def test_after_the_cool_off_the_right_password_logs_in_again(client, pilote):
    for _ in range(5):
        _essayer(client, "pilote")
    assert _essayer(client, "pilote", MOT_DE_PASSE_DEMO).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    assert _essayer(client, "pilote", MOT_DE_PASSE_DEMO).status_code == 302
    assert _connecte(client)
