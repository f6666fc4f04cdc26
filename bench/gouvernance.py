"""Benchmark of the bodies' meetings on the demo data: a meeting's page, its relevé PDF,
the meetings' list, the frequency table, a body's members, the public calendar and the two
API resources; then the 2024-2030 contract: its demo years' generation and the follow-up
page of its measurable engagements.

    .venv/bin/python bench/gouvernance.py [--repetitions 30] [--database-url URL]

Same conventions as bench/pages.py, whose helpers it uses: a throw-away SQLite database
unless --database-url is given (flushed: never point it at real data). The demo
programmation, suivi and gouvernance are generated; each page is requested through the
test client (median, 95th percentile and SQL queries). Figures are printed, nothing is
asserted.
"""

import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.pages import afficher, configurer_django, mesurer, parse_args, resume  # noqa: E402


def preparer() -> list[str]:
    from conftest import DOSSIER_VILLIERS
    from contrats.demo import creer_comptes_demo
    from contrats.services import charger_contrat
    from gouvernance.demo import generer_demo_gouvernance
    from programmation.demo import generer_demo
    from suivi.demo_complete import generer_demo_suivi

    contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS)
    creer_comptes_demo(contrat)
    generer_demo(contrat)
    generer_demo_suivi(contrat)
    debut = time.perf_counter()
    resultat = generer_demo_gouvernance(contrat)
    duree = (time.perf_counter() - debut) * 1000
    lignes = [resume(f"génération de la gouvernance de démo ({resultat.total} objets)", [duree])]
    debut = time.perf_counter()
    eq2030, _ = charger_contrat(dossier=DOSSIER_VILLIERS.parent / "villiers-sur-marne-2024-2030")
    creer_comptes_demo(eq2030)
    generer_demo(eq2030)
    generer_demo_gouvernance(eq2030)
    generer_demo_suivi(eq2030)
    duree = (time.perf_counter() - debut) * 1000
    lignes.append(resume("chargement et démo complète du contrat 2024-2030", [duree]))
    return lignes


def _requetes(client, url: str) -> int:
    from django.db import connection

    requetes: list[str] = []

    def compter(execute, sql, params, many, context):
        requetes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(compter):
        client.get(url)
    return len(requetes)


def bench_pages(repetitions: int) -> list[str]:
    from django.test import Client
    from django.urls import reverse

    from comptes.models import Utilisateur
    from contrats.models import Contrat
    from gouvernance.models import Seance

    contrat = Contrat.objects.get(slug="villiers-sur-marne-2015-2020")
    eq2030 = Contrat.objects.get(slug="villiers-sur-marne-2024-2030")
    pilote = Client()
    pilote.force_login(Utilisateur.objects.get(username="pilote"))
    public = Client()
    copil = (
        Seance.objects.filter(instance__code="copil-technique", statut=Seance.Statut.TENUE)
        .order_by("-date")
        .first()
    )
    pages = [
        (
            "séance du COPIL technique (pilote, constructeur d'ordre du jour)",
            pilote,
            reverse("gouvernance:seance", args=[copil.pk]),
        ),
        ("relevé de décisions en PDF", pilote, reverse("gouvernance:releve_pdf", args=[copil.pk])),
        (
            "liste des réunions (pilote)",
            pilote,
            reverse("gouvernance:reunions", args=[contrat.slug]),
        ),
        (
            "réunions tenues au regard du minimum",
            public,
            reverse("gouvernance:frequences", args=[contrat.slug]),
        ),
        (
            "membres du COPIL technique (pilote, formulaires)",
            pilote,
            reverse("gouvernance:instance", args=[contrat.slug, "copil-technique"]),
        ),
        (
            "suivi des engagements mesurables de la commune, 2024-2030 (pilote)",
            pilote,
            reverse("suivi:suivi_engagements_signataire", args=[eq2030.slug, "commune"]),
        ),
        (
            "calendrier iCalendar public",
            public,
            reverse("gouvernance:calendrier", args=[contrat.slug]),
        ),
        ("API : instances", public, f"/api/v1/contrats/{contrat.slug}/instances"),
        ("API : réunions (page 1)", public, f"/api/v1/contrats/{contrat.slug}/reunions"),
    ]
    lignes = []
    for nom, client, url in pages:
        fois = max(3, repetitions // 10) if url.endswith(".pdf") else repetitions
        lignes.append(
            resume(nom, mesurer(lambda c=client, u=url: c.get(u), fois), _requetes(client, url))
        )
    return lignes


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", ALLOWED_HOSTS=["*"]
    ).enable()
    call_command("flush", verbosity=0, interactive=False)
    afficher(args.repetitions, preparer(), bench_pages(args.repetitions))


if __name__ == "__main__":
    main()
