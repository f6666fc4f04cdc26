"""Writes on accounts: the e-mail addresses allauth trusts, the reset of a second factor."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction

from comptes.actions import ActionCompte
from comptes.models import Utilisateur
from historique.journal import consigner
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


def reinitialiser_double_facteur(
    *, utilisateur: Utilisateur, acteur: Utilisateur | None, motif: str
) -> list[str]:
    """Remove the person's app and recovery codes (a lost phone), the types removed returned.

    They log in with their password alone, then set up a new app: where the second factor
    is required, the platform sends them to its activation (contrats.double_facteur).
    """
    with transaction.atomic():
        authentificateurs = Authenticator.objects.select_for_update().filter(user=utilisateur)
        types = sorted(authentificateurs.values_list("type", flat=True))
        if not types:
            return []
        authentificateurs.delete()
        enregistrer_evenement(
            acteur=acteur,
            objet=utilisateur,
            action=ActionCompte.DOUBLE_FACTEUR_REINITIALISATION,
            changements={"retires": types},
            motif=motif,
        )
    consigner(
        "double_facteur.reinitialisation",
        utilisateur=utilisateur.pk,
        par=acteur.pk if acteur else None,
    )
    return types
