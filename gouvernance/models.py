from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from contrats.models import Instance
from historique.horloge import maintenant


class Seance(models.Model):
    """A meeting of one governance body (comité de recevabilité, COPIL…)."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="seances")
    date = models.DateField("date")
    titre = models.CharField("titre", max_length=250)
    ordre_du_jour = models.TextField("ordre du jour", blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "séance"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.titre


class Decision(models.Model):
    """What a meeting decided on one object (a dossier, a bilan…), via a generic link.

    Generic so that governance never imports the apps whose objects it decides on.
    """

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="decisions")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    objet = GenericForeignKey("content_type", "object_id")
    objet_libelle = models.CharField("objet", max_length=300)
    decision = models.CharField("décision", max_length=40)
    decision_libelle = models.CharField("libellé de la décision", max_length=100)
    motif = models.TextField("motif", blank=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="decisions"
    )
    horodatage = models.DateTimeField("date et heure", default=maintenant)

    class Meta:
        verbose_name = "décision"
        ordering = ["seance", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.objet_libelle} : {self.decision_libelle}"
