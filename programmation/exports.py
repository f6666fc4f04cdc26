"""Exports of a list as CSV, XLSX or ODS: one column definition, three writers.

Every writer receives the same columns and the same rows, so the three files always hold
the same table. CSV is what a French spreadsheet opens without an import dialog: UTF-8
with a byte order mark, ";" between fields, a decimal comma. XLSX and ODS keep numbers as
numbers so that they can be summed.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TextProperties
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from programmation.selectors.instruction import LigneTableau, MontantsTableau
from programmation.selectors.plan import LigneAction

Valeur = str | int | Decimal | None


@dataclass(frozen=True)
class Colonne:
    entete: str
    valeur: Callable[[Any], Valeur]
    # Amounts keep two decimals in every format; other numbers are whole.
    montant: bool = False


def _oui_non(vrai: bool) -> str:
    return "oui" if vrai else "non"


COLONNES_PLAN: tuple[Colonne, ...] = (
    Colonne("Numéro", lambda ligne: ligne.numero),
    Colonne("Intitulé de l'action", lambda ligne: ligne.intitule),
    Colonne("Structure porteuse", lambda ligne: ligne.structure),
    Colonne("Type de structure", lambda ligne: ligne.type_structure),
    Colonne("Pilier", lambda ligne: ligne.pilier),
    Colonne("Objectifs opérationnels", lambda ligne: ligne.objectifs_texte),
    Colonne("Statut", lambda ligne: ligne.statut),
    Colonne("Personnes ciblées", lambda ligne: ligne.personnes),
    Colonne("Salariés mobilisés", lambda ligne: ligne.salaries),
    Colonne("Bénévoles mobilisés", lambda ligne: ligne.benevoles),
    Colonne("Portée par", lambda ligne: ligne.portee_par),
    Colonne("Accordé droit commun (€)", lambda ligne: ligne.droit_commun, montant=True),
    Colonne(
        "Accordé crédits spécifiques (€)", lambda ligne: ligne.credits_specifiques, montant=True
    ),
    Colonne("Total accordé (€)", lambda ligne: ligne.total_accorde, montant=True),
    Colonne("Donnée de démonstration", lambda ligne: _oui_non(ligne.est_demo)),
)


# The board's four figures, in the order of its columns (see MontantsTableau).
MESURES_TABLEAU = (
    ("demande", "Demandé"),
    ("propose", "Proposé"),
    ("accorde", "Accordé"),
    ("paye", "Payé"),
)


def _colonnes_montants(
    montants: Callable[[LigneTableau], MontantsTableau], entete: Callable[[str], str]
) -> tuple[Colonne, ...]:
    return tuple(
        Colonne(
            entete(libelle),
            lambda ligne, mesure=mesure: getattr(montants(ligne), mesure),
            montant=True,
        )
        for mesure, libelle in MESURES_TABLEAU
    )


COLONNES_TABLEAU: tuple[Colonne, ...] = (
    Colonne("Numéro", lambda ligne: ligne.dossier.numero),
    Colonne("Intitulé de l'action", lambda ligne: ligne.dossier.intitule),
    Colonne("Structure porteuse", lambda ligne: ligne.dossier.structure.organisation.nom),
    Colonne("Pilier", lambda ligne: ligne.pilier),
    Colonne("Statut", lambda ligne: ligne.dossier.get_statut_display()),
    *_colonnes_montants(lambda ligne: ligne.droit_commun, lambda m: f"{m} droit commun (€)"),
    *_colonnes_montants(
        lambda ligne: ligne.credits_specifiques, lambda m: f"{m} crédits spécifiques (€)"
    ),
    *_colonnes_montants(lambda ligne: ligne.total, lambda m: f"Total {m.lower()} (€)"),
    Colonne("Donnée de démonstration", lambda ligne: _oui_non(ligne.dossier.est_demo)),
)


def valeurs(colonnes: Sequence[Colonne], objets: Iterable[Any]) -> list[list[Valeur]]:
    """The table every writer puts in its format: one list of values per object."""
    return [[colonne.valeur(objet) for colonne in colonnes] for objet in objets]


def _est_nombre(valeur: Valeur) -> bool:
    return isinstance(valeur, int | Decimal) and not isinstance(valeur, bool)


def _nombre_francais(valeur: int | Decimal, montant: bool) -> str:
    """1234.5 → "1234,50": a decimal comma and no thousands separator, so it stays a number."""
    texte = f"{valeur:.2f}" if montant else str(valeur)
    return texte.replace(".", ",")


# A spreadsheet evaluates a cell that starts with one of these: text must not.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def _texte_csv(valeur: str) -> str:
    return f"'{valeur}" if valeur.startswith(DEBUTS_DE_FORMULE) else valeur


def ecrire_csv(colonnes: Sequence[Colonne], objets: Iterable[Any], titre: str = "") -> bytes:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([colonne.entete for colonne in colonnes])
    for rangee in valeurs(colonnes, objets):
        ecrivain.writerow(
            [
                ""
                if valeur is None
                else _nombre_francais(valeur, colonne.montant)
                if _est_nombre(valeur)
                else _texte_csv(str(valeur))
                for colonne, valeur in zip(colonnes, rangee, strict=True)
            ]
        )
    return tampon.getvalue().encode("utf-8-sig")


def _titre_feuille(titre: str) -> str:
    # Sheet names: at most 31 characters, none of []:*?/\ (XLSX and ODS alike).
    propre = "".join(" " if c in "[]:*?/\\" else c for c in titre).strip()
    return (propre or "Export")[:31]


def ecrire_xlsx(colonnes: Sequence[Colonne], objets: Iterable[Any], titre: str = "") -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = _titre_feuille(titre)
    feuille.append([colonne.entete for colonne in colonnes])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for numero_ligne, rangee in enumerate(valeurs(colonnes, objets), start=2):
        for numero_colonne, (colonne, valeur) in enumerate(
            zip(colonnes, rangee, strict=True), start=1
        ):
            cellule = feuille.cell(row=numero_ligne, column=numero_colonne)
            if _est_nombre(valeur):
                cellule.value = valeur
                cellule.number_format = "#,##0.00" if colonne.montant else "0"
            elif valeur is not None:
                cellule.value = str(valeur)
                # A text starting with "=" stays text, never a formula.
                cellule.data_type = TYPE_STRING
    feuille.freeze_panes = "A2"
    for numero_colonne, colonne in enumerate(colonnes, start=1):
        feuille.column_dimensions[get_column_letter(numero_colonne)].width = max(
            12, min(60, len(colonne.entete) + 4)
        )
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def ecrire_ods(colonnes: Sequence[Colonne], objets: Iterable[Any], titre: str = "") -> bytes:
    document = OpenDocumentSpreadsheet()
    gras = Style(name="entete", family="table-cell")
    gras.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(gras)
    table = Table(name=_titre_feuille(titre))
    entete = TableRow()
    for colonne in colonnes:
        cellule = TableCell(valuetype="string", stylename=gras)
        cellule.addElement(P(text=colonne.entete))
        entete.addElement(cellule)
    table.addElement(entete)
    for rangee in valeurs(colonnes, objets):
        ligne = TableRow()
        for colonne, valeur in zip(colonnes, rangee, strict=True):
            if _est_nombre(valeur):
                cellule = TableCell(valuetype="float", value=str(valeur))
                cellule.addElement(P(text=_nombre_francais(valeur, colonne.montant)))
            elif valeur is None:
                cellule = TableCell()
            else:
                cellule = TableCell(valuetype="string")
                cellule.addElement(P(text=str(valeur)))
            ligne.addElement(cellule)
        table.addElement(ligne)
    document.spreadsheet.addElement(table)
    tampon = io.BytesIO()
    document.write(tampon)
    return tampon.getvalue()


@dataclass(frozen=True)
class Format:
    ecrire: Callable[[Sequence[Colonne], Iterable[Any], str], bytes]
    content_type: str


FORMATS: dict[str, Format] = {
    "csv": Format(ecrire_csv, "text/csv; charset=utf-8"),
    "xlsx": Format(
        ecrire_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "ods": Format(ecrire_ods, "application/vnd.oasis.opendocument.spreadsheet"),
}


def reponse_export(
    *, colonnes: Sequence[Colonne], objets: Iterable[Any], format: str, nom: str, titre: str
) -> HttpResponse:
    """The file as a download named <nom>.<format>; an unknown format is a 404."""
    choisi = FORMATS.get(format)
    if choisi is None:
        raise Http404("Format d'export inconnu : csv, xlsx ou ods.")
    reponse = HttpResponse(choisi.ecrire(colonnes, objets, titre), content_type=choisi.content_type)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format}"'
    return reponse


def exporter_plan(lignes: Sequence[LigneAction], *, format: str, nom: str, titre: str):
    return reponse_export(
        colonnes=COLONNES_PLAN, objets=lignes, format=format, nom=nom, titre=titre
    )


def exporter_tableau(lignes: Sequence[LigneTableau], *, format: str, nom: str, titre: str):
    return reponse_export(
        colonnes=COLONNES_TABLEAU, objets=lignes, format=format, nom=nom, titre=titre
    )
