"""Forms of the avenants' pages: they read what was typed; `contrats.avenants` decides."""

from django import forms
from django.db.models import Exists, OuterRef, Subquery

from contrats.models import AccordAvenant, Contrat, Organisation, RegleModification, Signataire

MESSAGE_DATE = "Indiquez une date valide (JJ/MM/AAAA)."


def _dsfr(champs: dict[str, forms.Field]) -> None:
    for champ in champs.values():
        widget = champ.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        widget.attrs["class"] = "fr-select" if isinstance(widget, forms.Select) else "fr-input"


class AvenantForm(forms.Form):
    regle = forms.ModelChoiceField(
        label="Règle suivie (Articles 4 et 5 du contrat)",
        queryset=RegleModification.objects.none(),
        empty_label="Choisissez la règle",
        error_messages={
            "required": "Choisissez la règle que suit l'avenant.",
            "invalid_choice": "Choisissez une règle de modification de ce contrat.",
        },
    )
    objet = forms.CharField(
        label="Objet",
        max_length=250,
        help_text="Un titre court, par exemple « Adhésion de l'EPT Paris Est Marne & Bois ».",
        error_messages={"required": "Donnez un objet à l'avenant (un titre court)."},
    )
    expose = forms.CharField(
        label="Exposé : ce que l'avenant change au contrat",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Exposez ce que l'avenant change au contrat."},
    )
    organisation_entrante = forms.ModelChoiceField(
        label="Organisation qui adhère (adhésion seulement)",
        help_text=(
            "Une organisation absente de la liste se crée d'abord dans l'administration "
            "(Organisations)."
        ),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Aucune",
        error_messages={"invalid_choice": "Choisissez une organisation qui n'est pas signataire."},
    )
    representant = forms.CharField(
        label="Représentée par (adhésion seulement)", max_length=250, required=False
    )
    qualite = forms.CharField(
        label="Qualité du représentant (adhésion seulement)", max_length=250, required=False
    )
    organisations_obligees = forms.ModelMultipleChoiceField(
        label="Signataires à qui l'avenant ajoute une obligation (modification seulement)",
        help_text="Leur accord exprès s'ajoute à celui de l'État et de la commune (Article 5).",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choisissez des signataires du contrat."},
    )
    prolongation_jusquau = forms.DateField(
        label="Prolonge le contrat jusqu'au (modification seulement)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": MESSAGE_DATE},
    )

    def __init__(self, *args, contrat: Contrat, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regle"].queryset = contrat.regles_modification.order_by("ordre")
        self.fields["organisation_entrante"].queryset = Organisation.objects.exclude(
            signatures__contrat=contrat
        ).order_by("nom")
        signature = Signataire.objects.filter(contrat=contrat, organisation=OuterRef("pk"))
        self.fields["organisations_obligees"].queryset = (
            Organisation.objects.filter(Exists(signature))
            .annotate(ordre=Subquery(signature.values("ordre")[:1]))
            .order_by("ordre")
        )
        _dsfr(self.fields)


class AccordForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation dont la lettre est enregistrée",
        queryset=Organisation.objects.none(),
        empty_label="Choisissez l'organisation",
        error_messages={
            "required": "Choisissez l'organisation qui répond.",
            "invalid_choice": "Choisissez une organisation dont l'accord est attendu.",
        },
    )
    sens = forms.ChoiceField(
        label="Réponse",
        choices=AccordAvenant.Sens.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si la lettre donne l'accord ou le refuse."},
    )
    date = forms.DateField(
        label="Date de la lettre",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de la lettre.", "invalid": MESSAGE_DATE},
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        _dsfr(self.fields)


class ComparaisonForm(forms.Form):
    de = forms.IntegerField(
        label="Version de départ",
        min_value=1,
        error_messages={
            "required": "Indiquez le numéro de la version de départ.",
            "invalid": "Le numéro de version est un nombre entier : 1, 2, 3…",
            "min_value": "Les versions sont numérotées à partir de 1.",
        },
    )
    a = forms.IntegerField(
        label="Version d'arrivée",
        min_value=1,
        error_messages={
            "required": "Indiquez le numéro de la version d'arrivée.",
            "invalid": "Le numéro de version est un nombre entier : 1, 2, 3…",
            "min_value": "Les versions sont numérotées à partir de 1.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self.fields)
