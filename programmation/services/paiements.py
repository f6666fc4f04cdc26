"""Payments against a convention: never more than granted; the last balance closes the dossier.

A payment recorded by mistake is cancelled by a counter-entry with its reason, never
deleted: sums of amounts (paid, left to pay) follow by themselves.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum

from comptes.models import Utilisateur
from contrats.selectors import droits
from historique.horloge import aujourdhui
from historique.services import enregistrer_evenement
from programmation import extensions
from programmation.actions import ActionProgrammation
from programmation.models import CodeTransition, Convention, Paiement, Statut
from programmation.permissions import MOTIF_DEPORT, deporte_pour_instruire, peut_payer
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from programmation.services.transitions import transitionner
from programmation.templatetags.montants import format_euros

NATURES_VERSEES = (Paiement.Nature.AVANCE, Paiement.Nature.SOLDE)


def enregistrer_paiement(
    *, convention: Convention, nature: str, montant: Decimal, date: date, acteur: Utilisateur
) -> Paiement:
    with transaction.atomic():
        courante = _verrouiller(convention, acteur)
        dossier = courante.financement.dossier
        if dossier.statut != Statut.CONVENTIONNE:
            raise TransitionInterdite("Les paiements s'enregistrent sur un dossier conventionné.")
        _verifier_paiement(courante, nature, montant, date)
        if nature == Paiement.Nature.SOLDE:
            # Later apps may hold the balance back (suivi: until the bilan is validated).
            refus = extensions.refus_du_solde(courante)
            if refus:
                raise TransitionInterdite(refus)
        paiement = Paiement.objects.create(
            convention=courante, nature=nature, montant=montant, date=date, acteur=acteur
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=dossier,
            action=ActionProgrammation.PAIEMENT,
            changements={"convention": courante.numero, "nature": nature, "montant": str(montant)},
        )
        if _toutes_soldees(dossier):
            transitionner(dossier=dossier, transition=CodeTransition.SOLDER, acteur=acteur)
    return paiement


def annuler_paiement(*, paiement: Paiement, motif: str, acteur: Utilisateur) -> Paiement:
    """Cancel a payment by a counter-entry of the opposite amount; a cancelled balance
    reopens a closed dossier."""
    motif = motif.strip()
    with transaction.atomic():
        courante = _verrouiller(paiement.convention, acteur)
        original = Paiement.objects.select_for_update().get(pk=paiement.pk)
        _verifier_annulation(original, motif)
        contre_passation = Paiement.objects.create(
            convention=courante,
            nature=Paiement.Nature.ANNULATION,
            montant=-original.montant,
            date=aujourdhui(),
            acteur=acteur,
            contre_passation_de=original,
            motif=motif,
        )
        original.annule = True
        original.save(update_fields=["annule"])
        dossier = courante.financement.dossier
        enregistrer_evenement(
            acteur=acteur,
            objet=dossier,
            action=ActionProgrammation.PAIEMENT_ANNULE,
            changements={
                "convention": courante.numero,
                "nature": original.nature,
                "montant": str(original.montant),
            },
            motif=motif,
        )
        if dossier.statut == Statut.SOLDE:
            transitionner(
                dossier=dossier, transition=CodeTransition.ROUVRIR, acteur=acteur, motif=motif
            )
    return contre_passation


def _verrouiller(convention: Convention, acteur: Utilisateur) -> Convention:
    courante = (
        Convention.objects.select_for_update(of=("self",))
        .select_related("financement__dossier__appel__contrat", "financement__financeur")
        .get(pk=convention.pk)
    )
    d = droits(acteur, courante.financement.dossier.appel.contrat)
    if deporte_pour_instruire(d, courante.financement):
        raise DroitInsuffisant(MOTIF_DEPORT)
    if not peut_payer(d, courante):
        raise DroitInsuffisant(
            f"Seul {courante.financement.financeur.nom} enregistre les paiements de cette "
            "convention."
        )
    return courante


def total_paye(convention: Convention) -> Decimal:
    return convention.paiements.aggregate(total=Sum("montant"))["total"] or Decimal(0)


def _verifier_paiement(convention: Convention, nature: str, montant: Decimal, jour: date) -> None:
    if nature not in NATURES_VERSEES:
        raise DonneesInvalides("Choisissez la nature du paiement : avance ou solde.")
    if montant is None or montant <= 0:
        raise DonneesInvalides("Le montant d'un paiement est supérieur à 0,00 €.")
    if jour is None or not convention.date <= jour <= aujourdhui():
        raise DonneesInvalides(
            f"La date du paiement doit être comprise entre la date de la convention "
            f"({convention.date:%d/%m/%Y}) et aujourd'hui ({aujourdhui():%d/%m/%Y})."
        )
    if convention.paiements.filter(nature=Paiement.Nature.SOLDE, annule=False).exists():
        raise TransitionInterdite("Cette convention est soldée : aucun paiement ne peut s'ajouter.")
    deja = total_paye(convention)
    if deja + montant > convention.montant:
        raise DonneesInvalides(
            f"Le total des paiements ({format_euros(deja + montant)}) dépasserait le montant "
            f"accordé ({format_euros(convention.montant)}). Reste à payer : "
            f"{format_euros(convention.montant - deja)}."
        )


def _verifier_annulation(paiement: Paiement, motif: str) -> None:
    if paiement.nature == Paiement.Nature.ANNULATION:
        raise TransitionInterdite("Une contre-passation ne s'annule pas.")
    if paiement.annule:
        raise TransitionInterdite("Ce paiement est déjà annulé.")
    if not motif:
        raise DonneesInvalides("Indiquez le motif de l'annulation du paiement.")


def _toutes_soldees(dossier) -> bool:
    solde_valide = Paiement.objects.filter(
        convention=OuterRef("pk"), nature=Paiement.Nature.SOLDE, annule=False
    )
    conventions = Convention.objects.filter(financement__dossier=dossier)
    return not conventions.exclude(Exists(solde_valide)).exists()
