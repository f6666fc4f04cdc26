"""Who may act on a contract's own data: one place, read by views and services."""

from comptes.models import Role
from contrats.models import Contrat
from contrats.selectors import droits


def peut_gerer_equipe(utilisateur, contrat: Contrat) -> bool:
    """Only the contract's pilotes invite people and change or revoke their roles."""
    return droits(utilisateur, contrat).a(Role.PILOTE)


def peut_importer_observations(utilisateur, contrat: Contrat) -> bool:
    """The contract's pilotes and State agents import the observations of its territories.

    Everyone, without an account, reads the series they feed (like the diagnostic).
    """
    return droits(utilisateur, contrat).a(Role.PILOTE, Role.ETAT)
