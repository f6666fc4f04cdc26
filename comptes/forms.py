from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from dsfr.forms import DsfrBaseForm


class ConnexionForm(AuthenticationForm, DsfrBaseForm):
    # Labels are declared here: DsfrBaseForm renders fields as soon as it is built.
    username = UsernameField(label="Identifiant", widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez votre saisie.",
        "inactive": "Ce compte est désactivé.",
    }
