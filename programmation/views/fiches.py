"""Public page of an action of the contract's plan d'actions, with the dossiers of each year."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contrats.selectors import contrat_par_slug
from programmation.selectors.fiches import page_fiche


@require_safe
def fiche_action(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        "programmation/public/fiche_action.html",
        {"contrat": contrat, "fiche": page_fiche(contrat, page)},
    )
