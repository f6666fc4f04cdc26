"""Codes of the history events written by the territoires app."""

from django.db import models


class ActionTerritoires(models.TextChoices):
    IMPORT_OBSERVATIONS = "observations.import", "Import d'observations"
