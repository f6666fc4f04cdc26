"""Public pages: the calls for projects of a contract and the plan d'actions of each year."""

from django.urls import path

from programmation.views import fiches, public

urlpatterns: list = [
    path(
        "contrats/<slug:slug>/plan-actions/fiches/<int:page>/",
        fiches.fiche_action,
        name="fiche_action",
    ),
    path("contrats/<slug:slug>/appels/", public.appels, name="appels"),
    path("contrats/<slug:slug>/appels/<int:annee>/", public.appel, name="appel"),
    path(
        "contrats/<slug:slug>/appels/<int:annee>/plan-actions/",
        public.plan_annuel,
        name="plan_annuel",
    ),
    path(
        "contrats/<slug:slug>/appels/<int:annee>/plan-actions.<str:format>",
        public.plan_annuel_export,
        name="plan_annuel_export",
    ),
]
