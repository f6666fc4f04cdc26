from django.contrib import admin
from django.urls import include, path

from contrats import views as contrats_views
from publication.api import api

admin.site.site_header = "Administration — Contrat de ville"
admin.site.site_title = "Contrat de ville"
admin.site.index_title = "Données des contrats"

urlpatterns = [
    path("", contrats_views.accueil, name="accueil"),
    path("contrats/", include("contrats.urls")),
    path("", include("gouvernance.urls")),
    path("", include("programmation.urls")),
    path("", include("suivi.urls")),
    path("quartiers/", include("territoires.urls")),
    path("comptes/", include("comptes.urls")),
    path("comptes/", include("comptes.urls_allauth")),
    path("", include("publication.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
