""" "Mon espace": where each person lands after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmation.selectors.dossiers import appels_ouverts
from programmation.selectors.espace import mon_espace as taches


@login_required
def mon_espace(request: HttpRequest) -> HttpResponse:
    espaces = taches(request.user)
    return render(
        request,
        "programmation/mon_espace.html",
        {"espaces": espaces, "appels_ouverts": [] if espaces else appels_ouverts()},
    )
