from django.conf import settings
from django.db import models

from historique.horloge import maintenant
from programmation.models.dossiers import Dossier, Statut


class SectionDossier(models.TextChoices):
    """Parts of a dossier a correction may reopen (the sections of the CERFA 12156 form)."""

    ACTION = "action", "L'action (description, objectifs, dates, moyens humains)"
    PUBLIC = "public", "Le public visé"
    BUDGET = "budget", "Le budget prévisionnel"
    PIECES = "pieces", "Les pièces jointes"


class DemandeComplements(models.Model):
    """A request to the porteur for corrections or pieces, with a deadline.

    The dossier waits "à compléter" while it is open; the porteur changes only the
    sections asked and re-submits, which closes it and freezes a new version.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="demandes_complements"
    )
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="demandes_complements"
    )
    message = models.TextField("message au porteur")
    sections = models.JSONField("sections à compléter", default=list)
    echeance = models.DateField("à compléter avant le")
    # Where the dossier goes back once completed: the statut it had when asked.
    statut_precedent = models.CharField(
        "statut avant la demande", max_length=20, choices=Statut.choices
    )
    demandee_le = models.DateTimeField("demandée le", default=maintenant)
    satisfaite_le = models.DateTimeField("satisfaite le", null=True, blank=True)
    relance_envoyee_le = models.DateTimeField("relance envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de compléments"
        verbose_name_plural = "demandes de compléments"
        ordering = ["dossier", "-demandee_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(satisfaite_le__isnull=True),
                name="une_demande_ouverte_par_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"Compléments demandés sur {self.dossier.numero}"

    def libelles_sections(self) -> list[str]:
        return [SectionDossier(code).label for code in self.sections]
