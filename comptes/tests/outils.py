"""Helpers of the account tests: pages read as text, links found in e-mails, the code an
authenticator app would show."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.core.cache import cache

from conftest import MARQUEUR_VARIABLE_INDEFINIE
from tests.outils import PageHTML


def texte_de(reponse, statut: int = 200) -> str:
    """The visible text of a full page (entities decoded), checked for status and language."""
    assert reponse.status_code == statut, reponse.status_code
    html = reponse.content.decode()
    assert '<html lang="fr"' in html
    assert MARQUEUR_VARIABLE_INDEFINIE not in html
    return PageHTML(html).texte


def lien_du_courriel(courriel, chemin: str) -> str:
    """The path of the one link of `courriel` that starts with `chemin`."""
    liens = re.findall(rf"https?://[^/\s]+({re.escape(chemin)}\S*)", courriel.body)
    assert len(liens) == 1, courriel.body
    return liens[0]


@pytest.fixture(autouse=True)
def limites_de_debit_remises_a_zero():
    """allauth counts logins, sign-ups and e-mails in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


def code_totp(secret: str, instant: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for this base-32 secret (RFC 6238: HMAC-SHA1
    of the 30-second step, dynamically truncated, RFC 4226), written here independently of
    allauth so that the tests check allauth against the standard."""
    cle = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    pas = int((time.time() if instant is None else instant) // 30)
    empreinte = hmac.new(cle, struct.pack(">Q", pas), hashlib.sha1).digest()
    decalage = empreinte[-1] & 0x0F
    valeur = struct.unpack(">I", empreinte[decalage : decalage + 4])[0] & 0x7FFFFFFF
    return f"{valeur % 1_000_000:06d}"
