"""The form that creates a contract from the previous generation's: it reads what was
typed; `contrats.generations` decides."""

from django import forms

from contrats.models import REGLES_GENERATION, Contrat, Generation

MESSAGE_DATE = "Indiquez une date valide (JJ/MM/AAAA)."


def generations_suivantes(precedent: Contrat) -> list[tuple[str, str]]:
    """The generations that start after the contract does (not its own prolongations)."""
    return [
        (valeur, libelle)
        for valeur, libelle in Generation.choices
        if (REGLES_GENERATION[valeur].premiere_annee or 0) > precedent.date_debut.year
    ]


class ContratSuivantForm(forms.Form):
    generation = forms.ChoiceField(
        label="Génération du nouveau contrat",
        error_messages={
            "required": "Choisissez la génération du nouveau contrat.",
            "invalid_choice": "Choisissez une génération qui suit celle de ce contrat.",
        },
    )
    titre = forms.CharField(
        label="Titre",
        max_length=250,
        error_messages={"required": "Donnez un titre au nouveau contrat."},
    )
    slug = forms.SlugField(
        label="Identifiant (dans les adresses des pages)",
        max_length=120,
        help_text=(
            "Lettres minuscules, chiffres et tirets, par exemple « villiers-sur-marne-2024-2030 »."
        ),
        error_messages={
            "required": "Donnez un identifiant au nouveau contrat.",
            "invalid": "L'identifiant ne prend que des lettres, des chiffres et des tirets.",
        },
    )
    date_debut = forms.DateField(
        label="Début",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez le début du contrat.", "invalid": MESSAGE_DATE},
    )
    date_fin = forms.DateField(
        label="Fin",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la fin du contrat.", "invalid": MESSAGE_DATE},
    )

    def __init__(self, *args, precedent: Contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["generation"].choices = generations_suivantes(precedent)
        for champ in self.fields.values():
            widget = champ.widget
            widget.attrs["class"] = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
