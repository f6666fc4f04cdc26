"""The Content-Security-Policy in Chromium: the site's own scripts run (the DSFR menu, htmx),
an inline script injected into the page is refused, and the journeys' watcher sees it.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.pages import surveiller_la_politique

pytestmark = pytest.mark.e2e


def test_an_injected_inline_script_is_refused_and_the_site_s_scripts_run(
    browser, browser_context_args, live_server, contrat_charge
):
    contexte = browser.new_context(**browser_context_args)
    page: Page = contexte.new_page()
    refus: list[str] = []
    surveiller_la_politique(page, refus)
    page.goto(live_server.url + reverse("contrats:plan", args=[contrat_charge.slug]))
    # The site's scripts, files of its own, have run: DSFR's and htmx.
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    assert page.evaluate("typeof htmx") == "object"
    assert not refus

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injecte = true'; document.body.appendChild(s); }"
    )

    page.wait_for_timeout(200)
    assert page.evaluate("window.injecte") is None
    assert any("inline script" in message for message in refus), refus
    contexte.close()
