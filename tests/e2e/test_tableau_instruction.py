"""The instruction board of a call of more than 50 dossiers, in Chromium, as the pilote.

She goes to page 2, sorts by amount asked, filters by statut: each time htmx replaces
the table alone (the page is not reloaded) and the address keeps the state, so that
reloading it shows the same board. She then downloads the XLSX export, which holds
the rows the board lists, in its order. The board fits a 1 280 px screen and axe-core
finds no serious violation in it.

`live_server` flushes the database after each test: the test asks for `contrat_charge`.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from bench.tableau import remplir_appel
from programmation.models import Statut
from programmation.tests.factories import AppelFactory
from tests.e2e.pages import se_connecter, violations_graves
from tests.e2e.pages_programmation import PageTableauAppel

pytestmark = pytest.mark.e2e

NOMBRE = 62
# Most dossiers deposited, a few further: in instruction, proposed, conventioned.
PARCOURS = (*(Statut.DEPOSE,) * 9, Statut.EN_INSTRUCTION, Statut.PROPOSE, Statut.CONVENTIONNE)


class TableauPagine(PageTableauAppel):
    """The board's pages, sort links, filters and downloads."""

    @property
    def lignes(self) -> Locator:
        return self.tableau.locator("tbody").get_by_role("row")

    @property
    def numeros(self) -> list[str]:
        return self.tableau.locator("tbody").get_by_role("rowheader").all_inner_texts()

    @property
    def pagination(self) -> Locator:
        return self.page.get_by_role("navigation", name="Pagination du tableau des dossiers")

    def aller_a_la_page_suivante(self) -> None:
        self.pagination.get_by_role("link", name="Page suivante", exact=True).click()

    def trier_par(self, colonne: str) -> None:
        self.tableau.get_by_role("columnheader").get_by_role(
            "link", name=re.compile(rf"^{colonne}")
        ).click()

    def filtrer_par_statut(self, libelle: str) -> None:
        self.page.get_by_label("Statut", exact=True).select_option(label=libelle)

    def lien_export(self, format: str) -> Locator:
        return self.page.get_by_role("link", name=re.compile(rf"^Télécharger .* {format}$"))

    def montants(self, colonne: int) -> list[Decimal]:
        """The amounts of a column of the rows (1 = asked…), as numbers."""
        textes = self.lignes.locator(f"td:nth-of-type({colonne + 2})").all_inner_texts()
        return [_nombre(texte) for texte in textes]

    def marquer_la_page(self) -> None:
        """A mark that a full reload would erase: htmx swaps keep it."""
        self.page.evaluate("window.marqueTableau = true")

    @property
    def page_marquee(self) -> bool:
        return self.page.evaluate("window.marqueTableau === true")


def _nombre(texte: str) -> Decimal:
    chiffres = re.sub(r"[^\d,]", "", texte).replace(",", ".")
    return Decimal(chiffres) if chiffres else Decimal(0)


def test_pilote_pages_sorts_filters_and_downloads_a_large_board(
    page: Page, live_server, contrat_charge, axe_js, tmp_path: Path
):
    appel = AppelFactory(contrat=contrat_charge)
    remplir_appel(appel, NOMBRE, parcours=PARCOURS)
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, "pilote")
    tableau = TableauPagine(page, live_server.url)
    tableau.aller(f"/contrats/{contrat_charge.slug}/appels/{appel.annee}/dossiers/")
    expect(tableau.tableau).to_have_accessible_name(
        f"Dossiers de l'appel à projets {appel.annee}, page 1 sur 2"
    )
    expect(tableau.lignes).to_have_count(50)
    largeur = tableau.tableau.evaluate(
        "t => { const c = t.closest('.fr-table__content'); return [c.scrollWidth, c.clientWidth]; }"
    )
    assert largeur[0] <= largeur[1], f"le tableau déborde à 1 280 px : {largeur}"
    graves = violations_graves(page, axe_js, 'section[aria-labelledby="titre-dossiers"]')
    assert not graves, graves
    tableau.marquer_la_page()

    tableau.aller_a_la_page_suivante()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(tableau.tableau).to_have_accessible_name(re.compile(r", page 2 sur 2$"))
    expect(tableau.lignes).to_have_count(NOMBRE - 50)

    tableau.trier_par("Demandé")
    expect(page).to_have_url(re.compile(r"\?tri=-demande$"))
    expect(tableau.tableau).to_have_accessible_name(re.compile(r", page 1 sur 2$"))
    demandes = tableau.montants(1)
    assert demandes == sorted(demandes, reverse=True)

    tableau.filtrer_par_statut("Déposé")
    expect(page).to_have_url(re.compile(r"\?statut=depose&tri=-demande$"))
    deposes = sum(1 for rang in range(NOMBRE) if PARCOURS[rang % len(PARCOURS)] == Statut.DEPOSE)
    expect(tableau.lignes).to_have_count(deposes)
    expect(tableau.lignes.filter(has_not_text="Déposé")).to_have_count(0)
    assert tableau.page_marquee, "le tableau a été rechargé en entier au lieu d'être remplacé"

    page.reload()
    expect(page.get_by_label("Statut", exact=True)).to_have_value("depose")
    expect(tableau.lignes).to_have_count(deposes)
    numeros = tableau.numeros
    demandes = tableau.montants(1)
    assert demandes == sorted(demandes, reverse=True)

    with page.expect_download() as telechargement:
        tableau.lien_export("XLSX").click()
    fichier = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(fichier)
    assert fichier.name == f"dossiers-{contrat_charge.slug}-{appel.annee}.xlsx"
    rangees = list(load_workbook(fichier).active.iter_rows(values_only=True))
    assert rangees[0][0] == "Numéro"
    assert [r[0] for r in rangees[1:]] == numeros
    assert {r[4] for r in rangees[1:]} == {"Déposé"}
