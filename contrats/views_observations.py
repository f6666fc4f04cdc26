"""Pages of a contract's indicators over the years, and the import of their observations.

Anyone reads the series (like the diagnostic). The contract's pilotes and State agents
import a file in two steps: a dry run that lists every bad row and column, or what would
change; then, on confirmation, the import of all rows or none (territoires.imports).
Between the two steps the file waits in the storage, named by a token kept in the session.
"""

import secrets
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from dsfr.forms import DsfrBaseForm

from contrats.models import Contrat
from contrats.permissions import peut_importer_observations
from contrats.selectors import contrat_par_slug
from territoires import imports
from territoires import selectors as territoires
from territoires.exports import serie_csv

REFUS = "Seuls le pilote et l'État du contrat importent des observations."
CLE_SESSION = "imports_observations"
DOSSIER_ATTENTE = "imports-observations"
TYPES_MODELE = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


class ImportObservationsForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Fichier d'observations",
        help_text="CSV (séparateur « ; » ou « , », UTF-8), XLSX ou ODS, 2 Mo au plus.",
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        try:
            imports.format_du_fichier(fichier.name)
            imports.verifier_taille(fichier.size)
        except imports.FichierRefuse as exc:
            raise forms.ValidationError(str(exc)) from None
        return fichier


def _territoires(contrat: Contrat) -> dict:
    return {"communes": list(contrat.communes.all()), "quartiers": list(contrat.quartiers.all())}


def _perimetre(contrat: Contrat) -> imports.Perimetre:
    return imports.Perimetre(
        f"du contrat « {contrat.titre} »",
        frozenset(contrat.communes.values_list("pk", flat=True)),
        frozenset(contrat.quartiers.values_list("pk", flat=True)),
    )


def _contrat_de_l_importateur(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not peut_importer_observations(request.user, contrat):
        raise PermissionDenied(REFUS)
    return contrat


# --- Public series ------------------------------------------------------------------------------


def indicateurs(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        "contrats/observations/indicateurs.html",
        {
            "contrat": contrat,
            "indicateurs": territoires.indicateurs_suivis(**_territoires(contrat)),
            "peut_importer": peut_importer_observations(request.user, contrat),
        },
    )


def indicateur(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    serie = territoires.serie(territoires.indicateur_par_code(code), **_territoires(contrat))
    return render(request, "contrats/observations/serie.html", {"contrat": contrat, "serie": serie})


def indicateur_csv(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    serie = territoires.serie(territoires.indicateur_par_code(code), **_territoires(contrat))
    reponse = HttpResponse(serie_csv(serie), content_type=TYPES_MODELE["csv"])
    reponse["Content-Disposition"] = f'attachment; filename="{contrat.slug}-{code}.csv"'
    return reponse


# --- Import -------------------------------------------------------------------------------------


def modele(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if format not in TYPES_MODELE:
        raise Http404("Format de modèle inconnu : csv, xlsx ou ods.")
    reponse = HttpResponse(imports.exporter_modele(format), content_type=TYPES_MODELE[format])
    reponse["Content-Disposition"] = (
        f'attachment; filename="modele-observations-{contrat.slug}.{format}"'
    )
    return reponse


def _page_import(request: HttpRequest, contrat: Contrat, **contexte) -> HttpResponse:
    return render(
        request,
        "contrats/observations/importer.html",
        {
            "contrat": contrat,
            "colonnes": imports.COLONNES,
            "formats": list(TYPES_MODELE),
            "form": contexte.pop("form", None) or ImportObservationsForm(),
            "rapport": None,
            "jeton": "",
            **contexte,
        },
    )


def _mettre_en_attente(request: HttpRequest, nom: str, contenu: bytes) -> str:
    jeton = secrets.token_urlsafe(16)
    extension = PurePath(nom).suffix.lower()
    chemin = default_storage.save(f"{DOSSIER_ATTENTE}/{jeton}{extension}", ContentFile(contenu))
    en_attente = request.session.get(CLE_SESSION, {})
    en_attente[jeton] = {"nom": nom, "chemin": chemin}
    request.session[CLE_SESSION] = en_attente
    return jeton


def _reprendre(request: HttpRequest, jeton: str) -> tuple[str, bytes] | None:
    """The file a dry run put aside under this token, taken out of the waiting room."""
    attente = request.session.get(CLE_SESSION, {})
    fiche = attente.pop(jeton, None)
    request.session[CLE_SESSION] = attente
    if fiche is None or not default_storage.exists(fiche["chemin"]):
        return None
    with default_storage.open(fiche["chemin"], "rb") as fichier:
        contenu = fichier.read()
    default_storage.delete(fiche["chemin"])
    return fiche["nom"], contenu


@login_required
def importer(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form; POST: the dry run of the file, then its confirmation form."""
    contrat = _contrat_de_l_importateur(request, slug)
    if request.method != "POST":
        return _page_import(request, contrat)
    form = ImportObservationsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page_import(request, contrat, form=form)
    fichier = form.cleaned_data["fichier"]
    contenu = fichier.read()
    rapport = imports.analyser(fichier.name, contenu, perimetre=_perimetre(contrat))
    jeton = _mettre_en_attente(request, fichier.name, contenu) if rapport.valide else ""
    return _page_import(request, contrat, rapport=rapport, jeton=jeton)


@login_required
def confirmer(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_de_l_importateur(request, slug)
    if request.method != "POST":
        return redirect("contrats:observations_importer", contrat.slug)
    repris = _reprendre(request, request.POST.get("jeton", ""))
    if repris is None:
        messages.error(request, "Ce fichier n'est plus en attente : envoyez-le de nouveau.")
        return redirect("contrats:observations_importer", contrat.slug)
    nom, contenu = repris
    try:
        rapport = imports.importer(nom, contenu, acteur=request.user, perimetre=_perimetre(contrat))
    except imports.ImportRefuse as exc:
        return _page_import(request, contrat, rapport=exc.rapport)
    if rapport.inchange:
        messages.info(
            request,
            f"Aucun changement : les {rapport.inchangees} observations de « {nom} » "
            "étaient déjà enregistrées.",
        )
    else:
        messages.success(
            request,
            f"Import de « {nom} » enregistré : {rapport.crees} observation(s) créée(s), "
            f"{rapport.modifiees} modifiée(s), {rapport.inchangees} inchangée(s).",
        )
    return redirect(reverse("contrats:indicateurs", args=[contrat.slug]))
