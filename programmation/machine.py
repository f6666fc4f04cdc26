"""What every declared state machine shares: the dossier's, the bilan's, the rapport's.

A machine is its transitions keyed by code, each declared once with everything about
itself (`TransitionDeclaree`). The one service that applies a machine's transitions
checks the departure statut and the motif here, then writes, in its own transaction, the
typed log row and the history event through `journaliser`.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models

from historique.services import enregistrer_evenement
from programmation.services.erreurs import DonneesInvalides, TransitionInterdite


def _rien(objet: Any, acteur: Any, contexte: Any) -> None:
    return None


@dataclass(frozen=True)
class TransitionDeclaree:
    code: models.TextChoices
    depuis: frozenset[str]
    vers: str
    roles: frozenset[str]
    # The timeline's words, in the past ("Déclaré recevable").
    libelle_passe: str
    # The porteur's e-mail subject; {numero} is the dossier's number.
    objet_courriel: str
    motif_obligatoire: bool = False
    # Both receive (object, acteur, context); the context is the machine's own.
    precondition: Callable[[Any, Any, Any], None] = _rien
    effet: Callable[[Any, Any, Any], None] = _rien
    # DSFR classes of its button: giving up is never the primary action.
    bouton: str = "fr-btn"

    # The prefix of its history events ("dossier", "bilan") and the DSFR badge per statut.
    PREFIXE: ClassVar[str] = ""
    BADGES: ClassVar[Mapping[str, str]] = {}

    @property
    def libelle(self) -> str:
        return self.code.label

    @property
    def action(self) -> str:
        """The code of the history event it writes."""
        return f"{self.PREFIXE}.{self.code}"

    @property
    def badge(self) -> str:
        return self.BADGES[self.vers]


T = TypeVar("T", bound=TransitionDeclaree)


class Machine(Generic[T]):
    def __init__(self, codes: type[models.TextChoices], transitions: Iterable[T], objet: str):
        self.codes = codes
        self.transitions: dict[Any, T] = {t.code: t for t in transitions}
        # How its messages name the object: "un dossier", "un bilan".
        self.objet = objet

    def par_code(self, code: str) -> T | None:
        try:
            return self.transitions[self.codes(code)]
        except ValueError:
            return None

    def exiger(self, code: str) -> T:
        regle = self.par_code(code)
        if regle is None:
            raise TransitionInterdite(f"Action inconnue : « {code} ».")
        return regle

    def depuis(self, statut: str) -> list[T]:
        return [t for t in self.transitions.values() if statut in t.depuis]

    def verifier_depart(self, regle: T, statut: str, statut_libelle: str) -> None:
        if statut not in regle.depuis:
            raise TransitionInterdite(
                f"Impossible de « {regle.libelle.lower()} » {self.objet} au statut "
                f"« {statut_libelle} »."
            )

    def verifier_motif(self, regle: T, motif: str) -> None:
        if regle.motif_obligatoire and not motif:
            raise DonneesInvalides(f"Indiquez le motif de la décision « {regle.libelle} ».")


def journaliser(
    *,
    journal: type[models.Model],
    objet: models.Model,
    regle: TransitionDeclaree,
    depuis: str,
    vers: str,
    acteur: Any,
    motif: str,
    **liens: Any,
) -> None:
    """The typed log row (`liens` name the object's and any other foreign key) and the
    generic history event, in the caller's transaction."""
    journal.objects.create(
        **liens, transition=regle.code, de=depuis, vers=vers, acteur=acteur, motif=motif
    )
    enregistrer_evenement(
        acteur=acteur,
        objet=objet,
        action=regle.action,
        changements={"statut": [depuis, vers]},
        motif=motif,
    )
