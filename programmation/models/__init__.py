from programmation.models.appels import AppelAProjets, Enveloppe, NatureCredit
from programmation.models.avis import AvisProgrammation
from programmation.models.complements import DemandeComplements, SectionDossier
from programmation.models.conventions_pluriannuelles import ConventionPluriannuelle
from programmation.models.dossiers import (
    Beneficiaires,
    CompteBudget,
    Dossier,
    LigneBudget,
    PieceJointe,
    Statut,
    VersionDossier,
)
from programmation.models.financements import Convention, Financement, Paiement
from programmation.models.journal import CodeTransition, TransitionDossier
from programmation.models.pieces import DocumentStructure, NaturePiece
from programmation.models.structures import DemandeAdhesion, Structure

__all__ = [
    "AppelAProjets",
    "AvisProgrammation",
    "Beneficiaires",
    "CodeTransition",
    "CompteBudget",
    "Convention",
    "ConventionPluriannuelle",
    "DemandeAdhesion",
    "DemandeComplements",
    "DocumentStructure",
    "Dossier",
    "Enveloppe",
    "Financement",
    "LigneBudget",
    "NatureCredit",
    "NaturePiece",
    "Paiement",
    "PieceJointe",
    "SectionDossier",
    "Statut",
    "Structure",
    "TransitionDossier",
    "VersionDossier",
]
