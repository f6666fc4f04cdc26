"""Routes of the signatories' engagements follow-up.

The summary table is not at contrats/<slug>/engagements/suivi/: contrats' route
contrats/<slug>/engagements/<numero>/ (a section's page) answers that address first.
"""

from django.urls import path

from suivi.views import engagements

BASE = "contrats/<slug:slug>/engagements/"
TABLEAU = f"{BASE}suivi/tableau"

urlpatterns: list = [
    path(f"{TABLEAU}/", engagements.suivi_engagements, name="suivi_engagements"),
    path(
        f"{TABLEAU}.<str:format>",
        engagements.suivi_engagements_export,
        name="suivi_engagements_export",
    ),
    path(
        f"{BASE}signataires/<slug:code>/",
        engagements.suivi_engagements_signataire,
        name="suivi_engagements_signataire",
    ),
    path(
        f"{BASE}<int:pk>/suivi/<int:annee>/proposer/",
        engagements.suivi_engagement_proposer,
        name="suivi_engagement_proposer",
    ),
    path(
        f"{BASE}suivi/<int:pk>/examiner/",
        engagements.suivi_engagement_examiner,
        name="suivi_engagement_examiner",
    ),
    path(
        f"{BASE}suivi/<int:pk>/document/",
        engagements.suivi_engagement_document,
        name="suivi_engagement_document",
    ),
]
