"""Forms of the pilotage: calls, envelopes, instruction, committees, payments."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat, Organisation
from historique.horloge import aujourdhui
from programmation.etats import Transition
from programmation.forms.champs import ChampMontant
from programmation.models import AppelAProjets, Dossier, Financement, NatureCredit, Paiement, Statut
from programmation.models.pieces import NaturePiece
from programmation.selectors.instruction import CriteresTableau, OptionsTableau, choix_de_tri
from programmation.services.appels import DonneesAppel
from programmation.services.comites import DecisionDemandee

FORMAT_DATE = "%Y-%m-%d"


def champ_date(libelle: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=libelle,
        widget=forms.DateInput(attrs={"type": "date"}, format=FORMAT_DATE),
        input_formats=[FORMAT_DATE, "%d/%m/%Y"],
        **kwargs,
    )


def _champ_montant(libelle: str, **kwargs) -> ChampMontant:
    return ChampMontant(label=libelle, **kwargs)


class AppelForm(DsfrBaseForm):
    annee = forms.IntegerField(label="Année de programmation", min_value=2000, max_value=2100)
    titre = forms.CharField(label="Titre de l'appel", max_length=250)
    date_ouverture = champ_date("Ouverture des dépôts")
    date_cloture = champ_date(
        "Clôture des dépôts (inclus)", help_text="Le même jour que l'ouverture ou après."
    )
    priorites = forms.CharField(
        label="Priorités de l'appel",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Les orientations que les dossiers doivent servir cette année.",
    )
    criteres = forms.ModelMultipleChoiceField(
        label="Critères transversaux de recevabilité",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pieces_requises = forms.MultipleChoiceField(
        label="Pièces exigées de chaque dossier",
        choices=NaturePiece.choix_exigibles(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Un dossier sans l'une d'elles ne peut pas être déposé. Le porteur les "
        "joint à son dossier ou les garde dans le porte-documents de sa structure.",
    )

    def __init__(self, *args, contrat: Contrat, appel: AppelAProjets | None = None, **kwargs):
        if appel is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "annee": appel.annee,
                "titre": appel.titre,
                "date_ouverture": appel.date_ouverture,
                "date_cloture": appel.date_cloture,
                "priorites": appel.priorites,
                "criteres": list(appel.criteres.all()),
                "pieces_requises": list(appel.pieces_requises),
            }
        super().__init__(*args, **kwargs)
        self.fields["criteres"].queryset = contrat.axes.all()
        self.fields["criteres"].label_from_instance = lambda axe: f"{axe.numero} {axe.intitule}"
        if appel is not None:
            # The year identifies the call in its address: it does not change.
            self.fields["annee"].disabled = True

    def clean(self):
        donnees = super().clean()
        ouverture, cloture = donnees.get("date_ouverture"), donnees.get("date_cloture")
        if ouverture and cloture and cloture < ouverture:
            self.add_error("date_cloture", "La clôture des dépôts doit suivre leur ouverture.")
        return donnees

    def donnees(self) -> DonneesAppel:
        d = self.cleaned_data
        return DonneesAppel(
            annee=d["annee"],
            titre=d["titre"].strip(),
            date_ouverture=d["date_ouverture"],
            date_cloture=d["date_cloture"],
            priorites=d["priorites"].strip(),
            criteres=list(d["criteres"]),
            pieces_requises=tuple(d["pieces_requises"]),
        )


@dataclass(frozen=True)
class LigneEnveloppes:
    financeur: Organisation
    champs: list[forms.BoundField]


@dataclass(frozen=True)
class EnveloppeDemandee:
    financeur: Organisation
    nature: str
    montant: Decimal


class EnveloppesForm(DsfrBaseForm):
    """One amount per signatory organisation and nature of credits; empty means none."""

    NATURES = (NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES)

    def __init__(
        self,
        *args,
        financeurs: list[Organisation],
        existantes: dict[tuple[int, str], Decimal],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.financeurs = financeurs
        self.existantes = existantes
        for financeur in financeurs:
            for nature in self.NATURES:
                self.fields[self._nom(financeur, nature)] = _champ_montant(
                    f"{financeur.nom} — {nature.label}",
                    required=False,
                    min_value=Decimal(0),
                    initial=existantes.get((financeur.pk, nature)),
                )

    @staticmethod
    def _nom(financeur: Organisation, nature: str) -> str:
        return f"enveloppe_{financeur.pk}_{nature}"

    def lignes(self) -> list[LigneEnveloppes]:
        return [
            LigneEnveloppes(f, [self[self._nom(f, n)] for n in self.NATURES])
            for f in self.financeurs
        ]

    def changements(self) -> list[EnveloppeDemandee]:
        """The amounts typed that differ from the recorded envelopes."""
        resultat = []
        for financeur in self.financeurs:
            for nature in self.NATURES:
                montant = self.cleaned_data.get(self._nom(financeur, nature))
                if montant is None or montant == self.existantes.get((financeur.pk, nature)):
                    continue
                resultat.append(EnveloppeDemandee(financeur, nature, montant))
        return resultat


class FiltreTableauForm(DsfrBaseForm):
    """Filters, sort and page of the instruction board, read from its query string.

    A value that is not one of the choices is left out on its own, with its message
    under the field: the other filters still apply.
    """

    structure = forms.CharField(
        label="Structure", required=False, max_length=100, help_text="Tout ou partie du nom"
    )
    statut = forms.ChoiceField(label="Statut", required=False)
    pilier = forms.TypedChoiceField(label="Pilier", required=False, coerce=int, empty_value=None)
    financeur = forms.TypedChoiceField(
        label="Financeur sollicité", required=False, coerce=int, empty_value=None
    )
    nature = forms.ChoiceField(label="Nature de crédits", required=False)
    tri = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput
    )

    def __init__(self, *args, options: OptionsTableau, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "Tous les statuts")] + [
            (valeur, libelle) for valeur, libelle in Statut.choices if valeur != Statut.BROUILLON
        ]
        self.fields["pilier"].choices = [("", "Tous les piliers"), *options.piliers]
        self.fields["financeur"].choices = [("", "Tous les financeurs"), *options.financeurs]
        self.fields["nature"].choices = [("", "Toutes les natures"), *NatureCredit.choix_finances()]
        self.fields["tri"].choices = [(tri, tri) for tri in choix_de_tri()]

    def criteres(self) -> CriteresTableau:
        if not self.is_bound:
            return CriteresTableau()
        self.is_valid()
        return CriteresTableau(
            **{cle: valeur for cle, valeur in self.cleaned_data.items() if valeur not in (None, "")}
        )


class AvisForm(DsfrBaseForm):
    avis = forms.ChoiceField(
        label="Avis",
        choices=[("", "Choisissez un avis")]
        + [(v, lib) for v, lib in Financement.Avis.choices if v != Financement.Avis.EN_ATTENTE],
    )
    montant_propose = _champ_montant(
        "Montant proposé (€)",
        required=False,
        help_text="Inutile pour un avis défavorable (le montant proposé est alors 0 €).",
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AccordForm(DsfrBaseForm):
    montant = _champ_montant("Montant accordé (€)")
    version = forms.IntegerField(widget=forms.HiddenInput)


@dataclass(frozen=True)
class LigneComite:
    dossier: Dossier
    decision: forms.BoundField
    motif: forms.BoundField
    version: forms.BoundField
    montants: object


class ComiteForm(DsfrBaseForm):
    """The meeting (date, title) and one decision with its reason per dossier examined."""

    date = champ_date("Date de la séance")
    titre = forms.CharField(label="Titre de la séance", max_length=250)

    def __init__(
        self, *args, appel: AppelAProjets, dossiers: list, decisions: list[Transition], **kwargs
    ):
        """`dossiers`: the call's dossiers awaiting the committee (items with .dossier)."""
        kwargs.setdefault("initial", {}).setdefault("date", aujourdhui())
        super().__init__(*args, **kwargs)
        self.appel = appel
        self.dossiers = dossiers
        choix = [("", "Pas de décision")] + [(t.code.value, t.libelle) for t in decisions]
        for item in dossiers:
            d = item.dossier
            self.fields[f"decision_{d.pk}"] = forms.ChoiceField(
                label=f"Décision sur le dossier {d.numero}", choices=choix, required=False
            )
            self.fields[f"motif_{d.pk}"] = forms.CharField(
                label=f"Motif (dossier {d.numero})",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"version_{d.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=d.version
            )

    def clean(self):
        donnees = super().clean()
        # A decision typed on a dossier that no longer awaits this committee (decided
        # meanwhile by someone else) refuses the whole meeting rather than being dropped.
        attendus = {str(item.dossier.pk) for item in self.dossiers}
        perimes = [
            cle.removeprefix("decision_")
            for cle, valeur in self.data.items()
            if cle.startswith("decision_")
            and valeur
            and cle.removeprefix("decision_") not in attendus
        ]
        trouves = list(
            Dossier.objects.filter(
                appel=self.appel, pk__in=[int(pk) for pk in perimes if pk.isdigit()]
            ).order_by("numero")
        )
        for dossier in trouves:
            self.add_error(
                None,
                f"Dossier {dossier.numero} : il a changé pendant votre saisie (statut actuel : "
                f"« {dossier.get_statut_display()} »). Rechargez la page : rien n'a été "
                "enregistré.",
            )
        if len(trouves) != len(perimes):
            self.add_error(None, "Une décision porte sur un dossier inconnu de ce comité.")
        return donnees

    def lignes(self) -> list[LigneComite]:
        return [
            LigneComite(
                dossier=item.dossier,
                decision=self[f"decision_{item.dossier.pk}"],
                motif=self[f"motif_{item.dossier.pk}"],
                version=self[f"version_{item.dossier.pk}"],
                montants=item,
            )
            for item in self.dossiers
        ]

    def decisions(self) -> list[DecisionDemandee]:
        return [
            DecisionDemandee(
                dossier=item.dossier,
                transition=self.cleaned_data[f"decision_{item.dossier.pk}"],
                motif=self.cleaned_data[f"motif_{item.dossier.pk}"].strip(),
            )
            for item in self.dossiers
            if self.cleaned_data.get(f"decision_{item.dossier.pk}")
        ]

    def versions(self) -> dict[int, int]:
        return {
            item.dossier.pk: self.cleaned_data[f"version_{item.dossier.pk}"]
            for item in self.dossiers
            if self.cleaned_data.get(f"version_{item.dossier.pk}") is not None
        }


class PaiementForm(DsfrBaseForm):
    nature = forms.ChoiceField(
        label="Nature du paiement",
        choices=[(n.value, n.label) for n in (Paiement.Nature.AVANCE, Paiement.Nature.SOLDE)],
    )
    montant = _champ_montant("Montant (€)")
    date = champ_date("Date du paiement")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", aujourdhui())
        super().__init__(*args, **kwargs)
