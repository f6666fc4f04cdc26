from django.contrib import admin

from historique.admin import HistoriseMixin, LectureSeuleMixin
from territoires.models import (
    Commune,
    ImportObservations,
    Indicateur,
    Observation,
    QuartierPrioritaire,
    Secteur,
    TerritoireDeReference,
)


class SecteurInline(admin.TabularInline):
    model = Secteur
    extra = 0


@admin.register(QuartierPrioritaire)
class QuartierAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = ["nom", "code", "decret"]
    inlines = [SecteurInline]


@admin.register(Commune)
class CommuneAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = ["nom", "code_insee", "departement"]


@admin.register(Indicateur)
class IndicateurAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = ["libelle", "rubrique", "unite"]


@admin.register(Observation)
class ObservationAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = [
        "indicateur",
        "commune",
        "quartier",
        "reference",
        "date",
        "valeur_texte",
        "origine",
        "est_demo",
    ]
    list_filter = ["indicateur__rubrique", "origine", "est_demo"]


@admin.register(TerritoireDeReference)
class TerritoireDeReferenceAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = ["nom", "code", "niveau"]
    list_filter = ["niveau"]


@admin.register(ImportObservations)
class ImportObservationsAdmin(LectureSeuleMixin, admin.ModelAdmin):
    """Read only: an import is written by the import service, with its history event."""

    list_display = ["fichier", "importe_le", "auteur", "crees", "modifiees", "inchangees"]
