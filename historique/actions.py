"""Codes of the history events written by the admin and by the backups; each app declares
its own in actions.py."""

from django.db import models


class ActionAdministration(models.TextChoices):
    CREATION = "admin.creation", "Création depuis l'administration"
    MODIFICATION = "admin.modification", "Modification depuis l'administration"
    SUPPRESSION = "admin.suppression", "Suppression depuis l'administration"


class ActionSauvegarde(models.TextChoices):
    SAUVEGARDE = "sauvegarde.creation", "Sauvegarde de la base et des fichiers"
    RESTAURATION = "sauvegarde.restauration", "Restauration d'une sauvegarde"
