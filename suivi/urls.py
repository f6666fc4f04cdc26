"""Suivi and évaluation routes, split by subject (bilans, tableau de bord)."""

from suivi import urls_bilans, urls_tableau

app_name = "suivi"

urlpatterns = urls_bilans.urlpatterns + urls_tableau.urlpatterns
