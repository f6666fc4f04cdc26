from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from comptes import services_rgpd
from comptes.selectors import a_un_double_facteur
from historique.journal import consigner


class Connexion(allauth_views.LoginView):
    """allauth's login view (identifier or e-mail, then its e-mail verification and second
    factor stages); the page says whether this instance requires a second factor."""

    def get_context_data(self, **kwargs) -> dict:
        contexte = super().get_context_data(**kwargs)
        contexte["double_facteur_obligatoire"] = settings.DOUBLE_FACTEUR_OBLIGATOIRE
        return contexte


connexion = Connexion.as_view()


class Deconnexion(auth_views.LogoutView):
    """Logout by POST only (a link could log someone out behind their back)."""


@login_required
def mon_compte(request: HttpRequest) -> HttpResponse:
    habilitations = request.user.habilitations.select_related("contrat", "organisation", "instance")
    return render(
        request,
        "comptes/mon_compte.html",
        {
            "habilitations": habilitations,
            "double_facteur_actif": a_un_double_facteur(request.user),
        },
    )


@login_required
@require_safe
def donnees_personnelles(request: HttpRequest) -> HttpResponse:
    """What the platform holds about the person, heading by heading, and the download."""
    export = services_rgpd.exporter_donnees(request.user)
    return render(
        request, "comptes/donnees_personnelles.html", {"resume": services_rgpd.resume(export)}
    )


@login_required
@require_safe
def export_donnees_personnelles(request: HttpRequest) -> HttpResponse:
    """The person's own data as JSON: only theirs, whatever the address says."""
    export = services_rgpd.exporter_donnees(request.user)
    consigner("donnees_personnelles.export", request, personne=request.user.pk)
    reponse = HttpResponse(
        services_rgpd.en_json(export), content_type="application/json; charset=utf-8"
    )
    reponse["Content-Disposition"] = 'attachment; filename="mes-donnees-contrat-de-ville.json"'
    return reponse
