"""Routes of the evaluation referential's pages."""

from django.urls import path

from suivi.views import referentiel

urlpatterns: list = [
    path("contrats/<slug:slug>/referentiel/", referentiel.referentiel, name="referentiel"),
    path(
        "contrats/<slug:slug>/referentiel/nouveau/",
        referentiel.indicateur_nouveau,
        name="indicateur_nouveau",
    ),
    path("referentiel/indicateurs/<int:pk>/", referentiel.indicateur, name="indicateur"),
    path(
        "referentiel/indicateurs/<int:pk>/modifier/",
        referentiel.indicateur_modifier,
        name="indicateur_modifier",
    ),
    path(
        "referentiel/indicateurs/<int:pk>/mesures/",
        referentiel.mesure_enregistrer,
        name="mesure_enregistrer",
    ),
    path(
        "referentiel/mesures/<int:pk>/supprimer/",
        referentiel.mesure_supprimer,
        name="mesure_supprimer",
    ),
]
