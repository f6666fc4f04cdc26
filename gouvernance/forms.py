"""The forms of the meetings' pages: they read what was typed, the services decide."""

from django import forms

from contrats.models import Contrat, Instance
from gouvernance.services import Horaire


class SeanceForm(forms.Form):
    instance = forms.ModelChoiceField(
        label="Instance",
        queryset=Instance.objects.none(),
        error_messages={"required": "Choisissez l'instance réunie."},
    )
    titre = forms.CharField(
        label="Titre", max_length=250, error_messages={"required": "Donnez un titre à la séance."}
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Indiquez la date de la séance.",
            "invalid": "Indiquez une date valide (JJ/MM/AAAA).",
        },
    )
    heure_debut = forms.TimeField(
        label="Heure de début",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Indiquez une heure valide (HH:MM)."},
    )
    heure_fin = forms.TimeField(
        label="Heure de fin",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Indiquez une heure valide (HH:MM)."},
    )
    lieu = forms.CharField(label="Lieu", max_length=250, required=False)
    lien_visio = forms.URLField(
        label="Lien de visioconférence",
        assume_scheme="https",
        required=False,
        error_messages={"invalid": "Indiquez une adresse web complète (https://…)."},
    )
    ordre_du_jour = forms.CharField(
        label="Présentation de l'ordre du jour", required=False, widget=forms.Textarea
    )

    def __init__(self, *args, contrat: Contrat, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instance"].queryset = contrat.instances.order_by("ordre")
        for nom, champ in self.fields.items():
            if nom != "instance":
                champ.widget.attrs["class"] = "fr-input"

    def horaire(self) -> Horaire:
        return Horaire(self.cleaned_data["heure_debut"], self.cleaned_data["heure_fin"])


class PointForm(forms.Form):
    objet = forms.CharField(label="Objet examiné", required=False)
    intitule = forms.CharField(label="Intitulé", max_length=300, required=False)


class DecisionPointForm(forms.Form):
    decision = forms.CharField(
        label="Décision",
        max_length=300,
        error_messages={"required": "Écrivez la décision."},
    )
    motif = forms.CharField(label="Motif ou précision", required=False, widget=forms.Textarea)


class AnnulationForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'annulation",
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class DocumentForm(forms.Form):
    titre = forms.CharField(
        label="Titre",
        max_length=250,
        error_messages={"required": "Donnez un titre au document."},
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    fichier = forms.FileField(
        label="Fichier (PDF, ODT, ODS, DOCX ou XLSX, 10 Mo au plus)",
        error_messages={"required": "Choisissez le fichier à joindre."},
    )


def presences_postees(donnees) -> dict[int, tuple[str, str]]:
    """{membre id: (état, représenté par)} from the attendance form's fields, as typed: the
    service checks every member has a line and each state is known."""
    presences = {}
    for cle, etat in donnees.items():
        if cle.startswith("etat_") and cle[5:].isdigit() and etat:
            pk = int(cle[5:])
            presences[pk] = (etat, donnees.get(f"represente_par_{pk}", ""))
    return presences
