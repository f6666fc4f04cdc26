"""Personas of the suivi tests: the demo accounts come from the root conftest; here are
those whose role holds on a bilan. Builders are plain functions of suivi/tests/outils.py."""

import pytest

from comptes.models import Role
from contrats.tests.factories import HabilitationFactory
from programmation.tests.factories import StructureFactory


@pytest.fixture
def autre_porteur(contrat_charge):
    """A porteur whose structure is none of the test dossiers'."""
    return HabilitationFactory(
        contrat=contrat_charge, role=Role.PORTEUR, organisation=StructureFactory().organisation
    ).utilisateur
