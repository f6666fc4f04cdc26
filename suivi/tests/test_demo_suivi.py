"""Demo bilans: 2015-2019 funded actions in every state, lived through the services."""

import io
import itertools
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from programmation.demo import generer_demo as generer_demo_programmation
from programmation.models import Dossier, Paiement, Statut
from programmation.tests.factories import villiers
from suivi.demo import generer_demo
from suivi.models import Bilan, OrdreDeReversement, ReportDeDates, TransitionBilan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            generer_demo_programmation(villiers())
            resultat = generer_demo(villiers())
        yield resultat, len(mail.outbox)
        transaction.set_rollback(True)


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
