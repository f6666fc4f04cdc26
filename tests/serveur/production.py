"""A production-like installation for tests: a throw-away database, prepared as bin/demarrer
prepares it, and gunicorn serving it with bin/demarrer's configuration on a free port.

The database is of the kind of the test run: a SQLite file, or a PostgreSQL database with
a unique name on the run's server, dropped afterwards.
"""

import os
import secrets
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import psycopg
from django.conf import settings
from psycopg import sql

from contrats.demo import MOT_DE_PASSE_DEMO
from tests.serveur.navigateur import Navigateur

RACINE = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# What bin/demarrer runs, in its order (collectstatic aside: it runs alongside here).
ETAPES_DE_PREPARATION = (
    ("migrate", "--noinput"),
    ("charger_contrat",),
    ("importer_observations", "data/demo/observations-villiers-demonstration.csv", "--demo"),
    ("generer_demo_programmation",),
    ("generer_demo_suivi",),
    ("creer_comptes_demo",),
)
ARGUMENTS_GUNICORN = ("--config", "config/gunicorn.py", "config.wsgi")
# The database worker of the background tasks, which bin/demarrer starts beside gunicorn.
ARGUMENTS_TRAVAILLEUR = ("db_worker", "--no-startup-delay")
DELAI_PREPARATION = 900
TENTATIVES_DE_CONNEXION = 240
PAUSE_ENTRE_TENTATIVES = 0.5
DELAI_ARRET = 30


@dataclass(frozen=True)
class BaseJetable:
    url: str
    sqlite: Path | None = None

    def lire(self, requete: str, *parametres) -> list[tuple]:
        """Rows of a query written with %s placeholders, read outside the server."""
        if self.sqlite is not None:
            connexion = sqlite3.connect(self.sqlite, timeout=20)
            try:
                return connexion.execute(requete.replace("%s", "?"), parametres).fetchall()
            finally:
                connexion.close()
        with psycopg.connect(self.url) as connexion:
            return connexion.execute(requete, parametres).fetchall()

    def anomalies(self) -> list[str]:
        """What the engine's own check finds wrong in the file or the tables, [] if none:
        SQLite's integrity_check; on PostgreSQL, amcheck on every table and B-tree index
        (each index checked against its table's rows)."""
        if self.sqlite is not None:
            resultat = [ligne for (ligne,) in self.lire("PRAGMA integrity_check")]
            return [] if resultat == ["ok"] else resultat
        anomalies = []
        with psycopg.connect(self.url, autocommit=True) as connexion:
            connexion.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            for (table,) in connexion.execute(_TABLES_POSTGRESQL).fetchall():
                anomalies += [
                    f"{table} : {ligne}"
                    for ligne in connexion.execute(
                        "SELECT blkno, offnum, msg FROM verify_heapam(%s::regclass)", (table,)
                    )
                ]
            for (index,) in connexion.execute(_INDEX_POSTGRESQL).fetchall():
                try:
                    connexion.execute("SELECT bt_index_check(%s::regclass, true)", (index,))
                except psycopg.Error as erreur:
                    anomalies.append(f"{index} : {erreur}")
        return anomalies

    def ecrit_sans_valider(self, table: str) -> bool:
        """Whether another connection's transaction has written and not committed yet.

        PostgreSQL: its transaction has an id (given at its first write) and its current
        statement names `table`. SQLite: the WAL holds pages written after its last commit,
        which an open transaction spills there once they outgrow its page cache (the WAL
        does not say which table).
        """
        if self.sqlite is None:
            return bool(self.lire(_ECRITURE_POSTGRESQL, f"%{table}%"))
        wal = self.sqlite.with_name(f"{self.sqlite.name}-wal")
        try:
            with wal.open("rb") as fichier:
                return _cadres_apres_le_dernier_commit(fichier) > 0
        except FileNotFoundError:
            return False

    def verrou_d_ecriture(self) -> bool:
        """SQLite: whether a connection holds the write lock, i.e. is inside a transaction
        (IMMEDIATE transactions take it as they begin)."""
        connexion = sqlite3.connect(self.sqlite, timeout=0, isolation_level=None)
        try:
            connexion.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # "database is locked"
            return True
        else:
            connexion.execute("ROLLBACK")
            return False
        finally:
            connexion.close()


_TABLES_POSTGRESQL = (
    "SELECT c.oid::regclass::text FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'r'"
)
_INDEX_POSTGRESQL = (
    "SELECT c.oid::regclass::text FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
    "WHERE n.nspname = 'public' AND c.relkind = 'i' AND a.amname = 'btree'"
)
_ECRITURE_POSTGRESQL = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND query ILIKE %s"
)
# SQLite's WAL format (sqlite.org/fileformat.html): a 32-byte header (page size at offset 8,
# salts at 16), then frames of a 24-byte header (non-zero at offset 4 for a commit, the
# header's salts at 8) and one page.
_ENTETE_WAL, _ENTETE_CADRE = 32, 24


def _cadres_apres_le_dernier_commit(wal: BinaryIO) -> int:
    entete = wal.read(_ENTETE_WAL)
    if len(entete) < _ENTETE_WAL:
        return 0
    (taille_page,) = struct.unpack(">I", entete[8:12])
    fin = os.fstat(wal.fileno()).st_size
    position, apres = _ENTETE_WAL, 0
    # Frames of the current generation carry its salts; older ones may follow, ignored.
    while position + _ENTETE_CADRE + taille_page <= fin:
        wal.seek(position)
        cadre = wal.read(_ENTETE_CADRE)
        if cadre[8:16] != entete[16:24]:
            break
        (commit,) = struct.unpack(">I", cadre[4:8])
        apres = 0 if commit else apres + 1
        position += _ENTETE_CADRE + taille_page
    return apres


@dataclass(frozen=True)
class Installation:
    dossier: Path
    environnement: dict[str, str]
    base: BaseJetable
    fichier_cle: Path
    cle_absente_avant_preparation: bool
    cle_apres_preparation: str


def _reglages_postgresql() -> dict[str, str]:
    """The run's PostgreSQL server; on a SQLite run, bin/tester's (README)."""
    reglages = settings.DATABASES["default"]
    if reglages["ENGINE"] != "django.db.backends.postgresql":
        return {"user": "postgres", "password": "", "host": "127.0.0.1", "port": "5432"}
    return {
        "user": reglages.get("USER") or "",
        "password": reglages.get("PASSWORD") or "",
        "host": reglages.get("HOST") or "127.0.0.1",
        "port": str(reglages.get("PORT") or 5432),
    }


def _url_postgresql(nom: str) -> str:
    r = _reglages_postgresql()
    identite = quote(r["user"], safe="")
    if r["password"]:
        identite += ":" + quote(r["password"], safe="")
    return f"postgres://{identite}@{r['host']}:{r['port']}/{nom}"


@contextmanager
def base_jetable(dossier: Path) -> Iterator[BaseJetable]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        chemin = dossier / "serveur.sqlite3"
        try:
            yield BaseJetable(url=f"sqlite:///{chemin}", sqlite=chemin)
        finally:
            for fichier in dossier.glob(f"{chemin.name}*"):  # with its -wal and -shm files
                fichier.unlink()
        return
    with base_postgresql_jetable() as base:
        yield base


@contextmanager
def base_postgresql_jetable() -> Iterator[BaseJetable]:
    """A PostgreSQL database with a unique name, dropped afterwards, whatever the run's kind."""
    nom = f"cdv_serveur_{os.getpid()}_{secrets.token_hex(4)}"
    administration = _url_postgresql("postgres")
    with psycopg.connect(administration, autocommit=True) as connexion:
        connexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nom)))
    try:
        yield BaseJetable(url=_url_postgresql(nom))
    finally:
        with psycopg.connect(administration, autocommit=True) as connexion:
            connexion.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(nom))
            )


def environnement_de_production(dossier: Path, base: BaseJetable) -> dict[str, str]:
    """bin/demarrer's environment, every file of the installation under dossier."""
    environnement = {
        cle: valeur
        for cle, valeur in os.environ.items()
        # The tests' own settings must not leak into the served process.
        if cle not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "PORT"}
    }
    environnement |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "HTTPS": "false",
        "DOUBLE_FACTEUR_OBLIGATOIRE": "false",  # the demo accounts log in as bin/demarrer's
        "DATABASE_URL": base.url,
        "SECRET_KEY_FILE": str(dossier / ".cle-secrete"),
        "STATIC_ROOT": str(dossier / "staticfiles"),
        "MEDIA_ROOT": str(dossier / "media"),
    }
    return environnement


def _manage(
    environnement: dict[str, str], journal: Path, *arguments: str, groupe: bool = False
) -> subprocess.Popen:
    """manage.py with these arguments, its output appended to journal.

    groupe: in its own session, so that its whole process group can be stopped at once.
    """
    with journal.open("ab") as sortie:
        return subprocess.Popen(
            [PYTHON, "manage.py", *arguments],
            cwd=RACINE,
            env=environnement,
            stdout=sortie,
            stderr=subprocess.STDOUT,
            start_new_session=groupe,
        )


def lancer(environnement: dict[str, str], journal: Path, *arguments: str) -> subprocess.Popen:
    """A manage.py command started in its own process group, left running."""
    return _manage(environnement, journal, *arguments, groupe=True)


def executer(environnement: dict[str, str], journal: Path, *arguments: str) -> None:
    """A manage.py command run to its end; it must succeed."""
    _attendre(_manage(environnement, journal, *arguments), journal, arguments[0])


def _attendre(processus: subprocess.Popen, journal: Path, etape: str) -> None:
    code = processus.wait(timeout=DELAI_PREPARATION)
    assert code == 0, f"{etape} a échoué ({code}) :\n{journal.read_text()[-4000:]}"


def preparer(
    environnement: dict[str, str],
    dossier: Path,
    etapes: tuple[tuple[str, ...], ...] = ETAPES_DE_PREPARATION,
    statiques: bool = True,
) -> None:
    """bin/demarrer's steps (or fewer); collectstatic, slow and independent, runs beside
    the others.

    statiques=False skips collectstatic (a minute of compression): the pages render
    without it, only the files under /static/ are then missing.
    """
    journal = dossier / "collectstatic.log"
    collecte = _manage(environnement, journal, "collectstatic", "--noinput") if statiques else None
    try:
        for etape in etapes:
            executer(environnement, dossier / f"{etape[0]}.log", *etape)
        if collecte is not None:
            _attendre(collecte, journal, "collectstatic")
    finally:
        if collecte is not None and collecte.poll() is None:
            collecte.kill()
            collecte.wait(timeout=DELAI_ARRET)


@contextmanager
def installation_preparee(
    dossier: Path,
    etapes: tuple[tuple[str, ...], ...] = ETAPES_DE_PREPARATION,
    statiques: bool = True,
) -> Iterator[Installation]:
    """A throw-away database prepared by `preparer` under dossier, and what the tests read
    of it; the database is dropped afterwards."""
    with base_jetable(dossier) as base:
        environnement = environnement_de_production(dossier, base)
        fichier_cle = dossier / ".cle-secrete"
        absente = not fichier_cle.exists()
        preparer(environnement, dossier, etapes, statiques=statiques)
        yield Installation(
            dossier=dossier,
            environnement=environnement,
            base=base,
            fichier_cle=fichier_cle,
            cle_absente_avant_preparation=absente,
            cle_apres_preparation=fichier_cle.read_text(),
        )


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


@dataclass(frozen=True)
class Serveur:
    adresse: str
    gunicorn: subprocess.Popen
    travailleur: subprocess.Popen


@contextmanager
def serveur_de_production(
    installation: Installation, nom: str, sans: frozenset[str] = frozenset()
) -> Iterator[Serveur]:
    """Serve the installation as bin/demarrer does, gunicorn and the tasks' worker beside
    it, each in its own process group; yield them; always stop both.

    sans: variables of the installation's environment the server does not get.
    """
    port = port_libre()
    environnement = {k: v for k, v in installation.environnement.items() if k not in sans}
    journal = installation.dossier / f"gunicorn-{nom}.log"
    with journal.open("wb") as sortie:
        # Its own session: the whole process group (master and workers) is stopped together.
        processus = subprocess.Popen(
            [GUNICORN, *ARGUMENTS_GUNICORN],
            cwd=RACINE,
            env=environnement | {"PORT": str(port)},
            stdout=sortie,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    taches = lancer(
        environnement, installation.dossier / f"travailleur-{nom}.log", *ARGUMENTS_TRAVAILLEUR
    )
    try:
        adresse = f"http://127.0.0.1:{port}"
        _attendre_reponse(processus, adresse, journal)
        yield Serveur(adresse, processus, taches)
    finally:
        _arreter(processus)
        _arreter(taches)


@contextmanager
def gunicorn(
    installation: Installation, nom: str, sans: frozenset[str] = frozenset()
) -> Iterator[str]:
    """serveur_de_production, when only its address matters."""
    with serveur_de_production(installation, nom, sans) as serveur:
        yield serveur.adresse


@contextmanager
def travailleur(installation: Installation, nom: str) -> Iterator[subprocess.Popen]:
    """One more tasks' worker, as bin/demarrer starts it; always stopped."""
    processus = lancer(
        installation.environnement,
        installation.dossier / f"travailleur-{nom}.log",
        *ARGUMENTS_TRAVAILLEUR,
    )
    try:
        yield processus
    finally:
        _arreter(processus)


def tuer(processus: subprocess.Popen) -> None:
    """SIGKILL to the process group: what a crash or the OOM killer does, nothing cleaned up."""
    with suppress(ProcessLookupError):
        os.killpg(processus.pid, signal.SIGKILL)
    processus.wait(timeout=DELAI_ARRET)


def connecte(adresse: str, identifiant: str) -> Navigateur:
    """A session of a demo account (bin/demarrer's password) on the served installation."""
    navigateur = Navigateur(adresse)
    navigateur.se_connecter(identifiant, MOT_DE_PASSE_DEMO)
    return navigateur


def _attendre_reponse(processus: subprocess.Popen, adresse: str, journal: Path) -> None:
    navigateur = Navigateur(adresse)
    for _ in range(TENTATIVES_DE_CONNEXION):
        if processus.poll() is not None:
            raise AssertionError(f"gunicorn s'est arrêté :\n{journal.read_text()[-4000:]}")
        try:
            navigateur.get("/")
        except OSError:
            time.sleep(PAUSE_ENTRE_TENTATIVES)
        else:
            return
    raise AssertionError(f"gunicorn ne répond pas :\n{journal.read_text()[-4000:]}")


def _arreter(processus: subprocess.Popen) -> None:
    with suppress(ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(processus.pid, signal.SIGTERM)
        processus.wait(timeout=DELAI_ARRET)
    # Workers left behind by a master that did not stop in time.
    tuer(processus)
