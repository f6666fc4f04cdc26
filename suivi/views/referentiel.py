"""Pages of the evaluation referential: the indicators of a contract, one indicator with
its measures, the forms of the pilotage (define an indicator, enter or delete a measure).

Everyone habilitated on the contract reads the referential; the pilotage writes through
suivi.services.referentiel, whose refusals show as French messages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug
from programmation.services.erreurs import ErreurProgrammation
from suivi import permissions
from suivi.forms_referentiel import IndicateurForm, MesureForm
from suivi.models import IndicateurResultat
from suivi.selectors import referentiel as selecteurs
from suivi.services import referentiel as services

TEMPLATES = "suivi/referentiel/"
REFUS_LECTURE = "Le référentiel d'évaluation est lu par les personnes habilitées sur le contrat."


def _exiger_lecture(request: HttpRequest, contrat: Contrat) -> None:
    if not permissions.peut_lire_referentiel(request.user, contrat):
        raise PermissionDenied(REFUS_LECTURE)


def _exiger_definition(request: HttpRequest, contrat: Contrat) -> None:
    if not permissions.peut_definir_indicateur(request.user, contrat):
        raise PermissionDenied(services.REFUS_DEFINITION)


@require_safe
@login_required
def referentiel(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    _exiger_lecture(request, contrat)
    return render(
        request,
        TEMPLATES + "referentiel.html",
        {
            "contrat": contrat,
            "referentiel": selecteurs.referentiel(contrat),
            "peut_definir": permissions.peut_definir_indicateur(request.user, contrat),
        },
    )


def _formulaire(
    request: HttpRequest, contrat: Contrat, indicateur: IndicateurResultat | None
) -> HttpResponse:
    form = IndicateurForm(request.POST or None, contrat=contrat, indicateur=indicateur)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            if indicateur is None:
                indicateur = services.creer_indicateur(
                    contrat=contrat, donnees=form.donnees(), acteur=request.user
                )
                messages.success(request, f"L'indicateur « {indicateur.libelle} » est créé.")
            else:
                indicateur = services.modifier_indicateur(
                    indicateur=indicateur, donnees=form.donnees(), acteur=request.user
                )
                messages.success(request, f"L'indicateur « {indicateur.libelle} » est modifié.")
        except ErreurProgrammation as e:
            erreur = e
        else:
            return redirect("suivi:indicateur", pk=indicateur.pk)
    return render(
        request,
        TEMPLATES + "indicateur_form.html",
        {"contrat": contrat, "form": form, "erreur": erreur, "indicateur": indicateur},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def indicateur_nouveau(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    _exiger_definition(request, contrat)
    return _formulaire(request, contrat, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def indicateur_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    indicateur = selecteurs.indicateur_par_pk(pk)
    _exiger_definition(request, indicateur.contrat)
    return _formulaire(request, indicateur.contrat, indicateur)


def _page_indicateur(
    request: HttpRequest,
    indicateur: IndicateurResultat,
    form: MesureForm | None = None,
    erreur=None,
) -> HttpResponse:
    peut_saisir = permissions.peut_saisir_mesure(request.user, indicateur)
    return render(
        request,
        TEMPLATES + "indicateur.html",
        {
            "contrat": indicateur.contrat,
            "indicateur": indicateur,
            "fiche": selecteurs.fiche_indicateur(indicateur),
            "peut_definir": permissions.peut_definir_indicateur(request.user, indicateur.contrat),
            "peut_saisir": peut_saisir,
            "form": form or (MesureForm() if peut_saisir else None),
            "erreur": erreur,
        },
    )


@require_safe
@login_required
def indicateur(request: HttpRequest, pk: int) -> HttpResponse:
    choisi = selecteurs.indicateur_par_pk(pk)
    _exiger_lecture(request, choisi.contrat)
    return _page_indicateur(request, choisi)


@require_POST
@login_required
def mesure_enregistrer(request: HttpRequest, pk: int) -> HttpResponse:
    """A valid measure is recorded and the page reloaded; otherwise the page shows why."""
    choisi = selecteurs.indicateur_par_pk(pk)
    if not permissions.peut_saisir_mesure(request.user, choisi):
        raise PermissionDenied(services.REFUS_MESURE)
    form = MesureForm(request.POST)
    if not form.is_valid():
        return _page_indicateur(request, choisi, form)
    try:
        mesure = services.enregistrer_mesure(
            indicateur=choisi, acteur=request.user, **form.cleaned_data
        )
    except ErreurProgrammation as e:
        return _page_indicateur(request, choisi, form, e)
    messages.success(request, f"La mesure du {mesure.date:%d/%m/%Y} est enregistrée.")
    return redirect("suivi:indicateur", pk=choisi.pk)


@require_POST
@login_required
def mesure_supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    mesure = selecteurs.mesure_par_pk(pk)
    if not permissions.peut_saisir_mesure(request.user, mesure.indicateur):
        raise PermissionDenied(services.REFUS_MESURE)
    try:
        services.supprimer_mesure(mesure=mesure, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(request, f"La mesure du {mesure.date:%d/%m/%Y} est supprimée.")
    return redirect("suivi:indicateur", pk=mesure.indicateur_id)
