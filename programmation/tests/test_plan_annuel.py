"""Public pages of the calls and the yearly plan d'actions with its synthetic figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import AxeTransversal, ObjectifOperationnel, Organisation
from contrats.tests.factories import OrganisationFactory
from programmation.models import NatureCredit, Statut, Structure
from programmation.selectors.plan import (
    A_VENIR,
    CLOS,
    OUVERT,
    etat_depots,
    format_pourcentage,
    plan_annuel,
    pourcentage,
)
from programmation.tests.factories import (
    AppelFactory,
    DossierFactory,
    EnveloppeFactory,
    StructureFactory,
    villiers,
)
from programmation.tests.outils import html_brut, mener_au_statut

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"
ESPACE_FINE = "\u202f"
ESPACE_INSECABLE = "\u00a0"


def _structure(type_: str) -> Structure:
    return StructureFactory(type=type_, organisation=OrganisationFactory())


def _dossier(appel, *, statut, type_, pilier, personnes, salaries, benevoles, accordes, **champs):
    """A dossier brought to `statut` through the services, its people all aged 16-25.

    Each nature of `accordes` ({nature: montant}) is asked of its financeur, who grants it
    whole; a dossier granted nothing asked the CAF, which turned it down.
    """
    financeurs = {
        NatureCredit.DROIT_COMMUN: "caf",
        NatureCredit.CREDITS_SPECIFIQUES: "etat",
    }
    femmes = personnes // 2
    dossier = DossierFactory(
        appel=appel,
        structure=_structure(type_),
        complet=True,
        pilier=villiers().piliers.get(numero=pilier),
        nb_salaries=salaries,
        nb_benevoles=benevoles,
        remplir__beneficiaires=[("16-25", femmes, personnes - femmes)],
        remplir__subventions=[
            (financeurs[nature], nature, montant) for nature, montant in accordes.items()
        ]
        or [("caf", NatureCredit.DROIT_COMMUN, "1000")],
        **champs,
    )
    dossier.objectifs_operationnels.set(
        ObjectifOperationnel.objects.filter(domaine__pilier=dossier.pilier).order_by("numero")[:1]
    )
    return mener_au_statut(dossier, statut, avis={} if accordes else {"caf": "defavorable"})


@pytest.fixture
def appel():
    return AppelFactory(
        annee=2041, date_ouverture=date(2041, 3, 25), date_cloture=date(2041, 4, 15)
    )


@pytest.fixture
def plan_de_quatre(appel):
    """Four programmed dossiers, one refused and one draft, with hand-computable figures."""
    dc, cs = NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES
    _dossier(
        appel,
        numero="A-1",
        intitule="Soutien scolaire",
        statut=Statut.VALIDE,
        type_=Structure.Type.ASSOCIATION,
        pilier="4",
        personnes=30,
        salaries=2,
        benevoles=5,
        accordes={dc: Decimal("1000"), cs: Decimal("500")},
    )
    _dossier(
        appel,
        numero="A-2",
        intitule="Chantier d'insertion",
        statut=Statut.CONVENTIONNE,
        type_=Structure.Type.ASSOCIATION,
        pilier="3",
        personnes=40,
        salaries=3,
        benevoles=3,
        accordes={cs: Decimal("2000")},
    )
    _dossier(
        appel,
        numero="A-3",
        intitule="Médiation sociale",
        statut=Statut.SOLDE,
        type_=Structure.Type.SERVICE_MUNICIPAL,
        pilier="4",
        personnes=30,
        salaries=4,
        benevoles=0,
        accordes={dc: Decimal("1500.50")},
    )
    _dossier(
        appel,
        numero="A-4",
        intitule="Jardins partagés",
        statut=Statut.VALIDE,
        type_=Structure.Type.BAILLEUR,
        pilier="2",
        personnes=100,
        salaries=1,
        benevoles=0,
        accordes={},
    )
    _dossier(
        appel,
        numero="A-5",
        intitule="Action refusée par le comité",
        statut=Statut.REFUSE,
        type_=Structure.Type.ASSOCIATION,
        pilier="4",
        personnes=500,
        salaries=0,
        benevoles=9,
        accordes={},
    )
    _dossier(
        appel,
        numero="A-6",
        intitule="Brouillon jamais déposé",
        statut=Statut.BROUILLON,
        type_=Structure.Type.ASSOCIATION,
        pilier="4",
        personnes=500,
        salaries=0,
        benevoles=9,
        accordes={},
    )
    return appel


def _url(nom: str, appel, *args) -> str:
    return reverse(f"programmation:{nom}", args=[SLUG, appel.annee, *args])


# --- Figures ------------------------------------------------------------------------------


def test_percentages_round_half_up_to_one_decimal_in_french():
    assert pourcentage(19, 55) == Decimal("34.5")
    assert format_pourcentage(pourcentage(19, 55)) == f"34,5{ESPACE_INSECABLE}%"
    assert format_pourcentage(pourcentage(2, 3)) == f"66,7{ESPACE_INSECABLE}%"
    assert format_pourcentage(pourcentage(1, 4)) == f"25,0{ESPACE_INSECABLE}%"
    assert pourcentage(3, 0) is None
    assert format_pourcentage(None) == "—"


def test_synthetic_figures_equal_hand_computed_values(plan_de_quatre):
    plan = plan_annuel(plan_de_quatre)
    s = plan.synthese

    assert s.nombre_actions == 4
    assert (s.associations.nombre, s.associations.affichage) == (2, f"50,0{ESPACE_INSECABLE}%")
    assert (s.services_municipaux.nombre, s.services_municipaux.pourcentage) == (
        1,
        Decimal("25.0"),
    )
    assert {p.libelle: p.nombre for p in s.par_type_structure} == {
        "Association": 2,
        "Service municipal": 1,
        "Bailleur social": 1,
    }
    # Volunteers carry A-1 only (5 > 2); A-2 has as many volunteers as employees.
    assert (s.benevoles.nombre, s.benevoles.pourcentage) == (1, Decimal("25.0"))
    assert (s.professionnels.nombre, s.professionnels.pourcentage) == (3, Decimal("75.0"))
    assert s.personnes_ciblees == 200
    assert [(p.libelle, p.nombre, p.pourcentage) for p in s.personnes_par_pilier] == [
        ("Habitat et cadre de vie", 100, Decimal("50.0")),
        ("Cohésion sociale", 60, Decimal("30.0")),
        ("Développement économique et emploi", 40, Decimal("20.0")),
    ]
    assert s.total_droit_commun == Decimal("2500.50")
    assert s.total_credits_specifiques == Decimal("2500")
    assert s.total_accorde == Decimal("5000.50")


def test_only_programmed_dossiers_make_the_plan(plan_de_quatre):
    plan = plan_annuel(plan_de_quatre)
    assert [ligne.numero for ligne in plan.lignes] == ["A-1", "A-2", "A-3", "A-4"]
    ligne = plan.lignes[0]
    assert ligne.portee_par == "Bénévoles"
    assert ligne.objectifs_texte == "4.1.1"
    assert (ligne.droit_commun, ligne.credits_specifiques) == (Decimal("1000"), Decimal("500"))


def test_plan_selector_takes_two_queries_whatever_the_number_of_actions(
    plan_de_quatre, django_assert_num_queries
):
    with django_assert_num_queries(2):
        plan_annuel(plan_de_quatre)


def test_empty_plan_shows_no_percentage(appel):
    s = plan_annuel(appel).synthese
    assert s.nombre_actions == 0
    assert s.associations.affichage == "—"
    assert s.personnes_par_pilier == []


# --- Plan page ----------------------------------------------------------------------------


def test_plan_page_shows_programmed_actions_and_figures(client, plan_de_quatre):
    html = html_brut(client.get(_url("plan_annuel", plan_de_quatre)))
    assert "Soutien scolaire" in html
    assert "Jardins partagés" in html
    assert "Action refusée par le comité" not in html
    assert "Brouillon jamais déposé" not in html
    assert f"50,0{ESPACE_INSECABLE}%" in html
    assert f"1{ESPACE_FINE}500,50{ESPACE_INSECABLE}€" in html
    assert f"5{ESPACE_FINE}000,50{ESPACE_INSECABLE}€" in html
    assert "bénévoles mobilisés sont plus nombreux que ses salariés" in html
    assert "Données de démonstration" not in html
    for format in ("csv", "xlsx", "ods"):
        assert _url("plan_annuel_export", plan_de_quatre, format) in html


def test_plan_page_query_count_is_pinned(client, plan_de_quatre, django_assert_num_queries):
    # Contract, call, programmed dossiers with their sums, their operational objectives.
    with django_assert_num_queries(4):
        reponse = client.get(_url("plan_annuel", plan_de_quatre))
    assert reponse.status_code == 200


def test_plan_page_marks_demo_data(client, plan_de_quatre):
    plan_de_quatre.dossiers.filter(numero="A-2").update(est_demo=True)
    html = html_brut(client.get(_url("plan_annuel", plan_de_quatre)))
    assert "Données de démonstration" in html
    assert html.count(">Démo</span>") == 1


def test_plan_page_of_an_unknown_year_is_404(client):
    assert client.get(reverse("programmation:plan_annuel", args=[SLUG, 1999])).status_code == 404


# --- Visibility of unpublished calls -----------------------------------------------------------


@pytest.mark.parametrize("nom", ["appel", "plan_annuel"])
def test_unpublished_call_is_404_for_the_public(client, nom):
    appel = AppelFactory(publie=False)
    assert client.get(_url(nom, appel)).status_code == 404


@pytest.mark.parametrize("identifiant", ["porteur", "financeur", "membre"])
def test_unpublished_call_is_404_for_roles_that_do_not_pilot(client, identifiant, personne):
    appel = AppelFactory(publie=False)
    client.force_login(personne(identifiant))
    assert client.get(_url("appel", appel)).status_code == 404
    assert client.get(_url("plan_annuel", appel)).status_code == 404
    assert appel.titre not in html_brut(client.get(reverse("programmation:appels", args=[SLUG])))


@pytest.mark.parametrize("identifiant", ["pilote", "etat"])
def test_pilotage_sees_an_unpublished_call_with_a_badge(client, identifiant, personne):
    appel = AppelFactory(publie=False)
    client.force_login(personne(identifiant))
    for nom in ("appel", "plan_annuel"):
        assert "Non publié" in html_brut(client.get(_url(nom, appel)))
    liste = html_brut(client.get(reverse("programmation:appels", args=[SLUG])))
    assert appel.titre in liste
    assert "Non publié" in liste


# --- Calls ----------------------------------------------------------------------------------


def test_deposit_state_is_computed_with_both_dates_included(appel):
    assert etat_depots(appel, date(2041, 3, 24)) == A_VENIR
    assert etat_depots(appel, date(2041, 3, 25)) == OUVERT
    assert etat_depots(appel, date(2041, 4, 15)) == OUVERT
    assert etat_depots(appel, date(2041, 4, 16)) == CLOS


def test_calls_page_lists_published_calls_with_dates_and_state(client, appel):
    cache = AppelFactory(publie=False, titre="Appel caché")
    demo = AppelFactory(est_demo=True, titre="Appel de démonstration")
    html = html_brut(client.get(reverse("programmation:appels", args=[SLUG])))
    assert appel.titre in html
    assert "du 25/03/2041 au 15/04/2041" in html
    assert "Dépôts à venir" in html
    assert "Dépôts ouverts" in html  # the demo call opens around today (factory dates)
    assert demo.titre in html
    assert "Démonstration" in html
    assert cache.titre not in html
    assert reverse("programmation:plan_annuel", args=[SLUG, appel.annee]) in html


def test_calls_page_of_an_unknown_contract_is_404(client):
    assert client.get(reverse("programmation:appels", args=["inconnu"])).status_code == 404


def test_call_page_shows_criteria_envelopes_and_plan_link(client, appel):
    appel.priorites = "Priorité aux actions en direction des jeunes."
    appel.save()
    appel.criteres.set(AxeTransversal.objects.filter(contrat=appel.contrat, numero="1.3"))
    EnveloppeFactory(appel=appel, montant=Decimal("50000"))
    EnveloppeFactory(
        appel=appel,
        financeur=Organisation.objects.get(code="etat"),
        nature=NatureCredit.CREDITS_SPECIFIQUES,
        montant=Decimal("120000.50"),
    )
    html = html_brut(client.get(_url("appel", appel)))
    assert "Priorité aux actions en direction des jeunes." in html
    assert reverse("contrats:axe", args=[SLUG, "1.3"]) in html
    assert "jeunesse" in html
    assert f"50{ESPACE_FINE}000,00{ESPACE_INSECABLE}€" in html
    assert f"120{ESPACE_FINE}000,50{ESPACE_INSECABLE}€" in html
    assert f"170{ESPACE_FINE}000,50{ESPACE_INSECABLE}€" in html
    assert "Crédits spécifiques politique de la ville" in html
    assert "du 25/03/2041 au 15/04/2041" in html
    assert _url("plan_annuel", appel) in html


@pytest.mark.parametrize("nom", ["appels", "appel", "plan_annuel", "plan_annuel_export"])
def test_public_pages_only_answer_reads(client, appel, nom):
    args = {"appels": [SLUG], "plan_annuel_export": [SLUG, appel.annee, "csv"]}.get(
        nom, [SLUG, appel.annee]
    )
    url = reverse(f"programmation:{nom}", args=args)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
