from django.contrib import admin

from historique.admin import HistoriseMixin
from territoires.models import Commune, Indicateur, Observation, QuartierPrioritaire, Secteur


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
    list_display = ["indicateur", "commune", "quartier", "date", "valeur_texte"]
    list_filter = ["indicateur__rubrique"]
