"""Who gets what from every bilan URL: one table, every role, every URL.

Each cell is what a person of that role gets (GET, or POST with an empty body for the
POST-only URLs), as in programmation/tests/test_matrice_permissions.py: PAGE (200), REFUS
(403), CONNEXION (302 to the login page) or TRAITE (a POST the view handles). The bilan is
that of a conventionned dossier the CAF (demo financeur) funds and the Région (another
financeur) does not; the demo porteur is attached to its structure. A test fails when a
suivi bilan URL has no row.
"""

import pytest
from django.urls import reverse

from programmation.tests.outils import client_de, porteur_demo_du, porteur_du
from suivi import urls_bilans
from suivi.services.bilans import demander_report
from suivi.tests import outils
from suivi.tests.matrice import CONNEXION, PAGE, REFUS, TRAITE, constater, verifier_la_forme

pytestmark = pytest.mark.django_db

ROLES = (
    "anonyme",
    "pilote",
    "etat",
    "financeur",
    "autre_financeur",
    "porteur",
    "autre_porteur",
    "membre",
)
POST_SEULEMENT = frozenset({"bilan_transition", "report_decision"})
LECTEURS = {"pilote", "etat", "financeur", "porteur"}

# fmt: off
MATRICE = {
    # The bilan: its porteur, the pilotage and the financeurs that fund the dossier.
    "bilan_du_dossier": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    # Its three sheets: its porteur alone enters them.
    "bilan_saisie": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    # Any reader may post a transition; the service refuses it with a message if needed.
    "bilan_transition": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": TRAITE,
        "autre_financeur": REFUS, "porteur": TRAITE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "bilan_report": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    # The pilotage decides on a report of dates.
    "report_decision": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    # The list shows each person the bilans they may read (maybe none).
    "bilans_du_contrat": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
}
# fmt: on


def _url(nom: str, *args) -> str:
    return reverse(f"suivi:{nom}", args=args)


def _bilan():
    bilan = outils.bilan_attendu()
    porteur_demo_du(bilan.dossier)
    return bilan


def _report():
    bilan = _bilan()
    dossier = bilan.dossier
    report = demander_report(
        bilan=bilan,
        date_debut=dossier.date_debut,
        date_fin=dossier.date_fin,
        motif="Travaux du local",
        acteur=porteur_du(dossier),
    )
    return _url("report_decision", report.pk), bilan


def _cible(nom: str, cle: str = "dossier"):
    def cible():
        bilan = _bilan()
        if nom == "bilan_transition":
            return _url(nom, bilan.pk, "deposer"), bilan
        return _url(nom, bilan.dossier_id if cle == "dossier" else bilan.pk), bilan

    return cible


def _liste():
    bilan = _bilan()
    return _url("bilans_du_contrat", bilan.dossier.appel.contrat.slug), bilan


CIBLES = {
    "bilan_du_dossier": _cible("bilan_du_dossier"),
    "bilan_saisie": _cible("bilan_saisie", "bilan"),
    "bilan_transition": _cible("bilan_transition"),
    "bilan_report": _cible("bilan_report", "bilan"),
    "report_decision": _report,
    "bilans_du_contrat": _liste,
}


def test_the_matrix_has_a_row_for_every_bilan_url_and_a_cell_for_every_role():
    verifier_la_forme(MATRICE, urls_bilans.urlpatterns, CIBLES, ROLES, POST_SEULEMENT)


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_bilan_url(nom, role, personne):
    url, bilan = CIBLES[nom]()
    utilisateur = porteur_demo_du(bilan.dossier) if role == "porteur" else personne(role)
    client = client_de(utilisateur)

    reponse = client.post(url, {}) if nom in POST_SEULEMENT else client.get(url)

    assert constater(reponse, nom in POST_SEULEMENT) == MATRICE[nom][role], (
        f"{role} sur {nom} : {reponse.status_code}"
    )
    corps = reponse.content.decode()
    assert "VARIABLE_INDEFINIE" not in corps
    if role not in LECTEURS:
        assert bilan.dossier.numero not in corps, f"{role} lit le bilan sur {nom}"


@pytest.mark.parametrize("nom", sorted(POST_SEULEMENT))
def test_post_only_bilan_urls_refuse_get(nom, pilote):
    url, _ = CIBLES[nom]()
    assert client_de(pilote).get(url).status_code == 405
