"""Helpers of the rapport annuel tests (not a test module: nothing here is collected).

The queue is the real one (django-tasks' database backend): `executer_les_taches` runs
the queued tasks in this process and this transaction, with the db_worker's own code
(`Worker.run_task`). Its polling loop is left out: it closes "old" connections, which
inside a test's transaction would close the test's own.

The builders bring a rapport to any statut the way real work does, through the services;
`sans_mise_en_page` stands WeasyPrint and odfdo in for tiny files where a test is about
the machine, not the documents (PDF layout takes a second or more).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest import mock

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from comptes.models import Utilisateur
from contrats.models import Contrat
from historique.horloge import aujourdhui
from programmation.models import Convention, Dossier, Paiement
from programmation.services.paiements import enregistrer_paiement
from programmation.tests.factories import AppelFactory, villiers
from programmation.tests.outils import (
    dossier_conventionne,
    dossier_depose,
    instructeur_de,
    pilote_du,
)
from suivi.models import AvisRapport, CodeTransitionRapport, RapportAnnuel, StatutRapport
from suivi.services import rapports as services
from suivi.tests.outils import bilan_valide

ANNEE = 2019


def actions_de_2019() -> tuple[Dossier, Dossier]:
    """Two actions programmed in 2019, each granted CAF 3 500 € (droit commun) and État
    5 000 € (crédits spécifiques): the first carried out (bilan validated, CAF advance of
    1 750 € paid), the second's bilan expected; besides, a dossier of 2019 only deposited
    and an action programmed in 2018."""
    appel = AppelFactory(annee=2019)
    realisee, attendue = dossier_conventionne(appel), dossier_conventionne(appel)
    dossier_depose(appel)
    dossier_conventionne(AppelFactory(annee=2018))
    bilan_valide(realisee)
    caf = Convention.objects.get(financement__dossier=realisee, financement__financeur__code="caf")
    enregistrer_paiement(
        convention=caf,
        nature=Paiement.Nature.AVANCE,
        montant=Decimal("1750"),
        date=aujourdhui(),
        acteur=instructeur_de(caf.financement),
    )
    return realisee, attendue


def executer_les_taches() -> int:
    """Run every ready task of the queue as `db_worker --batch` would; how many ran."""
    travailleur = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    executees = 0
    while (tache := DBTaskResult.objects.ready().get_locked()) is not None:
        tache.claim(travailleur.worker_id)
        travailleur.run_task(tache)
        executees += 1
    return executees


@contextmanager
def sans_mise_en_page() -> Iterator[None]:
    with (
        mock.patch("suivi.rapports_documents.document_pdf", return_value=b"%PDF-1.4\n%%EOF\n"),
        mock.patch("suivi.rapports_documents.document_odt", return_value=b"PK"),
    ):
        yield


def pilote(contrat: Contrat | None = None) -> Utilisateur:
    return pilote_du(contrat or villiers())


def relire(rapport: RapportAnnuel) -> RapportAnnuel:
    return RapportAnnuel.objects.get(pk=rapport.pk)


def rapport_cree(annee: int = ANNEE, contrat: Contrat | None = None) -> RapportAnnuel:
    contrat = contrat or villiers()
    return services.creer_rapport(contrat=contrat, annee=annee, acteur=pilote(contrat))


def generer(rapport: RapportAnnuel, mise_en_page: bool = False) -> None:
    """Through the queue and the worker's code; with `mise_en_page`, the real documents."""
    services.demander_generation(rapport=rapport, acteur=pilote(rapport.contrat))
    if mise_en_page:
        executer_les_taches()
        return
    with sans_mise_en_page():
        executer_les_taches()


def transitionner(rapport: RapportAnnuel, code: str, **kwargs) -> RapportAnnuel:
    return services.transitionner_rapport(
        rapport=rapport, transition=code, acteur=pilote(rapport.contrat), **kwargs
    )


def saisir_tous_les_avis(rapport: RapportAnnuel, sens: str = AvisRapport.Sens.FAVORABLE) -> None:
    for avis in AvisRapport.objects.filter(rapport=rapport):
        services.saisir_avis(
            avis=avis,
            sens=sens,
            texte="Avis motivé.",
            recu_le=aujourdhui(),
            acteur=pilote(rapport.contrat),
        )


def rapport_soumis(annee: int = ANNEE) -> RapportAnnuel:
    rapport = rapport_cree(annee)
    generer(rapport)
    return transitionner(rapport, CodeTransitionRapport.SOUMETTRE)


def rapport_adopte(annee: int = ANNEE, date_deliberation: date | None = None) -> RapportAnnuel:
    rapport = rapport_soumis(annee)
    saisir_tous_les_avis(rapport)
    return transitionner(
        rapport,
        CodeTransitionRapport.ADOPTER,
        date_deliberation=date_deliberation or aujourdhui(),
        reference_deliberation="DCM-2020-42",
    )


def rapport_publie(annee: int = ANNEE) -> RapportAnnuel:
    rapport = rapport_adopte(annee)
    generer(rapport)
    return transitionner(rapport, CodeTransitionRapport.PUBLIER)


BUILDERS = {
    StatutRapport.BROUILLON: rapport_cree,
    StatutRapport.EN_CONSULTATION: rapport_soumis,
    StatutRapport.ADOPTE: rapport_adopte,
    StatutRapport.PUBLIE: rapport_publie,
}
