from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contrats import extensions, permissions, selectors
from contrats.forms import FiltresPlanForm
from contrats.models import Contrat
from territoires.selectors import diagnostic


def _page(request: HttpRequest, template: str, contrat: Contrat, **contexte) -> HttpResponse:
    return render(request, template, {"contrat": contrat, **contexte})


def accueil(request: HttpRequest) -> HttpResponse:
    return render(request, "contrats/accueil.html", {"contrats": selectors.contrats_publies()})


def apercu(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    return _page(
        request,
        "contrats/apercu.html",
        contrat,
        chiffres=selectors.chiffres_cles(contrat),
        parties=selectors.parties(contrat),
        quartiers=contrat.quartiers.prefetch_related("communes"),
        jalons=contrat.jalons.all(),
        lignee=selectors.contrats_de_la_lignee(contrat),
        peut_creer_suivant=permissions.peut_creer_contrat_suivant(request.user, contrat),
    )


def cadre_strategique(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    axes = list(selectors.axes_transversaux(contrat))
    piliers = list(selectors.cadre_strategique(contrat))
    return _page(
        request,
        "contrats/cadre_strategique.html",
        contrat,
        axes=axes,
        piliers=piliers,
        presentation=selectors.presentation_du_cadre(contrat, len(axes), len(piliers)),
        projets=selectors.projets_de_quartier(contrat),
    )


def objectif(request: HttpRequest, slug: str, numero: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    objectif = selectors.objectif(contrat, numero)
    precedent, suivant = selectors.objectifs_voisins(objectif)
    return _page(
        request,
        "contrats/objectif.html",
        contrat,
        objectif=objectif,
        actions=selectors.actions_de_l_objectif(objectif),
        precedent=precedent,
        suivant=suivant,
    )


def axe(request: HttpRequest, slug: str, numero: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    return _page(request, "contrats/axe.html", contrat, axe=selectors.axe(contrat, numero))


def plan_actions(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    form = FiltresPlanForm(request.GET or None, contrat=contrat)
    actions = selectors.actions_du_plan(contrat, form.filtres())
    template = "contrats/_plan_resultats.html" if request.htmx else "contrats/plan_actions.html"
    return _page(
        request,
        template,
        contrat,
        form=form,
        actions=actions,
        nombre=len(actions),
        synthese=contrat.synthese_plan,
    )


def diagnostic_territorial(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    diagnostics = [
        diagnostic(quartier.communes.first(), quartier)
        for quartier in contrat.quartiers.prefetch_related("communes")
    ]
    return _page(request, "contrats/diagnostic.html", contrat, diagnostics=diagnostics)


def signataires(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    return _page(
        request,
        "contrats/signataires.html",
        contrat,
        signataires=selectors.signataires(contrat),
        sections=selectors.sections_engagements(contrat),
    )


def engagements(request: HttpRequest, slug: str, numero: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    return _page(
        request,
        "contrats/engagements.html",
        contrat,
        section=selectors.section_engagements(contrat, numero),
    )


def gouvernance(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = selectors.contrat_par_slug(slug)
    return _page(
        request,
        "contrats/gouvernance.html",
        contrat,
        instances=selectors.instances(contrat),
        plateformes=contrat.plateformes.all(),
        dispositifs=contrat.dispositifs.all(),
        articulations=selectors.articulations(contrat),
        regles=contrat.regles_modification.all(),
        sections=extensions.sections_gouvernance(contrat),
    )
