from django.contrib import admin

from historique.admin import LectureSeuleMixin
from suivi.models import Bilan, OrdreDeReversement, ReportDeDates, TransitionBilan


@admin.register(Bilan)
class BilanAdmin(LectureSeuleMixin, admin.ModelAdmin):
    """Bilans change through their services (state machine, history): read them here."""

    list_display = ("dossier", "annee", "statut", "nature", "date_limite", "est_demo")
    list_filter = ("statut", "annee", "nature", "est_demo")
    search_fields = ("dossier__numero", "dossier__intitule")


@admin.register(TransitionBilan)
class TransitionBilanAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ("bilan", "transition", "de", "vers", "acteur", "horodatage")


@admin.register(OrdreDeReversement)
class OrdreDeReversementAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ("convention", "montant", "date", "acteur")


@admin.register(ReportDeDates)
class ReportDeDatesAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ("bilan", "date_debut", "date_fin", "statut", "demande_le")
