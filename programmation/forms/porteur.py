"""Forms of the porteur's pages: its structure and the sections of a draft dossier."""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat, Organisation
from programmation.etats import Transition
from programmation.forms.champs import ChampMontant
from programmation.models import (
    Beneficiaires,
    CompteBudget,
    Dossier,
    LigneBudget,
    NatureCredit,
    PieceJointe,
    Structure,
)
from programmation.selectors.dossiers import (
    actions_du_plan_du_contrat,
    financeurs_possibles,
    objectifs_du_contrat,
)
from programmation.services.dossiers import CHAMPS_ACTION, SectionAction
from programmation.services.structures import CHAMPS as CHAMPS_STRUCTURE
from programmation.validateurs import valider_rna, valider_siret

MESSAGES_ENTIER = {
    "invalid": "Saisissez un nombre entier.",
    "min_value": "Saisissez un nombre positif ou nul.",
}


def _entier(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, error_messages=MESSAGES_ENTIER, **kwargs)


# The action section's own fields; the pillar and the lists are mapped separately.
CHAMPS_TEXTE_ACTION = tuple(
    champ for champ in CHAMPS_ACTION if champ not in {"pilier", "action_du_plan"}
)


class VersionForm(DsfrBaseForm):
    """The version of the dossier the person saw: a newer one in base is a conflict."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "La version du dossier manque : rechargez la page et recommencez.",
            "invalid": "La version du dossier manque : rechargez la page et recommencez.",
            "min_value": "La version du dossier manque : rechargez la page et recommencez.",
        },
    )


class StructureForm(DsfrBaseForm):
    nom = forms.CharField(label="Nom de la structure", max_length=250)
    type = forms.ChoiceField(label="Type de structure", choices=Structure.Type.choices)
    siret = forms.CharField(
        label="SIRET",
        max_length=14,
        validators=[valider_siret],
        help_text="14 chiffres, sans espace.",
    )
    rna = forms.CharField(
        label="Numéro RNA",
        max_length=10,
        required=False,
        validators=[valider_rna],
        help_text="Obligatoire pour une association : W suivi de 9 chiffres.",
    )
    adresse = forms.CharField(label="Adresse", max_length=250)
    code_postal = forms.CharField(
        label="Code postal",
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres.")],
    )
    commune = forms.CharField(label="Commune", max_length=150)
    representant_nom = forms.CharField(label="Nom du représentant légal", max_length=150)
    representant_qualite = forms.CharField(
        label="Qualité du représentant légal", max_length=150, help_text="Exemple : présidente."
    )
    salaries = _entier("Nombre de salariés", initial=0)
    benevoles = _entier("Nombre de bénévoles", initial=0)

    def __init__(self, *args, structure: Structure | None = None, nom: str = "", **kwargs):
        if structure is not None:
            kwargs.setdefault(
                "initial",
                {"nom": structure.organisation.nom}
                | {champ: getattr(structure, champ) for champ in CHAMPS_STRUCTURE},
            )
        elif nom:
            kwargs.setdefault("initial", {"nom": nom})
        super().__init__(*args, **kwargs)
        if structure is not None:
            # The services rename an organisation only when it registers its structure.
            self.fields["nom"].disabled = True
            # Bound fields are already built (DsfrBaseForm): update both.
            aide = "Pour changer de nom, contactez l'équipe projet."
            self.fields["nom"].help_text = self["nom"].help_text = aide

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        type_structure, rna = donnees.get("type"), donnees.get("rna")
        if type_structure == Structure.Type.ASSOCIATION and not rna and "rna" not in self.errors:
            self.add_error("rna", "Une association indique son numéro RNA.")
        if type_structure and type_structure != Structure.Type.ASSOCIATION and rna:
            self.add_error("rna", "Seule une association a un numéro RNA : laissez ce champ vide.")
        return donnees

    def valeurs(self) -> dict[str, Any]:
        return {champ: self.cleaned_data[champ] for champ in CHAMPS_STRUCTURE}


class NouveauDossierForm(DsfrBaseForm):
    intitule = forms.CharField(
        label="Intitulé de l'action",
        max_length=250,
        error_messages={"required": "Donnez un intitulé à l'action pour créer le dossier."},
    )


class SectionActionForm(VersionForm):
    intitule = forms.CharField(label="Intitulé de l'action", max_length=250)
    description = forms.CharField(
        label="Description de l'action", widget=forms.Textarea, required=False
    )
    objectifs = forms.CharField(
        label="Objectifs de l'action", widget=forms.Textarea, required=False
    )
    pilier = forms.TypedChoiceField(label="Pilier du contrat", coerce=int, required=False)
    action_du_plan = forms.TypedChoiceField(
        label="Action du plan d'actions du contrat que ce dossier met en œuvre (facultatif)",
        coerce=int,
        required=False,
        empty_value=None,
    )
    objectifs_operationnels = forms.TypedMultipleChoiceField(
        label="Objectifs opérationnels du contrat",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    axes = forms.TypedMultipleChoiceField(
        label="Thématiques transversales",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    public_vise = forms.CharField(label="Public visé", widget=forms.Textarea, required=False)
    part_residents_qpv = forms.IntegerField(
        label="Part des bénéficiaires résidant dans le quartier prioritaire (%)",
        min_value=0,
        max_value=100,
        required=False,
        error_messages={
            "invalid": "Saisissez un pourcentage entier.",
            "min_value": "La part est comprise entre 0 et 100 %%.",
            "max_value": "La part est comprise entre 0 et 100 %%.",
        },
    )
    lieux = forms.CharField(label="Lieux de réalisation", widget=forms.Textarea, required=False)
    date_debut = forms.DateField(
        label="Début de l'action",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    date_fin = forms.DateField(
        label="Fin de l'action",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    nb_salaries = _entier("Salariés mobilisés")
    etp_salaries = forms.DecimalField(
        label="Équivalents temps plein salariés",
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        error_messages={
            "invalid": "Saisissez un nombre, par exemple 1,5.",
            "min_value": "Saisissez un nombre positif ou nul.",
        },
    )
    nb_benevoles = _entier("Bénévoles mobilisés")

    def __init__(self, *args, dossier: Dossier, **kwargs):
        contrat: Contrat = dossier.appel.contrat
        kwargs.setdefault(
            "initial",
            {
                "version": dossier.version,
                **{champ: getattr(dossier, champ) for champ in CHAMPS_TEXTE_ACTION},
                "pilier": dossier.pilier_id,
                "action_du_plan": dossier.action_du_plan_id,
                "objectifs_operationnels": [o.pk for o in dossier.objectifs_operationnels.all()],
                "axes": [a.pk for a in dossier.axes.all()],
            },
        )
        super().__init__(*args, **kwargs)
        self._piliers = {p.pk: p for p in contrat.piliers.all()}
        self._objectifs = {o.pk: o for o in objectifs_du_contrat(contrat)}
        self._axes = {a.pk: a for a in contrat.axes.all()}
        self._actions = {a.pk: a for a in actions_du_plan_du_contrat(contrat)}
        self.fields["action_du_plan"].choices = [("", "Aucune")] + [
            (a.pk, f"Fiche {a.fiche_page} · {a.intitule}") for a in self._actions.values()
        ]
        self.fields["pilier"].choices = [("", "Choisir un pilier")] + [
            (p.pk, f"Pilier {p.numero} · {p.intitule}") for p in self._piliers.values()
        ]
        self.fields["objectifs_operationnels"].choices = [
            (o.pk, f"{o.numero} {o.intitule}") for o in self._objectifs.values()
        ]
        self.fields["axes"].choices = [
            (a.pk, f"{a.numero} {a.intitule}") for a in self._axes.values()
        ]
        for nom in ("objectifs_operationnels", "axes"):
            # django-dsfr marks checkbox groups with a non-standard attribute; keep HTML valid.
            self.fields[nom].widget.attrs.pop("dsfr", None)

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "La date de fin ne peut pas précéder la date de début.")
        return donnees

    def section(self) -> SectionAction:
        d = self.cleaned_data
        valeurs = {champ: d[champ] for champ in CHAMPS_TEXTE_ACTION}
        valeurs["pilier"] = self._piliers.get(d["pilier"]) if d["pilier"] else None
        valeurs["action_du_plan"] = self._actions.get(d["action_du_plan"])
        return SectionAction(
            valeurs=valeurs,
            objectifs_operationnels=[self._objectifs[pk] for pk in d["objectifs_operationnels"]],
            axes=[self._axes[pk] for pk in d["axes"]],
        )


class PublicForm(VersionForm):
    """Women and men targeted in each age band (CERFA 12156, public bénéficiaire)."""

    def __init__(self, *args, dossier: Dossier, **kwargs):
        existants = {b.tranche: b for b in dossier.beneficiaires.all()}
        initial = {"version": dossier.version}
        for tranche in Beneficiaires.Tranche:
            b = existants.get(tranche.value)
            initial[nom_champ_public(tranche, "femmes")] = b.femmes if b else 0
            initial[nom_champ_public(tranche, "hommes")] = b.hommes if b else 0
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.tranches = [
            (
                tranche.label,
                self[nom_champ_public(tranche, "femmes")],
                self[nom_champ_public(tranche, "hommes")],
            )
            for tranche in Beneficiaires.Tranche
        ]

    def effectifs(self) -> dict[str, tuple[int, int]]:
        return {
            tranche.value: (
                self.cleaned_data[nom_champ_public(tranche, "femmes")],
                self.cleaned_data[nom_champ_public(tranche, "hommes")],
            )
            for tranche in Beneficiaires.Tranche
        }


def nom_champ_public(tranche: Beneficiaires.Tranche, sexe: str) -> str:
    return f"{sexe}_{tranche.name.lower()}"


for _tranche in Beneficiaires.Tranche:
    PublicForm.base_fields[nom_champ_public(_tranche, "femmes")] = _entier(
        f"Femmes ({_tranche.label})"
    )
    PublicForm.base_fields[nom_champ_public(_tranche, "hommes")] = _entier(
        f"Hommes ({_tranche.label})"
    )


CHOISIR = [("", "Choisir")]


class LigneBudgetForm(DsfrBaseForm):
    sens = forms.ChoiceField(label="Sens", choices=[*CHOISIR, *LigneBudget.Sens.choices])
    compte = forms.ChoiceField(label="Compte", choices=[*CHOISIR, *CompteBudget.choices])
    libelle = forms.CharField(label="Libellé", max_length=250)
    montant = ChampMontant(
        label="Montant (€)",
        min_value=Decimal(0),
        error_messages={"min_value": "Le montant ne peut pas être négatif."},
    )
    financeur = forms.ModelChoiceField(
        label="Financeur",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Aucun",
    )
    nature = forms.ChoiceField(
        label="Nature", choices=[("", "—"), *NatureCredit.choices], required=False
    )

    def __init__(self, *args, financeurs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if financeurs is not None:
            self.fields["financeur"].queryset = financeurs

    def ligne(self) -> dict[str, Any]:
        return {
            champ: self.cleaned_data[champ]
            for champ in ("sens", "compte", "libelle", "montant", "financeur", "nature")
        }


class BaseBudgetFormSet(forms.BaseFormSet):
    def lignes(self) -> list[dict[str, Any]]:
        """The lines to keep: filled in and not ticked for deletion (formset is valid)."""
        return [
            form.ligne()
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]

    def lignes_valides(self) -> list[dict[str, Any]]:
        """Lines already valid, for live totals while the porteur types."""
        return [
            form.ligne()
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]


PREFIXE_BUDGET = "lignes"


def formset_budget(dossier: Dossier, donnees=None, lignes_en_plus: int = 3) -> BaseBudgetFormSet:
    financeurs = financeurs_possibles(dossier.appel.contrat)
    initial = [
        {
            "sens": ligne.sens,
            "compte": ligne.compte,
            "libelle": ligne.libelle,
            "montant": ligne.montant,
            "financeur": ligne.financeur_id,
            "nature": ligne.nature,
        }
        for ligne in dossier.lignes_budget.all()
    ]
    classe = forms.formset_factory(
        LigneBudgetForm, formset=BaseBudgetFormSet, extra=lignes_en_plus, can_delete=True
    )
    return classe(
        donnees,
        initial=initial,
        prefix=PREFIXE_BUDGET,
        form_kwargs={"financeurs": financeurs},
    )


class PieceForm(DsfrBaseForm):
    nature = forms.ChoiceField(label="Nature de la pièce", choices=PieceJointe.Nature.choices)
    fichier = forms.FileField(
        label="Fichier",
        error_messages={
            "required": "Choisissez un fichier à ajouter.",
            "empty": "Ce fichier est vide.",
        },
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].widget.attrs["class"] = "fr-upload"
        self.fields["fichier"].widget.group_class = "fr-upload-group"
        limite = settings.TAILLE_MAX_PIECE_JOINTE // (1024 * 1024)
        aide = f"Au format PDF uniquement, {limite} Mo au plus."
        self.fields["fichier"].help_text = self["fichier"].help_text = aide


def _champ_validite(libelle: str) -> forms.DateField:
    return forms.DateField(
        label=libelle,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date valide."},
    )


class DocumentForm(PieceForm):
    """A piece of the structure's porte-documents: its nature, its PDF, when it is valid."""

    valide_du = _champ_validite("Valable à partir du")
    valide_au = _champ_validite("Valable jusqu'au")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        aide = "Facultatif : sans date, la pièce vaut pour tous les dépôts."
        self.fields["valide_au"].help_text = self["valide_au"].help_text = aide

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        du, au = donnees.get("valide_du"), donnees.get("valide_au")
        if du and au and au < du:
            self.add_error("valide_au", "La fin de validité ne peut pas précéder son début.")
        return donnees


class RemplacementDocumentForm(DocumentForm):
    """A new file for a piece of the porte-documents: its nature stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["nature"]


class ConfirmationDepotForm(VersionForm):
    confirmation = forms.BooleanField(
        label="Je confirme le dépôt de mon dossier. Après le dépôt, il ne pourra plus être "
        "modifié.",
        error_messages={"required": "Cochez la case pour confirmer le dépôt du dossier."},
    )


class TransitionForm(VersionForm):
    """A button of the state machine; the services check the motif when one is required."""

    motif = forms.CharField(label="Motif", widget=forms.Textarea, required=False)

    def __init__(self, *args, transition: Transition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if transition is not None and transition.motif_obligatoire:
            libelle = f"Motif ({transition.libelle.lower()}), communiqué au porteur"
            self.fields["motif"].label = self["motif"].label = libelle
            self.fields["motif"].widget.attrs["required"] = True
