"""Codes of the history events written by the gouvernance app."""

from django.db import models


class ActionGouvernance(models.TextChoices):
    SEANCE_CREATION = "seance.creation", "Séance enregistrée"
    SEANCE_DECISION = "seance.decision", "Décision de séance"
