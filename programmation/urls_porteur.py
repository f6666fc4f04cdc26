"""Routes of the porteur's pages and of the dossier page shared by every role."""

from django.urls import path

from programmation.views import porteur

urlpatterns: list = [
    path("contrats/<slug:slug>/ma-structure/", porteur.structure, name="structure"),
    path("contrats/<slug:slug>/mes-dossiers/", porteur.mes_dossiers, name="mes_dossiers"),
    path(
        "contrats/<slug:slug>/appels/<int:annee>/nouveau-dossier/",
        porteur.nouveau_dossier,
        name="nouveau_dossier",
    ),
    path("dossiers/<int:pk>/", porteur.dossier, name="dossier"),
    path("dossiers/<int:pk>/transition/<str:nom>/", porteur.transition, name="transition"),
    path("dossiers/<int:pk>/action/", porteur.dossier_action, name="dossier_action"),
    path("dossiers/<int:pk>/public/", porteur.dossier_public, name="dossier_public"),
    path("dossiers/<int:pk>/budget/", porteur.dossier_budget, name="dossier_budget"),
    path("dossiers/<int:pk>/pieces/", porteur.dossier_pieces, name="dossier_pieces"),
    path("pieces/<int:pk>/", porteur.piece, name="piece"),
    path("pieces/<int:pk>/supprimer/", porteur.piece_supprimer, name="piece_supprimer"),
]
