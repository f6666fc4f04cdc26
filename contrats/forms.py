from django import forms
from dsfr.forms import DsfrBaseForm

from contrats.equipe import MESSAGE_ADRESSE_INVALIDE, instances_du_contrat, organisations_du_contrat
from contrats.models import (
    ROLES_INVITABLES,
    Contrat,
    Domaine,
    Instance,
    ObjectifOperationnel,
    Organisation,
)
from contrats.selectors import FiltresPlan, cle_numero


class FiltresPlanForm(DsfrBaseForm):
    """Filters of the action plan; an unknown value is refused rather than ignored."""

    pilier = forms.ChoiceField(label="Pilier", required=False)
    domaine = forms.ChoiceField(label="Domaine", required=False)
    objectif = forms.ChoiceField(label="Objectif opérationnel", required=False)

    def __init__(self, *args, contrat: Contrat, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        tous = [("", "Tous")]
        self.fields["pilier"].choices = tous + [
            (p.numero, f"{p.numero}. {p.intitule}") for p in contrat.piliers.all()
        ]
        self.fields["domaine"].choices = tous + [
            (d.numero, f"{d.numero} {d.intitule}")
            for d in Domaine.objects.filter(pilier__contrat=contrat).order_by("numero")
        ]
        objectifs = sorted(
            ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat),
            key=lambda o: cle_numero(o.numero),
        )
        self.fields["objectif"].choices = tous + [
            (o.numero, f"{o.numero} {o.intitule}") for o in objectifs
        ]

    def filtres(self) -> FiltresPlan:
        if not self.is_bound or not self.is_valid():
            return FiltresPlan()
        return FiltresPlan(**self.cleaned_data)


class RattachementForm(DsfrBaseForm):
    """A role of the team and what it is held for: an organisation or a body."""

    role = forms.ChoiceField(label="Rôle", choices=[(r.value, r.label) for r in ROLES_INVITABLES])
    organisation = forms.ModelChoiceField(
        label="Organisation",
        help_text="Pour un financeur : l'organisation pour laquelle il agit.",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Aucune",
        error_messages={"invalid_choice": "Choisissez une organisation partie à ce contrat."},
    )
    instance = forms.ModelChoiceField(
        label="Instance",
        help_text="Pour un membre d'instance : l'instance où il siège.",
        queryset=Instance.objects.none(),
        required=False,
        empty_label="Aucune",
        error_messages={"invalid_choice": "Choisissez une instance de ce contrat."},
    )

    def __init__(self, *args, contrat: Contrat, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_du_contrat(contrat)
        self.fields["instance"].queryset = instances_du_contrat(contrat)


class InvitationForm(RattachementForm):
    email = forms.EmailField(
        label="Adresse électronique de la personne invitée",
        error_messages={"invalid": MESSAGE_ADRESSE_INVALIDE},
    )

    field_order = ["email", "role", "organisation", "instance"]
