from django import forms
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat, Domaine, ObjectifOperationnel
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
