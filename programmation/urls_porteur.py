"""Routes of the porteur's pages and of the dossier page shared by every role."""

from django.urls import path

from programmation.views import conventions_pluriannuelles, porteur

urlpatterns: list = [
    path("contrats/<slug:slug>/ma-structure/", porteur.structure, name="structure"),
    path(
        "contrats/<slug:slug>/ma-structure/inviter/",
        porteur.inviter_collegue,
        name="inviter_collegue",
    ),
    path(
        "contrats/<slug:slug>/ma-structure/porte-documents/",
        porteur.porte_documents,
        name="porte_documents",
    ),
    path(
        "contrats/<slug:slug>/ma-structure/porte-documents/<int:pk>/",
        porteur.document,
        name="document",
    ),
    path(
        "contrats/<slug:slug>/ma-structure/porte-documents/<int:pk>/remplacer/",
        porteur.document_remplacer,
        name="document_remplacer",
    ),
    path(
        "contrats/<slug:slug>/ma-structure/porte-documents/<int:pk>/retirer/",
        porteur.document_retirer,
        name="document_retirer",
    ),
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
    path(
        "dossiers/<int:pk>/porte-documents/<int:document>/",
        porteur.document_du_dossier,
        name="document_du_dossier",
    ),
    path("dossiers/<int:pk>/depot/", porteur.dossier_depot, name="dossier_depot"),
    path(
        "dossiers/<int:pk>/convention-pluriannuelle/",
        conventions_pluriannuelles.dossier_convention_pluriannuelle,
        name="dossier_convention_pluriannuelle",
    ),
    path("dossiers/<int:pk>/recepisse/<int:numero>/", porteur.recepisse, name="recepisse"),
    path("pieces/<int:pk>/", porteur.piece, name="piece"),
    path("pieces/<int:pk>/supprimer/", porteur.piece_supprimer, name="piece_supprimer"),
]
