"""Fixtures of the browser journeys: a French desktop browser, a browser context per
person, attached documents in a temporary folder. Every page a journey opens must run
under the site's Content-Security-Policy without the browser refusing anything."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from contrats.demo import MOT_DE_PASSE_DEMO
from tests.e2e.pages import se_connecter, surveiller_la_politique


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A laptop's width: the header search bar and the main navigation show inline rather
    # than behind the DSFR "Menu" and search modals, and the instruction board must fit.
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "fr-FR"}


@pytest.fixture
def nouvelle_session(
    browser: Browser, browser_context_args, live_server
) -> Iterator[Callable[..., Page]]:
    """Opens a browser context of its own for one person, logged in if asked."""
    contextes = []

    refus: list[str] = []

    def ouvrir(identifiant: str | None = None, mot_de_passe: str = MOT_DE_PASSE_DEMO) -> Page:
        contexte = browser.new_context(**browser_context_args)
        contextes.append(contexte)
        page = contexte.new_page()
        page.set_default_timeout(10_000)
        surveiller_la_politique(page, refus)
        if identifiant is not None:
            se_connecter(page, live_server.url, identifiant, mot_de_passe)
        return page

    yield ouvrir
    for contexte in contextes:
        contexte.close()
    assert not refus, refus


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """pytest-playwright's page, watched like those of nouvelle_session."""
    refus: list[str] = []
    surveiller_la_politique(page, refus)
    yield page
    assert not refus, refus


@pytest.fixture
def medias(settings, tmp_path) -> Path:
    """Attached documents go to a temporary folder, not to the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
