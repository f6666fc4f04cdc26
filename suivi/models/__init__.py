from suivi.models.bilans import (
    BeneficiairesBilan,
    Bilan,
    CodeTransitionBilan,
    LigneBilan,
    OrdreDeReversement,
    RelanceBilan,
    ReportDeDates,
    StatutBilan,
    TransitionBilan,
)
from suivi.models.engagements import PropositionSuivi, StatutEngagement, SuiviEngagement
from suivi.models.evaluations import ConstatObjectif, DecisionAction, Evaluation
from suivi.models.rapports import (
    AvisRapport,
    CodeTransitionRapport,
    GenerationRapport,
    RapportAnnuel,
    StatutRapport,
    TransitionRapport,
)
from suivi.models.referentiel import IndicateurResultat, MesureIndicateur

__all__ = [
    "AvisRapport",
    "BeneficiairesBilan",
    "Bilan",
    "CodeTransitionBilan",
    "CodeTransitionRapport",
    "ConstatObjectif",
    "DecisionAction",
    "Evaluation",
    "GenerationRapport",
    "IndicateurResultat",
    "LigneBilan",
    "MesureIndicateur",
    "OrdreDeReversement",
    "PropositionSuivi",
    "RapportAnnuel",
    "RelanceBilan",
    "ReportDeDates",
    "StatutBilan",
    "StatutEngagement",
    "StatutRapport",
    "SuiviEngagement",
    "TransitionBilan",
    "TransitionRapport",
]
