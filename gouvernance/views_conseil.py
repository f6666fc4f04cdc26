"""The conseil citoyen's page: public composition and charter; the pilotage's forms to
add a member, end a mandate and record the charter. Thin views over
gouvernance.conseil_citoyen; a refusal comes back as the page's message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug
from gouvernance import conseil_citoyen, permissions
from gouvernance.forms_conseil import CharteForm, FinMandatForm, MembreConseilForm, premiere_erreur
from gouvernance.models import MembreInstance
from gouvernance.views import agir


def _retour(contrat: Contrat, ancre: str = "") -> HttpResponse:
    url = reverse("gouvernance:conseil_citoyen", args=[contrat.slug])
    return redirect(url + (f"#{ancre}" if ancre else ""))


def _contrat_gere(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_gerer_les_membres(request.user, contrat):
        raise PermissionDenied(conseil_citoyen.REFUS)
    return contrat


def _agir(request: HttpRequest, contrat: Contrat, action, succes: str, ancre: str):
    return agir(request, action, succes, _retour(contrat, ancre))


@require_safe
def conseil(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    gestion = permissions.peut_gerer_les_membres(request.user, contrat)
    page = conseil_citoyen.page_du_conseil(contrat, gestion)
    return render(
        request,
        "gouvernance/conseil_citoyen.html",
        {
            "contrat": contrat,
            "page": page,
            "form_membre": MembreConseilForm() if gestion else None,
            "form_charte": CharteForm() if gestion else None,
        },
    )


@login_required
@require_POST
def ajouter_membre(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_gere(request, slug)
    conseil = conseil_citoyen.conseil_citoyen_du_contrat(contrat)
    form = MembreConseilForm(request.POST)
    if not form.is_valid():
        messages.error(request, premiere_erreur(form))
        return _retour(contrat, "ajout-membre")
    donnees = form.cleaned_data
    return _agir(
        request,
        contrat,
        lambda: conseil_citoyen.inscrire_au_conseil(
            instance=conseil,
            acteur=request.user,
            college=donnees["college"],
            date_debut=donnees["date_debut"],
            nom=donnees["nom"],
            organisation=donnees["organisation"],
            sexe=donnees["sexe"],
            tire_au_sort=donnees["tire_au_sort"],
        ),
        "Membre ajouté au conseil citoyen.",
        "composition",
    )


@login_required
@require_POST
def terminer_mandat(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_gere(request, slug)
    conseil = conseil_citoyen.conseil_citoyen_du_contrat(contrat)
    form = FinMandatForm(request.POST)
    if not form.is_valid():
        messages.error(request, premiere_erreur(form))
        return _retour(contrat, "composition")
    membre = get_object_or_404(
        MembreInstance.objects.select_related("instance__contrat", "organisation"),
        pk=form.cleaned_data["membre"],
        instance=conseil,
    )
    return _agir(
        request,
        contrat,
        lambda: conseil_citoyen.terminer_mandat_au_conseil(
            membre=membre, acteur=request.user, date_fin=form.cleaned_data["date_fin"]
        ),
        f"Le mandat de {membre} prend fin le {form.cleaned_data['date_fin']:%d/%m/%Y}.",
        "composition",
    )


@login_required
@require_POST
def adopter_charte(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_gere(request, slug)
    conseil = conseil_citoyen.conseil_citoyen_du_contrat(contrat)
    form = CharteForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, premiere_erreur(form))
        return _retour(contrat, "charte")
    donnees = form.cleaned_data
    return _agir(
        request,
        contrat,
        lambda: conseil_citoyen.adopter_charte(
            instance=conseil,
            acteur=request.user,
            texte=donnees["texte"],
            adoptee_le=donnees["adoptee_le"],
            fichier=donnees["fichier"],
            version=donnees["version"],
        ),
        "Charte du conseil citoyen enregistrée.",
        "charte",
    )


@require_safe
def fichier_charte(request: HttpRequest, slug: str) -> FileResponse:
    """The charter is a public document: anyone downloads it."""
    contrat = contrat_par_slug(slug)
    charte = conseil_citoyen.charte_de(conseil_citoyen.conseil_citoyen_du_contrat(contrat))
    if charte is None or not charte.fichier:
        raise Http404("Aucun fichier de charte.")
    return FileResponse(
        charte.fichier.open("rb"), as_attachment=True, filename=charte.nom_original or "charte"
    )
