"""Routes of each person's own space: the workspace and joining a structure."""

from django.urls import path

from programmation.views import adhesions, espace

urlpatterns: list = [
    path("mon-espace/", espace.mon_espace, name="mon_espace"),
    path(
        "contrats/<slug:slug>/structures/<int:pk>/rejoindre/",
        adhesions.demande,
        name="demande_adhesion",
    ),
    path("adhesions/<int:pk>/accepter/", adhesions.accepter, name="accepter_adhesion"),
    path("adhesions/<int:pk>/refuser/", adhesions.refuser, name="refuser_adhesion"),
]
