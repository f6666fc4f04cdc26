"""The 2024-2030 demo contract has its own demo years, lived through the same services as
the 2015-2020 one: its calls, its meetings, its bilans and the follow-up of its measurable
engagements, with the demo accounts acting in both contracts."""

from datetime import date

import pytest
from django.urls import reverse

from comptes.models import Utilisateur
from contrats.demo import COMPTES_DEMO, creer_comptes_demo
from contrats.models import Habilitation
from gouvernance.demo import generer_demo_gouvernance
from gouvernance.models import Seance
from historique.horloge import aujourdhui, rejouer_a
from programmation.demo import derniere_annee_demontrable, moment
from programmation.demo import generer_demo as generer_demo_programmation
from programmation.models import AppelAProjets, ConventionPluriannuelle, Dossier
from suivi.demo_complete import generer_demo_suivi
from suivi.models import Bilan, SuiviEngagement
from tests.outils import client_de, page

pytestmark = pytest.mark.django_db


def test_a_demo_year_is_one_whose_calendar_is_past(villiers, eq2030):
    assert derniere_annee_demontrable(villiers) == 2020
    with rejouer_a(moment(date(2027, 3, 1), 9)):
        assert derniere_annee_demontrable(eq2030) == 2026
    with rejouer_a(moment(date(2027, 10, 1), 9)):
        assert derniere_annee_demontrable(eq2030) == 2027


def test_the_2024_2030_contract_lives_its_own_demo_years(eq2030):
    derniere = derniere_annee_demontrable(eq2030)
    generer_demo_programmation(eq2030)
    gouvernance = generer_demo_gouvernance(eq2030)
    suivi = generer_demo_suivi(eq2030)

    annees = list(
        AppelAProjets.objects.filter(contrat=eq2030, est_demo=True)
        .order_by("annee")
        .values_list("annee", flat=True)
    )
    assert annees == list(range(2024, derniere + 1))
    assert Dossier.objects.filter(appel__contrat=eq2030, appel__annee=2024).count() == 12
    # Its association works under a three-year CPO with the commune, one dossier a year.
    cpo = ConventionPluriannuelle.objects.get(contrat=eq2030)
    assert (cpo.annee_debut, cpo.annee_fin, cpo.financeur.code) == (2024, 2026, "commune")
    portes = cpo.dossiers.order_by("appel__annee")
    assert [d.appel.annee for d in portes] == [a for a in annees if a <= 2026]
    assert {d.structure.organisation.code for d in portes} == {"demo-association-clefs-avenir"}
    # Its meetings are all held, none after today; its bilans are the past years' actions.
    seances = Seance.objects.filter(instance__contrat=eq2030)
    assert seances.count() >= gouvernance.seances > 0
    assert not seances.filter(date__gte=aujourdhui()).exists()
    assert suivi.bilans.crees == Bilan.objects.filter(dossier__appel__contrat=eq2030).count() > 0
    assert not Bilan.objects.filter(dossier__appel__contrat=eq2030, dossier__appel__annee=derniere)
    # No referential, evaluation or rapport of the 2015 story in this contract.
    assert (suivi.referentiel, suivi.evaluations, suivi.rapports) == (0, 0, 0)
    # The measurable engagements report their indicator's value when under way or kept.
    mesures = SuiviEngagement.objects.filter(
        engagement__section__contrat=eq2030, statut__in=["en_cours", "tenu", "non_tenu"]
    )
    assert mesures.exists()
    assert not mesures.filter(valeur_atteinte=None).exists()
    # The printed accounts act in both contracts.
    for compte in COMPTES_DEMO:
        contrats = set(
            Habilitation.objects.filter(utilisateur__username=compte.identifiant).values_list(
                "contrat__slug", flat=True
            )
        )
        assert contrats == {"villiers-sur-marne-2015-2020", eq2030.slug}, compte.identifiant

    # Its programmation and gouvernance pages say which generation they belong to.
    client = client_de(Utilisateur.objects.get(username="pilote"))
    for url in (
        reverse("programmation:appels", args=[eq2030.slug]),
        reverse("programmation:plan_annuel", args=[eq2030.slug, 2024]),
        reverse("gouvernance:reunions", args=[eq2030.slug]),
        reverse("gouvernance:frequences", args=[eq2030.slug]),
    ):
        assert "Génération : Engagements Quartiers 2030 (2024-2030)" in page(client, url).texte


def test_a_second_run_of_the_2024_2030_demo_creates_nothing(eq2030):
    creer_comptes_demo(eq2030)
    generer_demo_gouvernance(eq2030)
    seances = Seance.objects.count()
    assert generer_demo_gouvernance(eq2030).total == 0
    assert Seance.objects.count() == seances
