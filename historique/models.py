from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from historique.horloge import maintenant


class Evenement(models.Model):
    """One row per change of domain data: who, when, on what, what changed and why.

    Rows are only ever inserted (see services.enregistrer_evenement); the author is
    kept with RESTRICT so that history never loses who acted. Once committed, an event is
    sealed into the chain (historique.integrite): its rank and the SHA-256 of its content
    and of the previous event's. Database triggers refuse any other update and any delete.
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
    # The chain: set once, by historique.integrite.sceller, after the event is committed.
    rang = models.PositiveBigIntegerField("rang dans la chaîne", null=True, unique=True)
    empreinte_precedente = models.CharField(
        "empreinte de l'événement précédent", max_length=64, blank=True
    )
    empreinte = models.CharField("empreinte SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "historique"
        ordering = ["-horodatage", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-horodatage"])]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} · {self.action} · {self.objet_libelle}"


class TeteDeChaine(models.Model):
    """The one row that says where the chain of events ends; sealing locks it."""

    rang = models.PositiveBigIntegerField("rang du dernier événement scellé", default=0)
    empreinte = models.CharField("empreinte du dernier événement scellé", max_length=64, blank=True)

    class Meta:
        verbose_name = "tête de la chaîne de l'historique"

    def __str__(self) -> str:
        return f"rang {self.rang}"
