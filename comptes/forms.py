from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm


class ConnexionForm(AuthenticationForm, DsfrBaseForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez votre saisie.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
