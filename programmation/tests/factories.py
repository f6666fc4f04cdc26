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
    ConventionPluriannuelle,
    Dossier,
    Enveloppe,
    LigneBudget,
    NatureCredit,
    Statut,
    Structure,
)
from programmation.validateurs import cle_luhn


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
    # One structure per SIRET: each gets its own establishment number of one SIREN.
    siret = factory.Sequence(lambda n: f"5120000{n:06d}" + cle_luhn(f"5120000{n:06d}"))
    rna = "W941000001"
    adresse = "1 rue des Hautes-Noues"
    code_postal = "94350"
    commune = "Villiers-sur-Marne"
    representant_nom = "Marie Curie"
    representant_qualite = "Présidente"
    salaries = 2
    benevoles = 10


def _mener_a(statut: str | None) -> factory.PostGeneration:
    """After creation, drive the dossier through the services up to `statut` (or the one given)."""

    def mener(dossier: Dossier, create: bool, extracted: str | None, **kwargs) -> None:
        cible = extracted or statut
        if not (create and cible):
            return
        from programmation.tests.outils import mener_au_statut

        mener_au_statut(dossier, cible, **kwargs)
        dossier.refresh_from_db()

    return factory.PostGeneration(mener)


class DossierFactory(factory.django.DjangoModelFactory):
    """A draft; the `complet` trait makes it ready to submit (budget balanced, public set).

    A complete dossier's budget asks the CAF for 4 000 € of droit commun and the État for
    5 000 € of crédits spécifiques, for 22 children aged 6 to 11; `remplir__subventions`
    ([(financeur code, nature, amount)]) and `remplir__beneficiaires` ([(tranche, women,
    men)]) replace them. `statut_cible` then drives it through the services up to that
    statut (see tests.outils.mener_au_statut: `statut_cible__avis`, `statut_cible__motif`);
    the traits `depose`, `en_instruction`, `propose`, `valide`, `conventionne` and `solde`
    name the usual ones.
    """

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
        depose = factory.Trait(complet=True, statut_cible=_mener_a(Statut.DEPOSE))
        en_instruction = factory.Trait(complet=True, statut_cible=_mener_a(Statut.EN_INSTRUCTION))
        propose = factory.Trait(complet=True, statut_cible=_mener_a(Statut.PROPOSE))
        valide = factory.Trait(complet=True, statut_cible=_mener_a(Statut.VALIDE))
        conventionne = factory.Trait(complet=True, statut_cible=_mener_a(Statut.CONVENTIONNE))
        solde = factory.Trait(complet=True, statut_cible=_mener_a(Statut.SOLDE))

    @factory.post_generation
    def remplir(self, create, extracted, subventions=None, beneficiaires=None, **kwargs):
        if not (create and self.description):
            return
        self.objectifs_operationnels.set(
            self.appel.contrat.piliers.get(numero="4")
            .domaines.get(numero="4.1")
            .objectifs.all()[:1]
        )
        for tranche, femmes, hommes in beneficiaires or [("6-11", 10, 12)]:
            Beneficiaires.objects.create(
                dossier=self, tranche=tranche, femmes=femmes, hommes=hommes
            )
        for sens, compte, libelle, montant, financeur, nature in _budget(subventions):
            LigneBudget.objects.create(
                dossier=self,
                sens=sens,
                compte=compte,
                libelle=libelle,
                montant=Decimal(montant),
                financeur=financeur,
                nature=nature,
            )

    statut_cible = _mener_a(None)


def _budget(subventions) -> list[tuple]:
    """Balanced budget lines: the default one, or charges that match the subventions asked."""
    if subventions is None:
        caf = Organisation.objects.get(code="caf")
        etat = Organisation.objects.get(code="etat")
        return [
            ("charge", "64", "Animateurs", "8000", None, ""),
            ("charge", "60", "Fournitures", "2000", None, ""),
            ("produit", "74", "CAF", "4000", caf, NatureCredit.DROIT_COMMUN),
            ("produit", "74", "État", "5000", etat, NatureCredit.CREDITS_SPECIFIQUES),
            ("produit", "75", "Cotisations", "1000", None, NatureCredit.AUTRE),
        ]
    total = sum(Decimal(montant) for _, _, montant in subventions)
    lignes = [("charge", "64", "Animateurs", total, None, "")]
    for code, nature, montant in subventions:
        financeur = Organisation.objects.get(code=code)
        lignes.append(("produit", "74", financeur.nom, montant, financeur, nature))
    return lignes


class ConventionPluriannuelleFactory(factory.django.DjangoModelFactory):
    """A CPO of the CAF with a structure, 5 000 € a year over 2016-2018 of Villiers 2015-2020
    (written directly: the tests of its rules go through the service)."""

    class Meta:
        model = ConventionPluriannuelle

    contrat = factory.LazyFunction(villiers)
    structure = factory.SubFactory(StructureFactory)
    financeur = factory.LazyFunction(lambda: Organisation.objects.get(code="caf"))
    numero = factory.Sequence(lambda n: f"CPO-{n:03d}")
    intitule = "Accompagnement à la scolarité"
    annee_debut = 2016
    annee_fin = 2018
    montant_annuel = Decimal("5000")
    signee_le = factory.LazyFunction(timezone.localdate)
