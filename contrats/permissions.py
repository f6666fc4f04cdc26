"""Who may act on a contract's own data: one place, read by views and services."""

from comptes.models import Role
from contrats.models import Contrat
from contrats.selectors import droits


def peut_gerer_equipe(utilisateur, contrat: Contrat) -> bool:
    """Only the contract's pilotes invite people and change or revoke their roles."""
    return droits(utilisateur, contrat).a(Role.PILOTE)
