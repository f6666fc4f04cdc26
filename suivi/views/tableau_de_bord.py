"""Pages of the tableau de bord: the dashboard, the dossiers behind a figure, the exports.

Each view resolves the contract, checks the reader may see the dashboard (403
otherwise), reads the filters of the address and asks the selector.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug
from programmation import exports
from suivi import permissions
from suivi.forms_tableau import FiltreTableauDeBordForm
from suivi.selectors import tableau_de_bord as selecteurs

TEMPLATES = "suivi/tableau_de_bord/"


def _contrat_lisible(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_voir_tableau_de_bord(request.user, contrat):
        raise PermissionDenied("Le tableau de bord est réservé au pilote et à l'État.")
    return contrat


def _filtre(request: HttpRequest, contrat: Contrat) -> tuple[FiltreTableauDeBordForm, object]:
    options = selecteurs.options(contrat)
    return FiltreTableauDeBordForm(request.GET or None, options=options), options


@require_safe
@login_required
def tableau_de_bord(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_lisible(request, slug)
    filtre, options = _filtre(request, contrat)
    return render(
        request,
        TEMPLATES + "tableau_de_bord.html",
        {
            "contrat": contrat,
            "filtre": filtre,
            "ignores": filtre.ignores(),
            "tableau": selecteurs.tableau_de_bord(contrat, filtre.filtres(), options),
        },
    )


@require_safe
@login_required
def tableau_de_bord_dossiers(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_lisible(request, slug)
    filtre, options = _filtre(request, contrat)
    return render(
        request,
        TEMPLATES + "dossiers.html",
        {
            "contrat": contrat,
            "ignores": filtre.ignores(),
            "liste": selecteurs.dossiers_du_tableau_de_bord(
                contrat, filtre.filtres(), options, filtre.numero_de_page()
            ),
        },
    )


@require_safe
@login_required
def tableau_de_bord_export(request: HttpRequest, slug: str, table: str, format: str):
    if format not in exports.FORMATS:
        raise Http404("Format d'export inconnu : csv, xlsx ou ods.")
    contrat = _contrat_lisible(request, slug)
    filtre, options = _filtre(request, contrat)
    choisi = selecteurs.export(
        selecteurs.tableau_de_bord(contrat, filtre.filtres(), options), table
    )
    if choisi is None:
        raise Http404("Tableau inconnu.")
    return exports.reponse_export(
        colonnes=choisi.colonnes,
        objets=choisi.lignes,
        format=format,
        nom=choisi.nom,
        titre=choisi.titre,
    )
