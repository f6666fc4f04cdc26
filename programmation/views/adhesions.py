"""Joining a structure already registered: the request, and the référent's answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from contrats.selectors import contrat_par_slug
from programmation.models import DemandeAdhesion, Structure
from programmation.services.adhesions import (
    accepter_adhesion,
    demander_adhesion,
    refuser_adhesion,
)
from programmation.services.erreurs import ErreurProgrammation


@login_required
@require_POST
def demande(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    structure = get_object_or_404(Structure.objects.select_related("referent"), pk=pk)
    try:
        demander_adhesion(
            structure=structure,
            contrat=contrat,
            acteur=request.user,
            message=request.POST.get("message", ""),
        )
    except ErreurProgrammation as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            f"Votre demande est transmise au référent de « {structure} ». Vous pourrez déposer "
            "des dossiers pour la structure dès qu'il l'aura acceptée.",
        )
    return redirect("programmation:mon_espace")


def _traiter(request: HttpRequest, pk: int, accepter: bool) -> HttpResponse:
    demande_adhesion = get_object_or_404(DemandeAdhesion.objects.select_related("contrat"), pk=pk)
    try:
        if accepter:
            accepter_adhesion(demande=demande_adhesion, acteur=request.user)
        else:
            refuser_adhesion(
                demande=demande_adhesion, acteur=request.user, motif=request.POST.get("motif", "")
            )
    except ErreurProgrammation as e:
        messages.error(request, e.message)
    else:
        verbe = "acceptée" if accepter else "refusée"
        messages.success(request, f"La demande de {demande_adhesion.demandeur} est {verbe}.")
    return redirect("programmation:structure", slug=demande_adhesion.contrat.slug)


@login_required
@require_POST
def accepter(request: HttpRequest, pk: int) -> HttpResponse:
    return _traiter(request, pk, accepter=True)


@login_required
@require_POST
def refuser(request: HttpRequest, pk: int) -> HttpResponse:
    return _traiter(request, pk, accepter=False)
