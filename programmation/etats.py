"""The dossier's state machine, declared once: every transition goes through it."""

from dataclasses import dataclass

from comptes.models import Role
from programmation.models import Statut

PILOTAGE = frozenset({Role.PILOTE, Role.ETAT})
AVANT_DECISION = frozenset(
    {Statut.BROUILLON, Statut.DEPOSE, Statut.RECEVABLE, Statut.EN_INSTRUCTION, Statut.PROPOSE}
)


@dataclass(frozen=True)
class Transition:
    nom: str
    libelle: str
    depuis: frozenset[Statut]
    vers: Statut
    roles: frozenset[str]
    motif_obligatoire: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.nom: t
    for t in (
        Transition(
            "deposer",
            "Déposer le dossier",
            frozenset({Statut.BROUILLON}),
            Statut.DEPOSE,
            frozenset({Role.PORTEUR}),
        ),
        Transition(
            "retirer",
            "Retirer le dossier",
            AVANT_DECISION,
            Statut.RETIRE,
            frozenset({Role.PORTEUR}),
        ),
        Transition(
            "declarer_recevable",
            "Déclarer recevable",
            frozenset({Statut.DEPOSE}),
            Statut.RECEVABLE,
            PILOTAGE,
        ),
        Transition(
            "declarer_irrecevable",
            "Déclarer irrecevable",
            frozenset({Statut.DEPOSE}),
            Statut.IRRECEVABLE,
            PILOTAGE,
            motif_obligatoire=True,
        ),
        Transition(
            "mettre_en_instruction",
            "Mettre en instruction",
            frozenset({Statut.RECEVABLE, Statut.AJOURNE}),
            Statut.EN_INSTRUCTION,
            PILOTAGE,
        ),
        Transition(
            "proposer",
            "Proposer au comité de pilotage",
            frozenset({Statut.EN_INSTRUCTION}),
            Statut.PROPOSE,
            PILOTAGE,
        ),
        Transition("valider", "Valider", frozenset({Statut.PROPOSE}), Statut.VALIDE, PILOTAGE),
        Transition(
            "refuser",
            "Refuser",
            frozenset({Statut.PROPOSE}),
            Statut.REFUSE,
            PILOTAGE,
            motif_obligatoire=True,
        ),
        Transition(
            "ajourner",
            "Ajourner",
            frozenset({Statut.PROPOSE}),
            Statut.AJOURNE,
            PILOTAGE,
            motif_obligatoire=True,
        ),
        Transition(
            "conventionner",
            "Établir les conventions",
            frozenset({Statut.VALIDE}),
            Statut.CONVENTIONNE,
            PILOTAGE,
        ),
        # A financeur paying the last balance closes the dossier (see services.paiements).
        Transition(
            "solder",
            "Solder",
            frozenset({Statut.CONVENTIONNE}),
            Statut.SOLDE,
            PILOTAGE | {Role.FINANCEUR},
        ),
    )
}

# Which committee takes which decisions (Article 3 §2.1 and "5- Un premier plan d'actions").
DECISIONS_DU_COMITE_DE_RECEVABILITE = ("declarer_recevable", "declarer_irrecevable")
DECISIONS_DU_COPIL = ("valider", "refuser", "ajourner")

STATUTS_PROGRAMMES = frozenset({Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE})
STATUTS_FINAUX = frozenset({Statut.IRRECEVABLE, Statut.REFUSE, Statut.SOLDE, Statut.RETIRE})


def transitions_depuis(statut: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if statut in t.depuis]
