"""Who gets what from every URL of the evaluation referential: one table, every role.

Each cell is what a person of that role gets (GET, or POST with an empty body for the
POST-only URLs), as in test_matrice_permissions_bilans.py: PAGE (200), REFUS (403),
CONNEXION (302 to the login page) or TRAITE (a POST the view handles: the page again
with the form's errors, or a redirection). Everyone habilitated on the contract reads
the referential (it is drawn up with the porteurs and the partners); the pilotage alone
defines indicators and enters measures. A test fails when a referential URL has no row.
"""

from datetime import date

import pytest
from django.urls import reverse

from programmation.tests.outils import client_de
from suivi import urls_referentiel
from suivi.tests import outils_referentiel as r
from suivi.tests.matrice import CONNEXION, PAGE, REFUS, TRAITE, constater, verifier_la_forme

pytestmark = pytest.mark.django_db

ROLES = ("anonyme", "pilote", "etat", "financeur", "porteur", "membre", "sans_role")
POST_SEULEMENT = frozenset({"mesure_enregistrer", "mesure_supprimer"})
LECTEURS = {"pilote", "etat", "financeur", "porteur", "membre"}

LECTURE = {
    "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE, "porteur": PAGE,
    "membre": PAGE, "sans_role": REFUS,
}  # fmt: skip
PILOTAGE = {
    "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS, "porteur": REFUS,
    "membre": REFUS, "sans_role": REFUS,
}  # fmt: skip
SAISIE = {role: TRAITE if cellule == PAGE else cellule for role, cellule in PILOTAGE.items()}

MATRICE = {
    # The referential and each indicator: anyone habilitated on the contract.
    "referentiel": LECTURE,
    "indicateur": LECTURE,
    # Defining the indicators: the pilotage.
    "indicateur_nouveau": PILOTAGE,
    "indicateur_modifier": PILOTAGE,
    # Entering and deleting measures: the pilotage.
    "mesure_enregistrer": SAISIE,
    "mesure_supprimer": SAISIE,
}


def _url(nom: str, *args) -> str:
    return reverse(f"suivi:{nom}", args=args)


def _indicateur(contrat):
    indicateur = r.indicateur(contrat, libelle="Indicateur de la matrice")
    mesure = r.mesurer(indicateur, date(2016, 12, 31), "8.9")
    return indicateur, mesure


CIBLES = {
    "referentiel": lambda c, i, m: _url("referentiel", c.slug),
    "indicateur_nouveau": lambda c, i, m: _url("indicateur_nouveau", c.slug),
    "indicateur": lambda c, i, m: _url("indicateur", i.pk),
    "indicateur_modifier": lambda c, i, m: _url("indicateur_modifier", i.pk),
    "mesure_enregistrer": lambda c, i, m: _url("mesure_enregistrer", i.pk),
    "mesure_supprimer": lambda c, i, m: _url("mesure_supprimer", m.pk),
}


def test_the_matrix_has_a_row_for_every_referential_url_and_a_cell_for_every_role():
    verifier_la_forme(MATRICE, urls_referentiel.urlpatterns, CIBLES, ROLES, POST_SEULEMENT)


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_referential_url(
    villiers, nom, role, personne
):
    indicateur, mesure = _indicateur(villiers)
    client = client_de(personne(role))
    url = CIBLES[nom](villiers, indicateur, mesure)
    post = nom in POST_SEULEMENT

    reponse = client.post(url, {}) if post else client.get(url)

    assert constater(reponse, post) == MATRICE[nom][role], (
        f"{role} sur {nom} : {reponse.status_code}"
    )
    corps = reponse.content.decode()
    assert "VARIABLE_INDEFINIE" not in corps
    if role not in LECTEURS:
        assert "Indicateur de la matrice" not in corps, f"{role} lit l'indicateur sur {nom}"


@pytest.mark.parametrize("nom", sorted(POST_SEULEMENT))
def test_post_only_referential_urls_refuse_get(villiers, nom, pilote):
    indicateur, mesure = _indicateur(villiers)
    assert client_de(pilote).get(CIBLES[nom](villiers, indicateur, mesure)).status_code == 405
