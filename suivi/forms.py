"""Forms of the bilan pages: the three sheets, a motif, a report of dates and its decision."""

from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm

from programmation.forms.champs import ChampMontant
from programmation.models import CompteBudget
from programmation.templatetags.montants import format_euros
from suivi.models import BeneficiairesBilan, Bilan
from suivi.services.bilans import CHAMPS_BILAN, SaisieBilan, empreinte_du_bilan
from suivi.services.ecarts import budget_previsionnel

MESSAGES_ENTIER = {
    "invalid": "Saisissez un nombre entier.",
    "min_value": "Saisissez un nombre positif ou nul.",
}
TRANCHES = list(BeneficiairesBilan.Tranche)
TEXTE = {"widget": forms.Textarea(attrs={"rows": 4}), "required": False}


def _entier(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, required=False, initial=0, error_messages=MESSAGES_ENTIER
    )


class BilanForm(DsfrBaseForm):
    """The bilan qualitatif, the table of figures and the attestation, on one page."""

    realisation = forms.CharField(label="Ce qui a été réalisé", **TEXTE)
    dates_et_lieux = forms.CharField(label="Dates et lieux de réalisation", **TEXTE)
    resultats = forms.CharField(
        label="Résultats au regard des indicateurs de l'action",
        help_text="Indicateurs du dossier, valeurs atteintes et écarts aux objectifs.",
        **TEXTE,
    )
    partenaires = forms.CharField(label="Partenaires mobilisés", **TEXTE)
    difficultes = forms.CharField(label="Difficultés rencontrées", **TEXTE)
    recommandation = forms.ChoiceField(
        label="Votre recommandation pour la suite",
        choices=[("", "Choisissez"), *Bilan.Recommandation.choices],
        required=False,
    )
    signataire = forms.CharField(
        label="Nom et qualité du signataire", max_length=250, required=False
    )
    atteste = forms.BooleanField(
        label=(
            "J'atteste sur l'honneur l'exactitude du compte rendu financier et du bilan "
            "qualitatif de l'action."
        ),
        required=False,
    )

    # The stored bilan this page was filled from (see empreinte_du_bilan).
    empreinte = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, bilan: Bilan, **kwargs):
        kwargs.setdefault("initial", self._initial(bilan))
        super().__init__(*args, **kwargs)
        self.prevus = budget_previsionnel(bilan)
        for rang, tranche in enumerate(TRANCHES):
            self.fields[f"femmes_{rang}"] = _entier(f"{tranche.label} : femmes")
            self.fields[f"hommes_{rang}"] = _entier(f"{tranche.label} : hommes")
            self.fields[f"qpv_{rang}"] = _entier(
                f"{tranche.label} : dont résidents du quartier prioritaire"
            )
        for compte in CompteBudget:
            prevu = self.prevus.get(compte.value, Decimal(0))
            self.fields[f"realise_{compte.value}"] = ChampMontant(
                label=f"{compte.label} : réalisé",
                help_text=f"Prévu : {format_euros(prevu)}",
                required=False,
            )
            self.fields[f"explication_{compte.value}"] = forms.CharField(
                label=f"{compte.label} : explication de l'écart",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    @staticmethod
    def _initial(bilan: Bilan) -> dict:
        initial = {champ: getattr(bilan, champ) for champ in CHAMPS_BILAN}
        initial["empreinte"] = empreinte_du_bilan(bilan)
        par_tranche = {b.tranche: b for b in bilan.beneficiaires.all()}
        for rang, tranche in enumerate(TRANCHES):
            b = par_tranche.get(tranche.value)
            initial[f"femmes_{rang}"] = b.femmes if b else 0
            initial[f"hommes_{rang}"] = b.hommes if b else 0
            initial[f"qpv_{rang}"] = b.residents_qpv if b else 0
        for ligne in bilan.lignes.all():
            initial[f"realise_{ligne.compte}"] = ligne.realise
            initial[f"explication_{ligne.compte}"] = ligne.explication
        return initial

    @property
    def tranches(self) -> list[tuple]:
        """(label, femmes, hommes, résidents du QPV) bound fields, for the template."""
        return [
            (t.label, self[f"femmes_{r}"], self[f"hommes_{r}"], self[f"qpv_{r}"])
            for r, t in enumerate(TRANCHES)
        ]

    @property
    def comptes(self) -> list[tuple]:
        """(label, provisional amount, real amount, explanation) for the template."""
        return [
            (
                c.label,
                self.prevus.get(c.value, Decimal(0)),
                self[f"realise_{c.value}"],
                self[f"explication_{c.value}"],
            )
            for c in CompteBudget
        ]

    def clean(self):
        donnees = super().clean()
        for rang, tranche in enumerate(TRANCHES):
            total = (donnees.get(f"femmes_{rang}") or 0) + (donnees.get(f"hommes_{rang}") or 0)
            if (donnees.get(f"qpv_{rang}") or 0) > total:
                self.add_error(
                    f"qpv_{rang}",
                    f"{tranche.label} : les résidents du quartier prioritaire font partie des "
                    f"{total} bénéficiaires.",
                )
        return donnees

    def saisie(self) -> SaisieBilan:
        d = self.cleaned_data
        return SaisieBilan(
            valeurs={champ: d[champ] for champ in CHAMPS_BILAN},
            beneficiaires={
                t.value: (d[f"femmes_{r}"] or 0, d[f"hommes_{r}"] or 0, d[f"qpv_{r}"] or 0)
                for r, t in enumerate(TRANCHES)
            },
            lignes={
                c.value: (d[f"realise_{c.value}"], d[f"explication_{c.value}"])
                for c in CompteBudget
            },
            empreinte=d["empreinte"] or None,
        )


class MotifForm(DsfrBaseForm):
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReportForm(DsfrBaseForm):
    date_debut = forms.DateField(
        label="Nouveau début de l'action", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_fin = forms.DateField(
        label="Nouvelle fin de l'action", widget=forms.DateInput(attrs={"type": "date"})
    )
    motif = forms.CharField(label="Motif de la demande", widget=forms.Textarea(attrs={"rows": 3}))


class DecisionReportForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("accepter", "Accepter le report"), ("refuser", "Refuser le report")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez d'accepter ou de refuser le report."},
    )
    motif = forms.CharField(
        label="Motif (obligatoire pour un refus)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
