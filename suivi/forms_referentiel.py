"""Forms of the evaluation referential: an indicator's definition, one of its measures."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat, FicheAction, ObjectifOperationnel
from programmation.forms.champs import ESPACES_MILLIERS, MONTANT_FRANCAIS, ChampMontant
from programmation.forms.pilotage import champ_date
from suivi.models import IndicateurResultat
from suivi.services.referentiel import (
    CHAMPS,
    REFUS_LES_DEUX,
    REFUS_NI_L_UN_NI_L_AUTRE,
    DonneesIndicateur,
)

EXEMPLE = "Saisissez un nombre en notation française, par exemple 1 234,5 ou 9,15."


def lire_nombre(texte: str) -> Decimal:
    """ "1 234,5" → Decimal("1234.5"), "-3" → Decimal("-3"); anything else is refused."""
    compact = ESPACES_MILLIERS.sub("", texte.strip()).removesuffix("%").strip()
    signe, chiffres = ("-", compact[1:]) if compact.startswith("-") else ("", compact)
    if not MONTANT_FRANCAIS.fullmatch(chiffres):
        raise ValidationError(EXEMPLE, code="invalid")
    return Decimal(signe + chiffres.replace(",", "."))


class ChampNombre(ChampMontant):
    """A value of an indicator, typed the French way: two decimals at most, any sign."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return lire_nombre(str(value))


class IndicateurForm(DsfrBaseForm):
    code = forms.SlugField(
        label="Code",
        max_length=60,
        help_text="Minuscules sans accents, chiffres et tirets, unique dans le contrat "
        "(ex. : taux-chomage-qpv).",
        error_messages={
            "invalid": "Le code s'écrit en minuscules sans accents, chiffres et tirets."
        },
    )
    libelle = forms.CharField(label="Libellé", max_length=300)
    unite = forms.CharField(label="Unité", max_length=40, help_text="Par exemple %, personnes.")
    objectif = forms.ModelChoiceField(
        label="Objectif opérationnel mesuré",
        queryset=ObjectifOperationnel.objects.none(),
        required=False,
        empty_label="Aucun (l'indicateur mesure une action du plan)",
    )
    action = forms.ModelChoiceField(
        label="Ou action du plan mesurée",
        queryset=FicheAction.objects.none(),
        required=False,
        empty_label="Aucune (l'indicateur mesure un objectif opérationnel)",
    )
    valeur_reference = ChampNombre(label="Valeur de référence", required=False)
    date_reference = champ_date(
        "Date de la valeur de référence", required=False, help_text="Au format jj/mm/aaaa."
    )
    valeur_cible = ChampNombre(label="Cible")
    date_cible = champ_date("Échéance de la cible", help_text="Au format jj/mm/aaaa.")
    sens = forms.ChoiceField(label="Sens attendu", choices=IndicateurResultat.Sens.choices)
    calcul = forms.ChoiceField(
        label="Origine des mesures", choices=IndicateurResultat.Calcul.choices
    )
    source = forms.CharField(label="Source", max_length=250, required=False)
    mesure_par = forms.CharField(label="Qui mesure", max_length=250, required=False)

    def __init__(
        self, *args, contrat: Contrat, indicateur: IndicateurResultat | None = None, **kwargs
    ):
        if indicateur is not None and "initial" not in kwargs:
            kwargs["initial"] = {champ: getattr(indicateur, champ) for champ in CHAMPS}
        super().__init__(*args, **kwargs)
        self.fields["objectif"].queryset = ObjectifOperationnel.objects.filter(
            domaine__pilier__contrat=contrat
        ).order_by("domaine__pilier__numero", "domaine__numero", "numero")
        self.fields["action"].queryset = FicheAction.objects.filter(
            ligne__contrat=contrat
        ).select_related("ligne__domaine")
        self.fields["action"].label_from_instance = _libelle_action

    def clean(self):
        donnees = super().clean()
        if donnees.get("objectif") and donnees.get("action"):
            self.add_error("action", REFUS_LES_DEUX)
        elif (
            not donnees.get("objectif")
            and not donnees.get("action")
            and not ({"objectif", "action"} & set(self.errors))
        ):
            self.add_error("objectif", REFUS_NI_L_UN_NI_L_AUTRE)
        return donnees

    def donnees(self) -> DonneesIndicateur:
        d = self.cleaned_data
        return DonneesIndicateur(
            code=d["code"],
            libelle=d["libelle"].strip(),
            unite=d["unite"].strip(),
            objectif=d["objectif"],
            action=d["action"],
            valeur_reference=d["valeur_reference"],
            date_reference=d["date_reference"],
            valeur_cible=d["valeur_cible"],
            date_cible=d["date_cible"],
            sens=d["sens"],
            source=d["source"].strip(),
            mesure_par=d["mesure_par"].strip(),
            calcul=d["calcul"],
        )


def _libelle_action(action: FicheAction) -> str:
    numero = f"Fiche {action.fiche_page} · " if action.fiche_page else ""
    return f"{numero}{action.intitule} ({action.ligne.domaine.numero})"


class MesureForm(DsfrBaseForm):
    date = champ_date("Date de la mesure", help_text="Au format jj/mm/aaaa.")
    valeur = ChampNombre(label="Valeur")
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
