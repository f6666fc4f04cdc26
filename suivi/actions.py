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
    # Référentiel d'évaluation
    INDICATEUR_CREATION = "referentiel.indicateur_creation", "Indicateur créé"
    INDICATEUR_MODIFICATION = "referentiel.indicateur_modification", "Indicateur modifié"
    MESURE_SAISIE = "referentiel.mesure_saisie", "Mesure saisie"
    MESURE_REMPLACEE = "referentiel.mesure_remplacee", "Mesure remplacée"
    MESURE_SUPPRESSION = "referentiel.mesure_suppression", "Mesure supprimée"
    # Rapport annuel
    RAPPORT_CREATION = "rapport.creation", "Rapport annuel créé"
    RAPPORT_PERSPECTIVES = "rapport.perspectives", "Perspectives du rapport modifiées"
    RAPPORT_AVIS = "rapport.avis", "Avis d'une instance consultée saisi"
    RAPPORT_GENERATION_DEMANDEE = "rapport.generation_demandee", "Génération du rapport demandée"
    RAPPORT_GENERATION_TERMINEE = "rapport.generation_terminee", "Rapport généré (PDF et ODT)"
    RAPPORT_GENERATION_ECHOUEE = "rapport.generation_echouee", "Échec de la génération du rapport"
    # Évaluations
    EVALUATION_OUVERTURE = "evaluation.ouverture", "Évaluation ouverte"
    EVALUATION_CONSTAT = "evaluation.constat", "Constat sur un objectif rédigé"
    EVALUATION_CONSTAT_EFFACE = "evaluation.constat_efface", "Constat sur un objectif effacé"
    EVALUATION_SECTIONS = "evaluation.sections", "Sections de l'évaluation rédigées"
    EVALUATION_DECISION = "evaluation.decision", "Décision sur une action"
    EVALUATION_ARRET = "evaluation.arret", "Évaluation arrêtée"
    # Suivi des engagements des signataires
    ENGAGEMENT_BROUILLON = "engagement.brouillon", "Suivi d'un engagement enregistré en brouillon"
    ENGAGEMENT_PROPOSITION = "engagement.proposition", "Suivi d'un engagement proposé"
    ENGAGEMENT_VALIDATION = "engagement.validation", "Suivi d'un engagement validé"
    ENGAGEMENT_A_REVOIR = "engagement.a_revoir", "Suivi d'un engagement à revoir"
