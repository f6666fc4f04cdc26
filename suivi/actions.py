"""Codes of the history events written by suivi, with the timeline's French words.

Changes of a bilan's statut are not listed here: each Transition of suivi/etats.py names
its own event ("bilan.<code>") and says it in the past tense.
"""

from django.db import models


class ActionSuivi(models.TextChoices):
    BILAN_CREATION = "bilan.creation", "Bilan attendu"
    BILAN_SAISIE = "bilan.saisie", "Saisie du bilan"
    REPORT_DEMANDE = "bilan.report_demande", "Demande de report des dates de l'action"
    REPORT_ACCEPTE = "bilan.report_accepte", "Report des dates de l'action accepté"
    REPORT_REFUSE = "bilan.report_refuse", "Report des dates de l'action refusé"
    ORDRE_DE_REVERSEMENT = "bilan.ordre_de_reversement", "Ordre de reversement émis"
    RELANCE = "bilan.relance", "Relance du porteur"
