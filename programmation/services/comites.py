"""Committees decide on lists of dossiers in one go: all decisions recorded, or none."""

from dataclasses import dataclass

from django.db import transaction

from comptes.models import Utilisateur
from gouvernance.models import Seance
from programmation.etats import transition_par_code
from programmation.models import Dossier
from programmation.services.erreurs import ErreurProgrammation, TransitionInterdite
from programmation.services.transitions import transitionner


@dataclass(frozen=True)
class DecisionDemandee:
    dossier: Dossier
    transition: str
    motif: str = ""


def statuer_en_comite(
    *, seance: Seance, decisions: list[DecisionDemandee], acteur: Utilisateur
) -> list[Dossier]:
    if not decisions:
        raise TransitionInterdite("Aucune décision à enregistrer : cochez au moins un dossier.")
    resultats = []
    with transaction.atomic():
        for demande in decisions:
            regle = transition_par_code(demande.transition)
            if regle is None or regle.comite != seance.instance.nature:
                libelle = regle.libelle.lower() if regle else demande.transition
                raise TransitionInterdite(
                    f"{seance.instance.nom} ne peut pas décider « {libelle} »."
                )
            try:
                dossier = transitionner(
                    dossier=demande.dossier,
                    transition=regle.code,
                    acteur=acteur,
                    motif=demande.motif,
                    seance=seance,
                )
            except ErreurProgrammation as erreur:
                raise type(erreur)(f"Dossier {demande.dossier.numero} : {erreur.message}") from None
            resultats.append(dossier)
    return resultats
