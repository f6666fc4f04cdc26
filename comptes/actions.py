"""Codes of the history events written by the comptes app."""

from django.db import models


class ActionCompte(models.TextChoices):
    ADRESSE_VERIFIEE = "compte.adresse_verifiee", "Adresse électronique tenue pour vérifiée"
