from django.urls import path

from contrats import views

app_name = "contrats"

urlpatterns = [
    path("<slug:slug>/", views.apercu, name="apercu"),
    path("<slug:slug>/cadre-strategique/", views.cadre_strategique, name="cadre"),
    path(
        "<slug:slug>/cadre-strategique/objectifs/<str:numero>/",
        views.objectif,
        name="objectif",
    ),
    path("<slug:slug>/cadre-strategique/axes/<str:numero>/", views.axe, name="axe"),
    path("<slug:slug>/plan-actions/", views.plan_actions, name="plan"),
    path("<slug:slug>/diagnostic/", views.diagnostic_territorial, name="diagnostic"),
    path("<slug:slug>/signataires/", views.signataires, name="signataires"),
    path("<slug:slug>/engagements/<str:numero>/", views.engagements, name="engagements"),
    path("<slug:slug>/gouvernance/", views.gouvernance, name="gouvernance"),
]
