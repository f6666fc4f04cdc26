"""Reads on accounts."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from comptes.models import Utilisateur


def a_l_adresse_verifiee(utilisateur: Utilisateur, email: str) -> bool:
    """Whether the account owns this address and has proven it (link, invitation, demo)."""
    return EmailAddress.objects.filter(
        user=utilisateur, email__iexact=email, verified=True
    ).exists()


def a_un_double_facteur(utilisateur: Utilisateur) -> bool:
    """Whether an authenticator app (TOTP) protects the account; recovery codes alone don't."""
    return Authenticator.objects.filter(
        user_id=utilisateur.pk, type=Authenticator.Type.TOTP
    ).exists()
