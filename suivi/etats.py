"""The bilan's state machine, declared once, like the dossier's (programmation/etats.py).

attendu → déposé → à corriger → déposé … → validé. Each `Transition` carries everything
about itself: from and to which statut, who may take it, whether a motif is required,
what it checks first and does, how the timeline says it and the porteur's e-mail subject.
The only writer of Bilan.statut is suivi.services.bilans.transitionner_bilan.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from comptes.models import Role
from programmation.machine import Machine, TransitionDeclaree
from suivi.models import CodeTransitionBilan, StatutBilan
from suivi.services import effets

A = StatutBilan
PILOTAGE = frozenset({Role.PILOTE, Role.ETAT})
A_DEPOSER = frozenset({A.ATTENDU, A.A_CORRIGER})

BADGES: dict[StatutBilan, str] = {
    A.ATTENDU: "",
    A.DEPOSE: "fr-badge--info",
    A.A_CORRIGER: "fr-badge--warning",
    A.VALIDE: "fr-badge--success",
}


@dataclass(frozen=True)
class Transition(TransitionDeclaree):
    PREFIXE: ClassVar[str] = "bilan"
    BADGES: ClassVar[Mapping[str, str]] = BADGES


MACHINE: Machine[Transition] = Machine(
    CodeTransitionBilan,
    (
        Transition(
            CodeTransitionBilan.DEPOSER,
            A_DEPOSER,
            A.DEPOSE,
            frozenset({Role.PORTEUR}),
            libelle_passe="Dépôt du bilan",
            objet_courriel="Le bilan de votre dossier {numero} est déposé",
            precondition=effets.verifier_bilan_complet,
            effet=effets.marquer_complet,
        ),
        Transition(
            CodeTransitionBilan.ATTESTER_NON_REALISATION,
            A_DEPOSER,
            A.DEPOSE,
            frozenset({Role.PORTEUR}),
            libelle_passe="Attestation de non-réalisation de l'action",
            objet_courriel="La non-réalisation de l'action {numero} est attestée",
            motif_obligatoire=True,
            effet=effets.marquer_non_realisation,
            bouton="fr-btn fr-btn--secondary",
        ),
        Transition(
            CodeTransitionBilan.DEMANDER_CORRECTIONS,
            frozenset({A.DEPOSE}),
            A.A_CORRIGER,
            PILOTAGE | {Role.FINANCEUR},
            libelle_passe="Corrections demandées au porteur",
            objet_courriel="Des corrections sont demandées sur le bilan du dossier {numero}",
            motif_obligatoire=True,
            bouton="fr-btn fr-btn--secondary",
        ),
        Transition(
            CodeTransitionBilan.VALIDER,
            frozenset({A.DEPOSE}),
            A.VALIDE,
            PILOTAGE,
            libelle_passe="Validation du bilan",
            objet_courriel="Le bilan de votre dossier {numero} est validé",
            effet=effets.valider,
        ),
    ),
    objet="un bilan",
)
TRANSITIONS = MACHINE.transitions
transition_par_code = MACHINE.par_code
transitions_depuis = MACHINE.depuis
