from django.conf import settings
from django.db import models

from contrats.models import Organisation
from historique.horloge import maintenant
from programmation.validateurs import valider_rna, valider_siret


class Structure(models.Model):
    """The administrative file of an organisation that carries actions (a porteur)."""

    class Type(models.TextChoices):
        ASSOCIATION = "association", "Association"
        SERVICE_MUNICIPAL = "service_municipal", "Service municipal"
        BAILLEUR = "bailleur", "Bailleur social"
        ETABLISSEMENT_PUBLIC = "etablissement_public", "Établissement public"
        ENTREPRISE = "entreprise", "Entreprise"

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="structure"
    )
    type = models.CharField("type de structure", max_length=30, choices=Type.choices)
    siret = models.CharField("SIRET", max_length=14, validators=[valider_siret], blank=True)
    rna = models.CharField("numéro RNA", max_length=10, validators=[valider_rna], blank=True)
    adresse = models.CharField("adresse", max_length=250)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=150)
    representant_nom = models.CharField("nom du représentant légal", max_length=150)
    representant_qualite = models.CharField("qualité du représentant légal", max_length=150)
    salaries = models.PositiveIntegerField("nombre de salariés", default=0)
    benevoles = models.PositiveIntegerField("nombre de bénévoles", default=0)
    est_demo = models.BooleanField("donnée de démonstration", default=False)
    # The account that registered it: it accepts colleagues who ask to join.
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="structures_referent",
        verbose_name="référent",
    )

    class Meta:
        verbose_name = "structure porteuse"
        verbose_name_plural = "structures porteuses"
        ordering = ["organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="structure_siret_unique"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.nom


class DemandeAdhesion(models.Model):
    """A person asks to act for a structure already registered; its référent decides."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente du référent"
        ACCEPTEE = "acceptee", "Acceptée"
        REFUSEE = "refusee", "Refusée"

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="demandes_adhesion"
    )
    contrat = models.ForeignKey(
        "contrats.Contrat", on_delete=models.CASCADE, related_name="demandes_adhesion"
    )
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demandes_adhesion"
    )
    message = models.TextField("message au référent", blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    demandee_le = models.DateTimeField("demandée le", default=maintenant)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="adhesions_traitees",
    )
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'adhésion à une structure"
        verbose_name_plural = "demandes d'adhésion à une structure"
        ordering = ["-demandee_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "demandeur"],
                condition=models.Q(statut="en_attente"),
                name="une_demande_d_adhesion_en_attente",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demandeur} demande à rejoindre {self.structure}"
