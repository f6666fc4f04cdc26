"""Accounts made by the platform or an administrator come with a trusted address.

Only people who sign up must prove their address by the link e-mailed to them
(`ACCOUNT_EMAIL_VERIFICATION = "mandatory"`). An account created otherwise (demo,
`createsuperuser`, the admin, a script) has an address chosen by someone the platform
trusts: it is recorded as verified, or allauth would stop it at its first login.
"""

from allauth.account.models import EmailAddress
from django.db.models.signals import post_save
from django.dispatch import receiver

from comptes.models import Utilisateur

# Set by comptes.adapter on the accounts allauth's sign-up creates.
MARQUE_INSCRIPTION = "_cree_par_inscription"


@receiver(post_save, sender=Utilisateur, dispatch_uid="comptes.adresse_de_confiance")
def adresse_de_confiance(sender, instance: Utilisateur, created: bool, raw: bool, **kwargs):
    if not created or raw or not instance.email or getattr(instance, MARQUE_INSCRIPTION, False):
        return
    EmailAddress.objects.get_or_create(
        user=instance,
        email=instance.email.lower(),
        defaults={"verified": True, "primary": True},
    )
