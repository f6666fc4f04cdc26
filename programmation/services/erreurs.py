"""The refusals of the programmation services: the shared hierarchy, and the one refusal
only a dossier's state machine raises."""

from historique.erreurs import ConflitDeModification, DonneesInvalides, DroitInsuffisant
from historique.erreurs import ErreurMetier as ErreurProgrammation

__all__ = [
    "ConflitDeModification",
    "DonneesInvalides",
    "DroitInsuffisant",
    "ErreurProgrammation",
    "TransitionInterdite",
]


class TransitionInterdite(ErreurProgrammation):
    pass
