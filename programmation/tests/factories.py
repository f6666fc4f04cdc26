"""Factories for programmation: calls, structures and dossiers in the states tests need."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from contrats.models import Contrat, Organisation
from contrats.tests.factories import OrganisationFactory
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    Dossier,
    Enveloppe,
    LigneBudget,
    NatureCredit,
    Structure,
)


def villiers() -> Contrat:
    return Contrat.objects.get(slug="villiers-sur-marne-2015-2020")


class AppelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppelAProjets

    contrat = factory.LazyFunction(villiers)
    annee = factory.Sequence(lambda n: 2030 + n)
    titre = factory.LazyAttribute(lambda a: f"Appel à projets {a.annee}")
    date_ouverture = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    date_cloture = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    publie = True


class EnveloppeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enveloppe

    appel = factory.SubFactory(AppelFactory)
    financeur = factory.LazyFunction(lambda: Organisation.objects.get(code="caf"))
    nature = NatureCredit.DROIT_COMMUN
    montant = Decimal("50000")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    organisation = factory.SubFactory(OrganisationFactory)
    type = Structure.Type.ASSOCIATION
    siret = "73282932000074"
    rna = "W941000001"
    adresse = "1 rue des Hautes-Noues"
    code_postal = "94350"
    commune = "Villiers-sur-Marne"
    representant_nom = "Marie Curie"
    representant_qualite = "Présidente"
    salaries = 2
    benevoles = 10


class DossierFactory(factory.django.DjangoModelFactory):
    """A draft; the `complet` trait makes it ready to submit (budget balanced, public set)."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    appel = factory.SubFactory(AppelFactory)
    structure = factory.SubFactory(StructureFactory)
    numero = factory.Sequence(lambda n: f"T-{n:04d}")
    intitule = factory.Sequence(lambda n: f"Action n° {n}")

    class Params:
        complet = factory.Trait(
            description="Ateliers de soutien scolaire",
            pilier=factory.LazyAttribute(lambda d: d.appel.contrat.piliers.get(numero="4")),
            date_debut=factory.LazyFunction(lambda: timezone.localdate()),
            date_fin=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=180)),
            nb_salaries=1,
            nb_benevoles=3,
        )

    @factory.post_generation
    def remplir(self, create, extracted, **kwargs):
        if not (create and self.description):
            return
        self.objectifs_operationnels.set(
            self.appel.contrat.piliers.get(numero="4")
            .domaines.get(numero="4.1")
            .objectifs.all()[:1]
        )
        Beneficiaires.objects.create(dossier=self, tranche="6-11", femmes=10, hommes=12)
        caf = Organisation.objects.get(code="caf")
        etat = Organisation.objects.get(code="etat")
        for sens, compte, libelle, montant, financeur, nature in (
            ("charge", "64", "Animateurs", "8000", None, ""),
            ("charge", "60", "Fournitures", "2000", None, ""),
            ("produit", "74", "CAF", "4000", caf, NatureCredit.DROIT_COMMUN),
            ("produit", "74", "État", "5000", etat, NatureCredit.CREDITS_SPECIFIQUES),
            ("produit", "75", "Cotisations", "1000", None, NatureCredit.AUTRE),
        ):
            LigneBudget.objects.create(
                dossier=self,
                sens=sens,
                compte=compte,
                libelle=libelle,
                montant=Decimal(montant),
                financeur=financeur,
                nature=nature,
            )
