from django.db import models

from contrats.models import Organisation
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

    class Meta:
        verbose_name = "structure porteuse"
        verbose_name_plural = "structures porteuses"
        ordering = ["organisation__nom"]

    def __str__(self) -> str:
        return self.organisation.nom
