"""A body's page (Article 3 §1): its members in office and before, its meetings held each
year; the pilotage's forms to add a member and end a mandate. Thin views over
gouvernance.services; a refusal comes back as the page's message. The conseil citoyen has
its own page (views_conseil), with its colleges and charter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from contrats.models import Instance
from contrats.selectors import contrat_par_slug
from gouvernance import permissions, selectors, services
from gouvernance.forms_conseil import FinMandatForm, MembreInstanceForm, premiere_erreur
from gouvernance.models import MembreInstance
from gouvernance.views import agir

REFUS = "Seuls le pilote et l'État enregistrent les membres des instances."


def _retour(instance: Instance, ancre: str = "membres") -> HttpResponse:
    return redirect(f"{selectors.url_de_l_instance(instance)}#{ancre}")


def _instance_geree(request: HttpRequest, slug: str, code: str) -> Instance:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_gerer_les_membres(request.user, contrat):
        raise PermissionDenied(REFUS)
    return selectors.instance_du_contrat(contrat, code)


@require_safe
def instance(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    instance = selectors.instance_du_contrat(contrat, code)
    if instance.nature == Instance.Nature.CONSEIL_CITOYEN:
        return redirect(selectors.url_de_l_instance(instance))
    gestion = permissions.peut_gerer_les_membres(request.user, contrat)
    page = selectors.page_de_l_instance(instance, gestion)
    return render(
        request,
        "gouvernance/instance.html",
        {
            "contrat": contrat,
            "page": page,
            "form_membre": MembreInstanceForm(organisations=page.organisations)
            if gestion
            else None,
        },
    )


@login_required
@require_POST
def ajouter_membre(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    instance = _instance_geree(request, slug, code)
    organisations = selectors.organisations_pour_l_instance(instance)
    form = MembreInstanceForm(
        request.POST, organisations=list(organisations.values_list("pk", "nom"))
    )
    if not form.is_valid():
        messages.error(request, premiere_erreur(form))
        return _retour(instance, "ajout-membre")
    donnees = form.cleaned_data
    organisation = (
        organisations.get(pk=donnees["organisation"]) if donnees["organisation"] else None
    )
    return agir(
        request,
        lambda: services.ajouter_membre(
            instance=instance,
            acteur=request.user,
            date_debut=donnees["date_debut"],
            role=donnees["role"],
            organisation=organisation,
            nom=donnees["nom"],
            qualite=donnees["qualite"],
        ),
        f"Membre ajouté à l'instance « {instance.nom} ».",
        _retour(instance),
    )


@login_required
@require_POST
def terminer_mandat(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    instance = _instance_geree(request, slug, code)
    form = FinMandatForm(request.POST)
    if not form.is_valid():
        messages.error(request, premiere_erreur(form))
        return _retour(instance)
    membre = get_object_or_404(
        MembreInstance.objects.select_related("instance__contrat", "organisation"),
        pk=form.cleaned_data["membre"],
        instance=instance,
    )
    return agir(
        request,
        lambda: services.terminer_mandat(
            membre=membre, acteur=request.user, date_fin=form.cleaned_data["date_fin"]
        ),
        f"Le mandat de {membre} prend fin le {form.cleaned_data['date_fin']:%d/%m/%Y}.",
        _retour(instance),
    )
