"""Public pages of the programmation: calls for projects and the yearly plan d'actions."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contrats.selectors import contrat_par_slug
from programmation import exports, permissions
from programmation.selectors import avis_conseil_citoyen
from programmation.selectors import plan as selecteurs
from programmation.selectors.instruction import espaces


@require_safe
def appels(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        "programmation/public/appels.html",
        {
            "contrat": contrat,
            "appels": selecteurs.appels_visibles(contrat, request.user),
            "espaces": espaces(request.user, contrat),
        },
    )


@require_safe
def appel(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    appel = selecteurs.appel_visible(contrat, annee, request.user)
    return render(
        request,
        "programmation/public/appel.html",
        {
            "contrat": contrat,
            "page": selecteurs.page_appel(appel),
            "espaces": espaces(request.user, contrat),
            "avis_lisible": permissions.peut_lire_avis_programmation(
                request.user, appel, avis_conseil_citoyen.avis_de(appel)
            ),
        },
    )


@require_safe
def plan_annuel(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    appel = selecteurs.appel_visible(contrat, annee, request.user)
    return render(
        request,
        "programmation/public/plan_annuel.html",
        {
            "contrat": contrat,
            "plan": selecteurs.plan_annuel(appel),
            "formats": list(exports.FORMATS),
            "annexe": avis_conseil_citoyen.annexe_du_plan(appel),
        },
    )


@require_safe
def plan_annuel_export(request: HttpRequest, slug: str, annee: int, format: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if format not in exports.FORMATS:
        raise Http404("Format d'export inconnu : csv, xlsx ou ods.")
    appel = selecteurs.appel_visible(contrat, annee, request.user)
    return exports.exporter_plan(
        selecteurs.plan_annuel(appel).lignes,
        format=format,
        nom=f"plan-actions-{contrat.slug}-{annee}",
        titre=f"Plan d'actions {annee}",
    )
