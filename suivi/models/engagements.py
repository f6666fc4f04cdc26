"""The yearly follow-up of the signatories' commitments (Article 2 §2 of the contract).

Each signatory group (`contrats.SectionEngagements`) committed to a list of engagements;
every year, an agent of the signatory says where each one stands (`SuiviEngagement`:
statut, comment, evidence), and the COPIL technique reviews it: brouillon → proposé →
validé, or à revoir (then proposé again). One row per engagement and year; it changes
only through suivi.services.engagements, which checks its `version` (a form built on a
stale one is refused) and writes the history.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models

from contrats.models import Engagement
from gouvernance.models import Seance
from historique.horloge import maintenant
from programmation.models import Dossier


class StatutEngagement(models.TextChoices):
    PAS_COMMENCE = "pas_commence", "Pas commencé"
    EN_COURS = "en_cours", "En cours"
    TENU = "tenu", "Tenu"
    NON_TENU = "non_tenu", "Non tenu"
    SANS_OBJET = "sans_objet", "Sans objet"


class PropositionSuivi(models.TextChoices):
    """Where the follow-up stands in its review by the COPIL technique."""

    BROUILLON = "brouillon", "Brouillon"
    PROPOSE = "propose", "Proposé"
    VALIDE = "valide", "Validé"
    A_REVOIR = "a_revoir", "À revoir"


def chemin_document_engagement(instance: "SuiviEngagement", nom_original: str) -> str:
    # Stored under a generated name: the agent's file name never reaches the disk.
    extension = PurePath(nom_original).suffix.lower()
    return f"engagements/{instance.annee}/{uuid.uuid4().hex}{extension}"


class SuiviEngagement(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="suivis_annuels"
    )
    annee = models.PositiveSmallIntegerField("année")
    statut = models.CharField("statut", max_length=20, choices=StatutEngagement.choices)
    commentaire = models.TextField("commentaire", blank=True)
    # Evidence: a page on the web, a PDF, the funded dossiers that carried it out.
    lien = models.URLField("lien vers un élément de preuve", max_length=500, blank=True)
    document = models.FileField(
        "document", upload_to=chemin_document_engagement, max_length=200, blank=True
    )
    document_nom = models.CharField("nom du document", max_length=250, blank=True)
    document_taille = models.PositiveIntegerField(
        "taille du document (octets)", null=True, blank=True
    )
    document_empreinte = models.CharField(
        "empreinte SHA-256 du document", max_length=64, blank=True
    )
    # The indicator's value reached that year, for the engagements with a measurable target.
    valeur_atteinte = models.DecimalField(
        "valeur atteinte", max_digits=14, decimal_places=2, null=True, blank=True
    )
    dossiers = models.ManyToManyField(
        Dossier,
        related_name="suivis_engagements",
        blank=True,
        verbose_name="dossiers financés qui l'ont mis en œuvre",
    )
    # The review.
    proposition = models.CharField(
        "examen",
        max_length=20,
        choices=PropositionSuivi.choices,
        default=PropositionSuivi.BROUILLON,
    )
    propose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="suivis_engagements_proposes",
        verbose_name="proposé par",
    )
    propose_le = models.DateTimeField("proposé le", null=True, blank=True)
    examine_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="suivis_engagements_examines",
        verbose_name="examiné par",
    )
    examine_le = models.DateTimeField("examiné le", null=True, blank=True)
    motif_examen = models.TextField("motif de l'examen", blank=True)
    seance = models.ForeignKey(
        Seance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivis_engagements",
        verbose_name="séance du comité de pilotage technique",
    )
    version = models.PositiveIntegerField("version", default=1)
    cree_le = models.DateTimeField("créé le", default=maintenant)
    modifie_le = models.DateTimeField("modifié le", default=maintenant)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "suivi annuel d'un engagement"
        verbose_name_plural = "suivis annuels des engagements"
        ordering = ["engagement", "annee"]
        indexes = [models.Index(fields=["annee", "proposition"])]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "annee"], name="suivi_engagement_un_par_annee"
            ),
            models.CheckConstraint(
                condition=models.Q(valeur_atteinte__gte=0) | models.Q(valeur_atteinte=None),
                name="suivi_engagement_valeur_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(proposition=PropositionSuivi.A_REVOIR)
                | ~models.Q(motif_examen=""),
                name="suivi_engagement_a_revoir_motive",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    proposition__in=[PropositionSuivi.VALIDE, PropositionSuivi.A_REVOIR]
                )
                | models.Q(examine_par__isnull=False, examine_le__isnull=False),
                name="suivi_engagement_examen_date_et_signe",
            ),
            models.CheckConstraint(
                condition=models.Q(proposition=PropositionSuivi.BROUILLON)
                | models.Q(propose_par__isnull=False, propose_le__isnull=False),
                name="suivi_engagement_proposition_datee_et_signee",
            ),
        ]

    def __str__(self) -> str:
        return f"Suivi {self.annee} de l'engagement {self.engagement}"
