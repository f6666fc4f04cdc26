from django.conf import settings
from django.db import models

from gouvernance.models import Seance
from historique.horloge import maintenant
from programmation.models.dossiers import Dossier, Statut


class CodeTransition(models.TextChoices):
    DEPOSER = "deposer", "Déposer le dossier"
    RETIRER = "retirer", "Retirer le dossier"
    DECLARER_RECEVABLE = "declarer_recevable", "Déclarer recevable"
    DECLARER_IRRECEVABLE = "declarer_irrecevable", "Déclarer irrecevable"
    METTRE_EN_INSTRUCTION = "mettre_en_instruction", "Mettre en instruction"
    PROPOSER = "proposer", "Proposer au comité de pilotage"
    VALIDER = "valider", "Valider"
    REFUSER = "refuser", "Refuser"
    AJOURNER = "ajourner", "Ajourner"
    CONVENTIONNER = "conventionner", "Établir les conventions"
    SOLDER = "solder", "Solder"
    DEMANDER_COMPLEMENTS = "demander_complements", "Demander des compléments"
    REDEPOSER = "redeposer", "Redéposer le dossier complété"
    REVENIR_SUR_DECISION = "revenir_sur_decision", "Revenir sur la décision du comité"
    ROUVRIR = "rouvrir", "Rouvrir le dossier"


class TransitionDossier(models.Model):
    """One change of a dossier's statut: the typed log its timeline, bilans and dashboards read.

    Written only by services.transitions.transitionner, in the same transaction as the
    history event; the actor is kept (RESTRICT) so that no decision loses who took it.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transitions")
    transition = models.CharField("transition", max_length=40, choices=CodeTransition.choices)
    de = models.CharField("statut de départ", max_length=20, choices=Statut.choices)
    vers = models.CharField("statut d'arrivée", max_length=20, choices=Statut.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="transitions_dossiers"
    )
    motif = models.TextField("motif", blank=True)
    seance = models.ForeignKey(
        Seance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transitions_dossiers",
        verbose_name="séance qui a décidé",
    )
    horodatage = models.DateTimeField("date et heure", default=maintenant)

    class Meta:
        verbose_name = "transition de dossier"
        verbose_name_plural = "transitions de dossiers"
        ordering = ["dossier", "horodatage", "id"]
        indexes = [models.Index(fields=["dossier", "horodatage"])]

    def __str__(self) -> str:
        return f"{self.dossier.numero} : {self.get_de_display()} → {self.get_vers_display()}"
