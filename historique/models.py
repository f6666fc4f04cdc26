from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from historique.horloge import maintenant


class Evenement(models.Model):
    """One row per change of domain data: who, when, on what, what changed and why.

    Rows are only ever inserted (see services.enregistrer_evenement); the author is
    kept with RESTRICT so that history never loses who acted.
    """

    horodatage = models.DateTimeField("date et heure", default=maintenant, db_index=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="acteur",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="evenements",
        help_text="Vide pour une action du système (chargement, tâche planifiée).",
    )
    action = models.CharField("action", max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    objet = GenericForeignKey("content_type", "object_id")
    objet_libelle = models.CharField("objet", max_length=300)
    changements = models.JSONField("changements", default=dict, blank=True)
    motif = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "historique"
        ordering = ["-horodatage", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-horodatage"])]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} · {self.action} · {self.objet_libelle}"
