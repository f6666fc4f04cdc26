"""Where the apps built on programmation plug in, without programmation importing them.

Dependencies go one way (programmation ← suivi): when programmation must consult a later
app (may this balance be paid? what else does this person have to do?), it reads these
lists, which the later app fills in its AppConfig.ready(). Each list is empty by default:
programmation alone behaves as before.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SectionDuDossier:
    """A block of the dossier page provided by another app: a title, a link, a sentence
    and, when it lists several things, one line each."""

    titre: str
    url: str
    texte: str
    lignes: tuple[str, ...] = ()


# Before a balance (Paiement nature SOLDE) is recorded on a convention: a French refusal
# message, or None when nothing stands in the way.
preconditions_du_solde: list[Callable[[Any], str | None]] = []

# For state builders and demos only, never for a screen: bring a dossier to where its
# balance may be paid (through the real services), before they pay it.
preparations_du_solde: list[Callable[[Any], None]] = []

# More tasks of "Mon espace": (utilisateur, droits, contrat) -> list of Tache.
fournisseurs_de_taches: list[Callable[[Any, Any, Any], list]] = []

# More sections of the dossier page: (dossier, droits) -> SectionDuDossier or None.
sections_du_dossier: list[Callable[[Any, Any], SectionDuDossier | None]] = []


def refus_du_solde(convention) -> str | None:
    """The first reason a later app gives for not paying this convention's balance."""
    for precondition in preconditions_du_solde:
        message = precondition(convention)
        if message:
            return message
    return None


def preparer_le_solde(dossier) -> None:
    for preparation in preparations_du_solde:
        preparation(dossier)
