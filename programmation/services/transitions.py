"""The one way a dossier changes state: checks, effects, typed log, history, e-mail."""

from django.db import transaction
from django.db.models import F

from comptes.models import Utilisateur
from contrats.selectors import droits
from gouvernance.models import Seance
from gouvernance.services import enregistrer_decision
from programmation.etats import MACHINE, Transition
from programmation.machine import journaliser
from programmation.models import Dossier, TransitionDossier
from programmation.permissions import (
    MOTIF_DEPORT,
    deporte_pour_transitionner,
    peut_transitionner,
)
from programmation.services.effets import Contexte
from programmation.services.erreurs import ConflitDeModification, DroitInsuffisant
from programmation.services.notifications import notifier_porteur


def transitionner(
    *,
    dossier: Dossier,
    transition: str,
    acteur: Utilisateur,
    motif: str = "",
    version: int | None = None,
    seance: Seance | None = None,
) -> Dossier:
    """Apply a transition of the state machine, or refuse it with a French reason."""
    regle = MACHINE.exiger(transition)
    motif = motif.strip()
    with transaction.atomic():
        courant = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("appel__contrat", "structure__organisation")
            .get(pk=dossier.pk)
        )
        _verifier(courant, regle, acteur, motif, version)
        depuis = courant.statut
        contexte = Contexte(motif=motif, seance=seance)
        regle.precondition(courant, acteur, contexte)
        vers = regle.statut_d_arrivee(courant)
        regle.effet(courant, acteur, contexte)
        courant.statut = vers
        courant.motif_decision = motif
        courant.version = F("version") + 1
        courant.save(update_fields=["statut", "motif_decision", "version", "depose_le"])
        courant.refresh_from_db()
        journaliser(
            journal=TransitionDossier,
            objet=courant,
            regle=regle,
            depuis=depuis,
            vers=courant.statut,
            acteur=acteur,
            motif=motif,
            dossier=courant,
            seance=seance,
        )
        if seance is not None:
            _inscrire_a_la_seance(courant, regle, acteur, motif, seance)
        notifier_porteur(courant, regle, motif)
    return courant


def _verifier(
    dossier: Dossier, regle: Transition, acteur: Utilisateur, motif: str, version: int | None
) -> None:
    if version is not None and version != dossier.version:
        raise ConflitDeModification(
            "Ce dossier a changé pendant votre saisie (nouvelle décision ou modification). "
            "Rechargez la page : rien n'a été enregistré."
        )
    MACHINE.verifier_depart(regle, dossier.statut, dossier.get_statut_display())
    d = droits(acteur, dossier.appel.contrat)
    if deporte_pour_transitionner(d, regle.roles, dossier):
        raise DroitInsuffisant(MOTIF_DEPORT)
    if not peut_transitionner(d, regle.roles, dossier):
        raise DroitInsuffisant(
            f"Vous n'avez pas le droit de « {regle.libelle.lower()} » ce dossier."
        )
    MACHINE.verifier_motif(regle, motif)


def _inscrire_a_la_seance(
    dossier: Dossier, regle: Transition, acteur: Utilisateur, motif: str, seance: Seance
) -> None:
    """A committee's decision is part of its meeting's record (gouvernance.Decision)."""
    enregistrer_decision(
        seance=seance,
        objet=dossier,
        decision=regle.code,
        decision_libelle=regle.libelle,
        acteur=acteur,
        motif=motif,
    )
