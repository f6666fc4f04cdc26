"""Database rules of territories: an observation sits on exactly one territory."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from contrats.tests.factories import CommuneFactory, QuartierFactory
from territoires.models import Indicateur, Observation, QuartierPrioritaire, Secteur

DATE = date(2024, 1, 1)


@pytest.fixture
def indicateur(db) -> Indicateur:
    return Indicateur.objects.create(
        code="taux-de-pauvrete", rubrique="Revenus", libelle="Taux de pauvreté", unite="%"
    )


def observer(indicateur: Indicateur, **territoire) -> Observation:
    return Observation.objects.create(
        indicateur=indicateur, date=DATE, valeur=42, valeur_texte="42 %", **territoire
    )


def test_observation_without_territory_is_refused(indicateur):
    with pytest.raises(IntegrityError), transaction.atomic():
        observer(indicateur)


def test_observation_on_both_a_commune_and_a_quartier_is_refused(indicateur):
    commune, quartier = CommuneFactory(), QuartierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        observer(indicateur, commune=commune, quartier=quartier)


def test_observation_on_a_single_territory_is_accepted(indicateur):
    assert observer(indicateur, commune=CommuneFactory()).pk is not None
    assert observer(indicateur, quartier=QuartierFactory()).pk is not None


def test_second_observation_of_a_commune_at_the_same_date_is_refused(indicateur):
    commune = CommuneFactory()
    observer(indicateur, commune=commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        observer(indicateur, commune=commune)


def test_second_observation_of_a_quartier_at_the_same_date_is_refused(indicateur):
    quartier = QuartierFactory()
    observer(indicateur, quartier=quartier)
    with pytest.raises(IntegrityError), transaction.atomic():
        observer(indicateur, quartier=quartier)


def test_quartiers_without_national_code_coexist(contrat_charge):
    QuartierFactory(code=None)
    assert QuartierPrioritaire.objects.filter(code__isnull=True).count() >= 2


def test_sector_name_is_unique_within_a_quartier(db):
    quartier = QuartierFactory()
    Secteur.objects.create(quartier=quartier, ordre=1, nom="Centre")
    with pytest.raises(IntegrityError), transaction.atomic():
        Secteur.objects.create(quartier=quartier, ordre=2, nom="Centre")


def test_two_quartiers_may_each_have_a_sector_of_the_same_name(db):
    for quartier in (QuartierFactory(), QuartierFactory()):
        Secteur.objects.create(quartier=quartier, ordre=1, nom="Centre")
    assert Secteur.objects.filter(nom="Centre").count() == 2
