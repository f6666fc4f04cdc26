"""Personas of the suivi tests: the demo accounts come from the root conftest; here are
those whose role holds on a bilan. Builders are plain functions of suivi/tests/outils.py."""

import pytest
from django.db import transaction

from suivi.models import Evaluation
from suivi.services.evaluations import ouvrir_evaluation
from suivi.tests.outils_evaluations import construire_monde


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    """The small world of the evaluation tests (outils_evaluations), built once a module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield construire_monde()
        transaction.set_rollback(True)


@pytest.fixture
def evaluation(villiers, pilote):
    """The 2015-2017 mid-term evaluation of Villiers, just opened."""
    return ouvrir_evaluation(contrat=villiers, nature=Evaluation.Nature.MI_PARCOURS, acteur=pilote)
