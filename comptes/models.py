from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """Roles a person holds in one contract (see contrats.Habilitation)."""

    PILOTE = "pilote", "Pilote (équipe projet de la ville)"
    ETAT = "etat", "État (délégué·e du préfet)"
    FINANCEUR = "financeur", "Financeur"
    PORTEUR = "porteur", "Porteur de projet"
    MEMBRE = "membre", "Membre d'instance"


ROLES_AVEC_ORGANISATION = {Role.FINANCEUR, Role.PORTEUR}


class Utilisateur(AbstractUser):
    email = models.EmailField("adresse électronique", unique=True)

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
