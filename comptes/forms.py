"""The account forms of django-allauth, rendered with the DSFR and worded in French."""

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from dsfr.forms import DsfrBaseForm

AIDE_MOT_DE_PASSE = (
    "12 caractères au moins. Évitez un mot de passe courant, uniquement des chiffres "
    "ou proche de vos nom et adresse."
)
LIBELLE_ADRESSE = "Adresse électronique"
LIBELLE_MOT_DE_PASSE = "Mot de passe"
LIBELLE_NOUVEAU = "Nouveau mot de passe"
LIBELLE_CONFIRMATION = "Confirmation du mot de passe"


class FormulaireDsfr(DsfrBaseForm):
    """Base of the allauth forms: DSFR widgets, French labels and help, no placeholders.

    allauth builds some fields inside its own `__init__` and words them itself:
    DsfrBaseForm, first in the method order, styles them once they exist, then the
    labels and help below replace allauth's on the fields and on their bound fields
    (DsfrBaseForm has already built those, and a bound field copies its label).
    """

    libelles: dict[str, str] = {}
    aides: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for nom, champ in self.fields.items():
            champ.widget.attrs.pop("placeholder", None)
            champ_lie = self[nom]
            if nom in self.libelles:
                champ.label = champ_lie.label = self.libelles[nom]
            if nom in self.aides:
                champ.help_text = champ_lie.help_text = self.aides[nom]


class ConnexionForm(FormulaireDsfr, allauth_forms.LoginForm):
    # One field for both: agents have an identifier, newcomers sign up with an address.
    libelles = {"login": "Identifiant ou adresse électronique", "password": LIBELLE_MOT_DE_PASSE}
    aides = {"login": "", "password": ""}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class InscriptionForm(FormulaireDsfr, allauth_forms.SignupForm):
    # allauth's adapter copies first_name and last_name onto the new account.
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]
    libelles = {
        "email": LIBELLE_ADRESSE,
        "password1": LIBELLE_MOT_DE_PASSE,
        "password2": LIBELLE_CONFIRMATION,
    }
    aides = {
        "email": "Elle sera votre identifiant. Un lien de confirmation vous y sera envoyé.",
        "password1": AIDE_MOT_DE_PASSE,
        "password2": "",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"


class DemandeReinitialisationForm(FormulaireDsfr, allauth_forms.ResetPasswordForm):
    libelles = {"email": LIBELLE_ADRESSE}
    aides = {"email": "Celle de votre compte : le lien de réinitialisation y sera envoyé."}


class NouveauMotDePasseForm(FormulaireDsfr, allauth_forms.ResetPasswordKeyForm):
    libelles = {"password1": LIBELLE_NOUVEAU, "password2": LIBELLE_CONFIRMATION}
    aides = {"password1": AIDE_MOT_DE_PASSE, "password2": ""}


class ChangementMotDePasseForm(FormulaireDsfr, allauth_forms.ChangePasswordForm):
    libelles = {
        "oldpassword": "Mot de passe actuel",
        "password1": LIBELLE_NOUVEAU,
        "password2": LIBELLE_CONFIRMATION,
    }
    aides = {"oldpassword": "", "password1": AIDE_MOT_DE_PASSE, "password2": ""}


class DefinitionMotDePasseForm(FormulaireDsfr, allauth_forms.SetPasswordForm):
    libelles = {"password1": LIBELLE_MOT_DE_PASSE, "password2": LIBELLE_CONFIRMATION}
    aides = {"password1": AIDE_MOT_DE_PASSE, "password2": ""}


class AjoutAdresseForm(FormulaireDsfr, allauth_forms.AddEmailForm):
    libelles = {"email": "Nouvelle adresse électronique"}
    aides = {"email": "Un lien de confirmation y sera envoyé ; l'ancienne reste active d'ici là."}


class ReauthentificationForm(FormulaireDsfr, allauth_forms.ReauthenticateForm):
    libelles = {"password": LIBELLE_MOT_DE_PASSE}
    aides = {"password": ""}


class ChampCodeMixin:
    """The one field of the second factor's forms: digits typed or pasted from the app.

    Focused at once where it is all the page asks; not on the activation page, whose
    steps and code QR come first.
    """

    focus = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        attributs = {"autocomplete": "one-time-code", "inputmode": "numeric"}
        if self.focus:
            attributs["autofocus"] = True
        self.fields["code"].widget.attrs.update(attributs)


class CodeDoubleFacteurForm(ChampCodeMixin, FormulaireDsfr, mfa_forms.AuthenticateForm):
    libelles = {"code": "Code de vérification"}
    aides = {
        "code": "Les 6 chiffres affichés par votre application d'authentification, "
        "ou l'un de vos codes de secours (8 chiffres)."
    }


class ReauthentificationDoubleFacteurForm(
    ChampCodeMixin, FormulaireDsfr, mfa_forms.ReauthenticateForm
):
    libelles = CodeDoubleFacteurForm.libelles
    aides = CodeDoubleFacteurForm.aides


class ActivationTotpForm(ChampCodeMixin, FormulaireDsfr, totp_forms.ActivateTOTPForm):
    focus = False
    libelles = {"code": "Code affiché par l'application"}
    aides = {"code": "6 chiffres, renouvelés toutes les 30 secondes."}
