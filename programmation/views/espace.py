""" "Mon espace": where each person lands after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmation.selectors.espace import mon_espace as taches


@login_required
def mon_espace(request: HttpRequest) -> HttpResponse:
    return render(request, "programmation/mon_espace.html", {"espaces": taches(request.user)})
