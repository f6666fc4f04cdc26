"""axe-core on every public page: no "serious" or "critical" violation.

A failure lists each such violation (rule, impact, help, first targets) so that the
template at fault can be found without re-running axe by hand.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import injecter_axe

pytestmark = pytest.mark.e2e

SLUG = "villiers-sur-marne-2015-2020"
CONTRAT = f"/contrats/{SLUG}"
IMPACTS_BLOQUANTS = {"serious", "critical"}

PAGES_PUBLIQUES = {
    "accueil": "/",
    "apercu": f"{CONTRAT}/",
    "cadre-strategique": f"{CONTRAT}/cadre-strategique/",
    "objectif-4.4.2": f"{CONTRAT}/cadre-strategique/objectifs/4.4.2/",
    "axe-1.1": f"{CONTRAT}/cadre-strategique/axes/1.1/",
    "plan-actions": f"{CONTRAT}/plan-actions/",
    "plan-actions-filtre": f"{CONTRAT}/plan-actions/?pilier=4",
    "diagnostic": f"{CONTRAT}/diagnostic/",
    "signataires": f"{CONTRAT}/signataires/",
    "engagements-2.1": f"{CONTRAT}/engagements/2.1/",
    "gouvernance": f"{CONTRAT}/gouvernance/",
    "quartier": "/quartiers/portes-de-paris-hautes-noues/",
    "recherche": "/recherche/?q=education",
    "connexion": "/comptes/connexion/",
}


def decrire(violations: list[dict]) -> str:
    lignes = []
    for violation in violations:
        cibles = [" ".join(map(str, noeud["target"])) for noeud in violation["nodes"][:3]]
        lignes.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} élément(s)] → {' | '.join(cibles)}"
        )
    return "\n".join(lignes)


@pytest.mark.parametrize("chemin", PAGES_PUBLIQUES.values(), ids=PAGES_PUBLIQUES.keys())
def test_public_page_has_no_serious_or_critical_axe_violation(
    page: Page, live_server, contrat_charge, axe_js, chemin
):
    assert contrat_charge.slug == SLUG
    reponse = page.goto(f"{live_server.url}{chemin}")
    assert reponse is not None
    assert reponse.ok, f"{chemin} : HTTP {reponse.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    injecter_axe(page, axe_js)
    resultats = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")

    # Every violation, minor ones included, is printed: shown by `pytest -rP` or on failure.
    print(f"{chemin}\n{decrire(resultats['violations']) or 'aucune violation'}")
    bloquantes = [v for v in resultats["violations"] if v["impact"] in IMPACTS_BLOQUANTS]
    assert not bloquantes, (
        f"{chemin} : {len(bloquantes)} violation(s) axe serious/critical\n{decrire(bloquantes)}"
    )
