"""Demo bilans: 2015-2019 funded actions in every state, lived through the services."""

import io
import itertools
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from programmation.demo import generer_demo as generer_demo_programmation
from programmation.models import Dossier, Paiement, Statut
from programmation.tests.factories import villiers
from suivi.demo import generer_demo
from suivi.demo_complete import generer_demo_suivi
from suivi.models import (
    Bilan,
    Evaluation,
    OrdreDeReversement,
    RapportAnnuel,
    ReportDeDates,
    TransitionBilan,
)
from suivi.selectors.referentiel import situation_des_indicateurs

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    # The rapport's documents are files: out of the project's media folder.
    medias = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("medias"))
    with medias, django_db_blocker.unblock(), transaction.atomic():
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            generer_demo_programmation(villiers())
            resultat = generer_demo_suivi(villiers()).bilans
        yield resultat, len(mail.outbox)
        transaction.set_rollback(True)


# One process builds the class's demo once (bin/tester runs two).
@pytest.mark.xdist_group("demo-suivi")
@pytest.mark.usefixtures("demo")
class TestDemoSuivi:
    def test_bilans_in_every_state_with_balances_paid_after_validation(self, demo):
        resultat, courriels = demo
        bilans = Bilan.objects.filter(annee__range=(2015, 2019))
        statuts = Counter(bilans.values_list("statut", flat=True))
        assert {"attendu", "depose", "a_corriger", "valide"} <= set(statuts)
        assert all(bilans.values_list("est_demo", flat=True))
        assert statuts["valide"] == resultat.valides
        assert bilans.filter(nature="non_realisation", statut="valide").exists()
        assert ReportDeDates.objects.filter(statut="accepte").count() == resultat.reports >= 1
        assert courriels == 0
        soldes = Dossier.objects.filter(statut=Statut.SOLDE, appel__annee__range=(2015, 2019))
        assert soldes.count() == resultat.soldes > 0
        assert not soldes.exclude(bilan__statut="valide").exists()
        for dossier in soldes:
            valide_le = dossier.bilan.valide_le.date()
            assert not Paiement.objects.filter(
                convention__financement__dossier=dossier, nature="solde", date__lt=valide_le
            ).exists()

    def test_the_ordre_de_reversement_is_what_was_paid(self):
        for ordre in OrdreDeReversement.objects.select_related("convention"):
            paye = sum(p.montant for p in ordre.convention.paiements.all())
            assert ordre.montant == paye > 0

    def test_each_bilan_log_is_chained(self):
        par_bilan: dict[int, list] = {}
        for ligne in TransitionBilan.objects.order_by("bilan", "horodatage", "id"):
            par_bilan.setdefault(ligne.bilan_id, []).append(ligne)
        for lignes in par_bilan.values():
            assert lignes[0].de == "attendu"
            assert all(a.vers == b.de for a, b in itertools.pairwise(lignes))

    def test_the_demo_holds_indicators_the_2017_evaluation_and_the_2019_rapport(self):
        contrat = villiers()
        situations = situation_des_indicateurs(contrat)
        assert len(situations) >= 10
        assert all(s.indicateur.est_demo for s in situations)
        calculees = [s for s in situations if s.indicateur.calcul != "saisie"]
        assert calculees and all(s.derniere is not None for s in calculees)
        mi_parcours = Evaluation.objects.get(contrat=contrat, nature="mi_parcours")
        assert (mi_parcours.periode, mi_parcours.statut) == ("2015-2017", "en_cours")
        assert mi_parcours.constats.exists() and mi_parcours.decisions.exists()
        rapport = RapportAnnuel.objects.get(contrat=contrat, annee=2019)
        assert rapport.est_demo and rapport.statut in ("adopte", "publie")
        assert rapport.date_deliberation is not None
        # Generated for the avis, then again after adoption with the avis annexed.
        generations = rapport.generations.filter(etat="terminee")
        assert generations.count() == 2
        assert all(g.pdf and g.odt for g in generations)

    def test_second_run_changes_nothing(self):
        avant = (Bilan.objects.count(), TransitionBilan.objects.count(), Paiement.objects.count())
        assert generer_demo(villiers()).total == 0
        sortie = io.StringIO()
        call_command("generer_demo_suivi", stdout=sortie)
        assert "rien créé" in sortie.getvalue()
        assert (
            Bilan.objects.count(),
            TransitionBilan.objects.count(),
            Paiement.objects.count(),
        ) == avant
