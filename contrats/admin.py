"""Admin for pilotes: each sees and edits only the contracts they pilot.

Every save and deletion made here is written to the history, like any service. Rows of a
contract are reached through its lookup path; organisations, shared by every contract, are
read by all pilotes but changed only by those who pilot every contract they belong to;
roles are granted on the contract's team page, whose service checks and logs them.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from comptes.models import Role, Utilisateur
from contrats import extensions
from contrats import models as m
from historique.admin import HistoriseMixin, LectureSeuleMixin
from territoires.models import Commune, QuartierPrioritaire


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
    m.Instance: "contrat",
    # People: those who hold a role in the contract (newcomers are invited from its team page).
    Utilisateur: "habilitations__contrat",
}


# How an organisation takes part in a contract, in this app.
CHEMINS_ORGANISATION_CONTRAT = [
    "signatures__contrat",
    "habilitations__contrat",
    "instances__contrat",
    "sections_engagements__contrat",
    "invitations__contrat",
]


def _participent(modele, chemins: list[str], contrats: QuerySet[m.Contrat] | None) -> Q:
    """Rows of `modele` that take part in one of `contrats` (in any contract when None)
    through one of `chemins`: one subquery per path, not one join of them all."""
    condition = Q(pk__in=[])
    for chemin in chemins:
        filtre = {f"{chemin}__isnull": False} if contrats is None else {f"{chemin}__in": contrats}
        condition |= Q(pk__in=modele._default_manager.filter(**filtre).values("pk"))
    return condition


def _chemins_des_organisations() -> list[str]:
    """The links of this app, and those later apps declare (`extensions`)."""
    return CHEMINS_ORGANISATION_CONTRAT + extensions.chemins_organisation_contrat


def _du_perimetre_ou_d_aucun_contrat(modele, chemins: list[str], request: HttpRequest) -> Q:
    """Rows shared by contracts: those of the contracts the user pilots, and those of no
    contract yet (a new organisation, commune or QPV)."""
    return _participent(modele, chemins, contrats_pilotes(request)) | ~_participent(
        modele, chemins, None
    )


def organisations_visibles(request: HttpRequest) -> QuerySet[m.Organisation]:
    if request.user.is_superuser:
        return m.Organisation.objects.all()
    return m.Organisation.objects.filter(
        _du_perimetre_ou_d_aucun_contrat(m.Organisation, _chemins_des_organisations(), request)
    )


def organisation_modifiable(request: HttpRequest, organisation: m.Organisation) -> bool:
    """No pilote renames an organisation that takes part in a contract they do not pilot."""
    if request.user.is_superuser:
        return True
    autres_contrats = m.Contrat.objects.exclude(pk__in=contrats_pilotes(request).values("pk"))
    return not m.Organisation.objects.filter(
        _participent(m.Organisation, _chemins_des_organisations(), autres_contrats),
        pk=organisation.pk,
    ).exists()


def limiter_aux_contrats_pilotes(modele, queryset, request):
    """Choices of a related field restricted to the contracts the user pilots."""
    if request.user.is_superuser:
        return queryset
    if modele is m.Organisation:
        return queryset.filter(pk__in=organisations_visibles(request).values("pk"))
    if modele in (Commune, QuartierPrioritaire):
        return queryset.filter(_du_perimetre_ou_d_aucun_contrat(modele, ["contrats"], request))
    chemin = CHEMINS_VERS_LE_CONTRAT.get(modele)
    if chemin is None:
        return queryset
    dans_le_perimetre = modele._default_manager.filter(
        **{f"{chemin}__in": contrats_pilotes(request)}
    )
    return queryset.filter(pk__in=dans_le_perimetre.values("pk"))


class ChoixDuPerimetreMixin:
    """Related choices (domain of an objective, pillar of a line, communes of the contract,
    dispositif of a measure…) restricted to the contracts the user pilots, so that a pilote
    cannot attach data to a contract they do not pilot. For model admins and inlines."""

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


class ParContratAdmin(ChoixDuPerimetreMixin, HistoriseMixin, admin.ModelAdmin):
    """Rows reachable from a contract through `chemin_contrat` (Django lookup path)."""

    chemin_contrat = "contrat"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.chemin_contrat}__in": contrats_pilotes(request)})


class JalonInline(ChoixDuPerimetreMixin, admin.TabularInline):
    model = m.Jalon
    extra = 0


class RegleInline(ChoixDuPerimetreMixin, admin.StackedInline):
    model = m.RegleModification
    extra = 0


@admin.register(m.Contrat)
class ContratAdmin(ChoixDuPerimetreMixin, HistoriseMixin, admin.ModelAdmin):
    list_display = ["titre", "generation", "date_debut", "date_fin"]
    inlines = [JalonInline, RegleInline]
    filter_horizontal = ["communes", "quartiers"]

    def get_queryset(self, request):
        return contrats_pilotes(request)

    def has_add_permission(self, request) -> bool:
        # A contract is created by loading its data folder, not by hand.
        return request.user.is_superuser


class DomaineInline(ChoixDuPerimetreMixin, admin.StackedInline):
    model = m.Domaine
    extra = 0


@admin.register(m.Pilier)
class PilierAdmin(ParContratAdmin):
    list_display = ["numero", "intitule", "contrat"]
    inlines = [DomaineInline]


class OrientationInline(ChoixDuPerimetreMixin, admin.TabularInline):
    model = m.OrientationStrategique
    extra = 0


class ObjectifInline(ChoixDuPerimetreMixin, admin.StackedInline):
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


class FicheActionInline(ChoixDuPerimetreMixin, admin.TabularInline):
    model = m.FicheAction
    extra = 0


@admin.register(m.LignePlan)
class LignePlanAdmin(ParContratAdmin):
    list_display = ["ordre", "pilier", "domaine", "contrat"]
    inlines = [FicheActionInline]
    filter_horizontal = ["objectifs_operationnels"]


@admin.register(m.Organisation)
class OrganisationAdmin(ChoixDuPerimetreMixin, HistoriseMixin, admin.ModelAdmin):
    list_display = ["nom", "code", "type"]
    list_filter = ["type"]
    search_fields = ["nom", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=organisations_visibles(request))

    def has_change_permission(self, request, obj=None) -> bool:
        permis = super().has_change_permission(request, obj)
        return permis and (obj is None or organisation_modifiable(request, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        permis = super().has_delete_permission(request, obj)
        return permis and (obj is None or organisation_modifiable(request, obj))


@admin.register(m.Signataire)
class SignataireAdmin(ParContratAdmin):
    list_display = ["organisation", "representant", "qualite", "role", "contrat"]


class EngagementInline(ChoixDuPerimetreMixin, admin.StackedInline):
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


class MesureInline(ChoixDuPerimetreMixin, admin.TabularInline):
    model = m.MesureArticulation
    extra = 0


@admin.register(m.Articulation)
class ArticulationAdmin(ParContratAdmin):
    list_display = ["lettre", "porteur", "contrat"]
    inlines = [MesureInline]


@admin.register(m.Habilitation)
class HabilitationAdmin(LectureSeuleMixin, ParContratAdmin):
    """Read only: a role is granted, changed or withdrawn on the contract's team page, whose
    service checks it (organisation, body) and writes it to the history and the log."""

    list_display = ["utilisateur", "role", "organisation", "contrat"]
    list_filter = ["role"]
