"""The second factor (allauth's MFA) in the platform's words, and its security events.

Activation, deactivation, renewed recovery codes, a recovery code used and a wrong code
are each one line of the security log (historique.journal); activation, deactivation and
renewal also leave an event in the history, on the person's account. Who must have a
second factor is decided by contrats.double_facteur, which sees the roles.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from django.dispatch import receiver
from django.http import HttpRequest

from comptes.actions import ActionCompte
from comptes.models import Utilisateur
from historique.journal import consigner
from historique.services import enregistrer_evenement

TOTP = Authenticator.Type.TOTP
CODES_DE_SECOURS = Authenticator.Type.RECOVERY_CODES


class AdaptateurDoubleFacteur(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "Code incorrect. Saisissez le code à 6 chiffres que votre application affiche "
            "en ce moment, ou l'un de vos codes de secours pas encore utilisé."
        ),
        "cannot_delete_authenticator": "Vous ne pouvez pas désactiver la double authentification.",
        "cannot_generate_recovery_codes": (
            "Activez d'abord la double authentification : les codes de secours l'accompagnent."
        ),
        "unverified_email": (
            "Confirmez d'abord votre adresse électronique (lien envoyé par courriel), "
            "puis activez la double authentification."
        ),
        "add_email_blocked": (
            "Ce compte est protégé par la double authentification : "
            "son adresse électronique ne peut pas être ajoutée ainsi."
        ),
    }


def _historiser(utilisateur: Utilisateur, action: ActionCompte) -> None:
    # The person acts on their own account; an administrator's reset is recorded by
    # comptes.services.reinitialiser_double_facteur.
    enregistrer_evenement(acteur=utilisateur, objet=utilisateur, action=action)


# Each change of a person's second factor: its line in the security log and its event in
# the history, under the signal allauth sends for it.
CHANGEMENTS = {
    authenticator_added: ("double_facteur.activation", ActionCompte.DOUBLE_FACTEUR_ACTIVATION),
    authenticator_removed: (
        "double_facteur.desactivation",
        ActionCompte.DOUBLE_FACTEUR_DESACTIVATION,
    ),
    authenticator_reset: (
        "double_facteur.codes_renouveles",
        ActionCompte.CODES_DE_SECOURS_RENOUVELLEMENT,
    ),
}


@receiver(list(CHANGEMENTS), dispatch_uid="comptes.double_facteur_change")
def double_facteur_change(
    sender, signal, request: HttpRequest, user: Utilisateur, authenticator: Authenticator, **kwargs
) -> None:
    # The recovery codes come with the app: the app's activation and removal are the
    # events; a renewal concerns the codes alone.
    if signal is not authenticator_reset and authenticator.type != TOTP:
        return
    evenement, action = CHANGEMENTS[signal]
    consigner(evenement, request, utilisateur=user.pk)
    _historiser(user, action)


@receiver(authenticator_used, dispatch_uid="comptes.code_de_secours_utilise")
def code_de_secours_utilise(
    sender, request: HttpRequest, user: Utilisateur, authenticator: Authenticator, **kwargs
) -> None:
    # A recovery code used means the phone may be lost: worth a look by whoever reads the log.
    if authenticator.type == CODES_DE_SECOURS:
        # Read again: allauth marked the code used on another copy of the row.
        restants = len(Authenticator.objects.get(pk=authenticator.pk).wrap().get_unused_codes())
        consigner(
            "double_facteur.code_de_secours",
            request,
            utilisateur=user.pk,
            codes_restants=restants,
        )


@receiver(authentication_failed, dispatch_uid="comptes.double_facteur_echec")
def double_facteur_echec(sender, request: HttpRequest, user: Utilisateur, **kwargs) -> None:
    consigner(
        "double_facteur.echec",
        request,
        utilisateur=user.pk,
        reauthentification=bool(kwargs.get("reauthentication")),
    )
