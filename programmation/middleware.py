"""Every request tells the e-mails it sends the site's address, so their links are absolute
(receipts, dossiers), whichever page took the transition."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from programmation.services.notifications import adresse_du_site


class AdresseDuSiteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with adresse_du_site(request.build_absolute_uri("/")):
            return self.get_response(request)
