"""Fixtures shared by every app's tests.

The real contract of Villiers-sur-Marne is loaded once per test database: most
tests read it, and each test runs in a transaction rolled back afterwards.
Browser tests need a live server, hence a flushed database after each of them:
they reload the contract through `contrat_charge`.
"""

import copy
import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django must still
# accept database calls from it in the live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DOSSIER_VILLIERS = Path(settings.CONTRATS_DATA_DIR) / "villiers-sur-marne-2015-2020"
SLUG_VILLIERS = "villiers-sur-marne-2015-2020"
MARQUEUR_VARIABLE_INDEFINIE = "VARIABLE_INDEFINIE"
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def _charger_villiers() -> None:
    from contrats.demo import creer_comptes_demo
    from contrats.models import Contrat
    from contrats.services import charger_contrat

    if not Contrat.objects.filter(slug=SLUG_VILLIERS).exists():
        contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS)
        creer_comptes_demo(contrat)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    # One test database per run: two suites on the same PostgreSQL server don't collide.
    from pytest_django.fixtures import _set_suffix_to_test_databases

    _set_suffix_to_test_databases(suffix=f"p{os.getpid()}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _charger_villiers()


@pytest.fixture
def contrat_charge(db):
    """The Villiers contract, present even after a flush by a live-server test."""
    from contrats.models import Contrat

    _charger_villiers()
    return Contrat.objects.get(slug=SLUG_VILLIERS)


@pytest.fixture(autouse=True)
def _reglages_de_test(settings) -> None:
    """Settings of every test.

    An undefined template variable is a bug: it renders loudly so page tests catch it
    (assigning TEMPLATES, not mutating it, makes Django rebuild its engines). Accounts
    created during a test get a fast hash; the slow default stays to check the others.
    """
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = f"{MARQUEUR_VARIABLE_INDEFINIE}[%s]"
    settings.TEMPLATES = templates
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture
def axe_js() -> Path:
    assert AXE_JS.is_file(), "axe-core manquant : lancez bin/installer --dev"
    return AXE_JS
