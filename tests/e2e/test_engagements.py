"""The yearly follow-up of an engagement in Chromium: the CAF proposes, the pilote
validates, the summary table shows it.

The agent of the CAF (the demo financeur) opens the CAF's page on 2016, proposes the 2016
follow-up of the engagement 2.7 n° 1 with a link (the block updates in place, htmx); the
pilote, in her own browser, validates it; the summary table of the signatories then
counts it, for her and for the public. axe-core finds no serious violation on the pages.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

import pytest
from playwright.sync_api import expect

from contrats.models import Engagement
from suivi.models import PropositionSuivi, StatutEngagement, SuiviEngagement
from tests.e2e.pages import rendu_complet, violations_graves

pytestmark = pytest.mark.e2e

LIEN = "https://www.caf.fr/partenaires/caf-du-val-de-marne/villiers-2016"
COMMENTAIRE = "Deux actions de soutien à la parentalité cofinancées au quartier."


def test_the_caf_proposes_its_2016_follow_up_the_pilote_validates_it_and_the_table_shows_it(
    nouvelle_session, live_server, contrat_charge, axe_js
):
    engagement = Engagement.objects.get(
        section__contrat=contrat_charge, section__numero="2.7", ordre=1
    )
    bloc = f"#engagement-{engagement.pk}"
    adresse_caf = (
        f"{live_server.url}/contrats/{contrat_charge.slug}/engagements/signataires/caf/?annee=2016"
    )

    caf = nouvelle_session("financeur")
    caf.goto(adresse_caf)
    expect(caf.get_by_role("heading", level=1)).to_have_text(
        "Suivi des engagements : La Caisse d’Allocations Familiales"
    )
    rendu_complet(caf)
    graves = violations_graves(caf, axe_js)
    assert not graves, graves
    engagement_caf = caf.locator(bloc)
    engagement_caf.get_by_role(
        "button", name="Saisir le suivi 2016 de l'engagement 2.7 n° 1"
    ).click()
    engagement_caf.get_by_label("Où en est l'engagement 2.7 n° 1 en 2016 ?").select_option(
        label="Tenu"
    )
    engagement_caf.get_by_label("Commentaire sur l'engagement 2.7 n° 1 en 2016").fill(COMMENTAIRE)
    engagement_caf.get_by_label("Lien vers un élément de preuve (engagement 2.7 n° 1)").fill(LIEN)
    engagement_caf.get_by_role(
        "button", name="Proposer le suivi 2016 de l'engagement 2.7 n° 1"
    ).click()
    # The block came back alone (htmx), with its own announcement.
    expect(engagement_caf.get_by_role("status")).to_have_text(
        "Le suivi 2016 de l'engagement 2.7 n° 1 est proposé au comité de pilotage technique."
    )
    suivi = SuiviEngagement.objects.get(engagement=engagement, annee=2016)
    expect(caf.locator(f"#statut-suivi-{suivi.pk}")).to_have_text("Tenu")
    expect(caf.locator(f"#examen-suivi-{suivi.pk}")).to_have_text("Proposé")
    expect(engagement_caf.get_by_role("link", name=f"Lien : {LIEN}")).to_be_visible()
    assert (suivi.statut, suivi.lien, suivi.proposition) == (
        StatutEngagement.TENU,
        LIEN,
        PropositionSuivi.PROPOSE,
    )

    pilote = nouvelle_session("pilote")
    pilote.goto(adresse_caf)
    engagement_pilote = pilote.locator(bloc)
    expect(engagement_pilote).to_contain_text(COMMENTAIRE)
    # DSFR draws its own radio button: the label is what a person clicks.
    engagement_pilote.locator("label.fr-label").get_by_text("Valider le suivi", exact=True).click()
    expect(engagement_pilote.get_by_label("Valider le suivi", exact=True)).to_be_checked()
    engagement_pilote.get_by_role(
        "button", name="Enregistrer l'examen du suivi 2016 de l'engagement 2.7 n° 1"
    ).click()
    expect(engagement_pilote.get_by_role("status")).to_have_text(
        "Le suivi 2016 de l'engagement 2.7 n° 1 est validé."
    )
    expect(pilote.locator(f"#examen-suivi-{suivi.pk}")).to_have_text("Validé")
    suivi.refresh_from_db()
    assert suivi.proposition == PropositionSuivi.VALIDE

    pilote.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/engagements/suivi/tableau/")
    cellule = pilote.locator("#suivis-caf-2016")
    expect(cellule).to_contain_text("1 tenu")
    expect(cellule).to_contain_text("4 sans suivi")
    rendu_complet(pilote)
    graves = violations_graves(pilote, axe_js)
    assert not graves, graves
    cellule.get_by_role("link").click()
    expect(pilote).to_have_url(adresse_caf)

    public = nouvelle_session()
    public.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/engagements/suivi/tableau/")
    expect(public.locator("#suivis-caf-2016")).to_contain_text("1 tenu")
    public.goto(adresse_caf)
    expect(public.locator(bloc)).to_contain_text(COMMENTAIRE)
    expect(public.locator(bloc).get_by_role("link", name=f"Lien : {LIEN}")).to_have_count(0)
