"""Codes of the history events written by programmation, with the timeline's French words.

Changes of statut are not listed here: each Transition of etats.py names its own event
("dossier.<code>") and says it in the past tense.
"""

from django.db import models


class ActionProgrammation(models.TextChoices):
    APPEL_CREATION = "appel.creation", "Création de l'appel à projets"
    APPEL_MODIFICATION = "appel.modification", "Modification de l'appel à projets"
    APPEL_PUBLICATION = "appel.publication", "Publication de l'appel à projets"
    APPEL_ENVELOPPE = "appel.enveloppe", "Enveloppe fixée"
    STRUCTURE_CREATION = "structure.creation", "Enregistrement de la structure"
    STRUCTURE_MODIFICATION = "structure.modification", "Modification de la structure"
    DOCUMENT_AJOUTE = "structure.document_ajoute", "Pièce ajoutée au porte-documents"
    DOCUMENT_REMPLACE = "structure.document_remplace", "Pièce du porte-documents remplacée"
    DOCUMENT_RETIRE = "structure.document_retire", "Pièce retirée du porte-documents"
    DOSSIER_CREATION = "dossier.creation", "Création du dossier"
    DOSSIER_MODIFICATION = "dossier.modification", "Modification de l'action"
    DOSSIER_BENEFICIAIRES = "dossier.beneficiaires", "Mise à jour du public visé"
    DOSSIER_BUDGET = "dossier.budget", "Mise à jour du budget prévisionnel"
    PIECE_AJOUTEE = "dossier.piece_ajoutee", "Ajout d'une pièce jointe"
    PIECE_SUPPRIMEE = "dossier.piece_supprimee", "Suppression d'une pièce jointe"
    FINANCEMENT_AVIS = "financement.avis", "Avis d'un financeur"
    FINANCEMENT_ACCORD = "financement.accord", "Montant accordé par un financeur"
    PAIEMENT = "convention.paiement", "Paiement enregistré"
    COMPLEMENTS_RELANCE = "dossier.relance_complements", "Relance du porteur avant l'échéance"
    PAIEMENT_ANNULE = "convention.paiement_annule", "Paiement annulé par contre-passation"
    ADHESION_DEMANDEE = "structure.adhesion_demandee", "Demande à rejoindre la structure"
    ADHESION_ACCEPTEE = "structure.adhesion_acceptee", "Adhésion à la structure acceptée"
    ADHESION_REFUSEE = "structure.adhesion_refusee", "Adhésion à la structure refusée"
    AVIS_CONSEIL_CONSULTATION = (
        "avis_conseil_citoyen.consultation",
        "Programmation transmise pour avis au conseil citoyen",
    )
    AVIS_CONSEIL_SAISI = "avis_conseil_citoyen.saisi", "Avis du conseil citoyen reçu"
    AVIS_CONSEIL_TACITE = (
        "avis_conseil_citoyen.tacite",
        "Avis du conseil citoyen réputé favorable (pas de réponse dans le mois)",
    )
    CPO_SIGNATURE = (
        "convention_pluriannuelle.signature",
        "Convention pluriannuelle d'objectifs signée",
    )
    CPO_RATTACHEMENT = (
        "dossier.convention_pluriannuelle",
        "Convention pluriannuelle d'objectifs du dossier modifiée",
    )
