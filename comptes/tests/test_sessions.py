"""Sessions end after 30 minutes without a request and 10 hours after the login; a
disabled account's sessions end at its next request."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from comptes.sessions import DEBUT, VU
from tests.outils import client_de

pytestmark = pytest.mark.django_db

MON_COMPTE = reverse("comptes:mon_compte")


def _session_datee(client, **decalages: timedelta) -> None:
    session = client.session
    for cle, decalage in decalages.items():
        session[cle] = (timezone.now() - decalage).isoformat()
    session.save()


def _message(reponse) -> str:
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


def test_a_session_idle_for_more_than_30_minutes_ends(pilote):
    client = client_de(pilote)
    _session_datee(client, **{VU: timedelta(minutes=31)})

    reponse = client.get(MON_COMPTE)

    assert reponse.status_code == 302
    assert SESSION_KEY not in client.session
    assert "Votre session a pris fin après une période d'inactivité" in _message(reponse)


def test_an_active_session_goes_on_and_remembers_its_last_use(pilote):
    client = client_de(pilote)
    _session_datee(client, **{VU: timedelta(minutes=20)})

    assert client.get(MON_COMPTE).status_code == 200

    vu = client.session[VU]
    assert timezone.now() - timezone.datetime.fromisoformat(vu) < timedelta(minutes=1)


def test_a_session_ends_ten_hours_after_the_login_whatever_the_activity(pilote):
    client = client_de(pilote)
    _session_datee(client, **{DEBUT: timedelta(hours=10, minutes=1), VU: timedelta(minutes=1)})

    reponse = client.get(MON_COMPTE)

    assert reponse.status_code == 302
    assert "Votre session a pris fin au bout de la journée" in _message(reponse)


def test_a_disabled_account_is_logged_out_at_its_next_request(pilote):
    client = client_de(pilote)
    assert client.get(MON_COMPTE).status_code == 200
    pilote.is_active = False
    pilote.save(update_fields=["is_active"])

    reponse = client.get(MON_COMPTE)

    assert reponse.status_code == 302
    assert not reponse.wsgi_request.user.is_authenticated
