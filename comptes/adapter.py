"""How django-allauth behaves here: French refusals in the words of the platform."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from comptes.signals import MARQUE_INSCRIPTION

IDENTIFIANTS_INCORRECTS = "Identifiant ou mot de passe incorrect. Vérifiez votre saisie."


class AdaptateurComptes(DefaultAccountAdapter):
    # Same message whatever was typed: it tells nobody which accounts exist.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": IDENTIFIANTS_INCORRECTS,
        "email_password_mismatch": IDENTIFIANTS_INCORRECTS,
        "invalid_login": IDENTIFIANTS_INCORRECTS,
        "account_inactive": "Ce compte est désactivé.",
        "too_many_login_attempts": (
            "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes."
        ),
        "rate_limited": "Trop de demandes en peu de temps. Réessayez dans quelques minutes.",
        "enter_current_password": "Saisissez votre mot de passe actuel.",
        "duplicate_email": "Cette adresse électronique est déjà celle de votre compte.",
        "email_taken": "Un compte utilise déjà cette adresse électronique.",
        "invalid_password_reset": "Ce lien de réinitialisation n'est pas valide.",
    }

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return reverse("comptes:mon_compte")

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        # A sign-up proves its address by the link: no trusted address for this one.
        setattr(user, MARQUE_INSCRIPTION, True)
        return super().save_user(request, user, form, commit)
