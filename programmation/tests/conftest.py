"""Personas and state builders of the programmation tests.

The demo accounts (pilote, etat, financeur, porteur, membre) and the people of any app
(autre_financeur, sans_role…) come from the root conftest; here are those whose role
holds on a programmation object. The state builders themselves are plain functions of
programmation/tests/outils.py; `mener_au_statut` is a fixture too.
"""

import pytest

from comptes.models import Role
from contrats.models import Organisation
from contrats.tests.factories import HabilitationFactory
from programmation.tests import outils


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder, read back by the test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def second_agent_caf(contrat_charge):
    """A colleague of the demo financeur at the CAF."""
    return HabilitationFactory(
        contrat=contrat_charge,
        role=Role.FINANCEUR,
        organisation=Organisation.objects.get(code="caf"),
    ).utilisateur


@pytest.fixture
def agent_financeur_etat(contrat_charge):
    """An agent of the État's own services as a financeur, not the prefect's delegate."""
    return HabilitationFactory(
        contrat=contrat_charge,
        role=Role.FINANCEUR,
        organisation=Organisation.objects.get(code="etat"),
    ).utilisateur


@pytest.fixture
def mener_au_statut(contrat_charge):
    """`mener_au_statut(dossier, statut, avis=…, motif=…)`: see programmation.tests.outils."""
    return outils.mener_au_statut
