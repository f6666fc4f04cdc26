from django.urls import path
from django.views.generic import RedirectView

from publication import views

app_name = "publication"

urlpatterns = [
    path("recherche/", views.recherche, name="recherche"),
    path("api/", RedirectView.as_view(url="/api/v1/docs"), name="api_docs"),
]
