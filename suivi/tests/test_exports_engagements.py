"""The summary table of the engagements follow-up, exported: the same rows in CSV, XLSX
and ODS, read back by content (csv, openpyxl, tablib).

The CAF's agent proposes three 2016 follow-ups of its section 2.7 (five engagements): one
tenu and one en cours, validated by the pilote, one tenu still to review; the State's
delegate one 2015 follow-up of its section, sent back "à revoir".
"""

import csv
import io

import pytest
import tablib
from django.urls import reverse
from openpyxl import load_workbook

from programmation.tests.outils import client_de
from suivi.models import StatutEngagement
from suivi.services.engagements import Examen
from suivi.tests.engagements import engagement_de, examiner, proposer

pytestmark = pytest.mark.django_db

ENTETES = [
    "Signataire",
    "Année",
    "Engagements",
    "Pas commencé",
    "En cours",
    "Tenu",
    "Non tenu",
    "Sans objet",
]
CAF = "La Caisse d’Allocations Familiales"


@pytest.fixture
def suivis(villiers, financeur, pilote, etat):
    examiner(proposer(engagement_de(villiers), financeur, statut=StatutEngagement.TENU), pilote)
    examiner(proposer(engagement_de(villiers, ordre=2), financeur), pilote)
    proposer(engagement_de(villiers, ordre=3), financeur, statut=StatutEngagement.TENU)
    a_revoir = proposer(engagement_de(villiers, "2.2"), etat, annee=2015)
    examiner(a_revoir, pilote, Examen.A_REVOIR, motif="Préciser les moyens engagés.")
    return villiers


def _export(contrat, format: str, qui=None):
    reponse = client_de(qui).get(
        reverse("suivi:suivi_engagements_export", args=[contrat.slug, format])
    )
    assert reponse.status_code == 200
    return reponse


def _rangee(rangees: list[list], signataire: str, annee: int) -> list:
    return next(r for r in rangees if r[0] == signataire and int(r[1]) == annee)


def test_the_csv_opens_in_a_french_spreadsheet_one_row_per_signatory_and_year(suivis, pilote):
    reponse = _export(suivis, "csv", pilote)

    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == (
        f'attachment; filename="suivi-engagements-{suivis.slug}.csv"'
    )
    assert reponse.content.startswith(b"\xef\xbb\xbf")
    rangees = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert rangees[0] == [*ENTETES, "Sans suivi", "Dont non validés"]
    signataires = {r[0] for r in rangees[1:]}
    assert len(rangees) - 1 == len(signataires) * 6  # 2015 to 2020
    assert _rangee(rangees[1:], CAF, 2016)[2:] == ["5", "0", "1", "2", "0", "0", "2", "1"]
    assert _rangee(rangees[1:], "L’Etat", 2015)[2:] == ["36", "0", "1", "0", "0", "0", "35", "1"]
    assert _rangee(rangees[1:], CAF, 2017)[2:] == ["5", "0", "0", "0", "0", "0", "5", "0"]


def test_the_public_export_counts_only_validated_follow_ups_and_not_the_others(suivis):
    rangees = list(
        csv.reader(io.StringIO(_export(suivis, "csv").content.decode("utf-8-sig")), delimiter=";")
    )

    assert rangees[0] == [*ENTETES, "Sans suivi validé"]
    assert _rangee(rangees[1:], CAF, 2016)[2:] == ["5", "0", "1", "1", "0", "0", "3"]
    assert _rangee(rangees[1:], "L’Etat", 2015)[2:] == ["36", "0", "0", "0", "0", "0", "36"]


def test_the_xlsx_holds_the_same_table_with_numbers_as_numbers(suivis, pilote):
    classeur = load_workbook(io.BytesIO(_export(suivis, "xlsx", pilote).content))
    feuille = classeur.active

    assert feuille.title == "Suivi des engagements"
    rangees = [list(r) for r in feuille.iter_rows(values_only=True)]
    assert rangees[0] == [*ENTETES, "Sans suivi", "Dont non validés"]
    caf = _rangee(rangees[1:], CAF, 2016)
    assert caf[1:] == [2016, 5, 0, 1, 2, 0, 0, 2, 1]
    assert all(isinstance(valeur, int) for valeur in caf[1:])


def test_the_ods_holds_the_same_table(suivis, pilote):
    donnees = tablib.Dataset().load(_export(suivis, "ods", pilote).content, format="ods")

    assert list(donnees.headers) == [*ENTETES, "Sans suivi", "Dont non validés"]
    caf = _rangee([list(r) for r in donnees], CAF, 2016)
    assert [int(valeur) for valeur in caf[1:]] == [2016, 5, 0, 1, 2, 0, 0, 2, 1]


def test_an_unknown_export_format_is_not_found(villiers):
    url = reverse("suivi:suivi_engagements_export", args=[villiers.slug, "pdf"])

    assert client_de(None).get(url).status_code == 404
