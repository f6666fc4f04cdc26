"""Routes of the tableau pages."""

from django.urls import path

from suivi.views import tableau_de_bord

urlpatterns: list = [
    path(
        "contrats/<slug:slug>/tableau-de-bord/",
        tableau_de_bord.tableau_de_bord,
        name="tableau_de_bord",
    ),
    path(
        "contrats/<slug:slug>/tableau-de-bord/dossiers/",
        tableau_de_bord.tableau_de_bord_dossiers,
        name="tableau_de_bord_dossiers",
    ),
    path(
        "contrats/<slug:slug>/tableau-de-bord/export/<slug:table>.<slug:format>",
        tableau_de_bord.tableau_de_bord_export,
        name="tableau_de_bord_export",
    ),
]
