"""Reads on accounts."""

from allauth.account.models import EmailAddress

from comptes.models import Utilisateur


def a_l_adresse_verifiee(utilisateur: Utilisateur, email: str) -> bool:
    """Whether the account owns this address and has proven it (link, invitation, demo)."""
    return EmailAddress.objects.filter(
        user=utilisateur, email__iexact=email, verified=True
    ).exists()
