"""allauth's pages under French addresses, with the URL names allauth reverses.

Not namespaced: allauth reverses "account_login", "account_signup"… Only the pages of
the features switched on in settings are listed (no login by code, no social accounts;
for the second factor, an app and recovery codes, no security keys).
"""

from allauth.account import views as allauth_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as codes_views
from allauth.mfa.totp import views as totp_views
from django.urls import path, re_path

from comptes import views, views_double_facteur

DOUBLE_FACTEUR = "double-authentification/"

urlpatterns = [
    path("connexion/", views.connexion, name="account_login"),
    path("deconnexion/", views.Deconnexion.as_view(), name="account_logout"),
    path("inscription/", allauth_views.signup, name="account_signup"),
    path("compte-inactif/", allauth_views.account_inactive, name="account_inactive"),
    path("reauthentification/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("adresse/", allauth_views.email, name="account_email"),
    path(
        "confirmation/",
        allauth_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirmation/(?P<key>[-:\w]+)/$",
        allauth_views.confirm_email,
        name="account_confirm_email",
    ),
    path(
        "mot-de-passe/modifier/",
        allauth_views.password_change,
        name="account_change_password",
    ),
    path("mot-de-passe/definir/", allauth_views.password_set, name="account_set_password"),
    path(
        "mot-de-passe/reinitialisation/",
        allauth_views.password_reset,
        name="account_reset_password",
    ),
    path(
        "mot-de-passe/reinitialisation/envoyee/",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^mot-de-passe/reinitialisation/cle/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "mot-de-passe/reinitialisation/terminee/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path(DOUBLE_FACTEUR, views_double_facteur.double_facteur, name="mfa_index"),
    path(f"{DOUBLE_FACTEUR}code/", mfa_views.authenticate, name="mfa_authenticate"),
    path(
        f"{DOUBLE_FACTEUR}reauthentification/",
        mfa_views.reauthenticate,
        name="mfa_reauthenticate",
    ),
    path(f"{DOUBLE_FACTEUR}activer/", totp_views.activate_totp, name="mfa_activate_totp"),
    path(f"{DOUBLE_FACTEUR}desactiver/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path(
        f"{DOUBLE_FACTEUR}codes-de-secours/",
        codes_views.view_recovery_codes,
        name="mfa_view_recovery_codes",
    ),
    path(
        f"{DOUBLE_FACTEUR}codes-de-secours/generer/",
        codes_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        f"{DOUBLE_FACTEUR}codes-de-secours/telecharger/",
        codes_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
]
