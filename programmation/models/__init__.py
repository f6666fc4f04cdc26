from programmation.models.appels import AppelAProjets, Enveloppe, NatureCredit
from programmation.models.dossiers import (
    Beneficiaires,
    Dossier,
    LigneBudget,
    PieceJointe,
    Statut,
    VersionDossier,
)
from programmation.models.financements import Convention, Financement, Paiement
from programmation.models.structures import Structure

__all__ = [
    "AppelAProjets",
    "Beneficiaires",
    "Convention",
    "Dossier",
    "Enveloppe",
    "Financement",
    "LigneBudget",
    "NatureCredit",
    "Paiement",
    "PieceJointe",
    "Statut",
    "Structure",
    "VersionDossier",
]
