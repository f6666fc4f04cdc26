"""The rapport annuel's state machine, declared once, like the bilan's (suivi/etats.py).

projet → soumis pour avis (conseil citoyen, conseils municipaux: one month) → adopté by a
délibération → publié; a projet under consultation may be taken back to be amended.
Each `Transition` carries everything about itself: from and to which statut, who may
take it, whether a motif is required, what it checks first and does, and how the
timeline says it. The only writer of RapportAnnuel.statut is
suivi.services.rapports.transitionner_rapport.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from comptes.models import Role
from programmation.machine import Machine, TransitionDeclaree
from suivi.models import CodeTransitionRapport, StatutRapport
from suivi.services import effets_rapports as effets

R = StatutRapport
PILOTAGE = frozenset({Role.PILOTE, Role.ETAT})

BADGES: dict[StatutRapport, str] = {
    R.BROUILLON: "",
    R.EN_CONSULTATION: "fr-badge--info",
    R.ADOPTE: "fr-badge--new",
    R.PUBLIE: "fr-badge--success",
}


@dataclass(frozen=True)
class Transition(TransitionDeclaree):
    # Whether it is taken with the date and reference of the délibération (its form asks).
    deliberation: bool = False

    PREFIXE: ClassVar[str] = "rapport"
    BADGES: ClassVar[Mapping[str, str]] = BADGES


MACHINE: Machine[Transition] = Machine(
    CodeTransitionRapport,
    (
        Transition(
            CodeTransitionRapport.SOUMETTRE,
            frozenset({R.BROUILLON}),
            R.EN_CONSULTATION,
            PILOTAGE,
            libelle_passe="Rapport soumis pour avis (délai d'un mois)",
            objet_courriel="",
            precondition=effets.verifier_document_genere,
            effet=effets.ouvrir_la_consultation,
        ),
        Transition(
            CodeTransitionRapport.REPRENDRE,
            frozenset({R.EN_CONSULTATION}),
            R.BROUILLON,
            PILOTAGE,
            libelle_passe="Projet repris pour être amendé",
            objet_courriel="",
            motif_obligatoire=True,
            effet=effets.clore_la_consultation,
            bouton="fr-btn fr-btn--secondary",
        ),
        Transition(
            CodeTransitionRapport.ADOPTER,
            frozenset({R.EN_CONSULTATION}),
            R.ADOPTE,
            PILOTAGE,
            libelle_passe="Rapport adopté par délibération",
            objet_courriel="",
            precondition=effets.verifier_adoption,
            effet=effets.adopter,
            deliberation=True,
        ),
        Transition(
            CodeTransitionRapport.PUBLIER,
            frozenset({R.ADOPTE}),
            R.PUBLIE,
            PILOTAGE,
            libelle_passe="Rapport publié",
            objet_courriel="",
            precondition=effets.verifier_document_adopte,
            effet=effets.publier,
        ),
    ),
    objet="un rapport",
)
TRANSITIONS = MACHINE.transitions
transition_par_code = MACHINE.par_code
transitions_depuis = MACHINE.depuis
