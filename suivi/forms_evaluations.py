"""Forms of the evaluation pages: open one, write its findings and sections, decide."""

from django import forms
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat
from suivi.models import Bilan, Evaluation
from suivi.services.evaluations import (
    DECISIONS_MOTIVEES,
    SECTIONS,
    annees_du_contrat,
    periode_par_defaut,
)


def _periode(debut: int, fin: int) -> str:
    return str(fin) if debut == fin else f"{debut}-{fin}"


class OuvrirEvaluationForm(DsfrBaseForm):
    nature = forms.ChoiceField(
        label="Nature",
        choices=[("", "Choisissez"), *Evaluation.Nature.choices],
        error_messages={
            "required": "Choisissez la nature de l'évaluation.",
            "invalid_choice": "Choisissez la nature de l'évaluation.",
        },
    )

    def __init__(self, *args, contrat: Contrat, **kwargs):
        super().__init__(*args, **kwargs)
        annees = annees_du_contrat(contrat)
        message = f"Choisissez une année du contrat ({annees[0]} à {annees[-1]})."
        defauts = "; ".join(
            f"{nature.label.lower()} : {_periode(*periode_par_defaut(contrat, nature))}"
            for nature in Evaluation.Nature
        )
        self.fields["nature"].help_text = f"Périodes par défaut — {defauts}."
        for champ, label in (
            ("annee_debut", "Première année évaluée"),
            ("annee_fin", "Dernière année évaluée"),
        ):
            self.fields[champ] = forms.TypedChoiceField(
                label=label,
                choices=[("", "Selon la nature"), *((a, str(a)) for a in annees)],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": message},
            )


class SectionsEvaluationForm(DsfrBaseForm):
    """The sections Article 3 §1.5 asks for, each next to the figures the data gives."""

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        kwargs.setdefault("initial", {champ: getattr(evaluation, champ) for champ in SECTIONS})
        super().__init__(*args, **kwargs)
        for champ in SECTIONS:
            self.fields[champ] = forms.CharField(
                label=Evaluation._meta.get_field(champ).verbose_name.capitalize(),
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
            )


class ConstatForm(DsfrBaseForm):
    texte = forms.CharField(required=False)


class DecisionForm(DsfrBaseForm):
    """Labelled after the dossier: one form per row of the table of evaluated actions."""

    def __init__(self, *args, numero: str, **kwargs):
        kwargs.setdefault("auto_id", f"id_decision_{numero}_%s")
        super().__init__(*args, **kwargs)
        message = "Choisissez de poursuivre, de réorienter ou d'arrêter l'action."
        self.fields["decision"] = forms.ChoiceField(
            label=f"Décision sur le dossier {numero}",
            choices=[("", "Choisissez"), *Bilan.Recommandation.choices],
            error_messages={"required": message, "invalid_choice": message},
        )
        self.fields["motif"] = forms.CharField(
            label=f"Motif pour le dossier {numero}",
            help_text="Obligatoire pour réorienter ou arrêter l'action.",
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
        )

    def clean(self):
        donnees = super().clean()
        decision = donnees.get("decision")
        if decision in DECISIONS_MOTIVEES and not (donnees.get("motif") or "").strip():
            libelle = Bilan.Recommandation(decision).label
            self.add_error("motif", f"Indiquez le motif de la décision « {libelle} ».")
        return donnees
