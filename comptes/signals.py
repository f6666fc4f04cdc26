"""Accounts made by the platform or an administrator come with a trusted address; every
login, failure, lockout and logout is a security event (historique.journal).

Only people who sign up must prove their address by the link e-mailed to them
(`ACCOUNT_EMAIL_VERIFICATION = "mandatory"`). An account created otherwise (demo,
`createsuperuser`, the admin, a script) has an address chosen by someone the platform
trusts: it is recorded as verified, or allauth would stop it at its first login.
"""

from allauth.account.models import EmailAddress
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from comptes.models import Utilisateur
from comptes.sessions import commencer
from historique.journal import consigner

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


@receiver(user_logged_in, dispatch_uid="comptes.journal_connexion")
def journal_connexion(sender, request, user, **kwargs) -> None:
    commencer(request)
    consigner("connexion.reussie", request, utilisateur=user.pk)


@receiver(user_login_failed, dispatch_uid="comptes.journal_echec")
def journal_echec(sender, credentials: dict, request=None, **kwargs) -> None:
    identifiant = credentials.get("username") or credentials.get("email") or ""
    consigner("connexion.echec", request, identifiant=identifiant)


@receiver(user_locked_out, dispatch_uid="comptes.journal_blocage")
def journal_blocage(sender, request, username, ip_address, **kwargs) -> None:
    consigner("connexion.blocage", request, identifiant=username, adresse=ip_address)


@receiver(user_logged_out, dispatch_uid="comptes.journal_deconnexion")
def journal_deconnexion(sender, request, user, **kwargs) -> None:
    consigner("deconnexion", request, utilisateur=user.pk if user else None)
