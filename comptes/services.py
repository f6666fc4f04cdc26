"""Writes on accounts: the e-mail addresses allauth trusts."""

from allauth.account.models import EmailAddress
from django.db import transaction

from comptes.actions import ActionCompte
from comptes.models import Utilisateur
from historique.services import enregistrer_evenement


def marquer_adresse_verifiee(
    *, utilisateur: Utilisateur, acteur: Utilisateur | None = None
) -> EmailAddress:
    """Trust the account's address without a confirmation link (demo and agent accounts).

    E-mail verification is mandatory at login: an account created by the platform itself
    would otherwise be stopped until someone reads a mailbox that may not exist.
    """
    email = utilisateur.email.lower()
    with transaction.atomic():
        adresse, creee = EmailAddress.objects.get_or_create(
            user=utilisateur, email=email, defaults={"verified": True, "primary": True}
        )
        if creee or not adresse.verified or not adresse.primary:
            EmailAddress.objects.filter(user=utilisateur, primary=True).exclude(
                pk=adresse.pk
            ).update(primary=False)
            adresse.verified = adresse.primary = True
            adresse.save(update_fields=["verified", "primary"])
            enregistrer_evenement(
                acteur=acteur,
                objet=utilisateur,
                action=ActionCompte.ADRESSE_VERIFIEE,
                changements={"adresse": email},
            )
    return adresse
