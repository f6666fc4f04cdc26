"""Codes of the history events written by the contrats app."""

from django.db import models


class ActionContrat(models.TextChoices):
    CHARGEMENT = "contrat.chargement", "Chargement des données du contrat"
    HABILITATION_ATTRIBUTION = "habilitation.attribution", "Attribution d'un rôle"
    INVITATION_ENVOI = "invitation.envoi", "Invitation envoyée"
    INVITATION_ACCEPTATION = "invitation.acceptation", "Invitation acceptée"
    HABILITATION_MODIFICATION = "habilitation.modification", "Rôle modifié"
    HABILITATION_RETRAIT = "habilitation.retrait", "Rôle retiré"
