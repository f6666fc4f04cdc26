"""Codes of the history events written by the comptes app."""

from django.db import models


class ActionCompte(models.TextChoices):
    ADRESSE_VERIFIEE = "compte.adresse_verifiee", "Adresse électronique tenue pour vérifiée"
    DOUBLE_FACTEUR_ACTIVATION = (
        "compte.double_facteur_activation",
        "Double authentification activée",
    )
    DOUBLE_FACTEUR_DESACTIVATION = (
        "compte.double_facteur_desactivation",
        "Double authentification désactivée",
    )
    CODES_DE_SECOURS_RENOUVELLEMENT = (
        "compte.codes_de_secours_renouvellement",
        "Codes de secours renouvelés",
    )
    DOUBLE_FACTEUR_REINITIALISATION = (
        "compte.double_facteur_reinitialisation",
        "Double authentification réinitialisée par un administrateur",
    )
    DONNEES_EFFACEES = (
        "compte.donnees_effacees",
        "Données personnelles effacées ou pseudonymisées à la demande de la personne",
    )
    INACTIF_PSEUDONYMISE = (
        "compte.inactif_pseudonymise",
        "Compte inactif pseudonymisé au terme de sa durée de conservation",
    )
    PURGE = "donnees.purge", "Données personnelles supprimées au terme de leur conservation"
