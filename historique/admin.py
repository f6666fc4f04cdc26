from django.contrib import admin

from historique.models import Evenement


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    list_display = ["horodatage", "acteur", "action", "objet_libelle", "motif"]
    list_filter = ["action"]
    search_fields = ["objet_libelle", "motif", "action"]
    date_hierarchy = "horodatage"

    # History is append-only: nobody edits or deletes it, not even from the admin.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
