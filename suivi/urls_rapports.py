"""Routes of the rapport annuel pages: the pilotage's, then the public ones."""

from django.urls import path

from suivi.views import rapports

BASE = "contrats/<slug:slug>/rapport-annuel/"
PUBLIC = "contrats/<slug:slug>/rapports-annuels-publies/"

urlpatterns: list = [
    path(BASE, rapports.rapports_annuels, name="rapports_annuels"),
    path(f"{BASE}<int:annee>/", rapports.rapport_annuel, name="rapport_annuel"),
    path(
        f"{BASE}<int:annee>/perspectives/",
        rapports.rapport_perspectives,
        name="rapport_perspectives",
    ),
    path(f"{BASE}<int:annee>/generer/", rapports.rapport_generer, name="rapport_generer"),
    path(
        f"{BASE}<int:annee>/generations/<int:pk>/",
        rapports.rapport_generation,
        name="rapport_generation",
    ),
    path(
        f"{BASE}<int:annee>/transition/<str:code>/",
        rapports.rapport_transition,
        name="rapport_transition",
    ),
    path(f"{BASE}<int:annee>/avis/<int:pk>/", rapports.rapport_avis, name="rapport_avis"),
    path(
        f"{BASE}<int:annee>/rapport-annuel.<str:format>",
        rapports.rapport_document,
        name="rapport_document",
    ),
    path(PUBLIC, rapports.rapports_publies, name="rapports_publies"),
    path(
        f"{PUBLIC}<int:annee>/rapport-annuel.<str:format>",
        rapports.rapport_publie_document,
        name="rapport_publie_document",
    ),
]
