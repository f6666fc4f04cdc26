"""Factories for tests that need data beyond the loaded Villiers contract."""

import factory

from comptes.models import Role, Utilisateur
from contrats import models as m
from territoires.models import Commune, QuartierPrioritaire


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.test")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    password = factory.django.Password("mot-de-passe-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    code = factory.Sequence(lambda n: f"organisation-{n}")
    nom = factory.Sequence(lambda n: f"Organisation {n}")
    type = m.Organisation.Type.ASSOCIATION


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code_insee = factory.Sequence(lambda n: f"{93000 + n:05d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = "Seine-Saint-Denis"


class QuartierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuartierPrioritaire
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"quartier-{n}")
    nom = factory.Sequence(lambda n: f"Quartier {n}")
    decret = "Décret n° 2014-1750 du 30 décembre 2014"

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create:
            self.communes.set(extracted or [CommuneFactory()])


class ContratFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Contrat
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"contrat-{n}")
    titre = factory.Sequence(lambda n: f"Contrat de ville n° {n}")
    generation = m.Generation.G2024_2030
    date_debut = "2024-01-01"
    date_fin = "2030-12-31"

    @factory.post_generation
    def quartiers(self, create, extracted, **kwargs):
        if create:
            quartiers = extracted or [QuartierFactory()]
            self.quartiers.set(quartiers)
            self.communes.set({c for q in quartiers for c in q.communes.all()})


class PilierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Pilier

    contrat = factory.SubFactory(ContratFactory)
    numero = factory.Sequence(lambda n: str(n % 9 + 1))
    code = factory.Sequence(lambda n: f"pilier-{n}")
    intitule = factory.Sequence(lambda n: f"Pilier {n}")


class DomaineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Domaine

    pilier = factory.SubFactory(PilierFactory)
    numero = factory.LazyAttribute(lambda d: f"{d.pilier.numero}.1")
    intitule = "Domaine"


class ObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ObjectifOperationnel

    domaine = factory.SubFactory(DomaineFactory)
    numero = factory.LazyAttribute(lambda o: f"{o.domaine.numero}.1")
    intitule = factory.Sequence(lambda n: f"Objectif {n}")


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Habilitation

    utilisateur = factory.SubFactory(UtilisateurFactory)
    contrat = factory.SubFactory(ContratFactory)
    role = Role.PILOTE
    organisation = None

    class Params:
        financeur = factory.Trait(
            role=Role.FINANCEUR, organisation=factory.SubFactory(OrganisationFactory)
        )
        porteur = factory.Trait(
            role=Role.PORTEUR, organisation=factory.SubFactory(OrganisationFactory)
        )
        etat = factory.Trait(role=Role.ETAT)
        membre = factory.Trait(role=Role.MEMBRE)
