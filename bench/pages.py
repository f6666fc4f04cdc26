"""Benchmark baseline: contract load and every public page, timed in-process.

    .venv/bin/python bench/pages.py [--repetitions 30] [--database-url URL]

Uses a throw-away SQLite database unless --database-url is given (its database
is flushed: never point it at real data). Prints the median and 95th percentile
of each measure in milliseconds and the number of SQL queries per request.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--chargements", type=int, default=5)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def configurer_django(database_url: str) -> None:
    if not database_url:
        database_url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    # Production settings but without collectstatic: asset URLs need no manifest here.
    stockage = "django.contrib.staticfiles.storage.StaticFilesStorage"
    override_settings(
        STORAGES={**settings_storages(), "staticfiles": {"BACKEND": stockage}}
    ).enable()

    call_command("migrate", verbosity=0)


def settings_storages() -> dict:
    from django.conf import settings

    return settings.STORAGES


def mesurer(fonction, repetitions: int) -> list[float]:
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    return durees


def resume(nom: str, durees: list[float], requetes: int | None = None) -> str:
    p95 = statistics.quantiles(durees, n=20)[-1] if len(durees) >= 2 else durees[0]
    sql = f"{requetes:>6}" if requetes is not None else "     -"
    return f"{nom:<68} {statistics.median(durees):>9.1f} {p95:>9.1f} {sql}"


def bench_chargement(chargements: int) -> list[str]:
    from django.core.management import call_command

    from conftest import DOSSIER_VILLIERS
    from contrats.services import charger_contrat

    def charger_a_vide() -> None:
        call_command("flush", verbosity=0, interactive=False)
        debut = time.perf_counter()
        charger_contrat(dossier=DOSSIER_VILLIERS)
        durees.append((time.perf_counter() - debut) * 1000)

    durees: list[float] = []
    for _ in range(chargements):
        charger_a_vide()
    lignes = [resume("chargement du contrat (base vide)", durees)]
    lignes.append(
        resume(
            "rechargement à l'identique (idempotent)",
            mesurer(lambda: charger_contrat(dossier=DOSSIER_VILLIERS), chargements),
        )
    )
    return lignes


def pages_publiques() -> list[str]:
    from contrats.models import AxeTransversal, Contrat, SectionEngagements

    contrat = Contrat.objects.get()
    base = f"/contrats/{contrat.slug}"
    axe = AxeTransversal.objects.filter(contrat=contrat).first()
    section = SectionEngagements.objects.filter(contrat=contrat).first()
    quartier = contrat.quartiers.first()
    return [
        "/",
        f"{base}/",
        f"{base}/cadre-strategique/",
        f"{base}/cadre-strategique/objectifs/4.4.2/",
        f"{base}/cadre-strategique/axes/{axe.numero}/",
        f"{base}/plan-actions/",
        f"{base}/plan-actions/?pilier=4",
        f"{base}/diagnostic/",
        f"{base}/signataires/",
        f"{base}/engagements/{section.numero}/",
        f"{base}/gouvernance/",
        f"/quartiers/{quartier.slug}/",
        "/recherche/?q=education",
        "/comptes/connexion/",
        "/api/v1/openapi.json",
        f"/api/v1/contrats/{contrat.slug}/cadre-strategique",
        f"/api/v1/contrats/{contrat.slug}/plan-actions",
    ]


def mesurer_url(client, url: str, repetitions: int) -> tuple[list[float], int]:
    """Durations of repeated GETs of one URL, and the SQL queries of one of them."""
    from django.db import connection

    # Counted at execution: Django empties its query log when a request starts.
    requetes: list[str] = []

    def compter(execute, sql, params, many, context):
        requetes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(compter):
        reponse = client.get(url)
    assert reponse.status_code == 200, f"{url} : {reponse.status_code}"
    return mesurer(lambda: client.get(url), repetitions), len(requetes)


def bench_pages(repetitions: int) -> list[str]:
    from django.test import Client

    client = Client()
    lignes = []
    for url in pages_publiques():
        durees, requetes = mesurer_url(client, url, repetitions)
        lignes.append(resume(url, durees, requetes))
    return lignes


def afficher(repetitions: int, *groupes: list[str]) -> None:
    from django.db import connection

    print(f"Base : {connection.vendor} ; répétitions : {repetitions} par page")
    print(f"{'mesure':<68} {'médiane':>9} {'p95':>9} {'SQL':>6}   (ms)")
    for lignes in groupes:
        for ligne in lignes:
            print(ligne)


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    afficher(args.repetitions, bench_chargement(args.chargements), bench_pages(args.repetitions))


if __name__ == "__main__":
    main()
