"""Benchmark of the tableau de bord on the demo data, then on ten times the demo data.

    .venv/bin/python bench/tableau_de_bord.py [--repetitions 30] [--database-url URL]

Same conventions as bench/pages.py, whose helpers it uses: a throw-away SQLite database
unless --database-url is given (flushed: never point it at real data), median and 95th
percentile in milliseconds, SQL queries per request. The demo programmation (six calls),
its bilans and its evaluation referential are generated first and measured: dashboard
for all years, one year, one pillar, the dossiers behind a figure and behind the realised
actions, the CSV of the financings, of the realisations and of the indicators. Each
call then receives nine times its number of dossiers more, written in bulk as complete
drafts (bench/tableau.py) and driven through the services along PARCOURS (no statut
written by hand), and the same requests are measured again.
"""

import sys
import time
from pathlib import Path

# The project root first: "suivi" must be the Django app.
RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.pages import (  # noqa: E402
    afficher,
    configurer_django,
    mesurer_url,
    parse_args,
    resume,
)

FACTEUR = 10
ANNEE = 2018
# Where an added dossier ends, for calls whose year is over: mostly programmed and paid.
PARCOURS = (
    *("solde",) * 9,
    "conventionne",
    "conventionne",
    "valide",
    "refuse",
    "irrecevable",
)


def _ms(debut: float) -> float:
    return (time.perf_counter() - debut) * 1000


def preparer() -> list[str]:
    from conftest import DOSSIER_VILLIERS
    from contrats.demo import creer_comptes_demo
    from contrats.services import charger_contrat
    from programmation.demo import generer_demo
    from suivi.demo import generer_demo as generer_demo_suivi
    from suivi.demo_referentiel import generer_demo_referentiel

    contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS)
    creer_comptes_demo(contrat)
    debut = time.perf_counter()
    bilan = generer_demo(contrat)
    generer_demo_suivi(contrat)
    indicateurs = generer_demo_referentiel(contrat)
    return [
        resume(
            f"génération de la démo : {bilan.dossiers} dossiers, leurs bilans, "
            f"{indicateurs} indicateurs et mesures",
            [_ms(debut)],
        )
    ]


def multiplier(facteur: int) -> list[str]:
    """Each demo call gets (facteur - 1) times its dossiers more, through the services."""
    from bench.tableau import _brouillons
    from programmation.models import AppelAProjets
    from programmation.services.notifications import courriels_suspendus
    from programmation.tests.outils import mener_au_statut

    debut = time.perf_counter()
    ajoutes = 0
    with courriels_suspendus():
        for appel in AppelAProjets.objects.order_by("annee"):
            deja = appel.dossiers.count()
            for rang, dossier in enumerate(_brouillons(appel, range(deja, deja * facteur))):
                mener_au_statut(dossier, PARCOURS[rang % len(PARCOURS)])
                ajoutes += 1
            print(f"… appel {appel.annee} : {deja * facteur} dossiers", file=sys.stderr)
    return [resume(f"{ajoutes} dossiers ajoutés par les services", [_ms(debut)])]


def requetes(contrat) -> list[tuple[str, str]]:
    from django.urls import reverse

    pilier = contrat.piliers.order_by("numero").first()
    tableau = reverse("suivi:tableau_de_bord", args=[contrat.slug])
    dossiers = reverse("suivi:tableau_de_bord_dossiers", args=[contrat.slug])

    def export(nom: str) -> str:
        return reverse("suivi:tableau_de_bord_export", args=[contrat.slug, nom, "csv"])

    return [
        ("tableau de bord, toutes années", tableau),
        (f"tableau de bord, {ANNEE}", f"{tableau}?annee={ANNEE}"),
        (f"tableau de bord, pilier {pilier.numero}", f"{tableau}?pilier={pilier.pk}"),
        (
            f"dossiers derrière un chiffre ({ANNEE}, pilier {pilier.numero})",
            f"{dossiers}?annee={ANNEE}&pilier={pilier.pk}",
        ),
        (
            f"dossiers des actions réalisées ({ANNEE})",
            f"{dossiers}?annee={ANNEE}&realisation=realisees",
        ),
        (f"export CSV des financements ({ANNEE})", f"{export('financements')}?annee={ANNEE}"),
        (f"export CSV des réalisations ({ANNEE})", f"{export('realisations')}?annee={ANNEE}"),
        (f"export CSV des indicateurs ({ANNEE})", f"{export('indicateurs')}?annee={ANNEE}"),
    ]


def bench(repetitions: int, etiquette: str) -> list[str]:
    from django.test import Client

    from comptes.models import Utilisateur
    from contrats.models import Contrat
    from programmation.models import Dossier

    contrat = Contrat.objects.get()
    pilote = Client()
    pilote.force_login(Utilisateur.objects.get(username="pilote"))
    nombre = Dossier.objects.filter(appel__contrat=contrat).count()
    lignes = []
    for libelle, url in requetes(contrat):
        durees, sql = mesurer_url(pilote, url, repetitions)
        lignes.append(resume(f"{etiquette} ({nombre} dossiers) : {libelle}", durees, sql))
    return lignes


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend").enable()
    call_command("flush", verbosity=0, interactive=False)
    preparation = preparer()
    demo = bench(args.repetitions, "démo")
    multiplication = multiplier(FACTEUR)
    grand = bench(args.repetitions, f"démo × {FACTEUR}")
    afficher(args.repetitions, preparation, demo, multiplication, grand)


if __name__ == "__main__":
    main()
