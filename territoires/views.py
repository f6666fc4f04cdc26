from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from territoires import selectors


def quartier(request: HttpRequest, slug: str) -> HttpResponse:
    quartier = selectors.quartier_par_slug(slug)
    commune = quartier.communes.first()
    return render(
        request,
        "territoires/quartier.html",
        {
            "quartier": quartier,
            "diagnostic": selectors.diagnostic(commune, quartier),
            # The base template shows a contract's menu when `contrat` is set: the page
            # keeps the menu of the contract it belongs to (the most recent one).
            "contrat": quartier.contrats.first(),
        },
    )
