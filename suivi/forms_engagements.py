"""Forms of the engagements follow-up: the year a signatory's page shows, the year's
follow-up an agent proposes, and the COPIL technique's review of it.

Each form of an engagement is labelled after it and carries, hidden, the version it was
built on (suivi.services.engagements refuses a stale one); its template adds the page it
was posted from (`PageForm`: the signatory and the year shown), where the answer goes.
"""

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from gouvernance.models import Seance
from programmation.models import Dossier
from suivi.models import StatutEngagement
from suivi.selectors import engagements as selecteurs
from suivi.selectors.engagements import BlocEngagement
from suivi.services.engagements import Examen

MESSAGE_VERSION = "La version du suivi manque : rechargez la page et recommencez."
ACTION_BROUILLON = "brouillon"


class AnneeForm(forms.Form):
    """The year a signatory's page is filtered on (all years when absent or unknown)."""

    def __init__(self, *args, annees: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"] = forms.TypedChoiceField(
            label="Année",
            choices=[("", "Toutes les années"), *((a, str(a)) for a in annees)],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.Select(attrs={"class": "fr-select"}),
        )

    def annee(self) -> int | None:
        return self.cleaned_data.get("annee") if self.is_valid() else None


class PageForm(forms.Form):
    """The signatory's page a form was posted from, and the year it showed."""

    signataire = forms.SlugField(required=False)
    filtre = forms.IntegerField(required=False)

    def page(self) -> tuple[str, int | None]:
        if not self.is_valid():
            return "", None
        return self.cleaned_data["signataire"], self.cleaned_data["filtre"]


class _FormEngagement(DsfrBaseForm):
    """What every form of an engagement carries: the version of the follow-up it shows."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": MESSAGE_VERSION,
            "invalid": MESSAGE_VERSION,
            "min_value": MESSAGE_VERSION,
        },
    )

    def __init__(self, *args, prefixe: str, **kwargs):
        kwargs.setdefault("auto_id", f"id_{prefixe}_%s")
        super().__init__(*args, **kwargs)


class PropositionSuiviForm(_FormEngagement):
    def __init__(
        self,
        *args,
        bloc: BlocEngagement,
        annee: int,
        dossiers: list[tuple[int, str]],
        **kwargs,
    ):
        """`dossiers`: the funded dossiers offered (choix_dossiers), the block's follow-up
        keeping those it already cites."""
        suivi = bloc.suivi_de_l_annee
        initial = {"version": suivi.version if suivi else 0}
        if suivi is not None:
            initial.update(
                statut=suivi.statut,
                commentaire=suivi.commentaire,
                lien=suivi.lien,
                valeur_atteinte=suivi.valeur_atteinte,
                dossiers=[pk for pk, _ in suivi.dossiers_cites],
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, prefixe=f"proposition_{bloc.pk}", **kwargs)
        numero = bloc.numero
        message = "Choisissez où en est l'engagement."
        self.fields["statut"] = forms.ChoiceField(
            label=f"Où en est l'engagement {numero} en {annee} ?",
            choices=[("", "Choisissez"), *StatutEngagement.choices],
            error_messages={"required": message, "invalid_choice": message},
        )
        self.fields["commentaire"] = forms.CharField(
            label=f"Commentaire sur l'engagement {numero} en {annee}",
            help_text="Ce qui a été fait, ce qui reste à faire. Obligatoire si l'engagement "
            "n'est pas tenu ou est sans objet.",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
        )
        self.fields["lien"] = forms.URLField(
            label=f"Lien vers un élément de preuve (engagement {numero})",
            help_text="Facultatif. Adresse complète d'une page web : https://…",
            max_length=500,
            assume_scheme="https",
            required=False,
            error_messages={"invalid": "Saisissez une adresse web complète (https://…)."},
        )
        if bloc.mesurable:
            self.fields["valeur_atteinte"] = forms.DecimalField(
                label=f"{bloc.indicateur} : valeur atteinte en {annee}"
                f"{f' ({bloc.unite})' if bloc.unite else ''}",
                help_text=f"Cible : {bloc.cible}. Obligatoire pour proposer un engagement en "
                "cours, tenu ou non tenu.",
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                localize=True,
                error_messages={
                    "invalid": "Saisissez un nombre, par exemple 45 ou 12,5.",
                    "min_value": "La valeur atteinte ne peut pas être négative.",
                    "max_digits": "Ce nombre est trop grand.",
                    "max_decimal_places": "Deux décimales au plus.",
                },
            )
        limite = settings.TAILLE_MAX_PIECE_JOINTE // (1024 * 1024)
        remplace = " Il remplace le document déjà joint." if suivi and suivi.document else ""
        self.fields["document"] = forms.FileField(
            label=f"Document de preuve (engagement {numero})",
            help_text=f"Facultatif. Au format PDF uniquement, {limite} Mo au plus.{remplace}",
            required=False,
            widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf", "class": "fr-upload"}),
            error_messages={"empty": "Ce fichier est vide."},
        )
        self.fields["document"].widget.group_class = "fr-upload-group"
        cites = [
            choix for choix in (suivi.dossiers_cites if suivi else []) if choix not in dossiers
        ]
        if not (dossiers or cites):
            return
        self.fields["dossiers"] = forms.TypedMultipleChoiceField(
            choices=[*dossiers, *cites],
            coerce=int,
            label=f"Dossiers financés qui ont mis en œuvre l'engagement {numero}",
            help_text=f"Facultatif. Les actions financées par l'appel à projets {annee} ; "
            "plusieurs choix possibles (Ctrl ou Cmd).",
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}),
            error_messages={
                "invalid_choice": "Ce dossier n'est pas un dossier financé de ce contrat."
            },
        )

    @property
    def offre_des_dossiers(self) -> bool:
        """Whether the year's call funded dossiers the follow-up may cite."""
        return "dossiers" in self.fields

    def clean_dossiers(self) -> list[Dossier]:
        return selecteurs.dossiers_choisis(self.cleaned_data["dossiers"])

    def donnees(self, brouillon: bool) -> dict:
        """The service's arguments, from the valid form and the button pressed."""
        d = self.cleaned_data
        return {
            "statut": d["statut"],
            "commentaire": d["commentaire"],
            "lien": d["lien"],
            "valeur_atteinte": d.get("valeur_atteinte"),
            "document": d["document"] or None,
            "dossiers": d.get("dossiers", []),
            "version": d["version"],
            "brouillon": brouillon,
        }


class ExamenSuiviForm(_FormEngagement):
    def __init__(self, *args, bloc: BlocEngagement, seances: list[tuple[int, str]], **kwargs):
        """`seances`: the COPIL technique's held séances offered (choix_seances)."""
        suivi = bloc.suivi_de_l_annee
        kwargs.setdefault("initial", {"version": suivi.version})
        super().__init__(*args, prefixe=f"examen_{bloc.pk}", **kwargs)
        numero, annee = bloc.numero, suivi.annee
        message = "Choisissez de valider le suivi ou de le renvoyer à revoir."
        self.fields["examen"] = forms.ChoiceField(
            label=f"Examen du suivi {annee} de l'engagement {numero}",
            choices=Examen.choices,
            widget=forms.RadioSelect,
            error_messages={"required": message, "invalid_choice": message},
        )
        self.fields["motif"] = forms.CharField(
            label=f"Motif de l'examen (engagement {numero})",
            help_text="Obligatoire pour renvoyer le suivi à revoir : ce que le signataire doit "
            "reprendre.",
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
        )
        self.fields["seance"] = forms.TypedChoiceField(
            choices=[("", "Hors séance"), *seances],
            coerce=int,
            empty_value=None,
            label=f"Séance du comité de pilotage technique (engagement {numero})",
            help_text="Facultatif : la séance où le suivi a été examiné.",
            required=False,
            error_messages={
                "invalid_choice": "Choisissez une séance tenue du comité de pilotage technique."
            },
        )

    def clean_seance(self) -> Seance | None:
        return selecteurs.seance_choisie(self.cleaned_data["seance"])

    def clean(self):
        donnees = super().clean()
        if donnees.get("examen") == Examen.A_REVOIR and not (donnees.get("motif") or "").strip():
            self.add_error("motif", "Indiquez ce qui est à revoir : le motif est obligatoire.")
        return donnees

    def donnees(self) -> dict:
        d = self.cleaned_data
        return {
            "examen": d["examen"],
            "motif": d["motif"],
            "seance": d["seance"],
            "version": d["version"],
        }
