"""The forms of the bodies' members and of the conseil citoyen's page: they read what was
typed, the services of gouvernance.services and gouvernance.conseil_citoyen decide."""

from django import forms

from gouvernance.models import MembreInstance

ERREUR_DATE = "Indiquez une date valide (JJ/MM/AAAA)."
FORMAT_DATE = "%Y-%m-%d"


def _champ_date(libelle: str, requis: str) -> forms.DateField:
    return forms.DateField(
        label=libelle,
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format=FORMAT_DATE),
        input_formats=[FORMAT_DATE, "%d/%m/%Y"],
        error_messages={"required": requis, "invalid": ERREUR_DATE},
    )


class MembreConseilForm(forms.Form):
    college = forms.ChoiceField(
        label="Collège",
        choices=MembreInstance.College.choices,
        error_messages={
            "required": "Choisissez le collège : celui des habitants ou celui des acteurs locaux.",
            "invalid_choice": "Choisissez le collège : celui des habitants ou celui des acteurs "
            "locaux.",
        },
    )
    nom = forms.CharField(
        label="Nom de la personne",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    organisation = forms.CharField(
        label="Association ou acteur local (collège des acteurs locaux)",
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    sexe = forms.ChoiceField(
        label="Sexe",
        choices=[("", "—"), *MembreInstance.Sexe.choices],
        required=False,
        error_messages={"invalid_choice": "Indiquez « Femme » ou « Homme »."},
    )
    tire_au_sort = forms.BooleanField(label="Tiré au sort", required=False)
    date_debut = _champ_date("Début du mandat", "Indiquez la date de début du mandat.")


class FinMandatForm(forms.Form):
    membre = forms.IntegerField(
        error_messages={
            "required": "Choisissez le membre dont le mandat prend fin.",
            "invalid": "Choisissez le membre dont le mandat prend fin.",
        }
    )
    date_fin = _champ_date("Fin du mandat", "Indiquez la date de fin du mandat.")


class CharteForm(forms.Form):
    texte = forms.CharField(
        label="Texte de la charte",
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 6}),
        error_messages={"required": "Recopiez le texte de la charte adoptée."},
    )
    adoptee_le = _champ_date("Adoptée le", "Indiquez la date d'adoption de la charte.")
    fichier = forms.FileField(
        label="Fichier de la charte (PDF, ODT, ODS, DOCX ou XLSX, 10 Mo au plus)",
        required=False,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def premiere_erreur(form: forms.Form) -> str:
    """The first message of an invalid form, as the page's flash message shows it."""
    for erreurs in form.errors.values():
        return erreurs[0]
    return "Le formulaire est incomplet."


class MembreInstanceForm(forms.Form):
    """A member of a body other than the conseil citoyen: an organisation of the contract,
    a person, or a person for one; `organisations`: the choices offered."""

    def __init__(self, *args, organisations: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.TypedChoiceField(
            label="Organisation représentée",
            choices=[("", "— Aucune (personne qualifiée) —"), *organisations],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.Select(attrs={"class": "fr-select"}),
            error_messages={
                "invalid_choice": "Choisissez une organisation signataire du contrat ou "
                "membre de cette instance."
            },
        )
        self.order_fields(["organisation", "nom", "qualite", "role", "date_debut"])

    nom = forms.CharField(
        label="Nom de la personne",
        help_text="Facultatif si une organisation est choisie.",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    qualite = forms.CharField(
        label="Qualité",
        help_text="Par exemple : adjointe au maire chargée de la politique de la ville.",
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    role = forms.ChoiceField(
        label="Rôle dans l'instance",
        choices=MembreInstance.Role.choices,
        initial=MembreInstance.Role.MEMBRE,
        widget=forms.Select(attrs={"class": "fr-select"}),
        error_messages={
            "required": "Choisissez le rôle : président, co-animateur, membre ou invité.",
            "invalid_choice": "Choisissez le rôle : président, co-animateur, membre ou invité.",
        },
    )
    date_debut = _champ_date("Début du mandat", "Indiquez la date de début du mandat.")

    def clean(self):
        donnees = super().clean()
        if not donnees.get("organisation") and not (donnees.get("nom") or "").strip():
            raise forms.ValidationError(
                "Indiquez l'organisation représentée, la personne qui siège, ou les deux."
            )
        return donnees
