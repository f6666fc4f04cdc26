from django.contrib import admin

from suivi.models import Bilan, OrdreDeReversement, ReportDeDates, TransitionBilan


class LectureSeuleMixin:
    """Bilans change through their services (state machine, history): read them here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Bilan)
class BilanAdmin(LectureSeuleMixin, admin.ModelAdmin):
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
