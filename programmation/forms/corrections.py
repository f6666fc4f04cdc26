"""Forms of the corrections: compléments asked, a decision reversed, a payment cancelled."""

from datetime import timedelta

from django import forms
from dsfr.forms import DsfrBaseForm

from historique.horloge import aujourdhui
from programmation.forms.porteur import VersionForm
from programmation.models import SectionDossier

FORMAT_DATE = "%Y-%m-%d"
DELAI_PAR_DEFAUT = timedelta(days=15)


class DemandeComplementsForm(VersionForm):
    message = forms.CharField(
        label="Message au porteur",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce qu'il doit corriger ou fournir ; le porteur le lit sur son dossier et "
        "le reçoit par courriel.",
    )
    sections = forms.MultipleChoiceField(
        label="Parties du dossier à reprendre",
        choices=SectionDossier.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une partie du dossier à compléter."},
    )
    echeance = forms.DateField(
        label="À compléter avant le",
        widget=forms.DateInput(attrs={"type": "date"}, format=FORMAT_DATE),
        input_formats=[FORMAT_DATE, "%d/%m/%Y"],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("echeance", aujourdhui() + DELAI_PAR_DEFAUT)
        super().__init__(*args, **kwargs)


class MotifForm(VersionForm):
    motif = forms.CharField(
        label="Motif, inscrit au relevé de la séance et communiqué au porteur",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class AnnulationPaiementForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif de l'annulation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif de l'annulation du paiement."},
    )
