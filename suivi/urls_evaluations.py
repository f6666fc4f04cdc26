"""Routes of the evaluation pages."""

from django.urls import path

from suivi.views import evaluations

urlpatterns: list = [
    path("contrats/<slug:slug>/evaluations/", evaluations.evaluations, name="evaluations"),
    path(
        "contrats/<slug:slug>/evaluations/ouvrir/",
        evaluations.evaluation_ouvrir,
        name="evaluation_ouvrir",
    ),
    path("evaluations/<int:pk>/", evaluations.evaluation, name="evaluation"),
    path(
        "evaluations/<int:pk>/objectifs/<int:objectif_pk>/constat/",
        evaluations.evaluation_constat,
        name="evaluation_constat",
    ),
    path(
        "evaluations/<int:pk>/sections/",
        evaluations.evaluation_sections,
        name="evaluation_sections",
    ),
    path(
        "evaluations/<int:pk>/decisions/<int:dossier_pk>/",
        evaluations.evaluation_decision,
        name="evaluation_decision",
    ),
    path(
        "evaluations/<int:pk>/arreter/", evaluations.evaluation_arreter, name="evaluation_arreter"
    ),
]
