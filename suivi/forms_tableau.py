"""The filters of the tableau de bord, read from its query string."""

from django import forms
from dsfr.forms import DsfrBaseForm

from suivi.selectors.tableau_de_bord import CRITERES_REALISATION, Filtres, Options

NOMS = {
    "annee": "Année",
    "pilier": "Pilier",
    "domaine": "Domaine",
    "objectif": "Objectif opérationnel",
    "financeur": "Financeur",
    "nature": "Nature de crédits",
}


def _choix(libelle: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=libelle, required=False, coerce=int, empty_value=None)


class FiltreTableauDeBordForm(DsfrBaseForm):
    """A value that is not one of the choices is left out on its own, with its message:
    the other filters still apply."""

    annee = _choix(NOMS["annee"])
    pilier = _choix(NOMS["pilier"])
    domaine = _choix(NOMS["domaine"])
    objectif = _choix(NOMS["objectif"])
    financeur = _choix(NOMS["financeur"])
    nature = forms.ChoiceField(label=NOMS["nature"], required=False)
    programmes = forms.BooleanField(required=False, widget=forms.HiddenInput)
    realisation = forms.ChoiceField(
        required=False, choices=[("", ""), *CRITERES_REALISATION.items()], widget=forms.HiddenInput
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput
    )

    def __init__(self, *args, options: Options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes les années"), *options.annees]
        self.fields["pilier"].choices = [("", "Tous les piliers"), *options.piliers]
        self.fields["domaine"].choices = [("", "Tous les domaines"), *options.domaines]
        self.fields["objectif"].choices = [("", "Tous les objectifs"), *options.objectifs]
        self.fields["financeur"].choices = [("", "Tous les financeurs"), *options.financeurs]
        self.fields["nature"].choices = [("", "Toutes les natures"), *options.natures]

    def _lu(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filtres(self) -> Filtres:
        lu = self._lu()
        return Filtres(
            **{
                cle: valeur
                for cle, valeur in lu.items()
                if cle in NOMS and valeur not in (None, "")
            },
            programmes=bool(lu.get("programmes")),
            realisation=lu.get("realisation") or "",
        )

    def numero_de_page(self) -> int:
        return self._lu().get("page") or 1

    def ignores(self) -> list[str]:
        """One French sentence per filter left out for its value."""
        if not self.is_bound:
            return []
        self.is_valid()
        return [
            f"Filtre « {NOMS[cle]} » ignoré : la valeur « {self.data.get(cle)} » est inconnue."
            for cle in self.errors
            if cle in NOMS
        ]
