"""Helpers of the account tests: pages read as text, links found in e-mails."""

import re

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
