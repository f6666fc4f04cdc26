"""Database rules of the contract models, and the habilitation service that mirrors them."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from comptes.models import Role
from contrats import models as m
from contrats.services import ErreurHabilitation, attribuer_habilitation
from contrats.tests.factories import (
    ContratFactory,
    OrganisationFactory,
    PilierFactory,
    UtilisateurFactory,
)


@pytest.fixture
def contrat(db) -> m.Contrat:
    return ContratFactory()


# Habilitations -----------------------------------------------------------------------


def test_service_refuses_a_financeur_without_organisation(contrat):
    with pytest.raises(ErreurHabilitation) as erreur:
        attribuer_habilitation(
            utilisateur=UtilisateurFactory(), contrat=contrat, role=Role.FINANCEUR
        )
    assert str(erreur.value) == "Le rôle « Financeur » exige une organisation."
    assert not m.Habilitation.objects.filter(contrat=contrat).exists()


def test_database_refuses_a_financeur_without_organisation(contrat):
    utilisateur = UtilisateurFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Habilitation.objects.create(
            utilisateur=utilisateur, contrat=contrat, role=Role.FINANCEUR, organisation=None
        )


def test_service_refuses_a_pilote_attached_to_an_organisation(contrat):
    with pytest.raises(ErreurHabilitation) as erreur:
        attribuer_habilitation(
            utilisateur=UtilisateurFactory(),
            contrat=contrat,
            role=Role.PILOTE,
            organisation=OrganisationFactory(),
        )
    assert str(erreur.value) == (
        "Le rôle « Pilote (équipe projet de la ville) » ne se rattache à aucune organisation."
    )
    assert not m.Habilitation.objects.filter(contrat=contrat).exists()


def test_database_refuses_a_pilote_attached_to_an_organisation(contrat):
    utilisateur, organisation = UtilisateurFactory(), OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Habilitation.objects.create(
            utilisateur=utilisateur, contrat=contrat, role=Role.PILOTE, organisation=organisation
        )


def test_financeur_with_organisation_is_accepted(contrat):
    organisation = OrganisationFactory()
    habilitation = attribuer_habilitation(
        utilisateur=UtilisateurFactory(),
        contrat=contrat,
        role=Role.FINANCEUR,
        organisation=organisation,
    )
    assert habilitation.organisation == organisation


def test_same_role_twice_in_a_contract_is_refused(contrat):
    utilisateur = UtilisateurFactory()
    m.Habilitation.objects.create(utilisateur=utilisateur, contrat=contrat, role=Role.MEMBRE)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Habilitation.objects.create(utilisateur=utilisateur, contrat=contrat, role=Role.MEMBRE)


# Contracts ----------------------------------------------------------------------------


def test_contract_ending_before_it_starts_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Contrat.objects.create(
            slug="contrat-a-l-envers",
            titre="Contrat à l'envers",
            generation=m.Generation.G2024_2030,
            date_debut=date(2024, 1, 1),
            date_fin=date(2023, 12, 31),
        )


def test_contract_of_a_single_day_is_accepted(db):
    contrat = ContratFactory(date_debut="2024-01-01", date_fin="2024-01-01")
    assert contrat.pk is not None


def test_second_contract_may_number_its_own_pillar_2(contrat_charge):
    autre = PilierFactory(contrat=ContratFactory(), numero="2")
    villiers = contrat_charge.piliers.get(numero="2")
    assert villiers.contrat != autre.contrat
    assert m.Pilier.objects.filter(numero="2").count() == 2


def test_pillar_number_is_unique_within_a_contract(contrat_charge):
    with pytest.raises(IntegrityError), transaction.atomic():
        PilierFactory(contrat=contrat_charge, numero="2")
