"""The read API v1: its OpenAPI document, its offline docs and each endpoint's data."""

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from contrats.models import (
    Engagement,
    FicheAction,
    ObjectifOperationnel,
    SectionEngagements,
)
from contrats.selectors import cle_numero
from publication.api import api
from tests.outils import ecarts_au_schema

SLUG = "villiers-sur-marne-2015-2020"
QUARTIER = "portes-de-paris-hautes-noues"
RACINE = "/api/v1"
CONTRAT = f"{RACINE}/contrats/{SLUG}"

CHEMINS_DECLARES = {
    "/api/v1/contrats",
    "/api/v1/contrats/{slug}",
    "/api/v1/contrats/{slug}/cadre-strategique",
    "/api/v1/contrats/{slug}/objectifs/{numero}",
    "/api/v1/contrats/{slug}/plan-actions",
    "/api/v1/contrats/{slug}/diagnostic",
    "/api/v1/contrats/{slug}/signataires",
    "/api/v1/contrats/{slug}/engagements",
    "/api/v1/contrats/{slug}/gouvernance",
    "/api/v1/contrats/{slug}/instances",
    "/api/v1/contrats/{slug}/reunions",
    "/api/v1/quartiers/{slug}",
    "/api/v1/recherche",
}

# Each documented path with a real address for Villiers.
ADRESSES = {
    "/api/v1/contrats": f"{RACINE}/contrats",
    "/api/v1/contrats/{slug}": CONTRAT,
    "/api/v1/contrats/{slug}/cadre-strategique": f"{CONTRAT}/cadre-strategique",
    "/api/v1/contrats/{slug}/objectifs/{numero}": f"{CONTRAT}/objectifs/4.4.2",
    "/api/v1/contrats/{slug}/plan-actions": f"{CONTRAT}/plan-actions",
    "/api/v1/contrats/{slug}/diagnostic": f"{CONTRAT}/diagnostic",
    "/api/v1/contrats/{slug}/signataires": f"{CONTRAT}/signataires",
    "/api/v1/contrats/{slug}/engagements": f"{CONTRAT}/engagements",
    "/api/v1/contrats/{slug}/gouvernance": f"{CONTRAT}/gouvernance",
    "/api/v1/contrats/{slug}/instances": f"{CONTRAT}/instances",
    "/api/v1/contrats/{slug}/reunions": f"{CONTRAT}/reunions",
    "/api/v1/quartiers/{slug}": f"{RACINE}/quartiers/{QUARTIER}",
    "/api/v1/recherche": f"{RACINE}/recherche?q=victimes",
}


@pytest.fixture
def openapi(client, db) -> dict[str, Any]:
    reponse = client.get(f"{RACINE}/openapi.json")
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("application/json")
    return json.loads(reponse.content)


def donnees(client, adresse: str, **parametres) -> Any:
    reponse = client.get(adresse, parametres)
    assert reponse.status_code == 200, reponse.content
    return reponse.json()


# --- Schéma OpenAPI -----------------------------------------------------------------------


def schema_de_reponse(openapi: dict, chemin: str) -> dict:
    return openapi["paths"][chemin]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]


def test_openapi_document_is_openapi_3(openapi):
    assert re.fullmatch(r"3\.\d+\.\d+", openapi["openapi"])
    assert openapi["info"]["title"] == "API Contrat de ville"
    assert openapi["info"]["version"] == "1.0.0"


# Read with the site's session; their data and errors are tested in test_api_programmation.py.
CHEMINS_PROGRAMMATION = {
    "/api/v1/appels",
    "/api/v1/dossiers",
    "/api/v1/dossiers/{id}",
    "/api/v1/dossiers/{id}/transitions",
}
CHEMINS_SUIVI = {"/api/v1/bilans"}


def test_openapi_document_lists_every_declared_path(openapi):
    assert set(openapi["paths"]) == CHEMINS_DECLARES | CHEMINS_PROGRAMMATION | CHEMINS_SUIVI


def test_openapi_document_covers_every_route_of_the_api(openapi):
    motifs, _, _ = api.urls
    routes = {
        RACINE + "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(motif.pattern))
        for motif in motifs
        if motif.name not in ("openapi-json", "openapi-view", "api-root")
    }
    assert routes == CHEMINS_DECLARES | CHEMINS_PROGRAMMATION | CHEMINS_SUIVI


def test_contract_detail_matches_its_declared_schema(client, openapi, villiers):
    schema = schema_de_reponse(openapi, "/api/v1/contrats/{slug}")
    assert schema == {"$ref": "#/components/schemas/ContratOut"}
    contrat = donnees(client, CONTRAT)
    declarees = set(openapi["components"]["schemas"]["ContratOut"]["properties"])
    assert set(contrat) == declarees
    assert ecarts_au_schema(contrat, schema, openapi["components"]["schemas"]) == []


def test_action_plan_matches_its_declared_schema(client, openapi, villiers):
    schema = schema_de_reponse(openapi, "/api/v1/contrats/{slug}/plan-actions")
    plan = donnees(client, f"{CONTRAT}/plan-actions")
    composants = openapi["components"]["schemas"]
    assert set(plan) == set(composants["PlanOut"]["properties"]) == {"nombre", "actions"}
    assert set(plan["actions"][0]) == set(composants["ActionOut"]["properties"])
    assert ecarts_au_schema(plan, schema, composants) == []


@pytest.mark.parametrize("chemin", sorted(ADRESSES))
def test_each_endpoint_response_matches_its_declared_schema(client, openapi, villiers, chemin):
    reponse = donnees(client, ADRESSES[chemin])
    assert reponse, "réponse vide : rien à confronter au schéma"
    schema = schema_de_reponse(openapi, chemin)
    assert ecarts_au_schema(reponse, schema, openapi["components"]["schemas"]) == []


def test_every_documented_path_has_an_address_in_these_tests():
    assert set(ADRESSES) == CHEMINS_DECLARES


# --- Documentation ------------------------------------------------------------------------


def _sources(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)


def test_api_docs_page_uses_only_local_static_files(client, db):
    reponse = client.get(f"{RACINE}/docs")
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "API Contrat de ville" in html
    sources = _sources(html)
    assert any(s.endswith(".js") for s in sources)
    assert any(s.endswith(".css") for s in sources)
    exterieures = [s for s in sources if re.match(r"(?:https?:)?//", s)]
    assert exterieures == []
    assert all(s.startswith("/static/") for s in sources)


def test_api_docs_static_files_are_served(client, db):
    html = client.get(f"{RACINE}/docs").content.decode()
    for source in _sources(html):
        assert client.get(source).status_code == 200, source


def test_api_link_of_the_site_redirects_to_the_docs(client, db):
    reponse = client.get(reverse("publication:api_docs"))
    assert reponse.status_code == 302
    assert reponse.url == f"{RACINE}/docs"


# --- Données de Villiers ------------------------------------------------------------------


def test_contract_list_includes_villiers(client, villiers):
    contrats = donnees(client, f"{RACINE}/contrats")
    assert {
        "slug": SLUG,
        "titre": villiers.titre,
        "generation": "2015-2020",
        "date_debut": "2015-01-01",
        "date_fin": "2020-12-31",
    } in contrats


def test_contract_detail_gives_communes_neighbourhoods_and_calendar(client, villiers):
    contrat = donnees(client, CONTRAT)
    assert contrat["titre"] == villiers.titre
    assert [c["nom"] for c in contrat["communes"]] == ["Villiers-sur-Marne"]
    assert [q["slug"] for q in contrat["quartiers"]] == [QUARTIER]
    assert len(contrat["calendrier"]) == villiers.jalons.count()
    appel = next(j for j in contrat["calendrier"] if j["date"] == "2015-03-25")
    assert appel["libelle"] == "Appel à projet du Contrat de ville"
    assert appel["date_fin"] == "2015-04-15"
    assert contrat["synthese_plan"]["nombre_actions"] == 55


def test_strategic_framework_has_3_axes_3_pillars_and_27_objectives(client, villiers):
    cadre = donnees(client, f"{CONTRAT}/cadre-strategique")
    assert [a["numero"] for a in cadre["axes_transversaux"]] == ["1.1", "1.2", "1.3"]
    assert [p["numero"] for p in cadre["piliers"]] == ["2", "3", "4"]
    numeros = [o["numero"] for p in cadre["piliers"] for d in p["domaines"] for o in d["objectifs"]]
    attendus = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=villiers)
    assert sorted(numeros, key=cle_numero) == sorted((o.numero for o in attendus), key=cle_numero)
    assert len(numeros) == 27


def test_objective_4_4_2_gives_its_pillar_domain_and_actions(client, villiers):
    objectif = donnees(client, f"{CONTRAT}/objectifs/4.4.2")
    assert objectif["intitule"] == "Soutenir les victimes"
    assert objectif["pilier"] == "Cohésion sociale"
    assert objectif["domaine"] == "Prévention de la délinquance"
    attendues = FicheAction.objects.filter(
        ligne__contrat=villiers, ligne__objectifs_operationnels__numero="4.4.2"
    )
    assert sorted(objectif["actions"]) == sorted(a.intitule for a in attendues)


def test_action_plan_counts_55_actions(client, villiers):
    plan = donnees(client, f"{CONTRAT}/plan-actions")
    assert plan["nombre"] == len(plan["actions"]) == 55


def test_action_plan_filtered_by_pillar_4_counts_the_actions_of_that_pillar(client, villiers):
    attendu = FicheAction.objects.filter(ligne__contrat=villiers, ligne__pilier__numero="4").count()
    plan = donnees(client, f"{CONTRAT}/plan-actions", pilier="4")
    assert plan["nombre"] == len(plan["actions"]) == attendu
    assert {a["pilier"] for a in plan["actions"]} == {"Cohésion sociale"}


def test_diagnostic_gives_population_of_the_town_and_the_neighbourhood(client, villiers):
    (diagnostic,) = donnees(client, f"{CONTRAT}/diagnostic")
    assert diagnostic["commune"] == "Villiers-sur-Marne"
    assert diagnostic["quartier"] == "Les Portes de Paris - Les Hautes-Noues"
    population = next(ligne for ligne in diagnostic["lignes"] if ligne["code"] == "population")
    assert population["ville"]["texte"] == "27222"
    assert population["qpv"]["texte"] == "6250"
    assert Decimal(population["ville"]["valeur"]) == 27222
    assert Decimal(population["qpv"]["valeur"]) == 6250


def test_signatories_are_the_14_of_the_contract(client, villiers):
    signataires = donnees(client, f"{CONTRAT}/signataires")
    assert len(signataires) == villiers.signataires.count() == 14
    parties = [s["representant"] for s in signataires if s["role"] == "partie"]
    assert parties == ["Monsieur Thierry LELEU", "Monsieur Jacques Alain BENISTI"]


def test_commitment_sections_2_1_to_2_15_with_their_database_counts(client, villiers):
    sections = donnees(client, f"{CONTRAT}/engagements")
    assert [s["numero"] for s in sections] == [f"2.{i}" for i in range(1, 16)]
    for section in sections:
        attendu = Engagement.objects.filter(
            section__contrat=villiers, section__numero=section["numero"]
        ).count()
        assert len(section["engagements"]) == attendu, section["numero"]
    assert sum(len(s["engagements"]) for s in sections) == 184
    assert SectionEngagements.objects.filter(contrat=villiers).count() == 15


def test_governance_gives_instances_platforms_schemes_and_rules(client, villiers):
    gouvernance = donnees(client, f"{CONTRAT}/gouvernance")
    frequences = {i["nom"]: i["reunions_min_par_an"] for i in gouvernance["instances"]}
    assert frequences == {i.nom: i.reunions_min_par_an for i in villiers.instances.all()}
    assert [p["lettre"] for p in gouvernance["plateformes"]] == ["A", "B", "C"]
    assert len(gouvernance["dispositifs"]) == villiers.dispositifs.count()
    assert {r["article"] for r in gouvernance["regles_modification"]} == {
        "Article 4",
        "Article 5",
    }
    assert len(gouvernance["articulations"]) == villiers.articulations.count()


def test_neighbourhood_gives_its_7_sectors_and_addresses(client, villiers):
    quartier = donnees(client, f"{RACINE}/quartiers/{QUARTIER}")
    assert len(quartier["secteurs"]) == 7
    adresses = [a for s in quartier["secteurs"] for a in s["adresses"]]
    assert "75 boulevard de Friedberg" in adresses
    assert quartier["contrats"] == [SLUG]


def test_search_ranks_objective_4_4_2_first_for_its_title(client, villiers):
    resultats = donnees(client, f"{RACINE}/recherche", q="Soutenir les victimes")["resultats"]
    premier = resultats[0]
    assert premier["url"] == reverse("contrats:objectif", args=[SLUG, "4.4.2"])
    assert premier["nature"] == "Objectif opérationnel"
    assert premier["contrat"] == SLUG


# --- Erreurs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffixe",
    ["", "/cadre-strategique", "/plan-actions", "/diagnostic", "/signataires", "/gouvernance"],
)
def test_unknown_contract_answers_404_with_a_french_message(client, db, suffixe):
    reponse = client.get(f"{RACINE}/contrats/contrat-inconnu{suffixe}")
    assert reponse.status_code == 404
    assert reponse.json() == {"detail": "Contrat « contrat-inconnu » introuvable."}


def test_unknown_objective_or_neighbourhood_answers_404(client, villiers):
    assert client.get(f"{CONTRAT}/objectifs/9.9.9").status_code == 404
    assert client.get(f"{RACINE}/quartiers/quartier-inconnu").status_code == 404


def test_search_over_200_characters_answers_422_in_french(client, db):
    reponse = client.get(f"{RACINE}/recherche", {"q": "a" * 201})
    assert reponse.status_code == 422
    assert reponse.json() == {"detail": "La recherche est limitée à 200 caractères."}


def test_search_of_exactly_200_characters_is_accepted(client, db):
    reponse = client.get(f"{RACINE}/recherche", {"q": "a" * 200})
    assert reponse.status_code == 200
    assert reponse.json()["resultats"] == []
    assert reponse.json()["nombre"] == 0
