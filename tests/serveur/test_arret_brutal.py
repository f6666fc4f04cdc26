"""Crash safety: an operation killed (SIGKILL) in the middle leaves all of its rows or none.

One light installation for the module: a fresh database of the run's kind, prepared by
bin/demarrer's own commands, for one contract, without the demo data nor collectstatic
(the pages render without it). Each operation runs in processes of its own, as in
production: a command, or gunicorn and the tasks' worker. The test waits until the
operation is writing, as the database itself shows it (BaseJetable.ecrit_sans_valider,
verrou_d_ecriture, the progress a generation commits), then sends SIGKILL to its process
group: nothing is cleaned up. Then: the rows of every table it writes are all there or
none; the engine's own check (SQLite's integrity_check, PostgreSQL's amcheck) finds nothing
wrong; verifier_historique exits 0; the operation run again completes, with the result of
an uninterrupted run.
"""

import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice, product
from pathlib import Path

import pytest

from territoires.imports import LIGNES_MAX
from tests.serveur.navigateur import Navigateur, Reponse
from tests.serveur.production import (
    BaseJetable,
    Installation,
    connecte,
    executer,
    installation_preparee,
    lancer,
    serveur_de_production,
    travailleur,
    tuer,
)

SLUG = "villiers-sur-marne-2015-2020"
# What the three operations need of bin/demarrer's steps: the schema, one contract, the
# demo accounts.
ETAPES_LEGERES = (
    ("migrate", "--noinput"),
    ("charger_contrat", f"data/contrats/{SLUG}"),
    ("creer_comptes_demo",),
)
ATTENTE_MAX = 120.0
SONDAGE = 0.01
pytestmark = pytest.mark.xdist_group("arret-brutal")


@pytest.fixture(scope="module")
def installation(tmp_path_factory) -> Iterator[Installation]:
    dossier = tmp_path_factory.mktemp("arret-brutal")
    with installation_preparee(dossier, ETAPES_LEGERES, statiques=False) as installation:
        yield installation


def _attendre_que(
    condition: Callable[[], bool], en_cours: Callable[[], bool], quoi: str, fois: int = 1
) -> None:
    """Poll until condition holds `fois` times in a row, while the operation still runs."""
    limite = time.monotonic() + ATTENTE_MAX
    suite = 0
    while True:
        assert en_cours(), f"L'opération s'est terminée avant d'être interrompue ({quoi})."
        suite = suite + 1 if condition() else 0
        if suite == fois:
            return
        assert time.monotonic() < limite, f"L'opération n'a jamais été vue en cours ({quoi})."
        time.sleep(SONDAGE)


def _compter(base: BaseJetable, requetes: dict[str, str]) -> dict[str, int]:
    return {nom: base.lire(requete)[0][0] for nom, requete in requetes.items()}


def _verifier_apres_l_arret(installation: Installation, nom: str) -> None:
    """The engine's own check and the history's chain, after the crash."""
    assert installation.base.anomalies() == []
    executer(
        installation.environnement,
        installation.dossier / f"verifier_historique-{nom}.log",
        "verifier_historique",
    )


# --- A large import of observations -------------------------------------------------------

SOURCE_IMPORT = "Arrêt brutal"
COMPTES_IMPORT = {
    "observations": "SELECT COUNT(*) FROM territoires_observation",
    "imports": "SELECT COUNT(*) FROM territoires_importobservations",
    "événements": "SELECT COUNT(*) FROM historique_evenement",
}


def _gros_fichier(base: BaseJetable, fichier: Path) -> tuple[int, int]:
    """As many valid rows as a file may hold, from the database's indicators and
    territories, on years before any diagnostic; their number and the sum of their values."""
    indicateurs = [code for (code,) in base.lire("SELECT code FROM territoires_indicateur")]
    territoires = [
        code
        for requete in (
            "SELECT code_insee FROM territoires_commune",
            "SELECT slug FROM territoires_quartierprioritaire",
            "SELECT code FROM territoires_territoiredereference",
        )
        for (code,) in base.lire(requete)
    ]
    series = product(range(1980, 2000), indicateurs, territoires)
    lignes = [
        (indicateur, territoire, annee, rang % 997)
        for rang, (annee, indicateur, territoire) in enumerate(islice(series, LIGNES_MAX))
    ]
    assert len(lignes) == LIGNES_MAX
    fichier.write_text(
        "indicateur;territoire;date;valeur;source\n"
        + "".join(f"{i};{t};{a};{v};{SOURCE_IMPORT}\n" for i, t, a, v in lignes),
        encoding="utf-8",
    )
    return len(lignes), sum(v for *_, v in lignes)


def test_un_import_interrompu_n_ecrit_rien_et_se_reprend(installation, tmp_path) -> None:
    base, environnement = installation.base, installation.environnement
    fichier = tmp_path / "observations.csv"
    nombre, somme = _gros_fichier(base, fichier)
    journal = installation.dossier / "import.log"
    avant = _compter(base, COMPTES_IMPORT)

    processus = lancer(environnement, journal, "importer_observations", str(fichier))
    try:
        _attendre_que(
            lambda: base.ecrit_sans_valider("territoires_observation"),
            lambda: processus.poll() is None,
            "import",
        )
    finally:
        tuer(processus)

    assert processus.returncode == -signal.SIGKILL, journal.read_text()[-2000:]
    interrompu = _compter(base, COMPTES_IMPORT)
    _verifier_apres_l_arret(installation, "import")
    if interrompu == avant:
        executer(environnement, journal, "importer_observations", str(fichier))
    complet = _compter(base, COMPTES_IMPORT)
    assert interrompu in (avant, complet)
    assert complet == {
        "observations": avant["observations"] + nombre,
        "imports": avant["imports"] + 1,
        "événements": avant["événements"] + 1,
    }
    assert base.lire(
        "SELECT COUNT(*), SUM(valeur) FROM territoires_observation WHERE source = %s",
        SOURCE_IMPORT,
    ) == [(nombre, somme)]
    assert base.lire(
        "SELECT crees, modifiees FROM territoires_importobservations ORDER BY id DESC LIMIT 1"
    ) == [(nombre, 0)]


# --- A committee deciding many dossiers in one transaction --------------------------------

ANNEE_COMITE = 2020
DOSSIERS_AU_COMITE = 150
# The call's dossiers, written as complete drafts and each deposited by its porteur through
# the state machine (bench/tableau.py), on a day of the call's deposit window. Their porteurs
# never log in: their passwords get a fast hash.
PREPARATION_DU_COMITE = f"""
from datetime import date, datetime
from django.test import override_settings
from django.utils import timezone
from bench.tableau import remplir_appel
from contrats.models import Contrat
from historique.horloge import rejouer_a
from programmation.models import AppelAProjets
from programmation.services.notifications import courriels_suspendus

appel = AppelAProjets.objects.create(
    contrat=Contrat.objects.get(slug="{SLUG}"),
    annee={ANNEE_COMITE},
    titre="Appel à projets {ANNEE_COMITE}",
    date_ouverture=date({ANNEE_COMITE}, 1, 15),
    date_cloture=date({ANNEE_COMITE}, 3, 15),
    publie=True,
)
with (
    rejouer_a(timezone.make_aware(datetime({ANNEE_COMITE}, 2, 1, 12))),
    courriels_suspendus(),
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
):
    remplir_appel(appel, {DOSSIERS_AU_COMITE}, parcours=("depose",))
"""
PAGE_DU_COMITE = f"/contrats/{SLUG}/appels/{ANNEE_COMITE}/comite-recevabilite/"
COMPTES_COMITE = {
    "séances": "SELECT COUNT(*) FROM gouvernance_seance",
    "décisions": "SELECT COUNT(*) FROM gouvernance_decision",
    "transitions": "SELECT COUNT(*) FROM programmation_transitiondossier",
    "recevables": "SELECT COUNT(*) FROM programmation_dossier WHERE statut = 'recevable'",
    "événements": "SELECT COUNT(*) FROM historique_evenement",
}
# SQLite shows no table of an open transaction, only its write lock: held this long
# without a break, it is the committee's transaction (the other writes of the request, a
# session, take milliseconds).
SONDAGES_DU_VERROU = 20


def _tout_declarer_recevable(pilote: Navigateur) -> dict[str, list[str]]:
    """The committee's form, every dossier it lists declared admissible."""
    formulaire = pilote.get(PAGE_DU_COMITE).formulaire(avec_champ="titre")
    saisie = formulaire.valeurs() | {"date": [f"{ANNEE_COMITE}-04-01"]}
    decisions = [nom for nom in saisie if nom.startswith("decision_")]
    return saisie | {nom: ["declarer_recevable"] for nom in decisions}


def _au_milieu_du_comite(base: BaseJetable) -> tuple[Callable[[], bool], int]:
    if base.sqlite is not None:
        return base.verrou_d_ecriture, SONDAGES_DU_VERROU
    return (lambda: base.ecrit_sans_valider("programmation_")), 1


def test_une_decision_de_comite_interrompue_n_enregistre_rien_et_se_reprend(
    installation,
) -> None:
    base = installation.base
    executer(
        installation.environnement,
        installation.dossier / "preparation-comite.log",
        "shell",
        "-c",
        PREPARATION_DU_COMITE,
    )
    avant = _compter(base, COMPTES_COMITE)

    with (
        serveur_de_production(installation, "comite") as serveur,
        ThreadPoolExecutor(max_workers=1) as executeur,
    ):
        pilote = connecte(serveur.adresse, "pilote")
        saisie = _tout_declarer_recevable(pilote)
        assert sum(nom.startswith("decision_") for nom in saisie) == DOSSIERS_AU_COMITE
        envoi: Future[Reponse] = executeur.submit(pilote.post, PAGE_DU_COMITE, saisie)
        condition, fois = _au_milieu_du_comite(base)
        try:
            _attendre_que(condition, lambda: not envoi.done(), "comité", fois)
        finally:
            tuer(serveur.gunicorn)
        with pytest.raises(OSError):  # the connection dropped: no answer at all
            envoi.result()

    interrompu = _compter(base, COMPTES_COMITE)
    _verifier_apres_l_arret(installation, "comite")
    if interrompu == avant:
        with serveur_de_production(installation, "comite-reprise") as serveur:
            pilote = connecte(serveur.adresse, "pilote")
            reprise = pilote.post(PAGE_DU_COMITE, _tout_declarer_recevable(pilote))
        assert reprise.statut == 302, reprise.texte_lisible[:500]
        assert reprise.location.startswith("/reunions/")
    complet = _compter(base, COMPTES_COMITE)
    assert interrompu in (avant, complet)
    assert complet["séances"] == avant["séances"] + 1
    assert complet["décisions"] == avant["décisions"] + DOSSIERS_AU_COMITE
    assert complet["transitions"] == avant["transitions"] + DOSSIERS_AU_COMITE
    assert complet["recevables"] == avant["recevables"] + DOSSIERS_AU_COMITE
    assert complet["événements"] > avant["événements"] + DOSSIERS_AU_COMITE


# --- The rapport annuel's documents, produced by the tasks' worker -----------------------

ANNEE_RAPPORT = 2018
ETAPE_PDF = "Mise en page du PDF"
DELAI_DOCUMENTS = 120.0
# A lost generation gives way after suivi.models.rapports.DELAI_GENERATION: the test moves
# its request back by that delay instead of waiting a quarter of an hour.
VIEILLIR_LA_GENERATION = """
from suivi.models import GenerationRapport
from suivi.models.rapports import DELAI_GENERATION
from django.db.models import F

GenerationRapport.objects.filter(pk={pk}).update(demandee_le=F("demandee_le") - DELAI_GENERATION)
"""


def _generation(base: BaseJetable, pk: int) -> tuple[str, str, str, str]:
    [ligne] = base.lire(
        "SELECT etat, etape, pdf, odt FROM suivi_generationrapport WHERE id = %s", pk
    )
    return ligne


def _derniere_generation(base: BaseJetable) -> int:
    return base.lire("SELECT MAX(id) FROM suivi_generationrapport")[0][0]


def _etat_de_la_tache(base: BaseJetable, generation: int) -> str:
    """The status of the generation's task in the queue (django-tasks' database backend)."""
    [(tache,)] = base.lire("SELECT tache FROM suivi_generationrapport WHERE id = %s", generation)
    # The task's id is a UUID: PostgreSQL's own type, 32 hexadecimal digits in SQLite.
    colonne, valeur = ("id", tache.replace("-", "")) if base.sqlite else ("id::text", tache)
    [(statut,)] = base.lire(
        f"SELECT status FROM django_tasks_database_dbtaskresult WHERE {colonne} = %s", valeur
    )
    return statut


def _generer(pilote: Navigateur, espace: str) -> Reponse:
    formulaire = next(f for f in pilote.get(espace).formulaires() if f.action.endswith("/generer/"))
    return pilote.post(formulaire.action, formulaire.valeurs())


def _fichiers_des_rapports(installation: Installation) -> set[str]:
    dossier = Path(installation.environnement["MEDIA_ROOT"]) / "rapports-annuels"
    return {f"rapports-annuels/{f.name}" for f in dossier.glob("*")} if dossier.exists() else set()


def test_une_generation_interrompue_n_est_jamais_donnee_pour_terminee_et_se_redemande(
    installation,
) -> None:
    base = installation.base
    with serveur_de_production(installation, "rapport") as serveur:
        pilote = connecte(serveur.adresse, "pilote")
        creation = pilote.envoyer(
            f"/contrats/{SLUG}/rapport-annuel/", avec_champ="annee", annee=str(ANNEE_RAPPORT)
        )
        assert creation.statut == 302, creation.texte_lisible[:500]
        espace = creation.location
        assert _generer(pilote, espace).statut == 302
        perdue = _derniere_generation(base)
        try:
            _attendre_que(
                lambda: _generation(base, perdue)[1] == ETAPE_PDF,
                lambda: serveur.travailleur.poll() is None,
                "génération",
            )
        finally:
            tuer(serveur.travailleur)

        # Nothing of it is given as done: not finished, no file registered, none served.
        assert _generation(base, perdue) == ("en_cours", ETAPE_PDF, "", "")
        assert _etat_de_la_tache(base, perdue) == "RUNNING"
        assert pilote.get(f"{espace}rapport-annuel.pdf").statut == 404
        _verifier_apres_l_arret(installation, "rapport")

        with travailleur(installation, "rapport-reprise"):
            # While it may still be running, the page shows it so and offers no other.
            page = pilote.get(espace)
            assert ETAPE_PDF in page.texte_lisible
            assert not any(f.action.endswith("/generer/") for f in page.formulaires())
            executer(
                installation.environnement,
                installation.dossier / "vieillir.log",
                "shell",
                "-c",
                VIEILLIR_LA_GENERATION.format(pk=perdue),
            )
            assert "elle est abandonnée" in pilote.get(espace).texte_lisible
            assert _generer(pilote, espace).statut == 302
            nouvelle = _derniere_generation(base)
            limite = time.monotonic() + DELAI_DOCUMENTS
            while _generation(base, nouvelle)[0] != "terminee":
                assert time.monotonic() < limite, "La génération redemandée n'a pas abouti."
                time.sleep(0.2)
            pdf = pilote.get(f"{espace}rapport-annuel.pdf")

    assert nouvelle != perdue
    assert _generation(base, perdue)[0] == "echec"
    assert pdf.statut == 200 and pdf.corps.startswith(b"%PDF")
    _, _, fichier_pdf, fichier_odt = _generation(base, nouvelle)
    assert {fichier_pdf, fichier_odt} <= _fichiers_des_rapports(installation)
    assert _etat_de_la_tache(base, nouvelle) == "SUCCESSFUL"
