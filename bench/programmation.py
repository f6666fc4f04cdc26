"""Benchmark of the programmation pages on the demo data (six calls, about 230 dossiers).

    .venv/bin/python bench/programmation.py [--repetitions 30] [--database-url URL]

Same conventions as bench/pages.py, whose helpers it uses: a throw-away SQLite database
unless --database-url is given (flushed: never point it at real data), median and 95th
percentile in milliseconds, SQL queries per request.
"""

import sys
import time
from pathlib import Path

# The project root first: "programmation" must be the Django app, not this file.
RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.pages import configurer_django, mesurer, parse_args, resume  # noqa: E402

ANNEE = 2015


def preparer() -> list[str]:
    """Load the contract and the demo accounts, generate the demo twice (timed)."""
    from conftest import DOSSIER_VILLIERS
    from contrats.demo import creer_comptes_demo
    from contrats.services import charger_contrat
    from programmation.demo import generer_demo

    contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS)
    creer_comptes_demo(contrat)
    lignes = []
    for libelle in ("génération de la démo (base sans démo)", "regénération (idempotente)"):
        debut = time.perf_counter()
        bilan = generer_demo(contrat)
        lignes.append(resume(f"{libelle} : {bilan.dossiers} dossiers créés", [_ms(debut)]))
    return lignes


def _ms(debut: float) -> float:
    return (time.perf_counter() - debut) * 1000


def pages(slug: str) -> list[tuple[str, str, bool]]:
    """(libellé, URL, connecté comme pilote) for every measured request."""
    from django.urls import NoReverseMatch, reverse

    def url(nom: str, *args) -> str:
        return reverse(f"programmation:{nom}", args=[slug, *args])

    mesures = [
        ("liste des appels", url("appels"), False),
        (f"appel {ANNEE} (page publique)", url("appel", ANNEE), False),
        (f"plan d'actions {ANNEE}", url("plan_annuel", ANNEE), False),
        *(
            (f"plan d'actions {ANNEE} ({format})", url("plan_annuel_export", ANNEE, format), False)
            for format in ("csv", "xlsx", "ods")
        ),
    ]
    try:
        for annee in (ANNEE, 2020):
            mesures.append(
                (f"dossiers de l'appel {annee} (pilote)", url("dossiers_appel", annee), True)
            )
    except NoReverseMatch:
        print("Note : programmation:dossiers_appel n'existe pas encore, non mesuré.")
    return mesures


def bench_pages(repetitions: int) -> list[str]:
    from django.db import connection
    from django.test import Client

    from comptes.models import Utilisateur
    from contrats.models import Contrat

    public, pilote = Client(), Client()
    pilote.force_login(Utilisateur.objects.get(username="pilote"))
    lignes = []
    for libelle, url, connecte in pages(Contrat.objects.get().slug):
        client = pilote if connecte else public
        # Counted at execution: Django empties its query log when a request starts.
        requetes: list[str] = []

        def compter(execute, sql, *params, requetes=requetes):
            requetes.append(sql)
            return execute(sql, *params)

        with connection.execute_wrapper(compter):
            reponse = client.get(url)
        assert reponse.status_code == 200, f"{url} : {reponse.status_code}"
        durees = mesurer(lambda u=url, c=client: c.get(u), repetitions)
        lignes.append(resume(libelle, durees, len(requetes)))
    return lignes


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    from django.db import connection

    print(f"Base : {connection.vendor} ; répétitions : {args.repetitions} par page")
    print(f"{'mesure':<68} {'médiane':>9} {'p95':>9} {'SQL':>6}   (ms)")
    for ligne in preparer():
        print(ligne)
    for ligne in bench_pages(args.repetitions):
        print(ligne)


if __name__ == "__main__":
    main()
