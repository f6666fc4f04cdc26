"""Load: concurrent users of every role on the demo data, against the production server.

    .venv/bin/python bench/charge.py [--utilisateurs 50] [--duree 2m] [--database-url URL]

Starts bin/demarrer itself (gunicorn and its worker, DEBUG off, the demo years loaded) on
a throw-away SQLite database, or on --database-url (emptied first: never real data), logs
in two sessions of each demo account, then runs locust headless (bench/locustfile.py) for
the given time: anonymous visitors and each role's people browse what they use. Prints,
per page, the requests, the median and the 95th percentile in milliseconds, and the
errors; exits with a non-zero status when a single request failed.
"""

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from tests.serveur.navigateur import Navigateur  # noqa: E402

ROLES = ("pilote", "etat", "financeur", "porteur", "membre")
MOT_DE_PASSE_DEMO = "demo-contrat-de-ville"
SESSIONS_PAR_ROLE = 2
ATTENTE_DU_SERVEUR = 1200  # the demo years are generated first


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utilisateurs", type=int, default=50)
    parser.add_argument("--duree", default="2m", help="durée de la charge (locust : 30s, 2m…)")
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


def demarrer(dossier: Path, database_url: str, port: int) -> subprocess.Popen:
    """bin/demarrer, as the README runs it, every file of the installation under dossier."""
    environnement = os.environ | {
        "DATABASE_URL": database_url or f"sqlite:///{dossier}/charge.sqlite3",
        "PORT": str(port),
        "SECRET_KEY_FILE": str(dossier / ".cle-secrete"),
        "MEDIA_ROOT": str(dossier / "media"),
    }
    if database_url:
        subprocess.run(
            [sys.executable, "manage.py", "flush", "--noinput"],
            cwd=RACINE,
            env=environnement,
            check=False,
        )
    journal = (dossier / "demarrer.log").open("wb")
    return subprocess.Popen(
        ["bin/demarrer"],
        cwd=RACINE,
        env=environnement,
        stdout=journal,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def attendre(processus: subprocess.Popen, adresse: str, journal: Path) -> None:
    debut = time.monotonic()
    while time.monotonic() - debut < ATTENTE_DU_SERVEUR:
        if processus.poll() is not None:
            sys.exit(f"bin/demarrer s'est arrêté :\n{journal.read_text()[-3000:]}")
        try:
            if Navigateur(adresse).get("/").statut == 200:
                return
        except OSError:
            pass
        time.sleep(2)
    sys.exit("Le serveur n'a pas répondu à temps.")


def ouvrir_les_sessions(adresse: str) -> dict[str, list[dict[str, str]]]:
    """The cookies of SESSIONS_PAR_ROLE logged-in sessions per role (few logins: the
    platform limits them per address, as it should)."""
    sessions: dict[str, list[dict[str, str]]] = {}
    for role in ROLES:
        for _ in range(SESSIONS_PAR_ROLE):
            navigateur = Navigateur(adresse)
            navigateur.se_connecter(role, MOT_DE_PASSE_DEMO)
            sessions.setdefault(role, []).append(dict(navigateur.cookies))
    return sessions


def lancer_locust(adresse: str, args: argparse.Namespace, dossier: Path, sessions) -> int:
    fichier_sessions = dossier / "sessions.json"
    fichier_sessions.write_text(json.dumps(sessions))
    commande = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(RACINE / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        adresse,
        "--users",
        str(args.utilisateurs),
        "--spawn-rate",
        "10",
        "--run-time",
        args.duree,
        "--csv",
        str(dossier / "charge"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    environnement = os.environ | {"CHARGE_SESSIONS": str(fichier_sessions)}
    with (dossier / "locust.log").open("wb") as journal:
        return subprocess.run(
            commande, env=environnement, stdout=journal, stderr=subprocess.STDOUT, check=False
        ).returncode


def afficher(dossier: Path) -> tuple[int, int]:
    with (dossier / "charge_stats.csv").open(encoding="utf-8") as fichier:
        lignes = list(csv.DictReader(fichier))
    print(f"\n{'page':<62} {'requêtes':>8} {'médiane':>8} {'p95':>6} {'erreurs':>7}")
    lignes.sort(key=lambda ligne: (ligne["Name"] == "Aggregated", ligne["Name"]))
    total = erreurs = 0
    for ligne in lignes:
        nom = ligne["Name"] if ligne["Name"] != "Aggregated" else "ensemble"
        print(
            f"{nom[:62]:<62} {ligne['Request Count']:>8} {ligne['50%']:>8} "
            f"{ligne['95%']:>6} {ligne['Failure Count']:>7}"
        )
        if ligne["Name"] == "Aggregated":
            total, erreurs = int(ligne["Request Count"]), int(ligne["Failure Count"])
    return total, erreurs


def main() -> None:
    args = parse_args()
    dossier = Path(tempfile.mkdtemp(prefix="charge-"))
    port = port_libre()
    adresse = f"http://127.0.0.1:{port}"
    serveur = demarrer(dossier, args.database_url, port)
    try:
        attendre(serveur, adresse, dossier / "demarrer.log")
        sessions = ouvrir_les_sessions(adresse)
        print(f"{args.utilisateurs} utilisateurs pendant {args.duree} sur {adresse}…")
        code = lancer_locust(adresse, args, dossier, sessions)
        total, erreurs = afficher(dossier)
        print(f"\n{total} requêtes, {erreurs} erreur(s) ; temps en millisecondes.")
        echecs = (dossier / "charge_failures.csv").read_text(encoding="utf-8").splitlines()[1:]
        for echec in echecs:
            print("erreur :", echec)
    finally:
        os.killpg(serveur.pid, signal.SIGTERM)
        serveur.wait(timeout=60)
    sys.exit(code or (1 if erreurs else 0))


if __name__ == "__main__":
    main()
