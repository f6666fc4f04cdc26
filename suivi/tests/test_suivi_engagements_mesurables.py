"""The measurable engagements of the 2024-2030 generation: each yearly follow-up says
where the engagement's indicator stands, against its target.

The commune's engagement 2.1 n° 1 of the 2024-2030 demo contract aims at « 120 enfants
en 2030 »; its pilote proposes the follow-ups (the commune speaks through its pilote).
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Role
from contrats.tests.factories import HabilitationFactory
from historique.models import Evenement
from programmation.services.erreurs import DonneesInvalides
from programmation.tests.outils import client_de, texte
from suivi.actions import ActionSuivi
from suivi.models import StatutEngagement, SuiviEngagement
from suivi.tests.engagements import engagement_de, proposer

pytestmark = pytest.mark.django_db


@pytest.fixture
def enfants(eq2030):
    return engagement_de(eq2030, section="2.1", ordre=1)


@pytest.fixture
def pilote_2030(eq2030):
    return HabilitationFactory(contrat=eq2030, role=Role.PILOTE).utilisateur


def _url_proposer(engagement, annee: int = 2025) -> str:
    return reverse(
        "suivi:suivi_engagement_proposer",
        args=[engagement.section.contrat.slug, engagement.pk, annee],
    )


def _url_page(contrat, annee: int = 2025) -> str:
    return reverse("suivi:suivi_engagements_signataire", args=[contrat.slug, "commune"]) + (
        f"?annee={annee}"
    )


def _rien_n_est_ecrit(engagement, evenements: int) -> None:
    assert not SuiviEngagement.objects.filter(engagement=engagement).exists()
    assert Evenement.objects.count() == evenements


def test_the_2024_2030_engagement_carries_its_measured_target(enfants):
    assert enfants.est_mesurable
    assert enfants.cible == "120 enfants en 2030"


def test_a_measured_follow_up_records_the_value_reached_and_its_history(enfants, pilote_2030):
    suivi = proposer(enfants, pilote_2030, annee=2025, valeur_atteinte=Decimal("45"))

    suivi.refresh_from_db()
    assert suivi.valeur_atteinte == Decimal("45.00")
    evenement = Evenement.objects.filter(action=ActionSuivi.ENGAGEMENT_PROPOSITION).latest("id")
    assert evenement.changements["valeur_atteinte"] == [None, "45"]


def test_proposing_a_measured_engagement_under_way_without_its_value_is_refused(
    enfants, pilote_2030
):
    evenements = Evenement.objects.count()
    with pytest.raises(DonneesInvalides) as refus:
        proposer(enfants, pilote_2030, annee=2025, statut=StatutEngagement.EN_COURS)

    assert str(refus.value.message) == (
        "Indiquez la valeur atteinte en 2025 de l'indicateur « Enfants suivis en parcours "
        "individualisé » (cible : 120 enfants en 2030)."
    )
    _rien_n_est_ecrit(enfants, evenements)


def test_a_draft_or_an_engagement_not_begun_needs_no_value(enfants, pilote_2030):
    proposer(enfants, pilote_2030, annee=2024, statut=StatutEngagement.PAS_COMMENCE)
    brouillon = proposer(enfants, pilote_2030, annee=2025, brouillon=True)

    assert brouillon.valeur_atteinte is None
    assert SuiviEngagement.objects.filter(engagement=enfants).count() == 2


def test_a_negative_value_is_refused(enfants, pilote_2030):
    evenements = Evenement.objects.count()
    with pytest.raises(DonneesInvalides, match="ne peut pas être négative"):
        proposer(enfants, pilote_2030, annee=2025, valeur_atteinte=Decimal("-3"))
    _rien_n_est_ecrit(enfants, evenements)


def test_an_engagement_of_2015_2020_without_a_target_takes_no_value(villiers):
    caf = engagement_de(villiers)
    agent = HabilitationFactory(
        contrat=villiers, role=Role.FINANCEUR, organisation=caf.section.organisations.first()
    ).utilisateur
    evenements = Evenement.objects.count()
    with pytest.raises(DonneesInvalides, match="n'a pas d'indicateur chiffré"):
        proposer(caf, agent, annee=2016, valeur_atteinte=Decimal("3"))
    _rien_n_est_ecrit(caf, evenements)


def test_the_signatory_page_shows_the_target_and_takes_a_french_decimal(
    enfants, pilote_2030, eq2030
):
    client = client_de(pilote_2030)
    formulaire = texte(client.get(_url_page(eq2030)))
    assert "cible :</strong> 120 enfants en 2030" in formulaire
    assert "Enfants suivis en parcours individualisé : valeur atteinte en 2025 (enfants)" in (
        formulaire
    )

    reponse = client.post(
        _url_proposer(enfants),
        {"version": 0, "statut": "en_cours", "valeur_atteinte": "47,5",
         "commentaire": "Deux cohortes suivies.", "action": "proposer",
         "signataire": "commune", "filtre": "2025"},
        follow=True,
    )  # fmt: skip

    suivi = SuiviEngagement.objects.get(engagement=enfants, annee=2025)
    assert suivi.valeur_atteinte == Decimal("47.5")
    assert "47,5 enfants" in texte(reponse)


def test_a_value_that_is_not_a_number_gets_a_french_message_and_saves_nothing(enfants, pilote_2030):
    reponse = client_de(pilote_2030).post(
        _url_proposer(enfants),
        {"version": 0, "statut": "en_cours", "valeur_atteinte": "beaucoup",
         "action": "proposer", "signataire": "commune", "filtre": "2025"},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    assert "Saisissez un nombre, par exemple 45 ou 12,5." in texte(reponse)
    assert not SuiviEngagement.objects.filter(engagement=enfants).exists()
