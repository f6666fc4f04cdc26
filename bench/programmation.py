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

from bench.pages import (  # noqa: E402
    afficher,
    configurer_django,
    mesurer_url,
    parse_args,
    resume,
)

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
    from django.urls import reverse

    def url(nom: str, *args) -> str:
        return reverse(f"programmation:{nom}", args=[slug, *args])

    return [
        ("liste des appels", url("appels"), False),
        (f"appel {ANNEE} (page publique)", url("appel", ANNEE), False),
        (f"plan d'actions {ANNEE}", url("plan_annuel", ANNEE), False),
        *(
            (f"plan d'actions {ANNEE} ({format})", url("plan_annuel_export", ANNEE, format), False)
            for format in ("csv", "xlsx", "ods")
        ),
        *(
            (f"dossiers de l'appel {annee} (pilote)", url("dossiers_appel", annee), True)
            for annee in (ANNEE, 2020)
        ),
    ]


def bench_pages(repetitions: int) -> list[str]:
    from django.test import Client

    from comptes.models import Utilisateur
    from contrats.models import Contrat

    public, pilote = Client(), Client()
    pilote.force_login(Utilisateur.objects.get(username="pilote"))
    lignes = []
    for libelle, url, connecte in pages(Contrat.objects.get().slug):
        durees, requetes = mesurer_url(pilote if connecte else public, url, repetitions)
        lignes.append(resume(libelle, durees, requetes))
    return lignes


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    afficher(args.repetitions, preparer(), bench_pages(args.repetitions))


if __name__ == "__main__":
    main()
