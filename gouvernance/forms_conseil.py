"""The forms of the conseil citoyen's page: they read what was typed, the services of
gouvernance.conseil_citoyen decide."""

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
