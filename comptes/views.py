from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptes.forms import ConnexionForm


class Connexion(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True


class Deconnexion(auth_views.LogoutView):
    pass


@login_required
def mon_compte(request: HttpRequest) -> HttpResponse:
    habilitations = request.user.habilitations.select_related("contrat", "organisation")
    return render(request, "comptes/mon_compte.html", {"habilitations": habilitations})
