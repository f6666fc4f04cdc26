from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from historique.actions import ActionAdministration
from historique.models import Evenement
from historique.services import enregistrer_evenement


class LectureSeuleMixin:
    """Rows written only by their services (with their checks and history): read here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evenement)
class EvenementAdmin(LectureSeuleMixin, admin.ModelAdmin):
    """History is append-only: nobody edits or deletes it, not even from the admin."""

    list_display = ["horodatage", "acteur", "action", "objet_libelle", "motif"]
    list_filter = ["action"]
    search_fields = ["objet_libelle", "motif", "action"]
    date_hierarchy = "horodatage"


def _journaliser(
    request: HttpRequest, objet: Model, action: ActionAdministration, champs: list[str]
) -> None:
    enregistrer_evenement(
        acteur=request.user,
        objet=objet,
        action=action,
        changements={champ: str(getattr(objet, champ, "")) for champ in champs},
        motif="Depuis l'administration",
    )


class HistoriseMixin:
    """Writes one history event per object created, changed or deleted in the admin."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        action = ActionAdministration.MODIFICATION if change else ActionAdministration.CREATION
        _journaliser(request, obj, action, list(form.changed_data))

    def delete_model(self, request, obj) -> None:
        _journaliser(request, obj, ActionAdministration.SUPPRESSION, [])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            _journaliser(request, obj, ActionAdministration.SUPPRESSION, [])
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _journaliser(request, obj, ActionAdministration.CREATION, [])
        for obj, champs in formset.changed_objects:
            _journaliser(request, obj, ActionAdministration.MODIFICATION, champs)
        for obj in formset.deleted_objects:
            _journaliser(request, obj, ActionAdministration.SUPPRESSION, [])
