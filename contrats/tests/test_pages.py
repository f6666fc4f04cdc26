"""Public pages of the Villiers-sur-Marne contract, read through the test client.

Every page is checked for its key content, its language and the absence of any
undefined template variable; a crawler proves each page is reachable from "/".
"""

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.template import engines
from django.urls import reverse

from contrats.models import (
    AxeTransversal,
    Engagement,
    FicheAction,
    Instance,
    ObjectifOperationnel,
    PlateformeCollaborative,
    RegleModification,
    SectionEngagements,
    Signataire,
)
from contrats.selectors import cle_numero
from territoires.models import Secteur
from tests.outils import MARQUEUR_VARIABLE_INDEFINIE, PageHTML, html_de, page

SLUG = "villiers-sur-marne-2015-2020"
QUARTIER = "portes-de-paris-hautes-noues"

# Measured on SQLite and PostgreSQL: 6 queries each (contract, filter choices or
# pillars/axes, then one query per prefetched level). One more is tolerated; an
# N+1 regression adds one query per action or objective and fails.
REQUETES_MAX_PLAN = 7
REQUETES_MAX_CADRE = 7


def url(nom: str, *args: str) -> str:
    return reverse(nom, args=[SLUG, *args])


def test_templates_render_undefined_variables_with_a_visible_marker():
    # Without this, html_de() could never catch an undefined variable.
    rendu = engines["django"].from_string("avant {{ variable_absente }} après").render({})
    assert rendu == f"avant {MARQUEUR_VARIABLE_INDEFINIE}[variable_absente] après"


# --- Accueil et aperçu ---------------------------------------------------------------


def test_home_lists_the_contract_with_a_link_to_its_overview(client, villiers):
    accueil = page(client, "/")
    assert accueil.lien(url("contrats:apercu")) == villiers.titre
    assert "Les Portes de Paris - Les Hautes-Noues" in accueil.texte
    assert "Du 01/01/2015 au 31/12/2020" in accueil.texte


def test_overview_shows_both_parties_with_their_representatives(client, villiers):
    apercu = page(client, url("contrats:apercu"))
    assert "Parties au contrat" in apercu.texte
    assert "Thierry LELEU" in apercu.texte
    assert "Jacques Alain BENISTI" in apercu.texte


def test_overview_shows_the_contract_dates(client, villiers):
    apercu = page(client, url("contrats:apercu"))
    assert "du 01/01/2015 au 31/12/2020" in apercu.texte


def test_overview_links_to_its_priority_neighbourhood(client, villiers):
    apercu = page(client, url("contrats:apercu"))
    lien_quartier = reverse("territoires:quartier", args=[QUARTIER])
    assert apercu.lien(lien_quartier) == "Les Portes de Paris - Les Hautes-Noues"


def test_overview_key_figures_match_the_database(client, villiers):
    actions = FicheAction.objects.filter(ligne__contrat=villiers).count()
    objectifs = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=villiers).count()
    engagements = Engagement.objects.filter(section__contrat=villiers).count()
    assert (actions, objectifs, engagements) == (55, 27, 184)

    apercu = page(client, url("contrats:apercu"))

    assert f"{actions} actions au plan" in apercu.texte
    assert f"{objectifs} objectifs opérationnels" in apercu.texte
    assert f"{engagements} engagements" in apercu.texte
    assert f"{villiers.signataires.count()} signataires" in apercu.texte
    assert f"{villiers.instances.count()} instances de gouvernance" in apercu.texte


def test_overview_calendar_lists_the_call_for_projects_of_25_march_2015(client, villiers):
    apercu = page(client, url("contrats:apercu"))
    calendrier = apercu.tableaux[0]
    assert calendrier[0] == ["Date", "Nature", "Événement", "Référence"]
    assert [
        "25/03/2015 au 15/04/2015",
        "Appel à projets",
        "Appel à projet du Contrat de ville",
    ] in [ligne[:3] for ligne in calendrier]
    assert len(calendrier) - 1 == villiers.jalons.count()


# --- Cadre stratégique -----------------------------------------------------------------


def test_strategic_framework_links_every_objective_from_2_1_1_to_4_4_4(client, villiers):
    objectifs = sorted(
        ObjectifOperationnel.objects.filter(domaine__pilier__contrat=villiers),
        key=lambda o: cle_numero(o.numero),
    )
    assert (objectifs[0].numero, objectifs[-1].numero) == ("2.1.1", "4.4.4")

    cadre = page(client, url("contrats:cadre"))

    for objectif in objectifs:
        texte = cadre.lien(url("contrats:objectif", objectif.numero))
        assert texte == f"{objectif.numero} {objectif.intitule}"


def test_strategic_framework_links_every_cross_cutting_axis(client, villiers):
    cadre = page(client, url("contrats:cadre"))
    for axe in AxeTransversal.objects.filter(contrat=villiers):
        assert cadre.lien(url("contrats:axe", axe.numero)) == f"{axe.numero} {axe.intitule}"


def test_strategic_framework_page_runs_a_constant_number_of_queries(
    client, villiers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(REQUETES_MAX_CADRE):
        reponse = client.get(url("contrats:cadre"))
    html_de(reponse)


def test_objective_4_4_2_page_shows_its_title_pillar_and_domain(client, villiers):
    objectif = page(client, url("contrats:objectif", "4.4.2"))
    assert "Objectif opérationnel 4.4.2" in objectif.texte
    assert "Soutenir les victimes" in objectif.texte
    cadre = url("contrats:cadre")
    assert objectif.lien(f"{cadre}#pilier-4") == "4. Cohésion sociale"
    assert objectif.lien(f"{cadre}#domaine-4.4") == "4.4 Prévention de la délinquance"


def test_objective_page_links_to_the_previous_and_next_objectives(client, villiers):
    objectif = page(client, url("contrats:objectif", "4.4.2"))
    assert objectif.lien(url("contrats:objectif", "4.4.1")) == "Objectif 4.4.1"
    assert objectif.lien(url("contrats:objectif", "4.4.3")) == "Objectif 4.4.3"


def test_axis_1_2_page_shows_its_title_and_number(client, villiers):
    axe = AxeTransversal.objects.get(contrat=villiers, numero="1.2")
    contenu = page(client, url("contrats:axe", "1.2"))
    assert "Thématique transversale 1.2" in contenu.texte
    assert axe.intitule in contenu.texte
    assert "égalité hommes/femmes" in contenu.texte


# --- Plan d'actions --------------------------------------------------------------------


def test_action_plan_without_filter_shows_all_55_actions(client, villiers):
    total = FicheAction.objects.filter(ligne__contrat=villiers).count()
    assert total == 55
    plan = page(client, url("contrats:plan"))
    assert "55 actions" in plan.texte
    assert len(plan.tableaux[0]) - 1 == total


def test_action_plan_filtered_by_pillar_4_shows_the_pillar_count(client, villiers):
    attendu = FicheAction.objects.filter(ligne__contrat=villiers, ligne__pilier__numero="4").count()
    assert 0 < attendu < 55
    plan = page(client, url("contrats:plan"), data={"pilier": "4"})
    assert f"{attendu} actions" in plan.texte
    assert len(plan.tableaux[0]) - 1 == attendu
    assert {ligne[0] for ligne in plan.tableaux[0][1:]} == {"Cohésion sociale"}


def test_action_plan_filter_form_keeps_the_chosen_pillar_selected(client, villiers):
    html = html_de(client.get(url("contrats:plan"), data={"pilier": "4"}))
    assert '<option value="4" selected>4. Cohésion sociale</option>' in html


def test_action_plan_filtered_by_domain_shows_the_domain_count(client, villiers):
    attendu = FicheAction.objects.filter(
        ligne__contrat=villiers, ligne__domaine__numero="4.4"
    ).count()
    assert attendu > 0
    plan = page(client, url("contrats:plan"), data={"domaine": "4.4"})
    assert f"{attendu} action" in plan.texte
    assert len(plan.tableaux[0]) - 1 == attendu
    assert {ligne[1] for ligne in plan.tableaux[0][1:]} == {"Prévention de la délinquance"}


def test_action_plan_filtered_by_objective_shows_the_objective_count(client, villiers):
    attendu = (
        FicheAction.objects.filter(
            ligne__contrat=villiers, ligne__objectifs_operationnels__numero="4.4.2"
        )
        .distinct()
        .count()
    )
    assert attendu > 0
    plan = page(client, url("contrats:plan"), data={"objectif": "4.4.2"})
    assert len(plan.tableaux[0]) - 1 == attendu
    assert all("4.4.2" in ligne[3] for ligne in plan.tableaux[0][1:])


def test_action_plan_refuses_an_unknown_filter_value_and_shows_all_actions(client, villiers):
    plan = page(client, url("contrats:plan"), data={"pilier": "99"})
    assert "Filtre inconnu" in plan.texte
    assert "55 actions" in plan.texte
    assert len(plan.tableaux[0]) - 1 == 55


def test_action_plan_htmx_request_returns_only_the_results_fragment(client, villiers):
    reponse = client.get(url("contrats:plan"), data={"pilier": "4"}, headers={"HX-Request": "true"})
    fragment = html_de(reponse)
    assert "<html" not in fragment
    assert "<form" not in fragment
    attendu = FicheAction.objects.filter(ligne__contrat=villiers, ligne__pilier__numero="4").count()
    assert f'id="nombre-actions"><strong>{attendu}</strong>' in fragment


def test_action_plan_page_runs_a_constant_number_of_queries(
    client, villiers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(REQUETES_MAX_PLAN):
        reponse = client.get(url("contrats:plan"))
    assert "55 actions" in PageHTML(html_de(reponse)).texte


# --- Diagnostic, signataires, engagements, gouvernance, quartier ---------------------------


def test_diagnostic_compares_the_town_and_the_priority_neighbourhood(client, villiers):
    diagnostic = page(client, url("contrats:diagnostic"))
    lignes = [ligne for tableau in diagnostic.tableaux for ligne in tableau]
    assert ["Rubrique", "Ville", "Quartier prioritaire", "Unité"] in lignes
    assert ["Population", "27222", "6250", "habitants"] in lignes


def test_diagnostic_draws_the_town_versus_neighbourhood_chart(client, villiers):
    html = html_de(client.get(url("contrats:diagnostic")))
    assert 'class="graphique-barres"' in html
    assert "La ville et le quartier comparés (en %)" in PageHTML(html).texte


def test_signatories_page_lists_the_14_signatories(client, villiers):
    signataires = list(Signataire.objects.filter(contrat=villiers).select_related("organisation"))
    assert len(signataires) == 14
    tableau = page(client, url("contrats:signataires")).tableaux[0]
    assert [ligne[:2] for ligne in tableau[1:]] == [
        [s.organisation.nom, s.representant] for s in signataires
    ]


def test_signatories_page_links_to_each_commitment_section(client, villiers):
    contenu = page(client, url("contrats:signataires"))
    for section in SectionEngagements.objects.filter(contrat=villiers):
        lien = contenu.lien(url("contrats:engagements", section.numero))
        assert lien == f"{section.numero} {section.titre}"
        nombre = section.engagements.count()
        assert f"{lien} — {nombre} engagement" in contenu.texte


def test_commitments_2_8_lists_all_its_commitments(client, villiers):
    section = SectionEngagements.objects.get(contrat=villiers, numero="2.8")
    engagements = list(section.engagements.all())
    assert engagements
    contenu = page(client, url("contrats:engagements", "2.8"))
    assert f"Engagements ({len(engagements)})" in contenu.texte
    tableau = contenu.tableaux[0]
    assert [int(ligne[0]) for ligne in tableau[1:]] == [e.ordre for e in engagements]


def test_governance_shows_each_instance_with_its_minimum_meeting_frequency(client, villiers):
    instances = list(Instance.objects.filter(contrat=villiers))
    tableau = page(client, url("contrats:gouvernance")).tableaux[0]
    frequences = {ligne[0]: ligne[-1] for ligne in tableau[1:]}
    assert frequences == {
        i.nom: str(i.reunions_min_par_an) if i.reunions_min_par_an is not None else "non fixé"
        for i in instances
    }
    assert frequences["Comité de pilotage politique"] == "1"


def test_governance_shows_the_three_collaborative_platforms(client, villiers):
    plateformes = list(PlateformeCollaborative.objects.filter(contrat=villiers))
    assert len(plateformes) == 3
    texte = page(client, url("contrats:gouvernance")).texte
    for plateforme in plateformes:
        assert f"{plateforme.lettre}/ {plateforme.nom}" in texte


def test_governance_shows_the_articulated_schemes(client, villiers):
    texte = page(client, url("contrats:gouvernance")).texte
    assert "Dispositifs articulés avec le contrat" in texte
    for dispositif in villiers.dispositifs.all():
        assert f"{dispositif.sigle} — {dispositif.nom}" in texte


def test_governance_shows_the_modification_rules_of_articles_4_and_5(client, villiers):
    regles = list(RegleModification.objects.filter(contrat=villiers))
    assert {r.article for r in regles} == {"Article 4", "Article 5"}
    contenu = page(client, url("contrats:gouvernance"))
    assert "Modifications du contrat (Articles 4 et 5)" in contenu.texte
    tableau = contenu.tableaux[-1]
    assert [ligne[0] for ligne in tableau[1:]] == [f"{r.article} — {r.objet}" for r in regles]


def test_priority_neighbourhood_page_lists_its_7_sectors_and_addresses(client, villiers):
    secteurs = list(Secteur.objects.filter(quartier__slug=QUARTIER))
    assert len(secteurs) == 7
    contenu = page(client, reverse("territoires:quartier", args=[QUARTIER]))
    tableau = contenu.tableaux[0]
    assert [ligne[0] for ligne in tableau[1:]] == [s.nom for s in secteurs]
    assert "75 boulevard de Friedberg" in contenu.texte


# --- Erreurs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "adresse",
    [
        "/contrats/contrat-inconnu/",
        "/contrats/contrat-inconnu/plan-actions/",
        f"/contrats/{SLUG}/cadre-strategique/objectifs/9.9.9/",
        f"/contrats/{SLUG}/cadre-strategique/axes/9.9/",
        f"/contrats/{SLUG}/engagements/9.99/",
        "/quartiers/quartier-inconnu/",
    ],
)
def test_unknown_contract_objective_axis_section_or_neighbourhood_answers_404(
    client, villiers, adresse
):
    assert client.get(adresse).status_code == 404


# --- Navigation --------------------------------------------------------------------------

PREFIXES_NON_PARCOURUS = ("/admin", "/api", "/static", "/comptes/deconnexion")


def _parcourir(client, depart: str = "/") -> dict[str, int]:
    """Breadth-first crawl of internal links; returns each reached URL with its status."""
    statuts: dict[str, int] = {}
    a_visiter = deque([depart])
    vus = {depart}
    while a_visiter:
        adresse = a_visiter.popleft()
        reponse = client.get(adresse)
        statuts[adresse] = reponse.status_code
        if reponse.status_code != 200:
            continue
        html = html_de(reponse)
        for href, _ in PageHTML(html).liens:
            cible = urlsplit(urljoin(f"http://testserver{adresse}", href))
            if cible.scheme not in ("http", "https") or cible.netloc != "testserver":
                continue
            if cible.path.startswith(PREFIXES_NON_PARCOURUS):
                continue
            suivante = cible.path + (f"?{cible.query}" if cible.query else "")
            if suivante not in vus:
                vus.add(suivante)
                a_visiter.append(suivante)
    return statuts


def test_every_page_is_reachable_from_home_and_answers_200(client, villiers):
    statuts = _parcourir(client)

    attendues = {
        url("contrats:apercu"),
        url("contrats:cadre"),
        url("contrats:plan"),
        url("contrats:diagnostic"),
        url("contrats:signataires"),
        url("contrats:gouvernance"),
        reverse("territoires:quartier", args=[QUARTIER]),
        reverse("publication:recherche"),
        reverse("comptes:connexion"),
    }
    attendues |= {
        url("contrats:objectif", o.numero)
        for o in ObjectifOperationnel.objects.filter(domaine__pilier__contrat=villiers)
    }
    attendues |= {url("contrats:axe", a.numero) for a in villiers.axes.all()}
    attendues |= {
        url("contrats:engagements", s.numero) for s in villiers.sections_engagements.all()
    }
    assert attendues - set(statuts) == set()
    assert {adresse: statut for adresse, statut in statuts.items() if statut != 200} == {}
