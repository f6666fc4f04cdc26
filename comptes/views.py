from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# allauth's login view: identifier or e-mail, and its e-mail verification stage.
connexion = allauth_views.login


class Deconnexion(auth_views.LogoutView):
    """Logout by POST only (a link could log someone out behind their back)."""


@login_required
def mon_compte(request: HttpRequest) -> HttpResponse:
    habilitations = request.user.habilitations.select_related("contrat", "organisation", "instance")
    return render(request, "comptes/mon_compte.html", {"habilitations": habilitations})
