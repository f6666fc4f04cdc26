"""Forms of the conventions pluriannuelles d'objectifs: signing one, choosing a dossier's.

They read what was typed; the services check the rules (duration, years, amounts…)."""

from django import forms
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat, Organisation
from historique.horloge import aujourdhui
from programmation.forms.champs import ChampMontant
from programmation.forms.pilotage import champ_date
from programmation.models import ConventionPluriannuelle, Dossier
from programmation.permissions import structures_porteuses_du_contrat
from programmation.selectors.conventions_pluriannuelles import (
    conventions_au_choix,
    libelle_convention,
)


class SignatureConventionForm(DsfrBaseForm):
    numero = forms.CharField(label="Numéro de la convention", max_length=40)
    intitule = forms.CharField(label="Intitulé", max_length=250)
    structure = forms.ModelChoiceField(
        label="Structure porteuse", queryset=None, empty_label="Choisissez une structure"
    )
    financeur = forms.ModelChoiceField(
        label="Financeur", queryset=None, empty_label="Choisissez un financeur du contrat"
    )
    annee_debut = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    annee_fin = forms.IntegerField(
        label="Dernière année",
        min_value=2000,
        max_value=2100,
    )
    montant_annuel = ChampMontant(label="Montant annuel (€)")
    signee_le = champ_date("Signée le")

    def __init__(self, *args, contrat: Contrat, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("signee_le", aujourdhui())
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures_porteuses_du_contrat(contrat).order_by(
            "organisation__nom"
        )
        self.fields["structure"].label_from_instance = lambda s: s.organisation.nom
        self.fields["financeur"].queryset = Organisation.objects.filter(
            signatures__contrat=contrat
        ).order_by("nom")
        self.fields[
            "annee_fin"
        ].help_text = (
            f"{contrat.regle.duree_max_cpo} ans au plus, première et dernière années comprises."
        )


class ConventionDuDossierForm(DsfrBaseForm):
    convention = forms.ModelChoiceField(
        label="Convention pluriannuelle d'objectifs",
        queryset=None,
        required=False,
        empty_label="Aucune convention pluriannuelle",
        help_text="Les conventions de votre structure qui couvrent l'année de l'appel.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        kwargs.setdefault("initial", {}).update(
            {"convention": dossier.convention_pluriannuelle_id, "version": dossier.version}
        )
        super().__init__(*args, **kwargs)
        champ = self.fields["convention"]
        champ.queryset = conventions_au_choix(dossier) | ConventionPluriannuelle.objects.filter(
            pk=dossier.convention_pluriannuelle_id
        ).select_related("financeur")
        champ.label_from_instance = libelle_convention
