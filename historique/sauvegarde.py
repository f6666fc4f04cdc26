"""Backup and restore: the whole database and the uploaded files in one zip archive.

The archive holds, in this order:
- `donnees/<app>.<modèle>.jsonl`: the rows of every model of every installed app, the
  auto-created many-to-many tables included, in Django's JSON Lines serialisation, written
  model by model as they are read (never the whole database in memory);
- `fichiers/<chemin>`: every file under MEDIA_ROOT;
- `manifeste.json`, last (a zip is read from its end: restoring reads it first): format,
  date, database vendor, applied migrations of each app, rows and SHA-256 of each table's
  member, SHA-256 and size of each file, the history chain's head.

Primary keys are kept as they are and the restore empties every table (content types and
permissions included) before loading: every foreign key points to the same row as before,
on any database vendor, without natural keys.

The restore checks everything it can before changing anything (manifest, migrations, an
empty target unless `remplacer`, the hash of every member, files extracted aside), then
loads in one transaction and swaps the media folder last. The history's events come back
with their rank and links as saved: sealing only ever touches unsealed events, and the
chain is verified before the transaction commits.
"""

import dataclasses
import hashlib
import io
import json
import os
import secrets
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers import base as serialisation
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from historique import integrite
from historique.actions import ActionSauvegarde
from historique.erreurs import ErreurMetier
from historique.models import Evenement, TeteDeChaine
from historique.services import enregistrer_evenement

FORMAT = 1
MANIFESTE = "manifeste.json"
DONNEES = "donnees"
FICHIERS = "fichiers"
LOT = 500
MORCEAU = 1 << 20
CLES_DU_MANIFESTE = {"date", "base", "migrations", "tables", "fichiers"}
# What reading a damaged or cut zip raises: a bad header or CRC, a truncated stream, a
# member that does not inflate, a manifest that is not JSON.
ARCHIVE_ABIMEE = (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error)


class SauvegardeRefusee(ErreurMetier):
    """An archive that cannot be written or restored; nothing was changed."""


@dataclass(frozen=True)
class Bilan:
    archive: Path
    date: datetime
    tables: int
    lignes: int
    fichiers: int
    evenements_verifies: int = 0


# ---------------------------------------------------------------- what is saved


def modeles() -> list[type[models.Model]]:
    """Every model that owns a table, the auto-created many-to-many tables included, in
    the apps' order (a search index, filled by triggers, comes after its sources)."""
    return [
        modele
        for modele in apps.get_models(include_auto_created=True)
        if modele._meta.managed and not modele._meta.proxy
    ]


def etat_des_migrations() -> dict[str, list[str]]:
    """The migrations applied to the database, for each installed app."""
    installees = {config.label for config in apps.get_app_configs()}
    etat: dict[str, list[str]] = {}
    for app, nom in MigrationRecorder(connection).applied_migrations():
        if app in installees:
            etat.setdefault(app, []).append(nom)
    return {app: sorted(noms) for app, noms in sorted(etat.items())}


class _EncodeurExact(DjangoJSONEncoder):
    """Django's encoder keeps datetimes and times to the millisecond: a restore must give
    every value back as it was."""

    def default(self, o):
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


class _Serialiseur(jsonl.Serializer):
    def handle_m2m_field(self, obj, field) -> None:
        """Auto-created many-to-many tables are saved as models of their own, ids included
        (one query per row saved, otherwise)."""


class _Condenseur(io.RawIOBase):
    """Writes through to an archive member, hashing and counting lines on the way."""

    def __init__(self, cible) -> None:
        self.cible = cible
        self.condense = hashlib.sha256()
        self.lignes = 0

    def writable(self) -> bool:
        return True

    def write(self, octets) -> int:
        self.condense.update(octets)
        self.lignes += bytes(octets).count(b"\n")
        return self.cible.write(octets)


def _membre(nom: str, moment: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(nom, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _ecrire_table(archive: zipfile.ZipFile, modele: type[models.Model], moment: datetime) -> dict:
    nom = f"{DONNEES}/{modele._meta.label_lower}.jsonl"
    with archive.open(_membre(nom, moment), "w", force_zip64=True) as membre:
        condenseur = _Condenseur(membre)
        flux = io.TextIOWrapper(io.BufferedWriter(condenseur, MORCEAU), "utf-8", newline="")
        lignes = modele._base_manager.order_by("pk").iterator(chunk_size=2000)
        _Serialiseur().serialize(lignes, stream=flux, cls=_EncodeurExact)
        flux.flush()
        flux.detach()
    return {
        "modele": modele._meta.label_lower,
        "table": modele._meta.db_table,
        "membre": nom,
        "lignes": condenseur.lignes,
        "sha256": condenseur.condense.hexdigest(),
    }


def _fichiers_des_medias(racine: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under the media folder (links are not followed), sorted."""
    if not racine.is_dir():
        return
    for dossier, sous_dossiers, noms in os.walk(racine):
        sous_dossiers.sort()
        for nom in sorted(noms):
            chemin = Path(dossier) / nom
            if chemin.is_file() and not chemin.is_symlink():
                yield chemin.relative_to(racine).as_posix(), chemin


def _ecrire_fichier(archive: zipfile.ZipFile, relatif: str, chemin: Path) -> dict:
    """Copy one file into the archive, hashing exactly the bytes copied."""
    condense, taille = hashlib.sha256(), 0
    info = zipfile.ZipInfo.from_file(chemin, f"{FICHIERS}/{relatif}")
    info.compress_type = zipfile.ZIP_DEFLATED
    with chemin.open("rb") as source, archive.open(info, "w", force_zip64=True) as membre:
        while morceau := source.read(MORCEAU):
            condense.update(morceau)
            taille += len(morceau)
            membre.write(morceau)
    return {"sha256": condense.hexdigest(), "taille": taille}


def _lire_la_base(archive: zipfile.ZipFile, moment: datetime) -> tuple[list[dict], dict]:
    """Every table, from one snapshot of the database (SQLite: writers wait meanwhile,
    IMMEDIATE transactions taking the write lock)."""
    exterieure = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not exterieure:
            with connection.cursor() as curseur:
                curseur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        tables = [_ecrire_table(archive, modele, moment) for modele in modeles()]
        tete = TeteDeChaine.objects.filter(pk=1).first()
        chaine = {"rang": tete.rang, "empreinte": tete.empreinte} if tete else None
        return tables, {"migrations": etat_des_migrations(), "historique": chaine}


def sauvegarder(destination: Path) -> Bilan:
    """Write the archive at `destination` (a file, or a folder to name it in); the file is
    readable by its owner only: it holds personal data and password hashes."""
    maintenant = timezone.localtime()
    if destination.is_dir():
        destination = destination / f"sauvegarde-{maintenant:%Y%m%d-%H%M%S}.zip"
    if destination.exists():
        raise SauvegardeRefusee(f"Le fichier {destination} existe déjà : rien n'a été écrit.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Committed events are sealed first: the archive holds the chain as far as it goes.
    integrite.sceller()
    partiel = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.partiel")
    descripteur = os.open(partiel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with (
            os.fdopen(descripteur, "wb") as sortie,
            zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            tables, etat = _lire_la_base(archive, maintenant)
            racine = Path(settings.MEDIA_ROOT)
            fichiers = {
                relatif: _ecrire_fichier(archive, relatif, chemin)
                for relatif, chemin in _fichiers_des_medias(racine)
            }
            manifeste = {
                "format": FORMAT,
                "date": maintenant.isoformat(),
                "base": connection.vendor,
                **etat,
                "tables": tables,
                "fichiers": fichiers,
            }
            archive.writestr(
                _membre(MANIFESTE, maintenant), json.dumps(manifeste, ensure_ascii=False, indent=1)
            )
        partiel.replace(destination)
    except DatabaseError as erreur:
        raise SauvegardeRefusee(
            f"La sauvegarde a échoué, aucune archive n'est écrite : {erreur} (base occupée "
            "trop longtemps, ou pas à jour de ses migrations : manage.py migrate)."
        ) from erreur
    finally:
        partiel.unlink(missing_ok=True)
    bilan = Bilan(
        archive=destination,
        date=maintenant,
        tables=len(tables),
        lignes=sum(table["lignes"] for table in tables),
        fichiers=len(fichiers),
    )
    with transaction.atomic():
        _consigner(ActionSauvegarde.SAUVEGARDE, bilan, manifeste)
    return bilan


def _condense_du_fichier(chemin: Path) -> str:
    condense = hashlib.sha256()
    with chemin.open("rb") as fichier:
        while morceau := fichier.read(MORCEAU):
            condense.update(morceau)
    return condense.hexdigest()


def _consigner(action: str, bilan: Bilan, manifeste: dict) -> None:
    tete, _ = TeteDeChaine.objects.get_or_create(pk=1)
    enregistrer_evenement(
        acteur=None,
        objet=tete,
        action=action,
        changements={
            "archive": bilan.archive.name,
            "sha256": _condense_du_fichier(bilan.archive),
            "date de la sauvegarde": manifeste["date"],
            "base sauvegardée": manifeste["base"],
            "tables": bilan.tables,
            "lignes": bilan.lignes,
            "fichiers": bilan.fichiers,
        },
    )


# ---------------------------------------------------------------- restoring


@contextmanager
def _refus_si_illisible(manque: str, abimee: Callable[[Exception], str]) -> Iterator[None]:
    """While reading the archive: a member it lacks is refused with `manque`, a damage
    with `abimee(the error raised)`."""
    try:
        yield
    except KeyError:
        raise SauvegardeRefusee(manque) from None
    except ARCHIVE_ABIMEE as erreur:
        raise SauvegardeRefusee(abimee(erreur)) from None


def _lire_le_manifeste(chemin: Path) -> dict:
    with _refus_si_illisible(
        f"L'archive {chemin} n'a pas de manifeste.",
        lambda erreur: (
            f"L'archive {chemin} est illisible ou corrompue ({erreur}) : rien n'a été changé."
        ),
    ):
        try:
            archive = zipfile.ZipFile(chemin)
        except FileNotFoundError:  # an OSError: told apart from a damaged archive
            raise SauvegardeRefusee(f"L'archive {chemin} n'existe pas.") from None
        with archive:
            manifeste = json.loads(archive.read(MANIFESTE))
    if not isinstance(manifeste, dict) or manifeste.get("format") != FORMAT:
        raise SauvegardeRefusee(
            f"L'archive {chemin} n'est pas une sauvegarde de la plateforme au format {FORMAT}."
        )
    if manquantes := ", ".join(sorted(CLES_DU_MANIFESTE - manifeste.keys())):
        raise SauvegardeRefusee(f"Le manifeste de l'archive {chemin} est incomplet ({manquantes}).")
    return manifeste


def _ecarts(attendu: Iterable[str], present: Iterable[str]) -> str:
    attendu, present = set(attendu), set(present)
    manquants, en_trop = sorted(attendu - present), sorted(present - attendu)
    parties = []
    if manquants:
        parties.append(f"absentes de la base : {', '.join(manquants[:5])}")
    if en_trop:
        parties.append(f"absentes de l'archive : {', '.join(en_trop[:5])}")
    return " ; ".join(parties)


def _verifier_la_cible(manifeste: dict, remplacer: bool) -> None:
    def a_plat(etat: dict[str, list[str]]) -> list[str]:
        return [f"{app}.{nom}" for app, noms in etat.items() for nom in noms]

    if ecarts := _ecarts(a_plat(manifeste["migrations"]), a_plat(etat_des_migrations())):
        raise SauvegardeRefusee(
            "Les migrations de l'archive ne sont pas celles de la base cible "
            f"({ecarts}). Restaurez avec la version du code de la sauvegarde, sur une base "
            "migrée par « manage.py migrate » : rien n'a été changé."
        )
    tables = {modele._meta.db_table for modele in modeles()}
    if ecarts := _ecarts((table["table"] for table in manifeste["tables"]), tables):
        raise SauvegardeRefusee(
            f"Les tables de l'archive ne sont pas celles de cette version ({ecarts}) : "
            "rien n'a été changé."
        )
    evenements, comptes = Evenement.objects.count(), get_user_model()._base_manager.count()
    if (evenements or comptes) and not remplacer:
        raise SauvegardeRefusee(
            f"La base cible n'est pas vide ({evenements} événement(s) d'historique, "
            f"{comptes} compte(s)) : relancez avec --remplacer pour remplacer toutes ses "
            "données par celles de l'archive. Rien n'a été changé."
        )


def _chemin_sur(relatif: str) -> PurePosixPath:
    chemin = PurePosixPath(relatif)
    if chemin.is_absolute() or not chemin.parts or {"..", "."} & set(chemin.parts):
        raise SauvegardeRefusee(f"L'archive nomme un fichier hors des médias : {relatif}")
    return chemin


def _lire_membre(archive: zipfile.ZipFile, nom: str, sha256: str, cible: BinaryIO | None) -> None:
    """Read one member to its end (copied into `cible` if any); refuse it unless its hash
    is the manifest's."""
    condense = hashlib.sha256()
    with (
        _refus_si_illisible(
            f"L'archive est incomplète : {nom} manque.",
            lambda erreur: f"L'archive est corrompue ({nom} : {erreur}) : rien n'a été changé.",
        ),
        archive.open(nom) as membre,
    ):
        while morceau := membre.read(MORCEAU):
            condense.update(morceau)
            if cible is not None:
                cible.write(morceau)
    if condense.hexdigest() != sha256:
        raise SauvegardeRefusee(
            f"L'empreinte SHA-256 de {nom} n'est pas celle du manifeste : l'archive a été "
            "altérée ou abîmée, rien n'a été changé."
        )


def _extraire(archive: zipfile.ZipFile, manifeste: dict, provisoire: Path) -> None:
    """Check every table's member and extract every file aside, before any change."""
    for table in manifeste["tables"]:
        _lire_membre(archive, table["membre"], table["sha256"], None)
    for relatif, fichier in manifeste["fichiers"].items():
        chemin = provisoire.joinpath(*_chemin_sur(relatif).parts)
        chemin.parent.mkdir(parents=True, exist_ok=True)
        with chemin.open("wb") as cible:
            _lire_membre(archive, f"{FICHIERS}/{relatif}", fichier["sha256"], cible)


def _vider_la_base(tables: list[str]) -> None:
    """Empty every table, the history's included: its guard is lifted for this only, in
    the restore's transaction (PostgreSQL truncates, which row triggers let pass anyway)."""
    with connection.cursor() as curseur:
        for requete in integrite.sql_retrait_des_gardes(connection.vendor):
            curseur.execute(requete)
        for requete in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            curseur.execute(requete)
        for requete in integrite.sql_gardes(connection.vendor):
            curseur.execute(requete)


def _inserer(modele: type[models.Model], objets: list[models.Model]) -> None:
    # What Model.save(raw=True) does, a batch at a time: values as saved, no auto_now, no
    # signal, no many-to-many.
    champs = modele._meta.local_concrete_fields
    taille = max(1, min(LOT, connection.ops.bulk_batch_size(champs, objets)))
    for debut in range(0, len(objets), taille):
        modele._base_manager._insert(
            objets[debut : debut + taille], fields=champs, raw=True, using=connection.alias
        )


def _charger_table(archive: zipfile.ZipFile, table: dict) -> None:
    modele = apps.get_model(table["modele"])
    if modele._base_manager.exists():
        # Rows a trigger derived from the tables loaded before (a search index): the
        # archive holds them as they were.
        with connection.cursor() as curseur:
            curseur.execute(f"DELETE FROM {connection.ops.quote_name(modele._meta.db_table)}")
    with archive.open(table["membre"]) as membre:
        lot: list[models.Model] = []
        for objet in jsonl.Deserializer(io.TextIOWrapper(membre, "utf-8")):
            lot.append(objet.object)
            if len(lot) == LOT:
                _inserer(modele, lot)
                lot = []
        _inserer(modele, lot)


def _charger(archive: zipfile.ZipFile, manifeste: dict) -> None:
    liste = modeles()
    _vider_la_base([modele._meta.db_table for modele in liste])
    for table in manifeste["tables"]:
        _charger_table(archive, table)
    with connection.cursor() as curseur:
        for requete in connection.ops.sequence_reset_sql(no_style(), liste):
            curseur.execute(requete)
    connection.check_constraints()
    ContentType.objects.clear_cache()
    for table in manifeste["tables"]:
        lignes = apps.get_model(table["modele"])._base_manager.count()
        if lignes != table["lignes"]:
            raise SauvegardeRefusee(
                f"La table {table['table']} compte {lignes} ligne(s) après le chargement au "
                f"lieu de {table['lignes']} : la restauration est annulée."
            )


@dataclass
class _Permutation:
    """The restored media folder put in place of the old one, which waits aside until
    the database's transaction is committed."""

    racine: Path
    ancien: Path | None = None

    @classmethod
    def mettre_en_place(cls, provisoire: Path, racine: Path) -> "_Permutation":
        permutation = cls(racine)
        if racine.exists():
            permutation.ancien = racine.with_name(f".{racine.name}-ancien-{secrets.token_hex(4)}")
            racine.rename(permutation.ancien)
        provisoire.rename(racine)
        return permutation

    def annuler(self) -> None:
        shutil.rmtree(self.racine, ignore_errors=True)
        if self.ancien is not None:
            self.ancien.rename(self.racine)

    def terminer(self) -> None:
        if self.ancien is not None:
            shutil.rmtree(self.ancien, ignore_errors=True)


def _remplacer_la_base(
    archive: zipfile.ZipFile, manifeste: dict, bilan: Bilan, provisoire: Path, racine: Path
) -> int:
    """One transaction: load, verify the chain, record the restore, then put the media in
    place, taken back if the commit fails. How many sealed events were verified."""
    permutation: _Permutation | None = None
    try:
        with transaction.atomic():
            _charger(archive, manifeste)
            verification = integrite.verifier()
            if not verification.intacte:
                raise SauvegardeRefusee(
                    f"L'historique restauré ne se vérifie pas ({verification.raison}) : "
                    "la restauration est annulée, rien n'a été changé."
                )
            # Written after the load: the restored chain goes on with this event.
            _consigner(ActionSauvegarde.RESTAURATION, bilan, manifeste)
            permutation = _Permutation.mettre_en_place(provisoire, racine)
    except BaseException as erreur:
        if permutation is not None:
            permutation.annuler()
        if isinstance(erreur, (DatabaseError, serialisation.DeserializationError)):
            raise SauvegardeRefusee(
                f"La restauration a échoué, rien n'a été changé : {erreur}"
            ) from erreur
        raise
    permutation.terminer()
    return verification.verifies


def restaurer(chemin: Path, remplacer: bool) -> Bilan:
    """Replace the database and the media by the archive's, or change nothing."""
    manifeste = _lire_le_manifeste(chemin)
    _verifier_la_cible(manifeste, remplacer)
    bilan = Bilan(
        archive=chemin,
        date=datetime.fromisoformat(manifeste["date"]),
        tables=len(manifeste["tables"]),
        lignes=sum(table["lignes"] for table in manifeste["tables"]),
        fichiers=len(manifeste["fichiers"]),
    )
    racine = Path(settings.MEDIA_ROOT)
    racine.parent.mkdir(parents=True, exist_ok=True)
    provisoire = Path(tempfile.mkdtemp(prefix=f".{racine.name}-restauration-", dir=racine.parent))
    try:
        if racine.is_dir():
            provisoire.chmod(stat.S_IMODE(racine.stat().st_mode))
        with zipfile.ZipFile(chemin) as archive:
            _extraire(archive, manifeste, provisoire)
            verifies = _remplacer_la_base(archive, manifeste, bilan, provisoire, racine)
    finally:
        shutil.rmtree(provisoire, ignore_errors=True)
        ContentType.objects.clear_cache()
    return dataclasses.replace(bilan, evenements_verifies=verifies)
