"""Codes of the history events written by the contrats app."""

from django.db import models


class ActionContrat(models.TextChoices):
    CHARGEMENT = "contrat.chargement", "Chargement des données du contrat"
    HABILITATION_ATTRIBUTION = "habilitation.attribution", "Attribution d'un rôle"
    INVITATION_ENVOI = "invitation.envoi", "Invitation envoyée"
    INVITATION_ACCEPTATION = "invitation.acceptation", "Invitation acceptée"
    HABILITATION_MODIFICATION = "habilitation.modification", "Rôle modifié"
    HABILITATION_RETRAIT = "habilitation.retrait", "Rôle retiré"
    AVENANT_PROPOSITION = "avenant.proposition", "Avenant proposé"
    AVENANT_RECUEIL = "avenant.recueil", "Recueil des accords ouvert"
    AVENANT_ACCORD = "avenant.accord", "Accord sur un avenant enregistré"
    AVENANT_REFUS = "avenant.refus", "Refus d'un avenant enregistré"
    AVENANT_ACCEPTATION = "avenant.acceptation", "Avenant accepté"
    AVENANT_REJET = "avenant.rejet", "Avenant refusé"
    AVENANT_INFORMATION = "avenant.information", "Signataire informé d'une modification"
    SIGNATAIRE_ADHESION = "signataire.adhesion", "Nouveau signataire par avenant"
    CONTRAT_PROLONGATION = "contrat.prolongation", "Contrat prolongé par avenant"
    VERSION_CREATION = "version.creation", "Version du contrat établie"
    CREATION_DEPUIS_PRECEDENT = (
        "contrat.creation_depuis_precedent",
        "Contrat créé à partir du contrat précédent",
    )
