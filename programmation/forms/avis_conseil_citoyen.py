"""The form of the conseil citoyen's avis on a programming: it reads what was typed, the
service decides (sens, texte for réserves, date of receipt, échéance)."""

from django import forms
from dsfr.forms import DsfrBaseForm

from programmation.forms.pilotage import champ_date
from programmation.selectors.avis_conseil_citoyen import choix_des_sens


class AvisConseilCitoyenForm(DsfrBaseForm):
    sens = forms.ChoiceField(
        label="Sens de l'avis",
        choices=[("", "Choisissez le sens de l'avis"), *choix_des_sens()],
        error_messages={
            "required": "Choisissez le sens de l'avis : favorable, favorable avec réserves ou "
            "défavorable.",
            "invalid_choice": "Choisissez le sens de l'avis : favorable, favorable avec réserves "
            "ou défavorable.",
        },
    )
    texte = forms.CharField(
        label="Texte de l'avis",
        required=False,
        help_text="Obligatoire pour un avis avec réserves ou défavorable : ses réserves ou ses "
        "motifs.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    recu_le = champ_date(
        "Reçu le",
        error_messages={
            "required": "Indiquez la date de réception de l'avis.",
            "invalid": "Indiquez une date valide (JJ/MM/AAAA).",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
