"""The read API of bilans: each person lists the bilans the pages let them read."""

import pytest
from django.test import Client

from comptes.models import Role
from contrats.tests.factories import HabilitationFactory
from programmation.tests.factories import StructureFactory
from programmation.tests.outils import porteur_demo_du, porteur_du
from suivi.tests import outils

pytestmark = pytest.mark.django_db
URL = "/api/v1/bilans"


def _client(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def _ids(utilisateur, **params) -> set[int]:
    corps = _client(utilisateur).get(URL, params).json()
    assert set(corps) == {"items", "count"}
    return {b["id"] for b in corps["items"]}


def test_anonymous_visitor_is_refused_as_for_the_dossiers():
    reponse = Client().get(URL)
    assert reponse.status_code == 401
    assert "connectez-vous" in reponse.json()["detail"]


def test_porteur_sees_only_its_structure_s_bilans_with_beneficiaries_by_sex(contrat_charge):
    mien = outils.bilan_depose()
    autre = outils.bilan_attendu()
    porteur = porteur_du(mien.dossier)
    corps = _client(porteur).get(URL).json()
    assert corps["count"] == 1
    (item,) = corps["items"]
    assert item["id"] == mien.pk and item["dossier"] == mien.dossier_id
    assert item["annee"] == mien.annee and item["statut"] == "depose"
    femmes = sum(b.femmes for b in mien.beneficiaires.all())
    hommes = sum(b.hommes for b in mien.beneficiaires.all())
    assert item["beneficiaires"] == {"femmes": femmes, "hommes": hommes} and femmes + hommes
    assert autre.pk not in _ids(porteur)
    autre_porteur = HabilitationFactory(
        contrat=contrat_charge, role=Role.PORTEUR, organisation=StructureFactory().organisation
    ).utilisateur
    assert _ids(autre_porteur) == set()


def test_financeur_sees_the_bilans_of_the_dossiers_it_funds(financeur, autre_financeur, pilote):
    bilan = outils.bilan_attendu()
    assert bilan.pk in _ids(financeur)
    assert bilan.pk not in _ids(autre_financeur)
    assert bilan.pk in _ids(pilote)


def test_filters_and_pagination_like_the_dossiers_api(pilote):
    bilan = outils.bilan_depose()
    assert bilan.pk in _ids(pilote, statut="depose")
    assert bilan.pk not in _ids(pilote, statut="valide")
    assert _client(pilote).get(URL, {"statut": "inconnu"}).status_code == 422
    assert _client(pilote).get(URL, {"contrat": "inconnu"}).status_code == 404
    assert _client(pilote).get(URL, {"page": 999}).status_code == 404


def test_the_openapi_document_lists_the_bilans_with_their_statuses(db):
    schema = Client().get("/api/v1/openapi.json").json()
    reponses = schema["paths"][URL]["get"]["responses"]
    assert set(reponses) == {"200", "401", "404", "422"}
    assert reponses["401"]["description"].startswith("Non connecté")


def test_demo_porteur_persona_reads_its_bilan(porteur):
    bilan = outils.bilan_attendu()
    porteur_demo_du(bilan.dossier)
    assert _ids(porteur) == {bilan.pk}
