"""Suivi and évaluation routes, split by subject (bilans, tableau de bord)."""

from suivi import (
    urls_bilans,
    urls_engagements,
    urls_evaluations,
    urls_rapports,
    urls_referentiel,
    urls_tableau,
)

app_name = "suivi"

urlpatterns = urls_bilans.urlpatterns + urls_tableau.urlpatterns
urlpatterns += urls_referentiel.urlpatterns
urlpatterns += urls_evaluations.urlpatterns
urlpatterns += urls_rapports.urlpatterns
urlpatterns += urls_engagements.urlpatterns
