"""Fixtures shared by every app's tests.

The real contract of Villiers-sur-Marne is loaded once per test database: most
tests read it, and each test runs in a transaction rolled back afterwards.
Browser tests need a live server, hence a flushed database after each of them:
they reload the contract through `contrat_charge`.

The personas are the demo accounts of that contract (one per role), and the people
tests need besides them: another financeur, someone without any role. Helpers that are
not fixtures live in tests/outils.py; each app's conftest adds its own personas.
"""

import copy
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.outils import (
    MARQUEUR_VARIABLE_INDEFINIE,
    RELEVE,
    ChaineSiInvalide,
    echouer_si_variable_indefinie,
)

# Playwright's sync API runs an event loop in the test thread; Django must still
# accept database calls from it in the live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DOSSIER_VILLIERS = Path(settings.CONTRATS_DATA_DIR) / "villiers-sur-marne-2015-2020"
SLUG_VILLIERS = "villiers-sur-marne-2015-2020"
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# An undefined variable renders as "VARIABLE_INDEFINIE[its name]" (and is recorded).
SI_INVALIDE = ChaineSiInvalide(f"{MARQUEUR_VARIABLE_INDEFINIE}[%s]")

__all__ = ["MARQUEUR_VARIABLE_INDEFINIE"]


PROLONGATION_DE_TEST = date(2045, 12, 31)


def _charger_villiers() -> None:
    from contrats.demo import creer_comptes_demo
    from contrats.models import Contrat
    from contrats.services import charger_contrat

    if not Contrat.objects.filter(slug=SLUG_VILLIERS).exists():
        contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS)
        # The suite's calls and committees run today and later (AppelFactory: 2030 on):
        # the test contract is prolonged to cover them, as the 2015 contracts were by law.
        Contrat.objects.filter(pk=contrat.pk).update(prolonge_jusquau=PROLONGATION_DE_TEST)
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


def _vide_la_base(item: pytest.Item) -> bool:
    """Whether the test runs outside a rolled-back transaction, hence flushes the database."""
    marqueur = item.get_closest_marker("django_db")
    transactionnel = bool(marqueur and marqueur.kwargs.get("transaction"))
    return transactionnel or bool({"transactional_db", "live_server"} & set(item.fixturenames))


GROUPES_QUI_VIDENT = 2  # as many as bin/tester's test processes


class _GroupesQuiVident:
    """On parallel processes (`pytest -n 2 --dist loadgroup`), the tests that flush the
    database form as many groups as processes, by module: each group runs on one process,
    on its own test database, after everything else that process was given (the order
    below). Marked before xdist reads the marks, hence tryfirst."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        modules = sorted({item.module.__name__ for item in items if _vide_la_base(item)})
        for item in items:
            if _vide_la_base(item):
                rang = modules.index(item.module.__name__) % GROUPES_QUI_VIDENT
                item.add_marker(pytest.mark.xdist_group(f"vide-la-base-{rang}"))


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_GroupesQuiVident(), "groupes-qui-vident")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that flush the database run after all the others.

    pytest-django orders them so, but pytest then groups the tests of a parametrised
    session fixture (Playwright's browser) and mixes them back among the others; a test
    run after a flush would find no contract. This hook runs last and restores the rule.
    """
    items.sort(key=_vide_la_base)


@pytest.fixture
def contrat_charge(db):
    """The Villiers contract, present even after a flush by a live-server test."""
    from contrats.models import Contrat

    _charger_villiers()
    return Contrat.objects.get(slug=SLUG_VILLIERS)


@pytest.fixture
def villiers(contrat_charge):
    return contrat_charge


@pytest.fixture
def eq2030(villiers):
    """The 2024-2030 demonstration contract, created from Villiers 2015-2020 by its files."""
    from contrats.services import charger_contrat

    contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS.parent / "villiers-sur-marne-2024-2030")
    return contrat


@pytest.fixture(scope="session", autouse=True)
def _reglages_de_test() -> Iterator[None]:
    """Settings of every test, set once for the session.

    An undefined template variable is a bug: it renders loudly and is recorded (see
    `_aucune_variable_indefinie`). Accounts created during a test get a fast hash; the
    slow default stays to check the others. Set once, the template engines are built
    once: per test, they would parse every template again.
    """
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = SI_INVALIDE
    with override_settings(
        TEMPLATES=templates,
        # Hundreds of logins in one run would trip allauth's login and e-mail rate limits.
        ACCOUNT_RATE_LIMITS=False,
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
    ):
        yield


@pytest.fixture(autouse=True)
def _aucune_variable_indefinie():
    """Fail any test during which a project template rendered an undefined variable.

    Whatever the test checks, and in whichever thread the page was rendered (the live
    server's for browser tests). Templates of Django's admin and of installed packages
    are not ours and are left out.
    """
    RELEVE.vider()
    yield RELEVE
    echouer_si_variable_indefinie(RELEVE)


# --- Personas: the demo accounts, one per role in the Villiers contract -----------------------


def _compte_demo(identifiant: str):
    from comptes.models import Utilisateur

    return Utilisateur.objects.get(username=identifiant)


@pytest.fixture
def pilote(contrat_charge):
    """Camille Martin, the town's project team: pilots the whole contract."""
    return _compte_demo("pilote")


@pytest.fixture
def etat(contrat_charge):
    """Nadia Benali, the prefect's delegate: co-pilots the contract."""
    return _compte_demo("etat")


@pytest.fixture
def financeur(contrat_charge):
    """Julien Moreau, agent of the CAF: instructs what is asked of the CAF."""
    return _compte_demo("financeur")


@pytest.fixture
def porteur(contrat_charge):
    """Sophie Leroy, of the demo association: submits its structure's dossiers."""
    return _compte_demo("porteur")


@pytest.fixture
def membre(contrat_charge):
    """Karim Diallo, member of an instance: reads what his instance examines."""
    return _compte_demo("membre")


@pytest.fixture
def autre_financeur(contrat_charge):
    """An agent of the Région Île-de-France, a financeur the test dossiers ask nothing."""
    from comptes.models import Role
    from contrats.models import Organisation
    from contrats.tests.factories import HabilitationFactory

    return HabilitationFactory(
        contrat=contrat_charge,
        role=Role.FINANCEUR,
        organisation=Organisation.objects.get(code="region-idf"),
    ).utilisateur


@pytest.fixture
def autre_porteur(contrat_charge):
    """A porteur whose structure is none of the test dossiers'."""
    from comptes.models import Role
    from contrats.tests.factories import HabilitationFactory
    from programmation.tests.factories import StructureFactory

    return HabilitationFactory(
        contrat=contrat_charge, role=Role.PORTEUR, organisation=StructureFactory().organisation
    ).utilisateur


@pytest.fixture
def autre_membre(contrat_charge):
    """A membre of the COPIL politique, a body the demo membre does not sit in."""
    from comptes.models import Role
    from contrats.models import Instance
    from contrats.tests.factories import HabilitationFactory

    return HabilitationFactory(
        contrat=contrat_charge,
        role=Role.MEMBRE,
        instance=contrat_charge.instances.get(nature=Instance.Nature.COPIL_POLITIQUE),
    ).utilisateur


@pytest.fixture
def sans_role(db):
    """Someone with an account and no role in any contract."""
    from contrats.tests.factories import UtilisateurFactory

    return UtilisateurFactory()


@pytest.fixture
def personne(request):
    """Any persona by its fixture name, "anonyme" being the visitor without account (None).

    For tests parametrised over roles: `personne(nom)`.
    """

    def par_nom(nom: str):
        return None if nom == "anonyme" else request.getfixturevalue(nom)

    return par_nom


# --- Browser ------------------------------------------------------------------------------------


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
