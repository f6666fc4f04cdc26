"""The search page: accent- and case-insensitive, every word required, ranked, bounded."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from contrats.models import Contrat
from contrats.tests.test_pages import PageHTML, html_de

SLUG = "villiers-sur-marne-2015-2020"
RECHERCHE = reverse("publication:recherche")
MESSAGE_TROP_LONG = "La recherche est limitée à 200 caractères."


def rechercher(client, requete: str) -> PageHTML:
    return PageHTML(html_de(client.get(RECHERCHE, {"q": requete})))


def nombre_de_resultats(page: PageHTML) -> int:
    trouve = re.search(r"(\d+) résultats? pour « ", page.texte)
    assert trouve, "compteur de résultats absent"
    return int(trouve.group(1))


def resultats(page: PageHTML) -> list[tuple[str, str]]:
    """(address, title) of each result, in the order shown."""
    # Without a contract in context the page has no contract navigation: the only
    # links into a contract are the result titles.
    liens = [(href, texte) for href, texte in page.liens if href.startswith(f"/contrats/{SLUG}/")]
    assert len(liens) == nombre_de_resultats(page)
    return liens


def objectif(numero: str) -> str:
    return reverse("contrats:objectif", args=[SLUG, numero])


@pytest.fixture
def villiers(db) -> Contrat:
    return Contrat.objects.get(slug=SLUG)


def test_search_page_without_query_shows_no_results_and_no_error(client, villiers):
    html = html_de(client.get(RECHERCHE))
    assert "Rechercher dans les contrats" in html
    assert 'id="nombre-resultats"' not in html
    assert 'role="alert"' not in html


@pytest.mark.parametrize("requete", ["", "   "])
def test_empty_query_shows_no_results_and_no_error(client, villiers, requete):
    reponse = client.get(RECHERCHE, {"q": requete})
    html = html_de(reponse)
    assert reponse.context["resultats"] == []
    assert reponse.context["erreur"] == ""
    assert 'id="nombre-resultats"' not in html
    assert 'role="alert"' not in html


def test_search_ignores_accents_and_case(client, villiers):
    sans_accent = rechercher(client, "education")
    assert nombre_de_resultats(sans_accent) > 0
    assert "Éducation prioritaire" in sans_accent.texte
    assert "Education et parentalité" in sans_accent.texte
    for variante in ("Éducation", "ÉDUCATION", "EDUCATION", "éducation"):
        assert resultats(rechercher(client, variante)) == resultats(sans_accent), variante


def test_uppercase_query_without_accent_finds_the_laicite_objective(client, villiers):
    page = rechercher(client, "LAICITE")
    assert (objectif("4.4.4"), "4.4.4 Favoriser les actions pour la laïcité") in resultats(page)


def test_multi_word_query_requires_every_word(client, villiers):
    assert nombre_de_resultats(rechercher(client, "victimes")) > 0
    page = rechercher(client, "victimes motintrouvable")
    assert nombre_de_resultats(page) == 0
    assert resultats(page) == []


def test_multi_word_results_are_found_by_each_word_alone(client, villiers):
    mediation = Counter(resultats(rechercher(client, "médiation")))
    sociale = Counter(resultats(rechercher(client, "sociale")))
    les_deux = Counter(resultats(rechercher(client, "médiation sociale")))
    assert les_deux
    assert les_deux <= mediation
    assert les_deux <= sociale
    assert sum(les_deux.values()) < sum(sociale.values())


def test_objective_result_links_to_the_objective_page(client, villiers):
    page = rechercher(client, "laïcité")
    lien = dict(resultats(page))
    assert lien[objectif("4.4.4")] == "4.4.4 Favoriser les actions pour la laïcité"
    assert client.get(objectif("4.4.4")).status_code == 200


def test_commitment_result_links_to_its_section_page(client, villiers):
    page = rechercher(client, "maternelle Éducation prioritaire")
    adresses = {href for href, _ in resultats(page)}
    assert adresses == {reverse("contrats:engagements", args=[SLUG, "2.2"])}


def test_soutenir_les_victimes_ranks_objective_4_4_2_first(client, villiers):
    page = rechercher(client, "Soutenir les victimes")
    assert resultats(page)[0] == (objectif("4.4.2"), "4.4.2 Soutenir les victimes")


def test_query_of_201_characters_shows_a_french_error_and_no_results(client, villiers):
    reponse = client.get(RECHERCHE, {"q": "victimes " + "a" * 192})
    assert len(reponse.wsgi_request.GET["q"]) == 201
    html = html_de(reponse)
    assert MESSAGE_TROP_LONG in PageHTML(html).texte
    assert reponse.context["resultats"] == []
    assert 'id="nombre-resultats"' not in html


def test_query_of_200_characters_is_searched(client, villiers):
    reponse = client.get(RECHERCHE, {"q": "victimes " + "a" * 191})
    html = html_de(reponse)
    assert MESSAGE_TROP_LONG not in html
    assert 'id="nombre-resultats"' in html
