from django.urls import path

from comptes import views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.connexion, name="connexion"),
    path("deconnexion/", views.Deconnexion.as_view(), name="deconnexion"),
    path("mon-compte/", views.mon_compte, name="mon_compte"),
]
