"""Exports of the yearly plan d'actions: the same table as CSV, XLSX and ODS."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from odf import opendocument
from odf.namespaces import OFFICENS, TABLENS
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook

from contrats.tests.factories import OrganisationFactory
from programmation.exports import COLONNES_PLAN
from programmation.models import NatureCredit, Statut, Structure
from programmation.tests.factories import AppelFactory, DossierFactory, StructureFactory

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"
ENTETE = [
    "Numéro",
    "Intitulé de l'action",
    "Structure porteuse",
    "Type de structure",
    "Pilier",
    "Objectifs opérationnels",
    "Statut",
    "Personnes ciblées",
    "Salariés mobilisés",
    "Bénévoles mobilisés",
    "Portée par",
    "Accordé droit commun (€)",
    "Accordé crédits spécifiques (€)",
    "Total accordé (€)",
    "Donnée de démonstration",
]
COLONNES_MONTANTS = {11, 12, 13}
COLONNES_ENTIERS = {7, 8, 9}


@pytest.fixture
def appel():
    """Three dossiers brought to their statut through the services; each financeur grants
    what it was asked for."""
    appel = AppelFactory(annee=2042)
    dc, cs = NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES
    for numero, intitule, nom, statut, accordes, demo in (
        (
            "E-1",
            'Ateliers « Lire; écrire » et "contes"',
            "Association Lire; écrire",
            Statut.VALIDE,
            [("caf", dc, "1234.56")],
            False,
        ),
        (
            "E-2",
            "Médiation de nuit",
            "Ville — Service prévention",
            Statut.SOLDE,
            [("caf", dc, "1000"), ("etat", cs, "15000.10")],
            True,
        ),
        ("E-3", "Dossier refusé", "Association refusée", Statut.REFUSE, None, False),
    ):
        DossierFactory(
            appel=appel,
            numero=numero,
            intitule=intitule,
            est_demo=demo,
            complet=True,
            remplir__subventions=accordes,
            statut_cible=statut,
            structure=StructureFactory(
                organisation=OrganisationFactory(nom=nom),
                type=Structure.Type.SERVICE_MUNICIPAL
                if nom.startswith("Ville")
                else Structure.Type.ASSOCIATION,
            ),
        )
    return appel


def _export(client, appel, format: str):
    return client.get(reverse("programmation:plan_annuel_export", args=[SLUG, appel.annee, format]))


def _normaliser(rangee: list, depuis_csv: bool = False) -> list:
    """Cells as comparable values: Decimal for numbers, str for text, "" for empty."""
    resultat = []
    for rang, valeur in enumerate(rangee):
        if rang in COLONNES_MONTANTS | COLONNES_ENTIERS:
            texte = str(valeur).replace(",", ".") if depuis_csv else repr(valeur)
            resultat.append(Decimal(texte).quantize(Decimal("0.01")))
        else:
            resultat.append("" if valeur is None else str(valeur))
    return resultat


def _lire_csv(contenu: bytes) -> list[list[str]]:
    assert contenu.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def _lire_xlsx(contenu: bytes):
    return load_workbook(io.BytesIO(contenu)).active


def _lire_ods(contenu: bytes) -> list[list]:
    document = opendocument.load(io.BytesIO(contenu))
    table = document.spreadsheet.getElementsByType(Table)[0]
    rangees = []
    for ligne in table.getElementsByType(TableRow):
        cellules = []
        for cellule in ligne.getElementsByType(TableCell):
            if cellule.getAttrNS(OFFICENS, "value-type") == "float":
                cellules.append(float(cellule.getAttrNS(OFFICENS, "value")))
            else:
                cellules.append("".join(str(p) for p in cellule.getElementsByType(P)))
        rangees.append(cellules)
    return rangees


def test_the_three_formats_hold_the_same_header_and_rows(client, appel):
    rangees_csv = _lire_csv(_export(client, appel, "csv").content)
    feuille = _lire_xlsx(_export(client, appel, "xlsx").content)
    rangees_xlsx = [list(r) for r in feuille.iter_rows(values_only=True)]
    rangees_ods = _lire_ods(_export(client, appel, "ods").content)

    assert [c.entete for c in COLONNES_PLAN] == ENTETE
    assert rangees_csv[0] == rangees_xlsx[0] == rangees_ods[0] == ENTETE
    attendues = [_normaliser(r, depuis_csv=True) for r in rangees_csv[1:]]
    assert [_normaliser(r) for r in rangees_xlsx[1:]] == attendues
    assert [_normaliser(r) for r in rangees_ods[1:]] == attendues
    assert [r[0] for r in attendues] == ["E-1", "E-2"]
    assert attendues[0][1] == 'Ateliers « Lire; écrire » et "contes"'
    assert attendues[1][11:15] == [
        Decimal("1000.00"),
        Decimal("15000.10"),
        Decimal("16000.10"),
        "oui",
    ]


def test_csv_is_what_a_french_spreadsheet_expects(client, appel):
    reponse = _export(client, appel, "csv")
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == (
        f'attachment; filename="plan-actions-{SLUG}-{appel.annee}.csv"'
    )
    texte = reponse.content.decode("utf-8-sig")
    assert texte.splitlines()[0].startswith("Numéro;Intitulé de l'action;Structure porteuse;")
    assert ";1234,56;0,00;1234,56;non" in texte
    assert ";1000,00;15000,10;16000,10;oui" in texte


def test_xlsx_keeps_numbers_as_numbers_under_a_bold_header(client, appel):
    feuille = _lire_xlsx(_export(client, appel, "xlsx").content)
    assert all(cellule.font.bold for cellule in feuille[1])
    deuxieme = feuille[3]
    assert deuxieme[7].data_type == "n"
    assert deuxieme[12].value == pytest.approx(15000.10)
    assert deuxieme[12].number_format == "#,##0.00"


def test_ods_stores_numbers_as_float_cells(client, appel):
    document = opendocument.load(io.BytesIO(_export(client, appel, "ods").content))
    ligne = document.spreadsheet.getElementsByType(TableRow)[2]
    cellules = ligne.getElementsByType(TableCell)
    assert cellules[12].getAttrNS(OFFICENS, "value-type") == "float"
    assert cellules[12].getAttrNS(OFFICENS, "value") == "15000.10"
    assert cellules[0].getAttrNS(OFFICENS, "value-type") == "string"
    table = document.spreadsheet.getElementsByType(Table)[0]
    assert table.getAttrNS(TABLENS, "name") == "Plan d'actions 2042"


def test_text_that_looks_like_a_formula_stays_text(client, appel):
    appel.dossiers.filter(numero="E-1").update(intitule='=HYPERLINK("http://x.test")')
    texte = _export(client, appel, "csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in texte
    feuille = _lire_xlsx(_export(client, appel, "xlsx").content)
    assert feuille["B2"].data_type == "s"
    assert feuille["B2"].value == '=HYPERLINK("http://x.test")'


@pytest.mark.parametrize("format", ["pdf", "CSV", "xls", "json"])
def test_unknown_export_format_is_404(client, appel, format):
    assert _export(client, appel, format).status_code == 404


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_export_of_an_unpublished_call_is_404_for_the_public(client, format):
    appel = AppelFactory(publie=False)
    assert _export(client, appel, format).status_code == 404
