"""Personas of the contrats tests (the demo accounts and `villiers` come from the root conftest)."""

import pytest

from contrats.tests.factories import UtilisateurFactory


@pytest.fixture
def superutilisateur(db):
    """A superuser of the platform, who sees every contract in the admin."""
    return UtilisateurFactory(username="admin-test", is_staff=True, is_superuser=True)
