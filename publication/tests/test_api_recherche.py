"""The search operation of the API: same index as the page, paginated, documented statuses."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contrats.services import charger_contrat
from publication.recherche import PAR_PAGE
from publication.tests.copie_villiers import copie_de_villiers, slug_de_la_copie

SLUG = "villiers-sur-marne-2015-2020"
RECHERCHE = "/api/v1/recherche"
# Measured: 3 queries on both databases (count, ids of the page, their documents),
# 4 within a contract (the contract itself).
REQUETES_MAX_API = 4


def chercher(client, statut: int = 200, **parametres) -> dict:
    reponse = client.get(RECHERCHE, parametres)
    assert reponse.status_code == statut, reponse.content
    return reponse.json()


def test_search_answers_one_page_with_the_total_count(client, villiers):
    page = chercher(client, q="education")
    assert page["page"] == 1
    assert page["par_page"] == PAR_PAGE
    assert page["nombre"] > 2 * PAR_PAGE
    assert page["pages"] == -(-page["nombre"] // PAR_PAGE)
    assert len(page["resultats"]) == PAR_PAGE
    assert set(page["resultats"][0]) == {"nature", "titre", "extrait", "url", "contrat"}


def test_the_pages_together_hold_every_result_once(client, villiers):
    premiere = chercher(client, q="education")
    pages = [chercher(client, q="education", page=n) for n in range(1, premiere["pages"] + 1)]
    resultats = [r for page in pages for r in page["resultats"]]
    assert len(resultats) == premiere["nombre"]
    assert len(pages[-1]["resultats"]) == premiere["nombre"] - (premiere["pages"] - 1) * PAR_PAGE
    assert pages[0]["resultats"] == premiere["resultats"]
    assert pages[0]["resultats"] != pages[1]["resultats"]


def test_api_and_page_give_the_same_results(client, villiers):
    api = chercher(client, q="médiation sociale")["resultats"]
    page = client.get(reverse("publication:recherche"), {"q": "médiation sociale"})
    assert [(r["url"], r["titre"]) for r in api] == [
        (r.url, r.titre) for r in page.context["resultats"]
    ]


def test_a_page_past_the_last_answers_404_in_french(client, villiers):
    pages = chercher(client, q="laïcité")["pages"]
    erreur = chercher(client, 404, q="laïcité", page=pages + 1)
    assert erreur == {"detail": f"Page {pages + 1} introuvable pour cette recherche."}


@pytest.mark.parametrize("page", ["0", "-1", "deux"])
def test_an_invalid_page_number_answers_422(client, villiers, page):
    erreur = chercher(client, 422, q="laïcité", page=page)
    assert erreur["detail"]


def test_no_result_is_one_empty_page(client, villiers):
    assert chercher(client, q="motintrouvable") == {
        "nombre": 0,
        "page": 1,
        "pages": 1,
        "par_page": PAR_PAGE,
        "resultats": [],
    }


def test_search_within_one_contract(client, villiers, tmp_path):
    charger_contrat(dossier=copie_de_villiers(tmp_path, 2))
    partout = chercher(client, q="laïcité")
    dans_la_copie = chercher(client, q="laïcité", contrat=slug_de_la_copie(2))
    assert dans_la_copie["nombre"] * 2 == partout["nombre"]
    assert {r["contrat"] for r in dans_la_copie["resultats"]} == {slug_de_la_copie(2)}


def test_search_within_an_unknown_contract_answers_404(client, villiers):
    erreur = chercher(client, 404, q="laïcité", contrat="contrat-inconnu")
    assert erreur == {"detail": "Contrat « contrat-inconnu » introuvable."}


@pytest.mark.parametrize(
    "requete", ['"', "NEAR(laïcité actions)", "laïcité*", "-laïcité", "(", "a & b | !c <-> d:*"]
)
def test_operators_and_quotes_never_fail(client, villiers, requete):
    assert chercher(client, q=requete)["page"] == 1


def test_openapi_documents_the_statuses_and_the_page_of_results(client, db):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    operation = document["paths"][RECHERCHE]["get"]
    assert set(operation["responses"]) == {"200", "404", "422"}

    def schema(statut: str) -> str:
        return operation["responses"][statut]["content"]["application/json"]["schema"]["$ref"]

    assert schema("200") == "#/components/schemas/PageRechercheOut"
    assert schema("404") == schema("422") == "#/components/schemas/ErreurOut"
    page = document["components"]["schemas"]["PageRechercheOut"]
    assert set(page["properties"]) == {"nombre", "page", "pages", "par_page", "resultats"}
    assert {p["name"] for p in operation["parameters"]} == {"q", "page", "contrat"}


def test_api_search_queries_do_not_grow_with_the_number_of_contracts(
    client, villiers, tmp_path, django_assert_max_num_queries
):
    parametres = [{"q": "education"}, {"q": "education", "page": 2}, {"q": "x", "contrat": SLUG}]

    def requetes() -> list[int]:
        nombres = []
        for p in parametres:
            with CaptureQueriesContext(connection) as capture:
                assert client.get(RECHERCHE, p).status_code == 200
            nombres.append(len(capture))
        return nombres

    avec_un_contrat = requetes()
    charger_contrat(dossier=copie_de_villiers(tmp_path, 2))
    charger_contrat(dossier=copie_de_villiers(tmp_path, 3))
    for p in parametres:
        with django_assert_max_num_queries(REQUETES_MAX_API):
            assert client.get(RECHERCHE, p).status_code == 200
    assert requetes() == avec_un_contrat
