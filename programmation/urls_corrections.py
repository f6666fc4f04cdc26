"""Routes of the corrections: compléments, versions, reversed decisions, cancelled payments."""

from django.urls import path

from programmation.views import corrections

urlpatterns: list = [
    path(
        "dossiers/<int:pk>/complements/",
        corrections.demande_complements,
        name="demande_complements",
    ),
    path("dossiers/<int:pk>/versions/", corrections.versions, name="versions"),
    path(
        "dossiers/<int:pk>/revenir-sur-la-decision/",
        corrections.revenir_sur_la_decision,
        name="revenir_sur_decision",
    ),
    path(
        "paiements/<int:pk>/annuler/", corrections.annulation_paiement, name="annulation_paiement"
    ),
]
