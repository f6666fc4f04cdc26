"""Who must log in with a second factor, and the middleware that holds them to it.

With `DOUBLE_FACTEUR_OBLIGATOIRE`, a person who holds a pilote, État or financeur role in
any contract, or who administers the platform (staff), uses nothing but the public pages
until an authenticator app (TOTP) protects the account: any other page sends them to its
activation with the reason, the API answers 403. Once it is active, allauth asks for its
code at every login. The rule lives here, not in comptes: it reads the roles.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from comptes.models import Role
from comptes.selectors import a_un_double_facteur
from contrats.models import Habilitation

ROLES_A_DOUBLE_FACTEUR = (Role.PILOTE, Role.ETAT, Role.FINANCEUR)
MESSAGE = (
    "La double authentification est exigée des pilotes, des services de l'État et des "
    "financeurs : activez-la pour accéder à votre espace, avec une application "
    "d'authentification (TOTP) installée sur votre téléphone."
)
MESSAGE_API = (
    "La double authentification est exigée des pilotes, des services de l'État et des "
    "financeurs : activez-la sur {url} avant d'utiliser l'API."
)
# Setting the second factor up, confirming one's password to do so, and leaving.
PAGES_LIBRES = frozenset({"account_reauthenticate", "account_logout", "comptes:deconnexion"})
LECTURES = frozenset({"GET", "HEAD"})


def doit_avoir_double_facteur(utilisateur) -> bool:
    if not getattr(utilisateur, "is_authenticated", False):
        return False
    return (
        utilisateur.is_staff
        or Habilitation.objects.filter(
            utilisateur=utilisateur, role__in=ROLES_A_DOUBLE_FACTEUR
        ).exists()
    )


def manque_le_double_facteur(utilisateur) -> bool:
    """Whether this instance requires a second factor of this person, who has none yet."""
    return (
        settings.DOUBLE_FACTEUR_OBLIGATOIRE
        and doit_avoir_double_facteur(utilisateur)
        and not a_un_double_facteur(utilisateur)
    )


def _page_libre(request: HttpRequest) -> bool:
    page = request.resolver_match
    return (page.url_name or "").startswith("mfa_") or page.view_name in PAGES_LIBRES


def _page_publique(request: HttpRequest, vue: Callable) -> bool:
    """A page a visitor reads without an account: read, not written to.

    Django's login_required (user_passes_test) leaves `login_url` on the view it wraps;
    the admin checks its staff itself.
    """
    reservee = hasattr(vue, "login_url") or "admin" in request.resolver_match.namespaces
    return request.method in LECTURES and not reservee


class DoubleFacteurObligatoireMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, vue: Callable, args, kwargs):
        if not settings.DOUBLE_FACTEUR_OBLIGATOIRE or _page_libre(request):
            return None
        if not manque_le_double_facteur(request.user):
            return None
        activation = reverse("mfa_activate_totp")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MESSAGE_API.format(url=activation)}, status=403)
        if _page_publique(request, vue):
            return None
        messages.warning(request, MESSAGE)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(activation)
        return HttpResponseRedirect(activation)
