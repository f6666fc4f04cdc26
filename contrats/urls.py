from django.urls import path

from contrats import views, views_equipe

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
    path("<slug:slug>/equipe/", views_equipe.equipe_du_contrat, name="equipe"),
    path(
        "<slug:slug>/equipe/roles/<int:pk>/modifier/",
        views_equipe.modifier_role,
        name="equipe_modifier",
    ),
    path(
        "<slug:slug>/equipe/roles/<int:pk>/retirer/",
        views_equipe.retirer_role,
        name="equipe_retirer",
    ),
    path(
        "<slug:slug>/invitation/<str:jeton>/",
        views_equipe.invitation,
        name="invitation",
    ),
]
