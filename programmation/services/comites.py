"""Committees decide on lists of dossiers in one go: all decisions recorded, or none."""

from dataclasses import dataclass

from django.db import transaction

from comptes.models import Utilisateur
from contrats.models import Instance
from gouvernance.models import Seance
from gouvernance.services import enregistrer_decision
from programmation.etats import (
    DECISIONS_DU_COMITE_DE_RECEVABILITE,
    DECISIONS_DU_COPIL,
    TRANSITIONS,
)
from programmation.models import Dossier
from programmation.services.erreurs import ErreurProgrammation, TransitionInterdite
from programmation.services.transitions import transitionner

DECISIONS_PAR_INSTANCE = {
    Instance.Nature.COMITE_RECEVABILITE: DECISIONS_DU_COMITE_DE_RECEVABILITE,
    Instance.Nature.COPIL_POLITIQUE: DECISIONS_DU_COPIL,
}


@dataclass(frozen=True)
class DecisionDemandee:
    dossier: Dossier
    transition: str
    motif: str = ""


def statuer_en_comite(
    *, seance: Seance, decisions: list[DecisionDemandee], acteur: Utilisateur
) -> list[Dossier]:
    permises = DECISIONS_PAR_INSTANCE.get(seance.instance.nature, ())
    if not decisions:
        raise TransitionInterdite("Aucune décision à enregistrer : cochez au moins un dossier.")
    resultats = []
    with transaction.atomic():
        for demande in decisions:
            if demande.transition not in permises:
                raise TransitionInterdite(
                    f"{seance.instance.nom} ne peut pas décider « "
                    f"{TRANSITIONS[demande.transition].libelle.lower()} »."
                )
            try:
                dossier = transitionner(
                    dossier=demande.dossier,
                    transition=demande.transition,
                    acteur=acteur,
                    motif=demande.motif,
                )
            except ErreurProgrammation as erreur:
                raise type(erreur)(f"Dossier {demande.dossier.numero} : {erreur.message}") from None
            enregistrer_decision(
                seance=seance,
                objet=dossier,
                decision=demande.transition,
                decision_libelle=TRANSITIONS[demande.transition].libelle,
                acteur=acteur,
                motif=demande.motif,
            )
            resultats.append(dossier)
    return resultats
