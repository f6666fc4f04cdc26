"""Routes of the bilans pages."""

from django.urls import path

from suivi.views import bilans

urlpatterns: list = [
    path("dossiers/<int:pk>/bilan/", bilans.bilan_du_dossier, name="bilan_du_dossier"),
    path("bilans/<int:pk>/saisie/", bilans.bilan_saisie, name="bilan_saisie"),
    path(
        "bilans/<int:pk>/transition/<str:code>/",
        bilans.bilan_transition,
        name="bilan_transition",
    ),
    path("bilans/<int:pk>/report/", bilans.bilan_report, name="bilan_report"),
    path("reports/<int:pk>/decision/", bilans.report_decision, name="report_decision"),
    path("contrats/<slug:slug>/bilans/", bilans.bilans_du_contrat, name="bilans_du_contrat"),
]
