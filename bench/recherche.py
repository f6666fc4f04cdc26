"""Benchmark of the search (page and API) with 1, 10 and 50 contracts loaded.

    .venv/bin/python bench/recherche.py [--repetitions 30] [--database-url URL]

Same conventions as bench/pages.py, whose helpers it uses: a throw-away SQLite database
unless --database-url is given (flushed: never point it at real data), median and 95th
percentile in milliseconds, SQL queries per request.

The extra contracts are copies of the Villiers folder under new slugs, loaded through
the real loader: every row reaches the database the way production data does (and the
search index is fed the way it is in production), at about a second per contract.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.pages import (  # noqa: E402
    afficher,
    configurer_django,
    mesurer_url,
    parse_args,
    resume,
)

PALIERS = (1, 10, 50)
REQUETES = ("education", "Soutenir les victimes", "médiation sociale", "motintrouvable")


def charger_jusqu_a(nombre: int, destination: Path) -> float:
    """Load copies until `nombre` contracts exist; the seconds it took."""
    from conftest import DOSSIER_VILLIERS
    from contrats.models import Contrat
    from contrats.services import charger_contrat
    from publication.tests.copie_villiers import copie_de_villiers

    debut = time.perf_counter()
    deja = Contrat.objects.count()
    if deja == 0:
        charger_contrat(dossier=DOSSIER_VILLIERS)
        deja = 1
    for numero in range(deja + 1, nombre + 1):
        charger_contrat(dossier=copie_de_villiers(destination, numero))
    assert Contrat.objects.count() == nombre
    return time.perf_counter() - debut


def adresses() -> list[str]:
    from urllib.parse import urlencode

    return [
        *(f"/recherche/?{urlencode({'q': q})}" for q in REQUETES),
        f"/recherche/?{urlencode({'q': 'education', 'page': 2})}",
        *(f"/api/v1/recherche?{urlencode({'q': q})}" for q in REQUETES[:2]),
    ]


def bench_palier(nombre: int, destination: Path, repetitions: int) -> list[str]:
    from django.test import Client

    secondes = charger_jusqu_a(nombre, destination)
    lignes = [f"-- {nombre} contrat(s) chargé(s) (chargement : {secondes:.1f} s)"]
    client = Client()
    for url in adresses():
        durees, requetes = mesurer_url(client, url, repetitions)
        lignes.append(resume(f"{nombre:>2} contrats {url}", durees, requetes))
    return lignes


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    destination = Path(tempfile.mkdtemp(prefix="bench-recherche-"))
    try:
        groupes = [bench_palier(n, destination, args.repetitions) for n in PALIERS]
    finally:
        shutil.rmtree(destination, ignore_errors=True)
    afficher(args.repetitions, *groupes)


if __name__ == "__main__":
    main()
