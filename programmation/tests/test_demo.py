"""Demo programmation: the seed's 2015 plan, later calls in every state, idempotent."""

import io
import random
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from contrats.models import FicheAction, Organisation
from historique.models import Evenement
from programmation.demo import cle_luhn, generer_demo, repartir, siret_valide
from programmation.models import (
    AppelAProjets,
    Convention,
    Dossier,
    Financement,
    LigneBudget,
    Paiement,
    Statut,
    Structure,
)
from programmation.selectors.plan import plan_annuel
from programmation.tests.factories import AppelFactory, villiers
from programmation.validateurs import cle_luhn_valide, valider_rna, valider_siret

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"


def _proche(valeur, cible, ecart=3) -> bool:
    return abs(Decimal(valeur) - Decimal(str(cible))) <= ecart


def _comptes() -> dict[str, int]:
    modeles = [*apps.get_app_config("programmation").get_models(), Organisation, Evenement]
    return {m.__name__: m.objects.count() for m in modeles}


def test_helpers_split_exactly_and_compute_luhn_keys():
    assert repartir(7000, [59.6, 24.1, 16.3]) == [4172, 1687, 1141]
    assert sum(repartir(101, [1, 1, 1])) == 101
    assert cle_luhn_valide("73282932" + cle_luhn("73282932"))
    siret = siret_valide(random.Random(1), 7, "21940079")
    assert siret.startswith("21940079") and siret[9:13] == "0007"
    valider_siret(siret)


def test_demo_2015_plan_is_the_seed_plan_with_its_shares(client):
    contrat = villiers()
    bilan = generer_demo(contrat)
    assert bilan.appels == 6 and bilan.annees_ignorees == []

    appel = AppelAProjets.objects.get(contrat=contrat, annee=2015)
    assert (appel.date_ouverture, appel.date_cloture) == (date(2015, 3, 25), date(2015, 4, 15))
    assert appel.publie and appel.est_demo
    assert sorted(appel.criteres.values_list("numero", flat=True)) == ["1.1", "1.2", "1.3"]
    assert set(appel.enveloppes.values_list("financeur__code", flat=True)) == {
        "etat",
        "commune",
        "caf",
        "region-idf",
        "departement-94",
    }

    fiches = list(
        FicheAction.objects.filter(ligne__contrat=contrat).order_by("ligne__ordre", "ordre")
    )
    plan = plan_annuel(appel)
    assert len(plan.lignes) == 55
    assert [ligne.intitule for ligne in plan.lignes] == [f.intitule for f in fiches]
    s = plan.synthese
    assert s.nombre_actions == 55
    assert _proche(s.associations.pourcentage, 51)
    assert _proche(s.services_municipaux.pourcentage, 40)
    assert _proche(s.professionnels.pourcentage, 65)
    assert _proche(s.benevoles.pourcentage, 34.5)
    assert 6800 <= s.personnes_ciblees <= 7200
    parts = {p.libelle: p.pourcentage for p in s.personnes_par_pilier}
    assert _proche(parts["Cohésion sociale"], 58)
    assert _proche(parts["Développement économique et emploi"], 22.5)
    assert _proche(parts["Habitat et cadre de vie"], 14.6)
    assert s.total_credits_specifiques > 0 and s.total_droit_commun > 0

    premier = appel.dossiers.get(numero="2015-001")
    assert premier.pilier == fiches[0].ligne.pilier
    assert set(premier.objectifs_operationnels.all()) == set(
        fiches[0].ligne.objectifs_operationnels.all()
    )
    html = client.get(reverse("programmation:plan_annuel", args=[SLUG, 2015])).content.decode()
    assert "VARIABLE_INDEFINIE" not in html
    assert "Données de démonstration" in html
    assert html.count(">Démo</span>") == 55


def test_demo_data_is_complete_and_consistent():
    contrat = villiers()
    generer_demo(contrat)
    dossiers = Dossier.objects.filter(appel__contrat=contrat)
    assert not dossiers.filter(est_demo=False).exists()
    assert not Structure.objects.filter(est_demo=False).exists()
    assert not AppelAProjets.objects.filter(est_demo=False).exists()

    for structure in Structure.objects.select_related("organisation"):
        valider_siret(structure.siret)
        if structure.type == Structure.Type.ASSOCIATION:
            valider_rna(structure.rna)
        assert structure.organisation.code.startswith("demo-")
    assert len(set(Structure.objects.values_list("siret", flat=True))) == Structure.objects.count()
    assert Structure.objects.filter(organisation__code="demo-association-clefs-avenir").exists()

    for annee in range(2016, 2021):
        statuts = Counter(dossiers.filter(appel__annee=annee).values_list("statut", flat=True))
        assert 30 <= sum(statuts.values()) <= 45
        for statut in (Statut.VALIDE, Statut.REFUSE, Statut.IRRECEVABLE, Statut.AJOURNE):
            assert statuts[statut] >= 1, (annee, statut)
        assert statuts[Statut.CONVENTIONNE] + statuts[Statut.SOLDE] >= 1
    assert dossiers.filter(appel__annee=2020, statut=Statut.EN_INSTRUCTION).exists()

    motives = (Statut.IRRECEVABLE, Statut.REFUSE, Statut.AJOURNE)
    assert not dossiers.filter(statut__in=motives, motif_decision="").exists()
    assert not Financement.objects.filter(dossier__statut=Statut.IRRECEVABLE).exists()
    programmes = Financement.objects.filter(
        dossier__statut__in=(Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE)
    )
    assert not programmes.filter(montant_accorde__isnull=True).exists()
    assert not programmes.exclude(avis__in=("favorable", "reserve")).exists()

    for dossier in dossiers.prefetch_related("lignes_budget"):
        charges = sum(lb.montant for lb in dossier.lignes_budget.all() if lb.sens == "charge")
        produits = sum(lb.montant for lb in dossier.lignes_budget.all() if lb.sens == "produit")
        assert charges == produits > 0, dossier.numero
    assert LigneBudget.objects.filter(compte="74", financeur__isnull=True).count() == 0

    sans_convention = Financement.objects.filter(
        dossier__statut__in=(Statut.CONVENTIONNE, Statut.SOLDE), montant_accorde__gt=0
    ).exclude(convention__isnull=False)
    assert not sans_convention.exists()
    for convention in Convention.objects.filter(financement__dossier__statut=Statut.SOLDE):
        total = convention.paiements.aggregate(t=Sum("montant"))["t"]
        assert total == convention.montant
        assert convention.paiements.filter(nature=Paiement.Nature.SOLDE).count() == 1
    assert not Paiement.objects.filter(
        convention__financement__dossier__statut=Statut.CONVENTIONNE, nature="solde"
    ).exists()

    evenements = Evenement.objects.filter(action="demo.generation")
    assert evenements.count() == 6
    assert not Evenement.objects.filter(action__startswith="dossier.").exists()


def test_demo_command_is_idempotent_and_prints_counts():
    sortie = io.StringIO()
    call_command("generer_demo_programmation", stdout=sortie)
    avant = _comptes()
    assert "dossiers" in sortie.getvalue()
    assert avant["Dossier"] >= 55 + 5 * 30

    sortie = io.StringIO()
    call_command("generer_demo_programmation", stdout=sortie)
    assert _comptes() == avant
    assert "rien créé" in sortie.getvalue()


def test_demo_never_mixes_with_a_real_call_of_the_same_year():
    reel = AppelFactory(annee=2016, est_demo=False)
    bilan = generer_demo(villiers())
    assert bilan.annees_ignorees == [2016]
    assert not reel.dossiers.exists()
    assert AppelAProjets.objects.filter(est_demo=True).count() == 5
