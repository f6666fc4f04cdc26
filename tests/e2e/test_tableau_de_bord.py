"""The tableau de bord in Chromium, as the pilote.

She filters the dashboard by year and pillar (the address keeps both), follows the
granted amount of a pillar to the dossiers behind it, whose total is that amount, and
downloads the CSV of the financings. axe-core finds no serious violation in the page.

`live_server` flushes the database after each test: the test asks for `contrat_charge`.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from suivi.tests.outils_tableau import lire_csv, petit_contrat
from tests.e2e.pages import PageBase, rendu_complet, se_connecter, violations_graves

pytestmark = pytest.mark.e2e


class PageTableauDeBord(PageBase):
    def filtrer(self, **choix: str) -> None:
        for libelle, option in choix.items():
            self.page.get_by_label(libelle, exact=True).select_option(label=option)
        self.page.get_by_role("button", name="Filtrer").click()

    def tableau(self, legende: str):
        return self.page.get_by_role("table", name=legende)


def test_pilote_filters_follows_a_figure_and_downloads_the_csv(
    page: Page, live_server, contrat_charge, axe_js, tmp_path: Path
):
    petit = petit_contrat(contrat_charge)
    pilier = petit.cadre.pilier_4
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, "pilote")
    tableau = PageTableauDeBord(page, live_server.url)
    tableau.aller(f"/contrats/{contrat_charge.slug}/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves

    tableau.filtrer(
        **{"Année": str(petit.annee_1), "Pilier": f"Pilier {pilier.numero} · {pilier.intitule}"}
    )
    expect(page).to_have_url(re.compile(rf"\?annee={petit.annee_1}&pilier={pilier.pk}"))
    par_pilier = tableau.tableau("Par pilier (données)")
    ligne = par_pilier.locator("tbody tr").first
    expect(ligne.get_by_role("rowheader")).to_have_text(re.compile(rf"^Pilier {pilier.numero}"))
    accorde = ligne.locator("td").nth(4)
    expect(accorde).to_have_text("8\u202f500,00\u00a0€")

    accorde.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/dossiers/\?annee=\d+&pilier=\d+$"))
    rendu_complet(page)
    dossiers = page.get_by_role("table", name="Dossiers")
    expect(dossiers.locator("tbody tr")).to_have_count(2)  # the balanced and the refused
    expect(page.locator("#total-dossiers td").nth(2)).to_have_text("8\u202f500,00\u00a0€")
    expect(dossiers.get_by_role("link", name=petit.solde.numero)).to_have_attribute(
        "href", f"/dossiers/{petit.solde.pk}/"
    )

    page.get_by_role("link", name="Retour au tableau de bord").click()
    expect(page).to_have_url(re.compile(rf"\?annee={petit.annee_1}&pilier={pilier.pk}$"))
    with page.expect_download() as telechargement:
        page.locator("#tableau-financements").get_by_role(
            "link", name=re.compile(r"^Télécharger .* CSV$")
        ).click()
    fichier = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(fichier)
    assert fichier.name.endswith(f"-financements-{petit.annee_1}.csv")
    rangees = lire_csv(fichier.read_bytes())
    assert [(r["Nature"], r["Accordé"], r["Payé"]) for r in rangees] == [
        ("Droit commun", "3500,00", "3500,00"),
        ("Crédits spécifiques politique de la ville", "5000,00", "5000,00"),
    ]
