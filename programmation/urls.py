"""Programmation routes, split by who uses them (porteurs, pilotage, public)."""

from programmation import (
    urls_corrections,
    urls_espace,
    urls_pilotage,
    urls_porteur,
    urls_public,
)

app_name = "programmation"

urlpatterns = (
    urls_public.urlpatterns
    + urls_porteur.urlpatterns
    + urls_pilotage.urlpatterns
    + urls_corrections.urlpatterns
    + urls_espace.urlpatterns
)
