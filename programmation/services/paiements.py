"""Payments against a convention: never more than granted; the last balance closes the dossier."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from comptes.models import Utilisateur
from contrats.selectors import droits
from historique.services import enregistrer_evenement
from programmation.actions import ActionProgrammation
from programmation.models import Convention, Paiement, Statut
from programmation.permissions import peut_payer
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from programmation.services.transitions import transitionner


def enregistrer_paiement(
    *, convention: Convention, nature: str, montant: Decimal, date: date, acteur: Utilisateur
) -> Paiement:
    with transaction.atomic():
        courante = (
            Convention.objects.select_for_update(of=("self",))
            .select_related("financement__dossier__appel__contrat", "financement__financeur")
            .get(pk=convention.pk)
        )
        dossier = courante.financement.dossier
        if not peut_payer(droits(acteur, dossier.appel.contrat), courante):
            raise DroitInsuffisant(
                f"Seul {courante.financement.financeur.nom} enregistre les paiements de cette "
                "convention."
            )
        if dossier.statut != Statut.CONVENTIONNE:
            raise TransitionInterdite("Les paiements s'enregistrent sur un dossier conventionné.")
        _verifier_paiement(courante, nature, montant)
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
            transitionner(dossier=dossier, transition="solder", acteur=acteur)
    return paiement


def total_paye(convention: Convention) -> Decimal:
    return convention.paiements.aggregate(total=Sum("montant"))["total"] or Decimal(0)


def _verifier_paiement(convention: Convention, nature: str, montant: Decimal) -> None:
    if nature not in Paiement.Nature.values:
        raise DonneesInvalides("Choisissez la nature du paiement : avance ou solde.")
    if montant is None or montant <= 0:
        raise DonneesInvalides("Le montant d'un paiement est supérieur à 0 €.")
    if convention.paiements.filter(nature=Paiement.Nature.SOLDE).exists():
        raise TransitionInterdite("Cette convention est soldée : aucun paiement ne peut s'ajouter.")
    deja = total_paye(convention)
    if deja + montant > convention.montant:
        raise DonneesInvalides(
            f"Le total des paiements ({deja + montant} €) dépasserait le montant accordé "
            f"({convention.montant} €). Reste à payer : {convention.montant - deja} €."
        )


def _toutes_soldees(dossier) -> bool:
    conventions = Convention.objects.filter(financement__dossier=dossier)
    return not conventions.exclude(paiements__nature=Paiement.Nature.SOLDE).exists()
