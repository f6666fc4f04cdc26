"""Admin for pilotes: each sees and edits only the contracts they pilot.

Every save and deletion made here is written to the history, like any service.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from comptes.models import Role
from contrats import models as m
from historique.admin import HistoriseMixin


def contrats_pilotes(request: HttpRequest) -> QuerySet[m.Contrat]:
    if request.user.is_superuser:
        return m.Contrat.objects.all()
    return m.Contrat.objects.filter(
        habilitations__utilisateur=request.user, habilitations__role=Role.PILOTE
    )


# How each contract-owned model reaches its contract (Django lookup path).
CHEMINS_VERS_LE_CONTRAT = {
    m.Contrat: "pk",
    m.Pilier: "contrat",
    m.Domaine: "pilier__contrat",
    m.ObjectifOperationnel: "domaine__pilier__contrat",
    m.SectionEngagements: "contrat",
    m.Engagement: "section__contrat",
    m.LignePlan: "contrat",
    m.Articulation: "contrat",
    m.Dispositif: "contrat",
}


def limiter_aux_contrats_pilotes(modele, queryset, request):
    """Choices of a related field restricted to the contracts the user pilots."""
    chemin = CHEMINS_VERS_LE_CONTRAT.get(modele)
    if chemin is None or request.user.is_superuser:
        return queryset
    return queryset.filter(**{f"{chemin}__in": contrats_pilotes(request)})


class ParContratAdmin(HistoriseMixin, admin.ModelAdmin):
    """Rows reachable from a contract through `chemin_contrat` (Django lookup path).

    Related choices (domain of an objective, pillar of a line…) are restricted the
    same way, so a pilote cannot attach data to a contract they do not pilot.
    """

    chemin_contrat = "contrat"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.chemin_contrat}__in": contrats_pilotes(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        modele = db_field.related_model
        kwargs["queryset"] = limiter_aux_contrats_pilotes(
            modele, kwargs.get("queryset", modele._default_manager.all()), request
        )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        modele = db_field.related_model
        kwargs["queryset"] = limiter_aux_contrats_pilotes(
            modele, kwargs.get("queryset", modele._default_manager.all()), request
        )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class JalonInline(admin.TabularInline):
    model = m.Jalon
    extra = 0


class RegleInline(admin.StackedInline):
    model = m.RegleModification
    extra = 0


@admin.register(m.Contrat)
class ContratAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = ["titre", "generation", "date_debut", "date_fin"]
    inlines = [JalonInline, RegleInline]
    filter_horizontal = ["communes", "quartiers"]

    def get_queryset(self, request):
        return contrats_pilotes(request)

    def has_add_permission(self, request) -> bool:
        # A contract is created by loading its data folder, not by hand.
        return request.user.is_superuser


class DomaineInline(admin.StackedInline):
    model = m.Domaine
    extra = 0


@admin.register(m.Pilier)
class PilierAdmin(ParContratAdmin):
    list_display = ["numero", "intitule", "contrat"]
    inlines = [DomaineInline]


class OrientationInline(admin.TabularInline):
    model = m.OrientationStrategique
    extra = 0


class ObjectifInline(admin.StackedInline):
    model = m.ObjectifOperationnel
    extra = 0


@admin.register(m.Domaine)
class DomaineAdmin(ParContratAdmin):
    chemin_contrat = "pilier__contrat"
    list_display = ["numero", "intitule", "pilier"]
    inlines = [OrientationInline, ObjectifInline]


@admin.register(m.ObjectifOperationnel)
class ObjectifAdmin(ParContratAdmin):
    chemin_contrat = "domaine__pilier__contrat"
    list_display = ["numero", "intitule", "domaine"]
    search_fields = ["numero", "intitule", "description"]


@admin.register(m.AxeTransversal)
class AxeAdmin(ParContratAdmin):
    list_display = ["numero", "intitule", "contrat"]


class FicheActionInline(admin.TabularInline):
    model = m.FicheAction
    extra = 0


@admin.register(m.LignePlan)
class LignePlanAdmin(ParContratAdmin):
    list_display = ["ordre", "pilier", "domaine", "contrat"]
    inlines = [FicheActionInline]
    filter_horizontal = ["objectifs_operationnels"]


@admin.register(m.Organisation)
class OrganisationAdmin(HistoriseMixin, admin.ModelAdmin):
    list_display = ["nom", "code", "type"]
    list_filter = ["type"]
    search_fields = ["nom", "code"]


@admin.register(m.Signataire)
class SignataireAdmin(ParContratAdmin):
    list_display = ["organisation", "representant", "qualite", "role", "contrat"]


class EngagementInline(admin.StackedInline):
    model = m.Engagement
    extra = 0


@admin.register(m.SectionEngagements)
class SectionEngagementsAdmin(ParContratAdmin):
    list_display = ["numero", "titre", "contrat"]
    inlines = [EngagementInline]
    filter_horizontal = ["organisations"]


@admin.register(m.Engagement)
class EngagementAdmin(ParContratAdmin):
    chemin_contrat = "section__contrat"
    list_display = ["section", "ordre", "rubrique"]
    search_fields = ["texte", "rubrique"]


@admin.register(m.Instance)
class InstanceAdmin(ParContratAdmin):
    list_display = ["nom", "nature", "reunions_min_par_an", "contrat"]
    filter_horizontal = ["organisations"]


@admin.register(m.PlateformeCollaborative)
class PlateformeAdmin(ParContratAdmin):
    list_display = ["lettre", "nom", "contrat"]


@admin.register(m.Dispositif)
class DispositifAdmin(ParContratAdmin):
    list_display = ["sigle", "nom", "contrat"]


class MesureInline(admin.TabularInline):
    model = m.MesureArticulation
    extra = 0


@admin.register(m.Articulation)
class ArticulationAdmin(ParContratAdmin):
    list_display = ["lettre", "porteur", "contrat"]
    inlines = [MesureInline]


@admin.register(m.Habilitation)
class HabilitationAdmin(ParContratAdmin):
    list_display = ["utilisateur", "role", "organisation", "contrat"]
    list_filter = ["role"]
