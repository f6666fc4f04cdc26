"""Benchmark of the rapport annuel 2019 on the demo data, then on ten times the demo data.

    .venv/bin/python bench/rapport_annuel.py [--repetitions 30] [--database-url URL]

Same conventions as bench/pages.py, whose helpers it uses, and the same data as
bench/tableau_de_bord.py, whose preparation it reuses: a throw-away SQLite database
unless --database-url is given (flushed: never point it at real data). The demo
programmation, bilans and referential are generated, the 2019 rapport created; measured:
building its contents (`contenu_du_rapport`, median, 95th percentile and SQL queries),
laying out its PDF and writing its ODT, and a whole generation as the background task
runs it (files written to a temporary MEDIA_ROOT). Then each call receives nine times its
dossiers more, through the services, and the same is measured again. Figures are printed,
nothing is asserted.
"""

import sys
import tempfile
import time
from pathlib import Path

# The project root first: "suivi" must be the Django app.
RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.pages import afficher, configurer_django, mesurer, parse_args, resume  # noqa: E402

FACTEUR = 10
ANNEE = 2019


def _ms(debut: float) -> float:
    return (time.perf_counter() - debut) * 1000


def _requetes(fonction) -> int:
    from django.db import connection

    requetes: list[str] = []

    def compter(execute, sql, params, many, context):
        requetes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(compter):
        fonction()
    return len(requetes)


def bench(repetitions: int, etiquette: str) -> list[str]:
    from contrats.models import Contrat
    from programmation.tests.outils import pilote_du
    from suivi import rapports_documents
    from suivi.models import RapportAnnuel
    from suivi.selectors.rapports import contenu_du_rapport, programmes_de
    from suivi.services.generations import produire_les_documents
    from suivi.services.rapports import creer_rapport, demander_generation

    contrat = Contrat.objects.get()
    pilote = pilote_du(contrat)
    rapport = RapportAnnuel.objects.filter(contrat=contrat, annee=ANNEE).first() or (
        creer_rapport(contrat=contrat, annee=ANNEE, acteur=pilote)
    )
    actions = programmes_de(contrat, ANNEE).count()
    nom = f"{etiquette} ({actions} actions {ANNEE})"
    contenu = contenu_du_rapport(rapport)
    mises_en_page = max(3, repetitions // 10)
    debut = time.perf_counter()
    produire_les_documents(demander_generation(rapport=rapport, acteur=pilote).pk)
    generation = [_ms(debut)]  # now: the measures below must not add to it
    return [
        resume(
            f"{nom} : contenu du rapport",
            mesurer(lambda: contenu_du_rapport(rapport), repetitions),
            _requetes(lambda: contenu_du_rapport(rapport)),
        ),
        resume(
            f"{nom} : PDF ({mises_en_page} fois)",
            mesurer(lambda: rapports_documents.document_pdf(contenu), mises_en_page),
        ),
        resume(
            f"{nom} : ODT",
            mesurer(lambda: rapports_documents.document_odt(contenu), repetitions),
        ),
        resume(f"{nom} : génération complète (tâche)", generation),
    ]


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    from django.core.management import call_command
    from django.test.utils import override_settings

    from bench.tableau_de_bord import multiplier, preparer

    override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        MEDIA_ROOT=tempfile.mkdtemp(),
    ).enable()
    call_command("flush", verbosity=0, interactive=False)
    preparation = preparer()
    demo = bench(args.repetitions, "démo")
    multiplication = multiplier(FACTEUR)
    grand = bench(args.repetitions, f"démo × {FACTEUR}")
    afficher(args.repetitions, preparation, demo, multiplication, grand)


if __name__ == "__main__":
    main()
