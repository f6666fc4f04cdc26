"""Instruction by each financeur: avis, proposed then granted amounts, without lost updates."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from comptes.models import Utilisateur
from contrats.selectors import droits
from historique.horloge import maintenant
from historique.services import differences, enregistrer_evenement
from programmation.actions import ActionProgrammation
from programmation.models import Dossier, Financement, Statut
from programmation.permissions import MOTIF_DEPORT, deporte_pour_instruire, peut_donner_avis
from programmation.services.conventions_pluriannuelles import verifier_plafond
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    TransitionInterdite,
)
from programmation.templatetags.montants import format_euros


def _verrouiller(financement: Financement, acteur: Utilisateur, version: int) -> Financement:
    # The dossier first, as transitionner does: a transition under way (the conventions
    # being established from the granted amounts) ends before the financing is read, whose
    # dossier's status is then the committed one. Same order, no deadlock.
    Dossier.objects.select_for_update(of=("self",)).only("pk").get(pk=financement.dossier_id)
    courant = (
        Financement.objects.select_for_update(of=("self",))
        .select_related(
            "dossier__appel__contrat",
            "dossier__structure",
            "dossier__convention_pluriannuelle",
            "financeur",
            "avis_par",
        )
        .get(pk=financement.pk)
    )
    if deporte_pour_instruire(droits(acteur, courant.dossier.appel.contrat), courant):
        raise DroitInsuffisant(MOTIF_DEPORT)
    if not peut_donner_avis(acteur, courant):
        raise DroitInsuffisant(f"Seul {courant.financeur.nom} peut instruire ce financement.")
    if courant.version != version:
        auteur = courant.avis_par or "un autre agent"
        raise ConflitDeModification(
            f"{auteur} a modifié ce financement pendant votre saisie. Rechargez la page pour "
            "voir son avis : le vôtre n'a pas été enregistré."
        )
    return courant


def donner_avis(
    *,
    financement: Financement,
    acteur: Utilisateur,
    avis: str,
    montant_propose: Decimal | None,
    commentaire: str,
    version: int,
) -> Financement:
    with transaction.atomic():
        courant = _verrouiller(financement, acteur, version)
        if courant.dossier.statut != Statut.EN_INSTRUCTION:
            raise TransitionInterdite(
                "Les avis se donnent pendant l'instruction ; ce dossier est au statut "
                f"« {courant.dossier.get_statut_display()} »."
            )
        _verifier_avis(avis, montant_propose, courant)
        avant = _etat(courant)
        courant.avis = avis
        courant.montant_propose = (
            Decimal(0) if avis == Financement.Avis.DEFAVORABLE else montant_propose
        )
        courant.commentaire = commentaire
        courant.avis_par = acteur
        courant.avis_le = maintenant()
        courant.version = F("version") + 1
        courant.save()
        courant.refresh_from_db()
        enregistrer_evenement(
            acteur=acteur,
            objet=courant.dossier,
            action=ActionProgrammation.FINANCEMENT_AVIS,
            changements={"financeur": courant.financeur.nom, **differences(avant, _etat(courant))},
            motif=commentaire,
        )
    return courant


def _verifier_avis(avis: str, montant: Decimal | None, financement: Financement) -> None:
    if avis not in Financement.Avis.values or avis == Financement.Avis.EN_ATTENTE:
        raise DonneesInvalides("Choisissez un avis : favorable, avec réserves ou défavorable.")
    if avis == Financement.Avis.DEFAVORABLE:
        return
    if montant is None or montant <= 0:
        raise DonneesInvalides("Un avis favorable propose un montant supérieur à 0,00 €.")
    if montant > financement.montant_demande:
        raise DonneesInvalides(
            f"Le montant proposé ({format_euros(montant)}) dépasse le montant demandé "
            f"({format_euros(financement.montant_demande)})."
        )
    # A dossier carried by a CPO of this financeur: never more than its yearly amount.
    verifier_plafond(financement, montant, accorde=False)


def _etat(financement: Financement) -> dict[str, str]:
    return {
        "avis": financement.avis,
        "montant_propose": str(financement.montant_propose),
        "montant_accorde": str(financement.montant_accorde),
    }


def fixer_montant_accorde(
    *, financement: Financement, acteur: Utilisateur, montant: Decimal, version: int
) -> Financement:
    """A financeur's own decision may grant less than the COPIL's proposal, before conventions."""
    with transaction.atomic():
        courant = _verrouiller(financement, acteur, version)
        if courant.dossier.statut != Statut.VALIDE:
            raise TransitionInterdite(
                "Le montant accordé se fixe après validation et avant les conventions."
            )
        if montant < 0 or montant > courant.montant_demande:
            raise DonneesInvalides(
                "Le montant accordé doit être compris entre 0,00 € et "
                f"{format_euros(courant.montant_demande)}."
            )
        verifier_plafond(courant, montant, accorde=True)
        avant = _etat(courant)
        courant.montant_accorde = montant
        courant.version = F("version") + 1
        courant.save(update_fields=["montant_accorde", "version"])
        courant.refresh_from_db()
        enregistrer_evenement(
            acteur=acteur,
            objet=courant.dossier,
            action=ActionProgrammation.FINANCEMENT_ACCORD,
            changements={"financeur": courant.financeur.nom, **differences(avant, _etat(courant))},
        )
    return courant
