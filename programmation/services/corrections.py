"""Corrections of a committee's decision taken by mistake: a new decision, never an erasure."""

from django.db import transaction

from comptes.models import Utilisateur
from programmation.models import CodeTransition, Dossier
from programmation.services.effets import derniere_decision_de_comite
from programmation.services.erreurs import TransitionInterdite
from programmation.services.transitions import transitionner


def revenir_sur_decision(
    *, dossier: Dossier, motif: str, acteur: Utilisateur, version: int | None = None
) -> Dossier:
    """Reverse the last committee decision: the dossier goes back to what the committee
    examined, and the meeting's record gains the reversal with its reason."""
    with transaction.atomic():
        decision = derniere_decision_de_comite(dossier)
        if decision is None:
            raise TransitionInterdite(
                "La dernière décision sur ce dossier n'a pas été prise en comité : rien à annuler."
            )
        return transitionner(
            dossier=dossier,
            transition=CodeTransition.REVENIR_SUR_DECISION,
            acteur=acteur,
            motif=motif,
            version=version,
            seance=decision.seance,
        )
