"""The site's URLs plus one view that fails, for the tests of the 500 page only."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as urls_du_site


def base_indisponible(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection refused (panne simulée par le test)")


def processeur_en_panne(request: HttpRequest) -> dict:
    """A context processor that fails, as one reading an unreachable database would."""
    raise OperationalError("connection refused (panne simulée par le test)")


urlpatterns = [path("panne/", base_indisponible), *urls_du_site]
