"""Forms of the rapport annuel's pages: the year, the perspectives, an avis, a transition."""

from django import forms
from dsfr.forms import DsfrBaseForm

from suivi.services.rapports import SENS_SAISIS

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class CreationRapportForm(DsfrBaseForm):
    annee = forms.TypedChoiceField(
        label="Année du rapport",
        coerce=int,
        error_messages={"required": "Choisissez l'année du rapport.", "invalid_choice": ""},
    )

    def __init__(self, *args, annees: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
        self.fields["annee"].error_messages["invalid_choice"] = (
            "Choisissez une année du contrat qui n'a pas encore de rapport."
        )


class PerspectivesForm(DsfrBaseForm):
    perspectives = forms.CharField(
        label="Perspectives",
        help_text=(
            "Ce que la ville et ses partenaires prévoient pour la suite du contrat : "
            "orientations, actions à poursuivre ou à réorienter. Séparez les paragraphes "
            "par une ligne vide."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )


class AvisForm(DsfrBaseForm):
    sens = forms.ChoiceField(
        label="Avis",
        choices=[(s.value, s.label) for s in SENS_SAISIS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le sens de l'avis."},
    )
    texte = forms.CharField(
        label="Texte de l'avis",
        help_text="Obligatoire pour un avis avec réserves ou défavorable.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    recu_le = forms.DateField(
        label="Reçu le",
        error_messages={
            "required": "Indiquez la date de réception de l'avis.",
            "invalid": "Saisissez une date valide.",
        },
        **DATE,
    )

    def __init__(self, *args, pk: int, **kwargs):
        # Each avis has its own form on the page: its own field names and identifiers.
        kwargs.setdefault("prefix", f"avis-{pk}")
        super().__init__(*args, **kwargs)


class TransitionRapportForm(DsfrBaseForm):
    """What a transition may carry: a motif; for the adoption, the délibération (the
    service says which it requires)."""

    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    date_deliberation = forms.DateField(
        label="Date de la délibération",
        required=False,
        error_messages={"invalid": "Saisissez une date de délibération valide."},
        **DATE,
    )
    reference_deliberation = forms.CharField(
        label="Référence de la délibération", max_length=100, required=False
    )
