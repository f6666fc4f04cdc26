"""Codes of the history events written by the gouvernance app."""

from django.db import models


class ActionGouvernance(models.TextChoices):
    SEANCE_CREATION = "seance.creation", "Séance enregistrée"
    SEANCE_MODIFICATION = "seance.modification", "Séance modifiée"
    SEANCE_CONVOCATION = "seance.convocation", "Convocation envoyée"
    SEANCE_TENUE = "seance.tenue", "Séance tenue"
    SEANCE_ANNULATION = "seance.annulation", "Séance annulée"
    SEANCE_POINT = "seance.point", "Point ajouté à l'ordre du jour"
    SEANCE_POINT_RETRAIT = "seance.point_retrait", "Point retiré de l'ordre du jour"
    SEANCE_DOCUMENT = "seance.document", "Document joint à la séance"
    SEANCE_PRESENCES = "seance.presences", "Présences enregistrées"
    SEANCE_DECISION = "seance.decision", "Décision de séance"
    SEANCE_RELEVE = "seance.releve", "Relevé de décisions publié"
    MEMBRE_AJOUT = "membre.ajout", "Membre ajouté à une instance"
    MEMBRE_FIN = "membre.fin", "Fin de mandat d'un membre"
    CHARTE_ADOPTION = "conseil_citoyen.charte", "Charte du conseil citoyen adoptée"
