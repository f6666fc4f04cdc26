"""Import of observations from a CSV, XLSX or ODS file: check everything, then write all.

One template of columns (docs/import-observations.md):

    indicateur ; territoire ; date ; valeur ; valeur_publiee ; source

`analyser` reads and checks a file without writing anything: its report names every bad
row and column in French, and counts what an import would create, modify or leave
unchanged. `importer` writes the same rows in one transaction, or nothing at all, and
records one history event. Rows are matched on their natural key (indicator, territory,
date): importing the same file again changes nothing, and writes no event.
"""

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import tablib
from django.db import models, transaction

from historique.services import enregistrer_evenement
from territoires.actions import ActionTerritoires
from territoires.models import (
    Commune,
    ImportObservations,
    Indicateur,
    Observation,
    QuartierPrioritaire,
    TerritoireDeReference,
)
from territoires.nombres import nombre_francais

TAILLE_MAX = 2 * 1024 * 1024
LIGNES_MAX = 20_000
FORMATS = ("csv", "xlsx", "ods")


@dataclass(frozen=True)
class ColonneModele:
    nom: str
    obligatoire: bool
    description: str
    exemple: str


COLONNES: tuple[ColonneModele, ...] = (
    ColonneModele("indicateur", True, "code de l'indicateur", "taux-chomage"),
    ColonneModele(
        "territoire",
        True,
        "code INSEE de la commune, code ou identifiant du quartier prioritaire, "
        "ou code du territoire de référence (94, france-metropolitaine)",
        "94079",
    ),
    ColonneModele("date", True, "JJ/MM/AAAA, ou AAAA pour le 1er janvier", "2018"),
    ColonneModele("valeur", True, "nombre en notation française (12,5) ou 12.5", "11,2"),
    ColonneModele(
        "valeur_publiee",
        False,
        "la valeur telle que la source la publie ; par défaut, la valeur",
        "11,2 %",
    ),
    ColonneModele("source", False, "l'organisme et la publication", "Insee, recensement"),
)
NOMS_COLONNES = tuple(c.nom for c in COLONNES)
OBLIGATOIRES = tuple(c.nom for c in COLONNES if c.obligatoire)
LISTE_COLONNES = ", ".join(c.nom if c.obligatoire else f"{c.nom} (facultative)" for c in COLONNES)

# Lengths of the text fields of Observation.
LONGUEURS = {"valeur_publiee": 300, "source": 250}
CHIFFRES_ENTIERS_MAX = 11
DECIMALES_MAX = 3
NOMBRE = re.compile(r"-?[0-9]+(?:[,.][0-9]+)?")
ESPACES = re.compile(r"[\s\u00a0\u202f]")
DATE_FRANCAISE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
ANNEE = re.compile(r"[0-9]{4}")


class FichierRefuse(Exception):
    """The file itself cannot be read (size, format, encoding, columns)."""


class ImportRefuse(Exception):
    """The file has errors: nothing was written."""

    def __init__(self, rapport: "Rapport") -> None:
        super().__init__(" ".join(rapport.erreurs))
        self.rapport = rapport


@dataclass(frozen=True)
class Perimetre:
    """The communes and QPVs a file may name (reference territories are always allowed)."""

    libelle: str  # completes "n'est pas un territoire …": "du contrat « … »"
    communes: frozenset[int]
    quartiers: frozenset[int]


@dataclass(frozen=True)
class Territoire:
    champ: str  # "commune", "quartier" or "reference": the Observation field it fills
    objet: Commune | QuartierPrioritaire | TerritoireDeReference

    @property
    def cle(self) -> tuple[str, int]:
        return (self.champ, self.objet.pk)


@dataclass(frozen=True)
class LigneLue:
    numero: int
    indicateur: Indicateur
    territoire: Territoire
    date: dt.date
    valeur: Decimal
    valeur_texte: str
    source: str

    @property
    def cle(self) -> tuple[int, tuple[str, int], dt.date]:
        return (self.indicateur.pk, self.territoire.cle, self.date)


@dataclass
class Rapport:
    fichier: str
    empreinte: str
    lignes: list[LigneLue] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)
    crees: int = 0
    modifiees: int = 0
    inchangees: int = 0

    @property
    def observations(self) -> int:
        return len(self.lignes)

    @property
    def nombre_erreurs(self) -> int:
        return len(self.erreurs)

    @property
    def valide(self) -> bool:
        return not self.erreurs and bool(self.lignes)

    @property
    def inchange(self) -> bool:
        return self.crees == 0 and self.modifiees == 0


# --- Reading the file ---------------------------------------------------------------------------


def format_du_fichier(nom: str) -> str:
    extension = PurePath(nom).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        affichee = f"« .{extension} »" if extension else "sans extension"
        raise FichierRefuse(
            f"Format de fichier non pris en charge ({affichee}) : "
            "envoyez un fichier CSV, XLSX ou ODS."
        )
    return extension


def verifier_taille(taille: int) -> None:
    if taille > TAILLE_MAX:
        raise FichierRefuse(
            f"Le fichier dépasse la taille maximale de {TAILLE_MAX // (1024 * 1024)} Mo : "
            "découpez-le en plusieurs fichiers."
        )


def _texte_csv(contenu: bytes) -> str:
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FichierRefuse(
            "Le fichier CSV n'est pas encodé en UTF-8 : enregistrez-le au format "
            "« CSV UTF-8 » puis envoyez-le de nouveau."
        ) from None


def _charger_csv(donnees: tablib.Dataset, contenu: bytes) -> None:
    lignes = _texte_csv(contenu).splitlines()
    entete = lignes[0] if lignes else ""
    separateur = ";" if entete.count(";") >= entete.count(",") else ","
    # tablib skips blank lines: a blank line becomes a row of empty cells, so that each
    # row keeps the number of its line in the file.
    texte = "\n".join(ligne if ligne.strip() else separateur for ligne in lignes)
    donnees.load(texte, format="csv", headers=False, delimiter=separateur)


def lire_tableau(nom: str, contenu: bytes) -> list[list[Any]]:
    """The rows of the file (header included), or FichierRefuse."""
    verifier_taille(len(contenu))
    extension = format_du_fichier(nom)
    donnees = tablib.Dataset()
    try:
        if extension == "csv":
            _charger_csv(donnees, contenu)
        else:
            donnees.load(io.BytesIO(contenu), format=extension, headers=False)
    except FichierRefuse:
        raise
    except tablib.InvalidDimensions:
        raise FichierRefuse(
            "Une ligne du fichier a plus de cellules que l'en-tête n'a de colonnes : "
            f"gardez les seules colonnes {LISTE_COLONNES}."
        ) from None
    except Exception:  # any parser failure means an unreadable file
        raise FichierRefuse(
            f"Le fichier n'a pas pu être lu comme un fichier {extension.upper()} : "
            "vérifiez qu'il n'est pas endommagé et qu'il a la bonne extension."
        ) from None
    return [list(rangee) for rangee in donnees]


def _cellule(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).strip()


def _entetes(rangee: list[Any]) -> dict[str, int]:
    """Column name → index; unknown, repeated or missing columns refuse the file."""
    noms = [_cellule(v).lower() for v in rangee]
    while noms and not noms[-1]:
        noms.pop()
    positions: dict[str, int] = {}
    for index, nom in enumerate(noms):
        if nom not in NOMS_COLONNES:
            affiche = f"« {nom} »" if nom else f"n° {index + 1} (sans titre)"
            raise FichierRefuse(
                f"Ligne 1 : colonne {affiche} inconnue ; les colonnes attendues sont "
                f"{LISTE_COLONNES}."
            )
        if nom in positions:
            raise FichierRefuse(f"Ligne 1 : la colonne « {nom} » apparaît deux fois.")
        positions[nom] = index
    manquantes = [nom for nom in OBLIGATOIRES if nom not in positions]
    if manquantes:
        liste = ", ".join(f"« {nom} »" for nom in manquantes)
        pluriel = "s" if len(manquantes) > 1 else ""
        raise FichierRefuse(
            f"Ligne 1 : colonne{pluriel} {liste} manquante{pluriel} ; les colonnes attendues "
            f"sont {LISTE_COLONNES}."
        )
    return positions


# --- Reading one cell ---------------------------------------------------------------------------


class CelluleInvalide(Exception):
    pass


def lire_nombre(valeur: Any) -> Decimal:
    """ "12,5", "12.5", "1 234,5", 12.5 (a spreadsheet's number) → Decimal; else refused."""
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        nombre = Decimal(str(valeur))
        texte = _cellule(valeur)
    else:
        texte = _cellule(valeur)
        compact = ESPACES.sub("", texte)
        if not NOMBRE.fullmatch(compact):
            raise CelluleInvalide(f"« {texte} » n'est pas un nombre (par exemple 12,5).")
        nombre = Decimal(compact.replace(",", "."))
    try:
        exposant = int(nombre.as_tuple().exponent)
    except (TypeError, InvalidOperation):
        raise CelluleInvalide(f"« {texte} » n'est pas un nombre (par exemple 12,5).") from None
    if -exposant > DECIMALES_MAX:
        raise CelluleInvalide(f"« {texte} » a plus de {DECIMALES_MAX} décimales.")
    if abs(nombre) >= Decimal(10) ** CHIFFRES_ENTIERS_MAX:
        raise CelluleInvalide(f"« {texte} » est trop grand.")
    return nombre


def lire_date(valeur: Any) -> dt.date:
    """ "31/12/2018" → 2018-12-31; "2018" or 2018 → 2018-01-01; a spreadsheet's date as is."""
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    texte = _cellule(valeur)
    if ANNEE.fullmatch(texte):
        return dt.date(int(texte), 1, 1)
    trouve = DATE_FRANCAISE.fullmatch(texte)
    if trouve:
        jour, mois, annee = (int(partie) for partie in trouve.groups())
        try:
            return dt.date(annee, mois, jour)
        except ValueError:
            pass
    raise CelluleInvalide(f"« {texte} » n'est pas une date valide (JJ/MM/AAAA).")


def _code_territoire(valeur: Any) -> str:
    """A spreadsheet turns "01" or "01053" into a number: give it back its zeros."""
    texte = _cellule(valeur)
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        if len(texte) == 1:
            return texte.zfill(2)
        if len(texte) == 4:
            return texte.zfill(5)
    return texte


# --- Checking the rows --------------------------------------------------------------------------


class Referentiel:
    """The indicators and territories a file may name, read once per analysis."""

    def __init__(self, perimetre: Perimetre | None) -> None:
        self.perimetre = perimetre
        self.indicateurs = {i.code: i for i in Indicateur.objects.all()}
        territoires: dict[str, Territoire] = {}
        # Lowest priority first: a commune's INSEE code wins over any other code.
        for reference in TerritoireDeReference.objects.all():
            territoires[reference.code.casefold()] = Territoire("reference", reference)
        for quartier in QuartierPrioritaire.objects.all():
            territoires[quartier.slug.casefold()] = Territoire("quartier", quartier)
            if quartier.code:
                territoires[quartier.code.casefold()] = Territoire("quartier", quartier)
        for commune in Commune.objects.all():
            territoires[commune.code_insee.casefold()] = Territoire("commune", commune)
        self.territoires = territoires
        # Dates of each contract's diagnostic, per territory: written by the contract's files.
        self.dates_du_diagnostic = set(
            (champ, pk, date)
            for champ in ("commune", "quartier")
            for pk, date in Observation.objects.filter(
                origine=Observation.Origine.CONTRAT, **{f"{champ}__isnull": False}
            ).values_list(f"{champ}_id", "date")
        )

    def indicateur(self, code: str) -> Indicateur:
        try:
            return self.indicateurs[code]
        except KeyError:
            raise CelluleInvalide(f"« {code} » n'est pas un code d'indicateur connu.") from None

    def territoire(self, code: str) -> Territoire:
        territoire = self.territoires.get(code.casefold())
        if territoire is None:
            raise CelluleInvalide(
                f"« {code} » n'est ni le code INSEE d'une commune, ni le code ou l'identifiant "
                "d'un quartier prioritaire, ni le code d'un territoire de référence."
            )
        perimetre = self.perimetre
        if perimetre is not None and (
            (territoire.champ == "commune" and territoire.objet.pk not in perimetre.communes)
            or (territoire.champ == "quartier" and territoire.objet.pk not in perimetre.quartiers)
        ):
            raise CelluleInvalide(
                f"« {code} » ({territoire.objet.nom}) n'est pas un territoire {perimetre.libelle}."
            )
        return territoire

    def est_date_du_diagnostic(self, territoire: Territoire, date: dt.date) -> bool:
        return (territoire.champ, territoire.objet.pk, date) in self.dates_du_diagnostic


def _message(numero: int, colonne: str, texte: str) -> str:
    return f"Ligne {numero}, colonne « {colonne} » : {texte}"


def _lire_ligne(
    numero: int, cellules: dict[str, Any], referentiel: Referentiel
) -> tuple[LigneLue | None, list[str]]:
    erreurs: list[str] = []
    lus: dict[str, Any] = {}
    lecteurs = {
        "indicateur": lambda v: referentiel.indicateur(_cellule(v)),
        "territoire": lambda v: referentiel.territoire(_code_territoire(v)),
        "date": lire_date,
        "valeur": lire_nombre,
    }
    for colonne, lire in lecteurs.items():
        valeur = cellules.get(colonne)
        if _cellule(valeur) == "":
            erreurs.append(_message(numero, colonne, "valeur manquante."))
            continue
        try:
            lus[colonne] = lire(valeur)
        except CelluleInvalide as exc:
            erreurs.append(_message(numero, colonne, str(exc)))
    for colonne, longueur in LONGUEURS.items():
        texte = _cellule(cellules.get(colonne))
        if len(texte) > longueur:
            erreurs.append(_message(numero, colonne, f"le texte dépasse {longueur} caractères."))
        lus[colonne] = texte
    if (
        "territoire" in lus
        and "date" in lus
        and referentiel.est_date_du_diagnostic(lus["territoire"], lus["date"])
    ):
        erreurs.append(
            _message(
                numero,
                "date",
                f"le {lus['date']:%d/%m/%Y} est la date du diagnostic du contrat pour "
                f"{lus['territoire'].objet.nom} ; ces valeurs se modifient dans les "
                "fichiers du contrat (diagnostic.yaml).",
            )
        )
    if erreurs:
        return None, erreurs
    return (
        LigneLue(
            numero=numero,
            indicateur=lus["indicateur"],
            territoire=lus["territoire"],
            date=lus["date"],
            valeur=lus["valeur"],
            valeur_texte=lus["valeur_publiee"] or nombre_francais(lus["valeur"]),
            source=lus["source"],
        ),
        [],
    )


def _lire_lignes(
    rangees: list[list[Any]], referentiel: Referentiel
) -> tuple[list[LigneLue], list[str]]:
    if not rangees:
        raise FichierRefuse("Le fichier est vide : la première ligne doit nommer les colonnes.")
    positions = _entetes(rangees[0])
    if len(rangees) - 1 > LIGNES_MAX:
        raise FichierRefuse(
            f"Le fichier compte plus de {LIGNES_MAX} lignes : découpez-le en plusieurs fichiers."
        )
    lignes: list[LigneLue] = []
    erreurs: list[str] = []
    premieres: dict[tuple, int] = {}
    for numero, rangee in enumerate(rangees[1:], start=2):
        cellules = {nom: rangee[i] if i < len(rangee) else None for nom, i in positions.items()}
        if all(_cellule(v) == "" for v in rangee):
            continue
        ligne, fautes = _lire_ligne(numero, cellules, referentiel)
        erreurs += fautes
        if ligne is None:
            continue
        premiere = premieres.setdefault(ligne.cle, numero)
        if premiere != numero:
            erreurs.append(
                f"Ligne {numero}, colonnes « indicateur », « territoire » et « date » : "
                f"même observation que la ligne {premiere} (une seule valeur par indicateur, "
                "territoire et date)."
            )
            continue
        lignes.append(ligne)
    if not lignes and not erreurs:
        raise FichierRefuse("Le fichier ne contient aucune ligne d'observation.")
    return lignes, erreurs


# --- Comparing with the database ----------------------------------------------------------------


def _valeurs(ligne: LigneLue, est_demo: bool) -> dict[str, Any]:
    return {
        "valeur": ligne.valeur,
        "valeur_texte": ligne.valeur_texte,
        "source": ligne.source,
        "est_demo": est_demo,
        "origine": Observation.Origine.IMPORT,
    }


def _existantes(lignes: Iterable[LigneLue]) -> dict[tuple, Observation]:
    """The observations already stored under the natural keys of the rows."""
    lignes = list(lignes)
    indicateurs = {ligne.indicateur.pk for ligne in lignes}
    dates = {ligne.date for ligne in lignes}
    filtre = models.Q()
    for champ in ("commune", "quartier", "reference"):
        pks = {ligne.territoire.objet.pk for ligne in lignes if ligne.territoire.champ == champ}
        if pks:
            filtre |= models.Q(**{f"{champ}__in": pks})
    if not lignes:
        return {}
    existantes = Observation.objects.filter(filtre, indicateur__in=indicateurs, date__in=dates)
    return {
        (
            o.indicateur_id,
            ("commune", o.commune_id)
            if o.commune_id
            else ("quartier", o.quartier_id)
            if o.quartier_id
            else ("reference", o.reference_id),
            o.date,
        ): o
        for o in existantes
    }


def _differences(observation: Observation, valeurs: dict[str, Any]) -> dict[str, Any]:
    return {nom: v for nom, v in valeurs.items() if getattr(observation, nom) != v}


def _compter(rapport: Rapport, est_demo: bool) -> dict[tuple, Observation]:
    existantes = _existantes(rapport.lignes)
    for ligne in rapport.lignes:
        existante = existantes.get(ligne.cle)
        if existante is None:
            rapport.crees += 1
        elif _differences(existante, _valeurs(ligne, est_demo)):
            rapport.modifiees += 1
        else:
            rapport.inchangees += 1
    return existantes


def empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def _analyser(
    nom: str, contenu: bytes, perimetre: Perimetre | None, est_demo: bool
) -> tuple[Rapport, dict[tuple, Observation]]:
    rapport = Rapport(fichier=PurePath(nom).name, empreinte=empreinte(contenu))
    try:
        rangees = lire_tableau(nom, contenu)
        rapport.lignes, rapport.erreurs = _lire_lignes(rangees, Referentiel(perimetre))
    except FichierRefuse as exc:
        rapport.lignes, rapport.erreurs = [], [str(exc)]
    if rapport.erreurs:
        return rapport, {}
    return rapport, _compter(rapport, est_demo)


def analyser(
    nom: str, contenu: bytes, *, perimetre: Perimetre | None = None, est_demo: bool = False
) -> Rapport:
    """The dry run: every error of the file, or what an import would do. Writes nothing."""
    return _analyser(nom, contenu, perimetre, est_demo)[0]


def importer(
    nom: str,
    contenu: bytes,
    *,
    acteur: Any | None,
    perimetre: Perimetre | None = None,
    est_demo: bool = False,
) -> Rapport:
    """Write every row of a valid file in one transaction; ImportRefuse if one is bad.

    One history event records the counts; an import that changes nothing writes no event.
    """
    with transaction.atomic():
        rapport, existantes = _analyser(nom, contenu, perimetre, est_demo)
        if not rapport.valide:
            raise ImportRefuse(rapport)
        if rapport.inchange:
            return rapport
        _ecrire(rapport.lignes, existantes, est_demo)
        _journaliser(rapport, acteur=acteur, perimetre=perimetre, est_demo=est_demo)
    return rapport


def _ecrire(lignes: list[LigneLue], existantes: dict[tuple, Observation], est_demo: bool) -> None:
    nouvelles = []
    for ligne in lignes:
        valeurs = _valeurs(ligne, est_demo)
        existante = existantes.get(ligne.cle)
        if existante is None:
            nouvelles.append(
                Observation(
                    indicateur=ligne.indicateur,
                    date=ligne.date,
                    **{ligne.territoire.champ: ligne.territoire.objet},
                    **valeurs,
                )
            )
            continue
        changes = _differences(existante, valeurs)
        if changes:
            for nom, valeur in changes.items():
                setattr(existante, nom, valeur)
            existante.save(update_fields=list(changes))
    Observation.objects.bulk_create(nouvelles, batch_size=500)


def _journaliser(
    rapport: Rapport, *, acteur: Any | None, perimetre: Perimetre | None, est_demo: bool
) -> None:
    lot = ImportObservations.objects.create(
        auteur=acteur if getattr(acteur, "is_authenticated", False) else None,
        fichier=rapport.fichier[:255],
        empreinte=rapport.empreinte,
        est_demo=est_demo,
        crees=rapport.crees,
        modifiees=rapport.modifiees,
        inchangees=rapport.inchangees,
    )
    enregistrer_evenement(
        acteur=acteur,
        objet=lot,
        action=ActionTerritoires.IMPORT_OBSERVATIONS,
        changements={
            "fichier": rapport.fichier,
            "empreinte": rapport.empreinte,
            "périmètre": perimetre.libelle if perimetre else "tous les territoires",
            "démonstration": est_demo,
            "créées": rapport.crees,
            "modifiées": rapport.modifiees,
            "inchangées": rapport.inchangees,
        },
    )


# --- The template of columns --------------------------------------------------------------------


def modele() -> tablib.Dataset:
    """The template file: the columns, and one example row."""
    donnees = tablib.Dataset(headers=list(NOMS_COLONNES), title="Observations")
    donnees.append([c.exemple for c in COLONNES])
    return donnees


def exporter_modele(format: str) -> bytes:
    """The template as CSV (UTF-8 with BOM, ";"), XLSX or ODS."""
    donnees = modele()
    if format == "csv":
        return donnees.export("csv", delimiter=";").encode("utf-8-sig")
    return donnees.export(format)
