from django.urls import path

from comptes import views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.connexion, name="connexion"),
    path("deconnexion/", views.Deconnexion.as_view(), name="deconnexion"),
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path(
        "mon-compte/donnees-personnelles/",
        views.donnees_personnelles,
        name="donnees_personnelles",
    ),
    path(
        "mon-compte/donnees-personnelles.json",
        views.export_donnees_personnelles,
        name="export_donnees_personnelles",
    ),
]
