"""The bilan's state machine, declared once, like the dossier's (programmation/etats.py).

attendu → déposé → à corriger → déposé … → validé. Each `Transition` carries everything
about itself: from and to which statut, who may take it, whether a motif is required,
what it checks first and does, how the timeline says it and the porteur's e-mail subject.
The only writer of Bilan.statut is suivi.services.bilans.transitionner_bilan.
"""

from collections.abc import Callable
from dataclasses import dataclass

from comptes.models import Role, Utilisateur
from suivi.models import Bilan, CodeTransitionBilan, StatutBilan
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

Etape = Callable[[Bilan, Utilisateur, str], None]


def _rien(bilan: Bilan, acteur: Utilisateur, motif: str) -> None:
    return None


@dataclass(frozen=True)
class Transition:
    code: CodeTransitionBilan
    depuis: frozenset[StatutBilan]
    vers: StatutBilan
    roles: frozenset[Role]
    libelle_passe: str
    # The porteur's e-mail subject; {numero} is the dossier's number.
    objet_courriel: str
    motif_obligatoire: bool = False
    precondition: Etape = _rien
    effet: Etape = _rien
    bouton: str = "fr-btn"

    @property
    def libelle(self) -> str:
        return self.code.label

    @property
    def action(self) -> str:
        """The code of the history event it writes."""
        return f"bilan.{self.code}"

    @property
    def badge(self) -> str:
        return BADGES[self.vers]


TRANSITIONS: dict[CodeTransitionBilan, Transition] = {
    t.code: t
    for t in (
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
    )
}


def transition_par_code(code: str) -> Transition | None:
    try:
        return TRANSITIONS[CodeTransitionBilan(code)]
    except ValueError:
        return None


def transitions_depuis(statut: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if statut in t.depuis]
