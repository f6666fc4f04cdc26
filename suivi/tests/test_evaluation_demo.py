"""Demo evaluations on the small world marked demo: the 2015 follow-up arrêté in January
2016, the 2015-2017 mid-term evaluation drafted in November 2017, decisions in line with
the bilans; a second run creates nothing."""

from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from historique.models import Evenement
from suivi.demo_evaluations import generer_demo_evaluations
from suivi.models import ConstatObjectif, DecisionAction, Evaluation
from suivi.tests.outils_evaluations import construire_monde

pytestmark = pytest.mark.django_db


def _mois(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m}"


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield construire_monde(est_demo=True)
        transaction.set_rollback(True)


def test_demo_evaluations_are_dated_consistent_with_the_bilans_and_idempotent(monde, villiers):
    crees = generer_demo_evaluations(villiers)

    suivi = Evaluation.objects.get(nature=Evaluation.Nature.ANNUELLE)
    mi_parcours = Evaluation.objects.get(nature=Evaluation.Nature.MI_PARCOURS)
    assert (suivi.periode, suivi.statut) == ("2015", Evaluation.Statut.ARRETEE)
    assert (mi_parcours.periode, mi_parcours.statut) == ("2015-2017", Evaluation.Statut.EN_COURS)
    assert suivi.est_demo and mi_parcours.est_demo
    assert _mois(suivi.cree_le) == _mois(suivi.arretee_le) == "2016-07"
    assert _mois(mi_parcours.cree_le) == "2017-11"
    assert suivi.conclusions and mi_parcours.participation_habitants
    assert not mi_parcours.conclusions  # still being written
    # A's bilan validated, its porteur would pursue it; B's recommends reorienting (with
    # a motif); C's is still expected: no decision yet.
    decisions = {
        d.dossier_id: (d.decision, bool(d.motif))
        for d in DecisionAction.objects.filter(evaluation=mi_parcours)
    }
    assert decisions == {monde.a.pk: ("poursuivre", False), monde.b.pk: ("reorienter", True)}
    assert Counter(DecisionAction.objects.filter(evaluation=suivi).values_list("decision")) == {
        ("poursuivre",): 1
    }
    assert ConstatObjectif.objects.filter(evaluation=mi_parcours).count() == 1
    assert crees == 2 + ConstatObjectif.objects.count() + DecisionAction.objects.count()
    for evenement in Evenement.objects.filter(action__startswith="evaluation."):
        assert timezone.localtime(evenement.horodatage).year in (2016, 2017)

    avant = (Evaluation.objects.count(), DecisionAction.objects.count(), Evenement.objects.count())
    assert generer_demo_evaluations(villiers) == 0
    assert (
        Evaluation.objects.count(),
        DecisionAction.objects.count(),
        Evenement.objects.count(),
    ) == avant
