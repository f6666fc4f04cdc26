"""Who gets what from every rapport annuel URL: one table, every role, every URL.

Each cell is what a person of that role gets (GET, or POST with an empty body for the
POST-only URLs), as in test_matrice_permissions_bilans.py: PAGE (200), REFUS (403),
ABSENT (404), CONNEXION (302 to the login page) or TRAITE (a POST the view handles). The
pilotage (pilote, État) prepares the rapport; once published, anyone reads it. A test
fails when a URL of suivi/urls_rapports.py has no row. Documents are stood in for.
"""

import pytest
from django.urls import reverse

from programmation.tests.outils import client_de
from suivi import urls_rapports
from suivi.models import AvisRapport, StatutRapport
from suivi.services import rapports as services
from suivi.tests import outils_rapports as outils
from suivi.tests.matrice import CONNEXION, PAGE, REFUS, TRAITE, constater, verifier_la_forme

pytestmark = pytest.mark.django_db

ROLES = ("anonyme", "pilote", "etat", "financeur", "porteur", "membre", "sans_role")
POST_SEULEMENT = frozenset(
    {"rapport_perspectives", "rapport_generer", "rapport_transition", "rapport_avis"}
)
PILOTAGE = {"pilote", "etat"}
# Written in every rapport built here: nobody outside the pilotage may read it before
# publication.
SECRET = "Perspectives encore confidentielles du projet"


def _ligne(pilotage: str, autres: str, anonyme: str = CONNEXION) -> dict[str, str]:
    return {role: pilotage if role in PILOTAGE else autres for role in ROLES} | {"anonyme": anonyme}


MATRICE = {
    "rapports_annuels": _ligne(PAGE, REFUS),
    "rapport_annuel": _ligne(PAGE, REFUS),
    "rapport_perspectives": _ligne(TRAITE, REFUS),
    "rapport_generer": _ligne(TRAITE, REFUS),
    # The fragment the workspace polls.
    "rapport_generation": _ligne(PAGE, REFUS),
    "rapport_transition": _ligne(TRAITE, REFUS),
    "rapport_avis": _ligne(TRAITE, REFUS),
    "rapport_document": _ligne(PAGE, REFUS),
    # Public: the published rapports and their documents, for anyone.
    "rapports_publies": _ligne(PAGE, PAGE, PAGE),
    "rapport_publie_document": _ligne(PAGE, PAGE, PAGE),
}


@pytest.fixture(autouse=True)
def _medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(nom: str, rapport, *args) -> str:
    return reverse(f"suivi:{nom}", args=[rapport.contrat.slug, *args])


def _confidentiel(rapport):
    services.modifier_perspectives(rapport=rapport, perspectives=SECRET, acteur=outils.pilote())
    return rapport


def _cree():
    return _confidentiel(outils.rapport_cree())


def _genere():
    rapport = _cree()
    outils.generer(rapport)
    return rapport


def _en_generation():
    rapport = _cree()
    generation = services.demander_generation(rapport=rapport, acteur=outils.pilote())
    return _url("rapport_generation", rapport, rapport.annee, generation.pk), rapport


def _avis():
    rapport = _genere()
    rapport = outils.transitionner(rapport, "soumettre")
    avis = AvisRapport.objects.filter(rapport=rapport).first()
    return _url("rapport_avis", rapport, rapport.annee, avis.pk), rapport


def _publie():
    return outils.rapport_publie()


CIBLES = {
    "rapports_annuels": lambda: (_url("rapports_annuels", r := _cree()), r),
    "rapport_annuel": lambda: (_url("rapport_annuel", r := _cree(), r.annee), r),
    "rapport_perspectives": lambda: (_url("rapport_perspectives", r := _cree(), r.annee), r),
    "rapport_generer": lambda: (_url("rapport_generer", r := _cree(), r.annee), r),
    "rapport_generation": _en_generation,
    "rapport_transition": lambda: (
        _url("rapport_transition", r := _genere(), r.annee, "soumettre"),
        r,
    ),
    "rapport_avis": _avis,
    "rapport_document": lambda: (_url("rapport_document", r := _genere(), r.annee, "pdf"), r),
    "rapports_publies": lambda: (_url("rapports_publies", r := _publie()), r),
    "rapport_publie_document": lambda: (
        _url("rapport_publie_document", r := _publie(), r.annee, "pdf"),
        r,
    ),
}


def _corps(reponse) -> str:
    if getattr(reponse, "streaming", False):
        return b"".join(reponse.streaming_content).decode("latin-1")
    return reponse.content.decode()


def test_the_matrix_has_a_row_for_every_rapport_url_and_a_cell_for_every_role():
    verifier_la_forme(MATRICE, urls_rapports.urlpatterns, CIBLES, ROLES, POST_SEULEMENT)


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_rapport_url(nom, role, personne):
    url, rapport = CIBLES[nom]()
    client = client_de(personne(role))

    reponse = client.post(url, {}) if nom in POST_SEULEMENT else client.get(url)

    assert constater(reponse, nom in POST_SEULEMENT) == MATRICE[nom][role], (
        f"{role} sur {nom} : {reponse.status_code}"
    )
    corps = _corps(reponse)
    assert "VARIABLE_INDEFINIE" not in corps
    if role not in PILOTAGE and rapport.statut != StatutRapport.PUBLIE:
        assert SECRET not in corps, f"{role} lit le projet sur {nom}"


@pytest.mark.parametrize("nom", sorted(POST_SEULEMENT))
def test_post_only_rapport_urls_refuse_get(nom, pilote):
    url, _ = CIBLES[nom]()
    assert client_de(pilote).get(url).status_code == 405


@pytest.mark.parametrize(
    "statut", [StatutRapport.BROUILLON, StatutRapport.EN_CONSULTATION, StatutRapport.ADOPTE]
)
@pytest.mark.parametrize("role", ["anonyme", "pilote"])
def test_an_unpublished_rapport_is_never_served_publicly(statut, role, personne):
    rapport = outils.BUILDERS[statut]()
    outils.generer(rapport)
    client = client_de(personne(role))

    for format in ("pdf", "odt"):
        url = _url("rapport_publie_document", rapport, rapport.annee, format)
        assert client.get(url).status_code == 404
    page = client.get(_url("rapports_publies", rapport))
    assert "Aucun rapport annuel n'est encore publié." in page.content.decode()


def test_an_unknown_format_or_a_rapport_never_generated_is_not_found(pilote):
    rapport = outils.rapport_cree()
    client = client_de(pilote)
    assert client.get(_url("rapport_document", rapport, rapport.annee, "pdf")).status_code == 404
    outils.generer(rapport)
    assert client.get(_url("rapport_document", rapport, rapport.annee, "exe")).status_code == 404
