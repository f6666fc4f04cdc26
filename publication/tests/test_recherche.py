"""The search page: accent- and case-insensitive, every word required, ranked, paginated.

Expectations hold on both databases: SQLite (FTS5) and PostgreSQL (French stemming),
whose result lists may differ by a few stemmed variants, never on what is asserted here.
"""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contrats.models import Contrat
from contrats.selectors import contrats_publies
from contrats.services import charger_contrat
from publication.recherche import PAR_PAGE
from publication.recherche import rechercher as rechercher_dans_la_base
from publication.tests.copie_villiers import copie_de_villiers, slug_de_la_copie
from tests.outils import PageHTML, html_de

SLUG = "villiers-sur-marne-2015-2020"
RECHERCHE = reverse("publication:recherche")
MESSAGE_TROP_LONG = "La recherche est limitée à 200 caractères."
# Measured: 4 queries on both databases (count, ids of the page, their documents, the
# contracts of the scope selector), 5 within a contract. One query per contract or per
# result would break it.
REQUETES_MAX_RECHERCHE = 5


def rechercher(client, requete: str, **parametres) -> PageHTML:
    return PageHTML(html_de(client.get(RECHERCHE, {"q": requete, **parametres})))


def nombre_de_resultats(page: PageHTML) -> int:
    trouve = re.search(r"(\d+) résultats? pour « ", page.texte)
    assert trouve, "compteur de résultats absent"
    return int(trouve.group(1))


def liste_des_resultats(html: str) -> PageHTML:
    """The list of results alone: the menu and pagination links are not results."""
    debut = html.find('id="resultats"')
    assert debut >= 0, "liste de résultats absente"
    return PageHTML(html[debut : html.index("</ul>", debut)])


def resultats(client, requete: str, **parametres) -> list[tuple[str, str]]:
    """(address, title) of each result on one page, in the order shown."""
    html = html_de(client.get(RECHERCHE, {"q": requete, **parametres}))
    liens = liste_des_resultats(html).liens
    total = nombre_de_resultats(PageHTML(html))
    numero = int(parametres.get("page", 1))
    assert len(liens) == max(0, min(PAR_PAGE, total - (numero - 1) * PAR_PAGE))
    return liens


def tous_les_resultats(client, requete: str, **parametres) -> list[tuple[str, str]]:
    """(address, title) of every result, page after page."""
    reponse = client.get(RECHERCHE, {"q": requete, **parametres})
    pages = reponse.context["page"].paginator.num_pages
    liens = []
    for numero in range(1, pages + 1):
        liens += resultats(client, requete, **parametres, page=numero)
    assert len(liens) == reponse.context["page"].paginator.count
    return liens


def textes_des_resultats(client, requete: str) -> str:
    """Titles and extracts of every result, page after page."""
    reponse = client.get(RECHERCHE, {"q": requete})
    textes = []
    for numero in range(1, reponse.context["page"].paginator.num_pages + 1):
        for r in client.get(RECHERCHE, {"q": requete, "page": numero}).context["resultats"]:
            textes += [r.titre, r.extrait]
    return " ".join(textes)


def objectif(numero: str, slug: str = SLUG) -> str:
    return reverse("contrats:objectif", args=[slug, numero])


@pytest.fixture
def deuxieme_contrat(villiers, tmp_path) -> Contrat:
    """A second contract next to Villiers: its copy, loaded through the loader."""
    contrat, _ = charger_contrat(dossier=copie_de_villiers(tmp_path, 2))
    assert contrat.slug == slug_de_la_copie(2)
    return contrat


# --- Page sans recherche, longueur ---------------------------------------------------------


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


# --- Accents, casse, mots ------------------------------------------------------------------


def test_search_ignores_accents_and_case(client, villiers):
    sans_accent = tous_les_resultats(client, "education")
    textes = textes_des_resultats(client, "education")
    assert "Éducation prioritaire" in textes
    assert "Education et parentalité" in textes
    for variante in ("Éducation", "ÉDUCATION", "EDUCATION", "éducation"):
        assert tous_les_resultats(client, variante) == sans_accent, variante


def test_uppercase_query_without_accent_finds_the_laicite_objective(client, villiers):
    attendu = (objectif("4.4.4"), "4.4.4 Favoriser les actions pour la laïcité")
    assert attendu in resultats(client, "LAICITE")


def test_multi_word_query_requires_every_word(client, villiers):
    assert nombre_de_resultats(rechercher(client, "victimes")) > 0
    page = rechercher(client, "victimes motintrouvable")
    assert nombre_de_resultats(page) == 0
    assert resultats(client, "victimes motintrouvable") == []


@pytest.mark.parametrize("requete", ["motintrouvable", "laïcité motintrouvable"])
def test_a_word_found_nowhere_gives_no_result(client, villiers, requete):
    page = rechercher(client, requete)
    assert nombre_de_resultats(page) == 0
    assert "0 résultat pour" in page.texte
    assert "Page suivante" not in page.texte


def test_multi_word_results_are_found_by_each_word_alone(client, villiers):
    mediation = Counter(tous_les_resultats(client, "médiation"))
    sociale = Counter(tous_les_resultats(client, "sociale"))
    les_deux = Counter(tous_les_resultats(client, "médiation sociale"))
    assert les_deux
    assert les_deux <= mediation
    assert les_deux <= sociale
    assert sum(les_deux.values()) < sum(sociale.values())


@pytest.mark.parametrize(
    ("requete", "inversee"),
    [("médiation sociale", "sociale médiation"), ("Soutenir victimes", "victimes Soutenir")],
)
def test_words_are_found_in_any_order(client, villiers, requete, inversee):
    dans_l_ordre = set(tous_les_resultats(client, requete))
    assert dans_l_ordre
    assert set(tous_les_resultats(client, inversee)) == dans_l_ordre


def test_the_last_word_also_matches_as_the_start_of_a_word(client, villiers):
    laicite = (objectif("4.4.4"), "4.4.4 Favoriser les actions pour la laïcité")
    assert laicite in resultats(client, "favoriser laïc")
    assert "Éducation prioritaire" in textes_des_resultats(client, "educat")
    # Only the last word: elsewhere, « laïc » is a word of its own, found nowhere.
    assert nombre_de_resultats(rechercher(client, "laïc favoriser")) == 0


def test_objective_result_links_to_the_objective_page(client, villiers):
    lien = dict(resultats(client, "laïcité"))
    assert lien[objectif("4.4.4")] == "4.4.4 Favoriser les actions pour la laïcité"
    assert client.get(objectif("4.4.4")).status_code == 200


def test_commitment_result_links_to_its_section_page(client, villiers):
    adresses = {href for href, _ in resultats(client, "maternelle Éducation prioritaire")}
    assert adresses == {reverse("contrats:engagements", args=[SLUG, "2.2"])}


def test_soutenir_les_victimes_ranks_objective_4_4_2_first(client, villiers):
    premier = resultats(client, "Soutenir les victimes")[0]
    assert premier == (objectif("4.4.2"), "4.4.2 Soutenir les victimes")


def test_result_shows_its_nature_an_extract_and_its_contract(client, villiers):
    reponse = client.get(RECHERCHE, {"q": "Soutenir les victimes"})
    html = html_de(reponse)
    premier = reponse.context["resultats"][0]
    assert premier.nature == "Objectif opérationnel"
    assert premier.contrat == villiers
    assert premier.extrait
    assert premier.extrait in PageHTML(html).texte


# --- Caractères spéciaux : jamais d'erreur, jamais d'opérateur ------------------------------


@pytest.mark.parametrize(
    "requete",
    [
        '"',
        "'",
        '"laïcité',
        "laïcité\"'",
        "NEAR(laïcité actions)",
        "NEAR/2 laïcité",
        "laïcité*",
        "*",
        "-laïcité",
        "laïcité -actions",
        "(laïcité",
        "laïcité)",
        "()",
        "laïcité AND OR NOT",
        "^laïcité",
        "titre:laïcité",
        "laïcité & | ! <-> :*",
        "'; DROP TABLE publication_documentrecherche; --",
        "% _ \\ ?",
        "{laïcité}",
    ],
)
def test_operators_and_quotes_in_the_query_are_plain_text(client, villiers, requete):
    reponse = client.get(RECHERCHE, {"q": requete})
    html = html_de(reponse)
    assert 'id="nombre-resultats"' in html
    assert 'role="alert"' not in html


@pytest.mark.parametrize(
    "requete", ['"laïcité"', "(laïcité)", "laïcité*", "laïcité -", '"favoriser" (laïcité)']
)
def test_punctuation_around_words_changes_nothing(client, villiers, requete):
    mots = re.sub(r"[^\w\s]", " ", requete).split()
    assert tous_les_resultats(client, requete) == tous_les_resultats(client, " ".join(mots))


def test_words_that_read_as_operators_are_searched_as_words(client, villiers):
    # « et » and « ou » are French words, AND/OR/NOT/NEAR English operators: none of
    # them turns the query into a disjunction (which would find more, not fewer).
    seul = nombre_de_resultats(rechercher(client, "laïcité"))
    assert nombre_de_resultats(rechercher(client, "laïcité OR victimes")) <= seul
    assert nombre_de_resultats(rechercher(client, "laïcité NOT actions")) <= seul


# --- Pagination ----------------------------------------------------------------------------


def test_results_are_paginated_with_the_total_count(client, villiers):
    reponse = client.get(RECHERCHE, {"q": "education"})
    page = reponse.context["page"]
    assert page.paginator.count > 2 * PAR_PAGE
    assert len(reponse.context["resultats"]) == PAR_PAGE
    texte = PageHTML(html_de(reponse)).texte
    assert f"{page.paginator.count} résultats pour « education »" in texte
    assert f"page 1 sur {page.paginator.num_pages}" in texte


def test_pages_neither_overlap_nor_skip_a_result(client, villiers):
    # Every result in one slice, in rank order, against the pages shown one by one.
    d_un_coup = rechercher_dans_la_base("education", contrats_publies())[0:1000]
    assert len(d_un_coup) > 2 * PAR_PAGE
    nombre_de_pages = -(-len(d_un_coup) // PAR_PAGE)
    page_apres_page = []
    for numero in range(1, nombre_de_pages + 1):
        reponse = client.get(RECHERCHE, {"q": "education", "page": numero})
        page_apres_page += reponse.context["resultats"]
    assert page_apres_page == d_un_coup


def test_pagination_is_the_dsfr_component_with_french_labels(client, villiers):
    html = html_de(client.get(RECHERCHE, {"q": "education", "page": 2}))
    assert 'class="fr-pagination"' in html
    texte = PageHTML(html).texte
    for libelle in ("Première page", "Page précédente", "Page suivante", "Dernière page"):
        assert libelle in texte
    courant = re.findall(r'<a class="fr-pagination__link" aria-current="page"[^>]*>(\d+)</a>', html)
    assert courant == ["2"]
    # A link without target is marked disabled: none on page 2, first and previous on page 1.
    assert 'aria-disabled="true"' not in html
    premiere = html_de(client.get(RECHERCHE, {"q": "education"}))
    assert premiere.count('aria-disabled="true"') == 2
    # The pagination links keep the query.
    liens = {href for href, _ in PageHTML(html).liens if "page=3" in href}
    assert liens and all("q=education" in href for href in liens)


def test_a_single_page_of_results_has_no_pagination(client, villiers):
    html = html_de(client.get(RECHERCHE, {"q": "laïcité"}))
    assert 'class="fr-pagination"' not in html


@pytest.mark.parametrize(("demandee", "montree"), [("999", "last"), ("abc", 1), ("0", "last")])
def test_a_page_out_of_range_shows_the_nearest_one(client, villiers, demandee, montree):
    reponse = client.get(RECHERCHE, {"q": "education", "page": demandee})
    page = reponse.context["page"]
    attendue = page.paginator.num_pages if montree == "last" else montree
    assert page.number == attendue
    assert reponse.context["resultats"]


# --- Recherche dans un contrat : son menu ------------------------------------------------


def test_search_within_a_contract_keeps_the_contract_menu(client, villiers):
    html = html_de(client.get(RECHERCHE, {"q": "laïcité", "contrat": SLUG}))
    liens = PageHTML(html).liens
    for nom, libelle in [
        ("contrats:apercu", "Le contrat"),
        ("contrats:cadre", "Cadre stratégique"),
        ("contrats:plan", "Plan d'actions"),
        ("contrats:gouvernance", "Gouvernance"),
    ]:
        assert (reverse(nom, args=[SLUG]), libelle) in liens
    # Breadcrumb: home, the contract, the search.
    assert (reverse("contrats:apercu", args=[SLUG]), villiers.titre) in liens
    assert f'<option value="{SLUG}" selected>' in html
    assert "dans ce contrat" in PageHTML(html).texte


def test_the_neighbourhood_page_keeps_the_contract_menu_too(client, villiers):
    # Like the search within a contract, a page outside contrats/ that belongs to one.
    quartier = villiers.quartiers.get()
    liens = PageHTML(html_de(client.get(reverse("territoires:quartier", args=[quartier.slug]))))
    for nom, libelle in [
        ("contrats:cadre", "Cadre stratégique"),
        ("contrats:plan", "Plan d'actions"),
    ]:
        assert (reverse(nom, args=[SLUG]), libelle) in liens.liens


def test_search_of_all_contracts_has_no_contract_menu(client, villiers):
    liens = PageHTML(html_de(client.get(RECHERCHE, {"q": "laïcité"}))).liens
    assert (reverse("contrats:cadre", args=[SLUG]), "Cadre stratégique") not in liens


def test_search_within_an_unknown_contract_answers_404(client, villiers):
    assert client.get(RECHERCHE, {"q": "laïcité", "contrat": "contrat-inconnu"}).status_code == 404


def test_search_within_a_contract_finds_only_its_texts(client, deuxieme_contrat):
    copie = deuxieme_contrat.slug
    partout = tous_les_resultats(client, "laïcité")
    dans_la_copie = tous_les_resultats(client, "laïcité", contrat=copie)
    dans_villiers = tous_les_resultats(client, "laïcité", contrat=SLUG)
    assert dans_la_copie and dans_villiers
    assert all(href.startswith(f"/contrats/{copie}/") for href, _ in dans_la_copie)
    assert all(href.startswith(f"/contrats/{SLUG}/") for href, _ in dans_villiers)
    assert sorted(partout) == sorted(dans_la_copie + dans_villiers)
    assert (
        objectif("4.4.4", copie),
        "4.4.4 Favoriser les actions pour la laïcité",
    ) in dans_la_copie


# --- Coût : constant quel que soit le nombre de contrats -----------------------------------


def _requetes_de(client, parametres: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(RECHERCHE, parametres).status_code == 200
    return len(requetes)


PARAMETRES_MESURES = [
    {"q": "education"},
    {"q": "education", "page": "2"},
    {"q": "Soutenir les victimes"},
    {"q": "motintrouvable"},
    {"q": "laïcité", "contrat": SLUG},
]


def test_search_queries_do_not_grow_with_the_number_of_contracts(
    client, villiers, tmp_path, django_assert_max_num_queries
):
    avec_un_contrat = [_requetes_de(client, p) for p in PARAMETRES_MESURES]
    charger_contrat(dossier=copie_de_villiers(tmp_path, 2))
    charger_contrat(dossier=copie_de_villiers(tmp_path, 3))
    assert Contrat.objects.count() == 3
    for parametres in PARAMETRES_MESURES:
        with django_assert_max_num_queries(REQUETES_MAX_RECHERCHE):
            assert client.get(RECHERCHE, parametres).status_code == 200
    assert [_requetes_de(client, p) for p in PARAMETRES_MESURES] == avec_un_contrat


def test_the_header_search_of_a_contract_page_searches_that_contract(client, villiers):
    html = html_de(client.get(reverse("contrats:cadre", args=[SLUG])))
    entete = html[html.index('id="recherche-entete"') :]
    entete = entete[: entete.index("</form>")]
    assert f'<input type="hidden" name="contrat" value="{SLUG}">' in entete
    assert "Rechercher dans le contrat" in entete


def test_the_header_search_of_the_home_page_searches_every_contract(client, villiers):
    html = html_de(client.get("/"))
    entete = html[html.index('id="recherche-entete"') :]
    entete = entete[: entete.index("</form>")]
    assert 'name="contrat"' not in entete
    assert "Rechercher dans le site" in entete
