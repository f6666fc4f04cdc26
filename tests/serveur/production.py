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
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from psycopg import sql

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


@dataclass(frozen=True)
class Installation:
    dossier: Path
    environnement: dict[str, str]
    base: BaseJetable
    fichier_cle: Path
    cle_absente_avant_preparation: bool
    cle_apres_preparation: str


def _reglages_postgresql() -> dict[str, str]:
    reglages = settings.DATABASES["default"]
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
        "DATABASE_URL": base.url,
        "SECRET_KEY_FILE": str(dossier / ".cle-secrete"),
        "STATIC_ROOT": str(dossier / "staticfiles"),
        "MEDIA_ROOT": str(dossier / "media"),
    }
    return environnement


def _manage(environnement: dict[str, str], journal: Path, *arguments: str) -> subprocess.Popen:
    with journal.open("ab") as sortie:
        return subprocess.Popen(
            [PYTHON, "manage.py", *arguments],
            cwd=RACINE,
            env=environnement,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )


def _attendre(processus: subprocess.Popen, journal: Path, etape: str) -> None:
    code = processus.wait(timeout=DELAI_PREPARATION)
    assert code == 0, f"{etape} a échoué ({code}) :\n{journal.read_text()[-4000:]}"


def preparer(environnement: dict[str, str], dossier: Path) -> None:
    """bin/demarrer's steps; collectstatic, slow and independent, runs beside the others."""
    collecte = _manage(environnement, dossier / "collectstatic.log", "collectstatic", "--noinput")
    try:
        for etape in ETAPES_DE_PREPARATION:
            journal = dossier / f"{etape[0]}.log"
            _attendre(_manage(environnement, journal, *etape), journal, etape[0])
        _attendre(collecte, dossier / "collectstatic.log", "collectstatic")
    finally:
        if collecte.poll() is None:
            collecte.kill()
            collecte.wait(timeout=DELAI_ARRET)


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


@contextmanager
def gunicorn(
    installation: Installation, nom: str, sans: frozenset[str] = frozenset()
) -> Iterator[str]:
    """Serve the installation as bin/demarrer does, gunicorn and the tasks' worker beside
    it; yield its address; always stop both.

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
    with (installation.dossier / f"travailleur-{nom}.log").open("wb") as sortie:
        travailleur = subprocess.Popen(
            [PYTHON, "manage.py", *ARGUMENTS_TRAVAILLEUR],
            cwd=RACINE,
            env=environnement,
            stdout=sortie,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        adresse = f"http://127.0.0.1:{port}"
        _attendre_reponse(processus, adresse, journal)
        yield adresse
    finally:
        _arreter(processus)
        _arreter(travailleur)


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
    with suppress(ProcessLookupError):
        os.killpg(processus.pid, signal.SIGKILL)
    if processus.poll() is None:
        processus.wait(timeout=DELAI_ARRET)
