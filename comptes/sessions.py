"""Sessions end after a while without activity and, whatever the activity, after a working
day: a forgotten browser does not stay logged in. The session remembers when it began and
when it was last used; it is written again at most once a minute, not on every request."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

DEBUT = "session_commencee_le"
VU = "session_vue_le"
PRECISION = 60  # seconds between two writes of the session's last use


def commencer(request: HttpRequest) -> None:
    """At login (comptes.signals): the session begins and is in use now."""
    maintenant = timezone.now().isoformat()
    request.session[DEBUT] = request.session[VU] = maintenant


def _lu(request: HttpRequest, cle: str, maintenant: datetime) -> datetime:
    valeur = request.session.get(cle)
    return datetime.fromisoformat(valeur) if valeur else maintenant


class SessionLimiteeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._limiter(request)
        return self.get_response(request)

    def _limiter(self, request: HttpRequest) -> None:
        maintenant = timezone.now()
        debut, vu = _lu(request, DEBUT, maintenant), _lu(request, VU, maintenant)
        inactif = (maintenant - vu).total_seconds() > settings.SESSION_INACTIVITE_MAX
        trop_longue = (maintenant - debut).total_seconds() > settings.SESSION_DUREE_MAX
        if inactif or trop_longue:
            logout(request)
            messages.info(
                request,
                "Votre session a pris fin "
                + ("après une période d'inactivité" if inactif else "au bout de la journée")
                + " : reconnectez-vous pour continuer.",
            )
            return
        if DEBUT not in request.session:
            request.session[DEBUT] = maintenant.isoformat()
        if VU not in request.session or (maintenant - vu).total_seconds() > PRECISION:
            request.session[VU] = maintenant.isoformat()
