"""The dossier's state machine, declared once: every transition goes through it.

Each `Transition` carries everything about itself (who may take it, from and to which
statut, whether a motif is required, what it checks first and does, the e-mail it sends,
how the timeline says it, the committee that takes it). Nothing else in the code keys a
table by a transition's code: a transition added here is complete or a test fails.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from comptes.models import Role
from contrats.models import Instance
from programmation.machine import Machine, TransitionDeclaree
from programmation.models import CodeTransition, Dossier, Statut
from programmation.services import effets

# DSFR badge modifier per statut: grey while nothing is decided, colours once it is.
BADGES: dict[Statut, str] = {
    Statut.BROUILLON: "",
    Statut.DEPOSE: "fr-badge--info",
    Statut.A_COMPLETER: "fr-badge--warning",
    Statut.RECEVABLE: "fr-badge--info",
    Statut.EN_INSTRUCTION: "fr-badge--info",
    Statut.PROPOSE: "fr-badge--new",
    Statut.VALIDE: "fr-badge--success",
    Statut.CONVENTIONNE: "fr-badge--success",
    Statut.SOLDE: "fr-badge--success",
    Statut.IRRECEVABLE: "fr-badge--error",
    Statut.REFUSE: "fr-badge--error",
    Statut.AJOURNE: "fr-badge--warning",
    Statut.RETIRE: "",
}

PILOTAGE = frozenset({Role.PILOTE, Role.ETAT})
AVANT_DECISION = frozenset(
    {
        Statut.BROUILLON,
        Statut.DEPOSE,
        Statut.A_COMPLETER,
        Statut.RECEVABLE,
        Statut.EN_INSTRUCTION,
        Statut.PROPOSE,
    }
)
# Where a correction can be asked: before the committee of pilotage examines the dossier.
EN_EXAMEN = frozenset({Statut.DEPOSE, Statut.RECEVABLE, Statut.EN_INSTRUCTION})
DECIDES_EN_COMITE = frozenset(
    {Statut.RECEVABLE, Statut.IRRECEVABLE, Statut.VALIDE, Statut.REFUSE, Statut.AJOURNE}
)


@dataclass(frozen=True)
class Transition(TransitionDeclaree):
    PREFIXE: ClassVar[str] = "dossier"
    BADGES: ClassVar[Mapping[str, str]] = BADGES
    # The body whose meeting takes this decision (Article 3 §2.1), if any.
    comite: Instance.Nature | None = None
    # A transition that goes back computes its statut; `vers` is then its usual one.
    destination: Callable[[Dossier], Statut] | None = None
    vers_possibles: frozenset[Statut] = frozenset()
    # Corrections of a mistake: the only way out of a final statut.
    correction: bool = False
    # The page that gathers what it needs beyond a motif; None: a button on the dossier.
    formulaire: str | None = None
    # Taken by another service (the last balance, a cancelled payment), never by a button.
    proposee: bool = True
    # It freezes a version the porteur submits: its e-mail links to that version's receipt.
    donne_recepisse: bool = False

    @property
    def cibles(self) -> frozenset[Statut]:
        return self.vers_possibles if self.destination else frozenset({self.vers})

    def statut_d_arrivee(self, dossier: Dossier) -> Statut:
        return self.destination(dossier) if self.destination else self.vers


MACHINE: Machine[Transition] = Machine(
    CodeTransition,
    (
        Transition(
            CodeTransition.DEPOSER,
            frozenset({Statut.BROUILLON}),
            Statut.DEPOSE,
            frozenset({Role.PORTEUR}),
            libelle_passe="Dépôt du dossier",
            objet_courriel="Votre dossier {numero} est déposé",
            precondition=effets.verifier_depot,
            effet=effets.figer_version,
            donne_recepisse=True,
        ),
        Transition(
            CodeTransition.RETIRER,
            AVANT_DECISION,
            Statut.RETIRE,
            frozenset({Role.PORTEUR}),
            libelle_passe="Retrait du dossier par le porteur",
            objet_courriel="Votre dossier {numero} est retiré",
            bouton="fr-btn fr-btn--secondary",
        ),
        Transition(
            CodeTransition.DECLARER_RECEVABLE,
            frozenset({Statut.DEPOSE}),
            Statut.RECEVABLE,
            PILOTAGE,
            libelle_passe="Déclaré recevable",
            objet_courriel="Votre dossier {numero} est recevable",
            comite=Instance.Nature.COMITE_RECEVABILITE,
        ),
        Transition(
            CodeTransition.DECLARER_IRRECEVABLE,
            frozenset({Statut.DEPOSE}),
            Statut.IRRECEVABLE,
            PILOTAGE,
            libelle_passe="Déclaré irrecevable",
            objet_courriel="Votre dossier {numero} n'est pas recevable",
            motif_obligatoire=True,
            comite=Instance.Nature.COMITE_RECEVABILITE,
        ),
        Transition(
            CodeTransition.METTRE_EN_INSTRUCTION,
            frozenset({Statut.RECEVABLE, Statut.AJOURNE}),
            Statut.EN_INSTRUCTION,
            PILOTAGE,
            libelle_passe="Mise en instruction",
            objet_courriel="Votre dossier {numero} est en instruction",
            effet=effets.ouvrir_financements,
        ),
        Transition(
            CodeTransition.PROPOSER,
            frozenset({Statut.EN_INSTRUCTION}),
            Statut.PROPOSE,
            PILOTAGE,
            libelle_passe="Proposition au comité de pilotage",
            objet_courriel="Votre dossier {numero} est proposé au comité de pilotage",
            precondition=effets.verifier_avis_rendus,
        ),
        Transition(
            CodeTransition.VALIDER,
            frozenset({Statut.PROPOSE}),
            Statut.VALIDE,
            PILOTAGE,
            libelle_passe="Validation par le comité de pilotage",
            objet_courriel="Votre dossier {numero} est validé",
            effet=effets.accorder_montants_proposes,
            comite=Instance.Nature.COPIL_POLITIQUE,
        ),
        Transition(
            CodeTransition.REFUSER,
            frozenset({Statut.PROPOSE}),
            Statut.REFUSE,
            PILOTAGE,
            libelle_passe="Refus par le comité de pilotage",
            objet_courriel="Votre dossier {numero} est refusé",
            motif_obligatoire=True,
            comite=Instance.Nature.COPIL_POLITIQUE,
        ),
        Transition(
            CodeTransition.AJOURNER,
            frozenset({Statut.PROPOSE}),
            Statut.AJOURNE,
            PILOTAGE,
            libelle_passe="Ajournement par le comité de pilotage",
            objet_courriel="Votre dossier {numero} est ajourné",
            motif_obligatoire=True,
            comite=Instance.Nature.COPIL_POLITIQUE,
        ),
        Transition(
            CodeTransition.CONVENTIONNER,
            frozenset({Statut.VALIDE}),
            Statut.CONVENTIONNE,
            PILOTAGE,
            libelle_passe="Établissement des conventions",
            objet_courriel="Les conventions de votre dossier {numero} sont établies",
            effet=effets.etablir_conventions,
        ),
        # A financeur paying the last balance closes the dossier (see services.paiements).
        Transition(
            CodeTransition.SOLDER,
            frozenset({Statut.CONVENTIONNE}),
            Statut.SOLDE,
            PILOTAGE | {Role.FINANCEUR},
            libelle_passe="Solde du dossier",
            objet_courriel="Votre dossier {numero} est soldé",
            precondition=effets.verifier_soldes,
            proposee=False,
        ),
        Transition(
            CodeTransition.DEMANDER_COMPLEMENTS,
            EN_EXAMEN,
            Statut.A_COMPLETER,
            PILOTAGE | {Role.FINANCEUR},
            libelle_passe="Demande de compléments au porteur",
            objet_courriel="Des compléments sont demandés pour votre dossier {numero}",
            motif_obligatoire=True,
            precondition=effets.verifier_demande_ouverte,
            formulaire="programmation:demande_complements",
            bouton="fr-btn fr-btn--secondary",
        ),
        Transition(
            CodeTransition.REDEPOSER,
            frozenset({Statut.A_COMPLETER}),
            Statut.DEPOSE,
            frozenset({Role.PORTEUR}),
            libelle_passe="Redépôt du dossier complété",
            objet_courriel="Votre dossier {numero} complété est redéposé",
            precondition=effets.verifier_redepot,
            effet=effets.clore_demande_et_figer,
            donne_recepisse=True,
            destination=effets.statut_avant_complements,
            vers_possibles=EN_EXAMEN,
        ),
        Transition(
            CodeTransition.REVENIR_SUR_DECISION,
            DECIDES_EN_COMITE,
            Statut.DEPOSE,
            PILOTAGE,
            libelle_passe="Décision du comité annulée",
            objet_courriel="La décision sur votre dossier {numero} est annulée",
            motif_obligatoire=True,
            precondition=effets.verifier_decision_a_annuler,
            effet=effets.annuler_accords,
            destination=effets.statut_avant_decision,
            vers_possibles=frozenset({Statut.DEPOSE, Statut.PROPOSE}),
            correction=True,
            formulaire="programmation:revenir_sur_decision",
            bouton="fr-btn fr-btn--tertiary",
        ),
        Transition(
            CodeTransition.ROUVRIR,
            frozenset({Statut.SOLDE}),
            Statut.CONVENTIONNE,
            PILOTAGE | {Role.FINANCEUR},
            libelle_passe="Réouverture du dossier après l'annulation d'un paiement",
            objet_courriel="Votre dossier {numero} est rouvert",
            motif_obligatoire=True,
            precondition=effets.verifier_reouverture,
            correction=True,
            proposee=False,
        ),
    ),
    objet="un dossier",
)
TRANSITIONS = MACHINE.transitions
transition_par_code = MACHINE.par_code
transitions_depuis = MACHINE.depuis

STATUTS_PROGRAMMES = frozenset({Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE})
# No way out but the correction of a mistake (a reversed decision, a cancelled payment).
STATUTS_FINAUX = frozenset({Statut.IRRECEVABLE, Statut.REFUSE, Statut.SOLDE, Statut.RETIRE})


def decisions_du_comite(nature: str) -> list[Transition]:
    """The decisions a body's meeting takes, in declaration order."""
    return [t for t in TRANSITIONS.values() if t.comite == nature]
