"""How django-axes throttles logins here: failures are counted per account, whatever the
identifier typed (username or address), and a locked-out login gets a French page."""

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptes.models import Utilisateur


def compte_vise(request: HttpRequest | None, credentials: dict | None) -> str:
    """The account a login attempt aims at ("compte-12"), else what was typed: typing the
    address instead of the identifier does not start a new count."""
    credentials = credentials or {}
    saisi = credentials.get("username") or credentials.get("email") or ""
    if not saisi and request is not None:
        saisi = request.POST.get("login", "")
    saisi = saisi.strip()
    if not saisi:
        return ""
    compte = (
        Utilisateur.objects.filter(Q(username__iexact=saisi) | Q(email__iexact=saisi))
        .values_list("pk", flat=True)
        .first()
    )
    return f"compte-{compte}" if compte else saisi.casefold()


def connexion_bloquee(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "comptes/connexion_bloquee.html",
        {"minutes": minutes, "essais": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
