"""Calls for projects: opened, given envelopes and criteria, published by the pilotage."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from comptes.models import Utilisateur
from contrats.models import AxeTransversal, Contrat, Organisation
from historique.services import enregistrer_evenement
from programmation.actions import ActionProgrammation
from programmation.models import AppelAProjets, Enveloppe
from programmation.permissions import peut_piloter
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant
from programmation.services.pieces import libelles_pieces, normaliser_pieces_requises


@dataclass(frozen=True)
class DonneesAppel:
    annee: int
    titre: str
    date_ouverture: date
    date_cloture: date
    priorites: str
    criteres: list[AxeTransversal]
    # Codes of the natures of pieces every dossier must carry (models.NaturePiece).
    pieces_requises: tuple[str, ...] = ()


def _exiger_pilotage(acteur: Utilisateur, contrat: Contrat) -> None:
    if not peut_piloter(acteur, contrat):
        raise DroitInsuffisant("Seuls le pilote et l'État gèrent les appels à projets.")


def _verifier(donnees: DonneesAppel, contrat: Contrat) -> None:
    if donnees.date_cloture < donnees.date_ouverture:
        raise DonneesInvalides("La clôture des dépôts doit suivre leur ouverture.")
    debut, fin = contrat.date_debut.year, contrat.date_fin.year
    if not debut <= donnees.annee <= fin:
        raise DonneesInvalides(
            f"L'année {donnees.annee} est hors de la période du contrat ({debut}-{fin}) : "
            "un appel à projets programme une année du contrat."
        )


def creer_appel(
    *, contrat: Contrat, donnees: DonneesAppel, acteur: Utilisateur, est_demo: bool = False
) -> AppelAProjets:
    _exiger_pilotage(acteur, contrat)
    _verifier(donnees, contrat)
    pieces_requises = normaliser_pieces_requises(donnees.pieces_requises)
    try:
        with transaction.atomic():
            appel = AppelAProjets.objects.create(
                contrat=contrat,
                annee=donnees.annee,
                titre=donnees.titre,
                date_ouverture=donnees.date_ouverture,
                date_cloture=donnees.date_cloture,
                priorites=donnees.priorites,
                pieces_requises=pieces_requises,
                est_demo=est_demo,
            )
            appel.criteres.set(donnees.criteres)
            enregistrer_evenement(
                acteur=acteur,
                objet=appel,
                action=ActionProgrammation.APPEL_CREATION,
                changements={
                    "année": donnees.annee,
                    "pièces requises": libelles_pieces(pieces_requises),
                },
            )
    except IntegrityError:
        raise DonneesInvalides(
            f"Un appel à projets existe déjà pour {donnees.annee} dans ce contrat."
        ) from None
    return appel


def modifier_appel(
    *, appel: AppelAProjets, donnees: DonneesAppel, acteur: Utilisateur
) -> AppelAProjets:
    _exiger_pilotage(acteur, appel.contrat)
    _verifier(donnees, appel.contrat)
    pieces_requises = normaliser_pieces_requises(donnees.pieces_requises)
    with transaction.atomic():
        avant = {
            "titre": appel.titre,
            "ouverture": str(appel.date_ouverture),
            "clôture": str(appel.date_cloture),
            "pièces requises": libelles_pieces(appel.pieces_requises),
        }
        appel.titre = donnees.titre
        appel.date_ouverture = donnees.date_ouverture
        appel.date_cloture = donnees.date_cloture
        appel.priorites = donnees.priorites
        appel.pieces_requises = pieces_requises
        appel.save()
        appel.criteres.set(donnees.criteres)
        apres = {
            "titre": appel.titre,
            "ouverture": str(appel.date_ouverture),
            "clôture": str(appel.date_cloture),
            "pièces requises": libelles_pieces(appel.pieces_requises),
        }
        enregistrer_evenement(
            acteur=acteur,
            objet=appel,
            action=ActionProgrammation.APPEL_MODIFICATION,
            changements={k: [avant[k], v] for k, v in apres.items() if avant[k] != v},
        )
    return appel


def publier_appel(*, appel: AppelAProjets, acteur: Utilisateur) -> AppelAProjets:
    _exiger_pilotage(acteur, appel.contrat)
    if not appel.enveloppes.exists():
        raise DonneesInvalides("Fixez au moins une enveloppe avant de publier l'appel.")
    with transaction.atomic():
        appel.publie = True
        appel.save(update_fields=["publie"])
        enregistrer_evenement(
            acteur=acteur,
            objet=appel,
            action=ActionProgrammation.APPEL_PUBLICATION,
            changements={"publié": [False, True]},
        )
    return appel


def fixer_enveloppe(
    *,
    appel: AppelAProjets,
    financeur: Organisation,
    nature: str,
    montant: Decimal,
    acteur: Utilisateur,
) -> Enveloppe:
    _exiger_pilotage(acteur, appel.contrat)
    if montant < 0:
        raise DonneesInvalides("Le montant d'une enveloppe ne peut pas être négatif.")
    with transaction.atomic():
        enveloppe, _ = Enveloppe.objects.update_or_create(
            appel=appel, financeur=financeur, nature=nature, defaults={"montant": montant}
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=appel,
            action=ActionProgrammation.APPEL_ENVELOPPE,
            changements={"financeur": financeur.nom, "nature": nature, "montant": str(montant)},
        )
    return enveloppe
