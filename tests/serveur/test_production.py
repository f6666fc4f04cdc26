"""The platform served as bin/demarrer serves it: gunicorn, several workers, DEBUG off.

One installation for the module (a fresh database of the run's kind, prepared by
bin/demarrer's steps), one gunicorn on a free port of 127.0.0.1. Concurrent requests come
from threads, each with its own session, released together by a barrier.
"""

import base64
import gzip
import hashlib
import json
import re
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import pytest

from tests.serveur.navigateur import DELAI_REQUETE, Navigateur, Reponse
from tests.serveur.production import (
    ARGUMENTS_GUNICORN,
    ARGUMENTS_TRAVAILLEUR,
    ETAPES_DE_PREPARATION,
    RACINE,
    Installation,
    connecte,
    gunicorn,
    installation_preparee,
)

SLUG = "villiers-sur-marne-2015-2020"
TOURS_DE_CONCURRENCE = 3
MESSAGE_CONFLIT = "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie."
MESSAGE_DEPASSEMENT = "dépasserait le montant accordé"
MESSAGE_PAIEMENT = "Le paiement est enregistré."
CENTIME = Decimal("0.01")
# The module's installation is prepared once, on one of bin/tester's two processes.
pytestmark = pytest.mark.xdist_group("serveur-de-production")


@pytest.fixture(scope="module")
def installation(tmp_path_factory) -> Iterator[Installation]:
    dossier = tmp_path_factory.mktemp("production")
    try:
        with installation_preparee(dossier) as installation:
            yield installation
    finally:
        # Tens of megabytes of collected files; the servers' logs stay for a failure.
        shutil.rmtree(dossier / "staticfiles", ignore_errors=True)


@pytest.fixture(scope="module")
def serveur(installation) -> Iterator[str]:
    with gunicorn(installation, "principal") as adresse:
        yield adresse


def en_meme_temps(*envois: Callable[[], Reponse]) -> list[Reponse]:
    """Run the requests in parallel threads, released at once; their responses, in order."""
    barriere = threading.Barrier(len(envois), timeout=DELAI_REQUETE)

    def lancer(envoi: Callable[[], Reponse]) -> Reponse:
        barriere.wait()
        return envoi()

    with ThreadPoolExecutor(max_workers=len(envois)) as executeur:
        futurs = [executeur.submit(lancer, envoi) for envoi in envois]
        return [futur.result(timeout=2 * DELAI_REQUETE) for futur in futurs]


# --- Served as in production ------------------------------------------------------------------


def test_le_test_sert_comme_bin_demarrer() -> None:
    """The steps and the gunicorn command used here are bin/demarrer's own."""
    script = (RACINE / "bin" / "demarrer").read_text()
    assert "export DEBUG=false" in script
    assert f"exec .venv/bin/gunicorn {' '.join(ARGUMENTS_GUNICORN)}" in script
    assert f"manage.py {' '.join(ARGUMENTS_TRAVAILLEUR)}" in script
    positions = [script.index(f"manage.py {' '.join(etape)}") for etape in ETAPES_DE_PREPARATION]
    assert positions == sorted(positions)
    assert "manage.py collectstatic" in script


def test_bin_developper_sert_en_mode_developpement() -> None:
    script = (RACINE / "bin" / "developper").read_text()
    assert "export DEBUG=true" in script
    assert 'manage.py runserver "127.0.0.1:${PORT:-8000}"' in script
    assert "--noreload" not in script


def test_la_base_est_preparee(installation) -> None:
    comptes = installation.base.lire(
        "SELECT username FROM comptes_utilisateur WHERE username IN "
        "('pilote', 'etat', 'financeur', 'porteur', 'membre')"
    )
    assert len(comptes) == 5
    if installation.base.sqlite is not None:
        # The journal mode is stored in the file: WAL was set by the settings' init_command.
        assert installation.base.lire("PRAGMA journal_mode") == [("wal",)]


def test_debug_est_eteint_une_adresse_inconnue_repond_la_page_404(serveur, installation) -> None:
    reponse = Navigateur(serveur).get("/cette-page-n-existe-pas/")

    assert reponse.statut == 404
    assert '<html lang="fr"' in reponse.texte
    assert 'class="fr-header"' in reponse.texte
    assert "Page introuvable" in reponse.texte
    assert 'href="/"' in reponse.texte
    # Django's debug page lists the URL patterns it tried.
    assert "URLconf" not in reponse.texte
    assert "Traceback" not in reponse.texte
    # The access log goes to standard output, the test's log file of the server; gunicorn
    # writes it once the response is sent, so the line may come a moment after.
    ligne = '"GET /cette-page-n-existe-pas/ HTTP/1.1" 404'
    assert _finit_par_ecrire(installation.dossier / "gunicorn-principal.log", ligne)


def _finit_par_ecrire(journal: Path, ligne: str, attente: float = 10.0) -> bool:
    fin = time.monotonic() + attente
    while ligne not in journal.read_text():
        if time.monotonic() > fin:
            return False
        time.sleep(0.1)
    return True


def _integrite(corps: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(corps).digest()).decode()


def test_les_fichiers_statiques_de_la_page_sont_servis_intacts(serveur) -> None:
    navigateur = Navigateur(serveur)
    page = navigateur.get("/").texte
    balises = re.findall(r"<(?:link|script)\b[^>]*>", page)
    ressources = []
    for balise in balises:
        adresse = re.search(r'(?:href|src)="(/static/[^"]+)"', balise)
        if adresse:
            integrite = re.search(r'integrity="([^"]+)"', balise)
            ressources.append((adresse.group(1), integrite.group(1) if integrite else None))
    chemins = [chemin for chemin, _ in ressources]
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in chemins
    assert "/static/css/plateforme.css" in chemins

    for chemin, integrite in ressources:
        reponse = navigateur.get(chemin)
        assert reponse.statut == 200, chemin
        if integrite:
            # The browser refuses a file whose checksum differs from the page's.
            assert _integrite(reponse.corps) == integrite, chemin


def test_la_css_du_dsfr_est_servie_compressee_et_la_police_marianne_aussi(serveur) -> None:
    navigateur = Navigateur(serveur)
    brute = navigateur.get("/static/dsfr/dist/dsfr/dsfr.min.css")
    compressee = navigateur.get(
        "/static/dsfr/dist/dsfr/dsfr.min.css", entetes={"Accept-Encoding": "gzip"}
    )
    police = navigateur.get("/static/dsfr/dist/fonts/Marianne-Regular.woff2")

    assert brute.statut == 200
    assert brute.entetes["Content-Type"].startswith("text/css")
    assert compressee.entetes["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressee.corps) == brute.corps
    assert police.statut == 200
    assert police.entetes["Content-Type"] == "font/woff2"
    assert police.corps[:4] == b"wOF2"


@pytest.mark.parametrize("page", ["/admin/login/", "/api/v1/docs"])
def test_l_administration_et_la_documentation_de_l_api_ont_leurs_fichiers(serveur, page) -> None:
    navigateur = Navigateur(serveur)
    reponse = navigateur.get(page)
    chemins = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', reponse.texte))

    assert reponse.statut == 200
    assert chemins
    for chemin in chemins:
        assert navigateur.get(chemin).statut == 200, chemin


# --- Background tasks --------------------------------------------------------------------------

DELAI_GENERATION = 120.0


def test_le_travailleur_produit_le_rapport_annuel_demande_depuis_la_page(serveur) -> None:
    """The worker bin/demarrer starts beside gunicorn takes the task the page queued."""
    pilote = connecte(serveur, "pilote")
    liste = f"/contrats/{SLUG}/rapport-annuel/"
    creation = pilote.envoyer(liste, avec_champ="annee", annee="2018")
    assert creation.statut == 302, creation.texte_lisible[:500]
    espace = creation.location
    formulaire = next(f for f in pilote.get(espace).formulaires() if f.action.endswith("/generer/"))
    lancement = pilote.post(formulaire.action, formulaire.valeurs())
    assert lancement.statut == 302, lancement.texte_lisible[:500]

    limite = time.monotonic() + DELAI_GENERATION
    while "rapport-annuel.pdf" not in pilote.get(espace).texte:
        assert time.monotonic() < limite, "Le rapport n'a pas été produit par le travailleur."
        time.sleep(1)
    pdf = pilote.get(f"{espace}rapport-annuel.pdf")
    assert pdf.statut == 200 and pdf.corps.startswith(b"%PDF")


# --- Concurrent writes --------------------------------------------------------------------


def _brouillon_du_porteur(serveur: str, porteur: Navigateur, installation: Installation) -> int:
    """A new draft of the demo porteur, made through the pages as people would.

    Every demo call is closed: the pilote first extends the latest one by a month.
    """
    [(annee,)] = installation.base.lire(
        "SELECT MAX(a.annee) FROM programmation_appelaprojets a "
        "JOIN contrats_contrat c ON c.id = a.contrat_id WHERE c.slug = %s AND a.publie",
        SLUG,
    )
    cloture = date.today() + timedelta(days=30)
    prolongation = connecte(serveur, "pilote").envoyer(
        f"/contrats/{SLUG}/appels/{annee}/modifier/",
        avec_champ="date_cloture",
        date_cloture=cloture.isoformat(),
    )
    assert prolongation.statut == 302, prolongation.texte_lisible[:500]

    creation = porteur.envoyer(
        f"/contrats/{SLUG}/mes-dossiers/",
        avec_champ="intitule",
        intitule="Atelier d'écriture (deux sessions)",
    )
    assert creation.statut == 302, creation.texte_lisible[:500]
    trouve = re.fullmatch(r"/dossiers/(\d+)/", creation.location)
    assert trouve, creation.location
    return int(trouve.group(1))


def test_deux_enregistrements_simultanes_du_meme_dossier(serveur, installation) -> None:
    """Both sessions saw the same version: one is saved, the other told, nothing mixed."""
    sessions = [connecte(serveur, "porteur"), connecte(serveur, "porteur")]
    pk = _brouillon_du_porteur(serveur, sessions[0], installation)
    page = f"/dossiers/{pk}/action/"

    for tour in range(TOURS_DE_CONCURRENCE):
        formulaires = [s.get(page).formulaire(avec_champ="version") for s in sessions]
        saisies = [f.valeurs() for f in formulaires]
        assert saisies[0]["version"] == saisies[1]["version"]
        textes = [f"Description de la session {n}, tour {tour}." for n in ("A", "B")]
        envois = [
            lambda s=s, saisie=saisie, texte=texte: s.post(page, saisie | {"description": [texte]})
            for s, saisie, texte in zip(sessions, saisies, textes, strict=True)
        ]

        reponses = en_meme_temps(*envois)

        statuts = sorted(r.statut for r in reponses)
        assert statuts == [200, 302], [r.texte_lisible[:300] for r in reponses]
        gagnant = next(i for i, r in enumerate(reponses) if r.statut == 302)
        perdant = reponses[1 - gagnant]
        assert reponses[gagnant].location == f"/dossiers/{pk}/"
        assert MESSAGE_CONFLIT in perdant.texte_lisible
        [(description, version)] = installation.base.lire(
            "SELECT description, version FROM programmation_dossier WHERE id = %s", pk
        )
        assert description == textes[gagnant]
        assert version == int(saisies[0]["version"][0]) + 1


def _convention_de_la_caf(installation: Installation) -> int:
    """The conventionned CAF convention, not balanced yet, with the most left to pay."""
    lignes = installation.base.lire(
        "SELECT cv.id FROM programmation_convention cv "
        "JOIN programmation_financement f ON f.id = cv.financement_id "
        "JOIN programmation_dossier d ON d.id = f.dossier_id "
        "JOIN contrats_organisation o ON o.id = f.financeur_id "
        "WHERE o.code = 'caf' AND d.statut = 'conventionne' AND NOT EXISTS ("
        "  SELECT 1 FROM programmation_paiement p "
        "  WHERE p.convention_id = cv.id AND p.nature = 'solde')"
    )
    assert lignes, "Aucune convention de la CAF à payer dans les données de démonstration."
    return max((pk for (pk,) in lignes), key=lambda pk: _etat_convention(installation, pk)[1])


def _etat_convention(installation: Installation, pk: int) -> tuple[Decimal, Decimal, int]:
    """Granted amount, left to pay, number of payments."""
    [(montant,)] = installation.base.lire(
        "SELECT montant FROM programmation_convention WHERE id = %s", pk
    )
    paiements = installation.base.lire(
        "SELECT montant FROM programmation_paiement WHERE convention_id = %s", pk
    )
    accorde = Decimal(str(montant))
    paye = sum((Decimal(str(m)) for (m,) in paiements), Decimal(0))
    return accorde, accorde - paye, len(paiements)


def _payer_en_meme_temps(
    sessions: list[Navigateur], page: str, montant: Decimal
) -> list[tuple[Navigateur, Reponse]]:
    saisies = [s.get(page).formulaire(avec_champ="montant").valeurs() for s in sessions]
    francais = str(montant).replace(".", ",")
    envois = [
        lambda s=s, saisie=saisie: s.post(
            page, saisie | {"nature": ["avance"], "montant": [francais]}
        )
        for s, saisie in zip(sessions, saisies, strict=True)
    ]
    return list(zip(sessions, en_meme_temps(*envois), strict=True))


@pytest.mark.parametrize(
    ("part_du_reste", "reussites_attendues"),
    [(Decimal("0.3"), 2), (Decimal("0.6"), 1)],
    ids=["les-deux-tiennent", "un-seul-tient"],
)
def test_deux_paiements_simultanes_sur_la_meme_convention(
    serveur, installation, part_du_reste, reussites_attendues
) -> None:
    """Never above the granted amount, and every payment announced is stored."""
    sessions = [connecte(serveur, "financeur"), connecte(serveur, "financeur")]
    pk = _convention_de_la_caf(installation)
    page = f"/conventions/{pk}/paiements/"
    accorde, reste, nombre = _etat_convention(installation, pk)
    montant = (reste * part_du_reste).quantize(CENTIME, rounding=ROUND_DOWN)

    resultats = _payer_en_meme_temps(sessions, page, montant)

    assert all(r.statut in (200, 302) for _, r in resultats), [r.statut for _, r in resultats]
    reussis = [(s, r) for s, r in resultats if r.statut == 302]
    assert len(reussis) == reussites_attendues
    for session, reponse in reussis:
        assert MESSAGE_PAIEMENT in session.get(reponse.location).texte_lisible
    for _, reponse in resultats:
        if reponse.statut == 200:
            assert MESSAGE_DEPASSEMENT in reponse.texte_lisible
    accorde_apres, reste_apres, nombre_apres = _etat_convention(installation, pk)
    assert nombre_apres == nombre + len(reussis)
    assert reste_apres == reste - montant * len(reussis)
    assert reste_apres >= 0
    assert accorde_apres == accorde


# --- Concurrent writes of financings ----------------------------------------------------------

MESSAGE_CONFLIT_FINANCEMENT = "a modifié ce financement pendant votre saisie."
MESSAGE_NON_ENREGISTRE = "le vôtre n'a pas été enregistré"
Saisie = tuple[dict[str, list[str]], tuple]


def _financement_de_la_caf(installation: Installation, statut: str) -> tuple[int, Decimal]:
    """A CAF financing of a dossier at this statut, outside any CPO; its amount asked."""
    lignes = installation.base.lire(
        "SELECT f.id, f.montant_demande FROM programmation_financement f "
        "JOIN programmation_dossier d ON d.id = f.dossier_id "
        "JOIN programmation_appelaprojets a ON a.id = d.appel_id "
        "JOIN contrats_contrat c ON c.id = a.contrat_id "
        "JOIN contrats_organisation o ON o.id = f.financeur_id "
        "WHERE c.slug = %s AND o.code = 'caf' AND d.statut = %s "
        "AND d.convention_pluriannuelle_id IS NULL ORDER BY f.id",
        SLUG,
        statut,
    )
    assert lignes, f"Aucun financement de la CAF au statut {statut} dans la démonstration."
    pk, demande = lignes[0]
    return pk, Decimal(str(demande))


def _francais(montant: Decimal) -> str:
    return str(montant).replace(".", ",")


def _part(demande: Decimal, session: int, tour: int) -> Decimal:
    """An amount of its own for each session and round, below the amount asked."""
    return (demande * Decimal(50 + 10 * session + tour) / 100).quantize(CENTIME)


def _saisie_avis(demande: Decimal, session: int, tour: int) -> Saisie:
    avis = ("favorable", "reserve")[session]
    montant = _part(demande, session, tour)
    commentaire = f"Avis de la session {session}, tour {tour}."
    champs = {"avis": [avis], "montant_propose": [_francais(montant)], "commentaire": [commentaire]}
    return champs, (avis, montant, commentaire)


def _saisie_accord(demande: Decimal, session: int, tour: int) -> Saisie:
    montant = _part(demande, session, tour)
    return {"montant": [_francais(montant)]}, (montant,)


# Per form: the dossier's statut it needs, its history action, what it writes, a session's
# typing (the fields posted, the values the row must then hold).
FORMULAIRES_DE_FINANCEMENT: dict[str, tuple[str, str, str, Callable[..., Saisie]]] = {
    "avis": (
        "en_instruction",
        "financement.avis",
        "avis, montant_propose, commentaire",
        _saisie_avis,
    ),
    "accord": ("valide", "financement.accord", "montant_accorde", _saisie_accord),
}


def _financement_en_base(installation: Installation, pk: int, colonnes: str) -> tuple:
    [ligne] = installation.base.lire(
        f"SELECT {colonnes}, version FROM programmation_financement WHERE id = %s", pk
    )
    *valeurs, version = ligne
    montants = tuple(
        v if isinstance(v, str) else Decimal(str(v)).quantize(CENTIME) for v in valeurs
    )
    return montants, version


def _evenements(installation: Installation, action: str) -> int:
    return installation.base.lire(
        "SELECT COUNT(*) FROM historique_evenement WHERE action = %s", action
    )[0][0]


@pytest.mark.parametrize("formulaire", list(FORMULAIRES_DE_FINANCEMENT))
def test_deux_enregistrements_simultanes_du_meme_financement(
    serveur, installation, formulaire
) -> None:
    """Two CAF sessions saw the same version: one is saved, the other told, nothing mixed."""
    statut, action, colonnes, saisir = FORMULAIRES_DE_FINANCEMENT[formulaire]
    pk, demande = _financement_de_la_caf(installation, statut)
    page = f"/financements/{pk}/{formulaire}/"
    sessions = [connecte(serveur, "financeur"), connecte(serveur, "financeur")]

    for tour in range(TOURS_DE_CONCURRENCE):
        formulaires = [s.get(page).formulaire(avec_champ="version").valeurs() for s in sessions]
        assert formulaires[0]["version"] == formulaires[1]["version"]
        version = int(formulaires[0]["version"][0])
        evenements = _evenements(installation, action)
        saisies = [saisir(demande, n, tour) for n in range(len(sessions))]
        envois = [
            lambda s=s, valeurs=valeurs, champs=champs: s.post(page, valeurs | champs)
            for s, valeurs, (champs, _) in zip(sessions, formulaires, saisies, strict=True)
        ]

        reponses = en_meme_temps(*envois)

        statuts = sorted(r.statut for r in reponses)
        assert statuts == [200, 302], [r.texte_lisible[:300] for r in reponses]
        gagnant = next(i for i, r in enumerate(reponses) if r.statut == 302)
        perdant = reponses[1 - gagnant].texte_lisible
        assert MESSAGE_CONFLIT_FINANCEMENT in perdant and MESSAGE_NON_ENREGISTRE in perdant
        assert _financement_en_base(installation, pk, colonnes) == (
            saisies[gagnant][1],
            version + 1,
        )
        assert _evenements(installation, action) == evenements + 1


def test_un_dossier_et_un_financement_enregistres_en_meme_temps(serveur, installation) -> None:
    """Two rows of two tables saved at once: both stored, neither lost, no false conflict.

    A dossier's own sections are written while it is a draft, its financings from its
    instruction on: the porteur's draft and the financing the CAF instructs belong to two
    dossiers of the call's contract.
    """
    porteur, financeur = connecte(serveur, "porteur"), connecte(serveur, "financeur")
    dossier = _brouillon_du_porteur(serveur, porteur, installation)
    page_dossier = f"/dossiers/{dossier}/action/"
    statut, _, colonnes, saisir = FORMULAIRES_DE_FINANCEMENT["avis"]
    financement, demande = _financement_de_la_caf(installation, statut)
    page_financement = f"/financements/{financement}/avis/"

    for tour in range(TOURS_DE_CONCURRENCE):
        saisie_dossier = porteur.get(page_dossier).formulaire(avec_champ="version").valeurs()
        saisie_financement = financeur.get(page_financement).formulaire(avec_champ="version")
        description = f"Description du tour {tour}, enregistrée avec un avis."
        champs, attendu = saisir(demande, tour % 2, tour)
        [(version_dossier,)] = installation.base.lire(
            "SELECT version FROM programmation_dossier WHERE id = %s", dossier
        )
        _, version_financement = _financement_en_base(installation, financement, colonnes)

        donnees_dossier = saisie_dossier | {"description": [description]}
        donnees_financement = saisie_financement.valeurs() | champs

        reponses = en_meme_temps(
            lambda d=donnees_dossier: porteur.post(page_dossier, d),
            lambda d=donnees_financement: financeur.post(page_financement, d),
        )

        assert [r.statut for r in reponses] == [302, 302], [r.texte_lisible[:300] for r in reponses]
        assert installation.base.lire(
            "SELECT description, version FROM programmation_dossier WHERE id = %s", dossier
        ) == [(description, version_dossier + 1)]
        assert _financement_en_base(installation, financement, colonnes) == (
            attendu,
            version_financement + 1,
        )


# --- A granted amount lowered while the conventions are established -------------------------

MESSAGE_APRES_CONVENTIONS = "Le montant accordé se fixe après validation et avant les conventions."
MESSAGE_CONVENTIONS_ETABLIES = "Établir les conventions : c'est fait."
ACTION_ACCORD = "financement.accord"
ACTION_CONVENTIONNER = "dossier.conventionner"


def _dossiers_a_conventionner(installation: Installation) -> list[tuple[int, int, Decimal]]:
    """Validated dossiers outside any CPO whose CAF financing is granted more than a
    centime: (dossier, financing, granted amount), TOURS_DE_CONCURRENCE of them.

    The dossier of _financement_de_la_caf's validated financing is left to the test that
    writes its granted amount (the module's order may be shuffled).
    """
    reserve, _ = _financement_de_la_caf(installation, "valide")
    lignes = installation.base.lire(
        "SELECT d.id, MIN(f.id) FROM programmation_dossier d "
        "JOIN programmation_financement f ON f.dossier_id = d.id "
        "JOIN programmation_appelaprojets a ON a.id = d.appel_id "
        "JOIN contrats_contrat c ON c.id = a.contrat_id "
        "JOIN contrats_organisation o ON o.id = f.financeur_id "
        "WHERE c.slug = %s AND o.code = 'caf' AND d.statut = 'valide' "
        "AND d.convention_pluriannuelle_id IS NULL AND f.montant_accorde > 0.01 "
        "AND d.id <> (SELECT dossier_id FROM programmation_financement WHERE id = %s) "
        "GROUP BY d.id ORDER BY d.id DESC",
        SLUG,
        reserve,
    )
    assert len(lignes) >= TOURS_DE_CONCURRENCE, "Trop peu de dossiers validés à conventionner."
    return [
        (
            dossier,
            financement,
            _financement_en_base(installation, financement, "montant_accorde")[0][0],
        )
        for dossier, financement in lignes[:TOURS_DE_CONCURRENCE]
    ]


def _evenements_du_dossier(installation: Installation, pk: int) -> list[tuple[str, dict]]:
    """The dossier's history, oldest first: (action, changes)."""
    lignes = installation.base.lire(
        "SELECT e.action, e.changements FROM historique_evenement e "
        "JOIN django_content_type t ON t.id = e.content_type_id "
        "WHERE t.app_label = 'programmation' AND t.model = 'dossier' AND e.object_id = %s "
        "ORDER BY e.id",
        str(pk),
    )
    # A JSON column: text on SQLite, already decoded by psycopg on PostgreSQL.
    return [(a, json.loads(c) if isinstance(c, str) else c) for a, c in lignes]


def _conventions_et_accords(installation: Installation, dossier: int) -> dict[int, tuple]:
    """Per financing of the dossier: (its granted amount, its convention's amount or None)."""
    lignes = installation.base.lire(
        "SELECT f.id, f.montant_accorde, cv.montant FROM programmation_financement f "
        "LEFT JOIN programmation_convention cv ON cv.financement_id = f.id "
        "WHERE f.dossier_id = %s",
        dossier,
    )
    return {
        pk: tuple(None if m is None else Decimal(str(m)).quantize(CENTIME) for m in montants)
        for pk, *montants in lignes
    }


def _baisser_en_conventionnant(
    financeur: Navigateur, pilote: Navigateur, dossier: int, financement: int, baisse: Decimal
) -> tuple[Reponse, Reponse]:
    """The CAF posts its lowered amount as the pilote posts "Établir les conventions"."""
    page_accord = f"/financements/{financement}/accord/"
    accord = financeur.get(page_accord).formulaire(avec_champ="version").valeurs()
    accord |= {"montant": [_francais(baisse)]}
    conventionner = next(
        f
        for f in pilote.get(f"/dossiers/{dossier}/").formulaires()
        if f.action == f"/dossiers/{dossier}/transition/conventionner/"
    )
    reponse_accord, reponse_transition = en_meme_temps(
        lambda: financeur.post(page_accord, accord),
        lambda: pilote.post(conventionner.action, conventionner.valeurs()),
    )
    return reponse_accord, reponse_transition


def test_un_montant_accorde_baisse_pendant_l_etablissement_des_conventions(
    serveur, installation
) -> None:
    """Whatever the order: the lowering comes first and the convention carries it, or it
    is refused, the conventions being established; never a convention above the granted
    amount, so never payments above it."""
    financeur, pilote = connecte(serveur, "financeur"), connecte(serveur, "pilote")

    for dossier, financement, accorde in _dossiers_a_conventionner(installation):
        baisse = (accorde / 2).quantize(CENTIME)
        _, version = _financement_en_base(installation, financement, "montant_accorde")
        historique = _evenements_du_dossier(installation, dossier)

        accord, transition = _baisser_en_conventionnant(
            financeur, pilote, dossier, financement, baisse
        )

        assert transition.statut == 302 and transition.location == f"/dossiers/{dossier}/"
        assert MESSAGE_CONVENTIONS_ETABLIES in pilote.get(transition.location).texte_lisible
        assert installation.base.lire(
            "SELECT statut FROM programmation_dossier WHERE id = %s", dossier
        ) == [("conventionne",)]
        assert accord.statut in (200, 302), accord.texte_lisible[:300]
        # Stored before the conventions, or refused once they are established.
        baisse_retenue = accord.statut == 302
        if not baisse_retenue:
            assert MESSAGE_APRES_CONVENTIONS in accord.texte_lisible
        retenu = baisse if baisse_retenue else accorde
        assert _financement_en_base(installation, financement, "montant_accorde") == (
            (retenu,),
            version + 1 if baisse_retenue else version,
        )
        montants = _conventions_et_accords(installation, dossier)
        assert montants[financement] == (retenu, retenu), f"dossier {dossier} : {montants}"
        # Every granted financing has its convention, of exactly its granted amount.
        assert all(
            convention == (montant_accorde or None)
            for montant_accorde, convention in montants.values()
        ), f"dossier {dossier} : {montants}"
        nouveaux = _evenements_du_dossier(installation, dossier)[len(historique) :]
        if baisse_retenue:
            assert [action for action, _ in nouveaux] == [ACTION_ACCORD, ACTION_CONVENTIONNER]
            assert nouveaux[0][1]["montant_accorde"] == [str(accorde), str(baisse)]
        else:
            assert [action for action, _ in nouveaux] == [ACTION_CONVENTIONNER]


# --- The secret key -----------------------------------------------------------------------


def test_la_cle_secrete_est_creee_une_fois_puis_reutilisee(serveur, installation) -> None:
    fichier = installation.fichier_cle
    assert installation.cle_absente_avant_preparation
    assert installation.cle_apres_preparation.strip()
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    membre = connecte(serveur, "membre")
    assert membre.get("/comptes/mon-compte/").statut == 200

    # Without DEBUG in its environment: config/wsgi.py alone turns it off.
    with gunicorn(installation, "second", sans=frozenset({"DEBUG"})) as second:
        # The session is signed with the key: it stays valid only if the key is the same.
        meme_session = Navigateur(second)
        meme_session.cookies = dict(membre.cookies)
        reponse = meme_session.get("/comptes/mon-compte/")
        inconnue = meme_session.get("/cette-page-n-existe-pas/")

    assert reponse.statut == 200
    assert inconnue.statut == 404
    assert "Page introuvable" in inconnue.texte
    assert "URLconf" not in inconnue.texte
    assert fichier.read_text() == installation.cle_apres_preparation


def test_la_cle_secrete_du_depot_n_est_jamais_versionnee() -> None:
    ignore = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", ".cle-secrete"], cwd=RACINE, check=False
    )
    suivi = subprocess.run(
        ["git", "ls-files", "--", ".cle-secrete"],
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ignore.returncode == 0
    assert suivi.stdout == ""
