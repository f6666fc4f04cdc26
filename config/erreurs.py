"""The page of a form refused by the CSRF check: Django's own is in English and plain."""

from django.http import HttpRequest, HttpResponseForbidden
from django.template.loader import render_to_string

MESSAGE_CSRF = (
    "Ce formulaire n'a pas pu être vérifié : la page était ouverte depuis trop longtemps, ou "
    "votre navigateur refuse les cookies de ce site. Rechargez la page, puis recommencez ; "
    "rien n'a été enregistré."
)


def csrf_refuse(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    return HttpResponseForbidden(
        render_to_string("403.html", {"exception": MESSAGE_CSRF}, request=request)
    )
