"""A committee meeting and its decisions in one transaction, and the batch steps around it."""

from datetime import date as Date

from django.db import transaction

from comptes.models import Utilisateur
from contrats.models import Instance
from gouvernance.models import Seance
from gouvernance.services import creer_seance
from historique.horloge import aujourdhui
from programmation.models import AppelAProjets, Dossier, Statut
from programmation.permissions import peut_piloter
from programmation.services.comites import DecisionDemandee, statuer_en_comite
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    ErreurProgrammation,
)
from programmation.services.transitions import transitionner


def tenir_comite(
    *,
    instance: Instance,
    date: Date,
    titre: str,
    decisions: list[DecisionDemandee],
    acteur: Utilisateur,
    versions: dict[int, int] | None = None,
    est_demo: bool = False,
) -> Seance:
    """Record the meeting and all its decisions, or nothing at all.

    `versions` maps a dossier's pk to the version shown when the decision was typed:
    a dossier changed meanwhile refuses the whole meeting.
    """
    if not peut_piloter(acteur, instance.contrat):
        raise DroitInsuffisant("Seuls le pilote et l'État enregistrent les décisions des comités.")
    if not titre.strip():
        raise DonneesInvalides("Donnez un titre à la séance.")
    _verifier_date(date, decisions)
    with transaction.atomic():
        _verifier_versions(decisions, versions or {})
        seance = creer_seance(
            instance=instance, date=date, titre=titre.strip(), acteur=acteur, est_demo=est_demo
        )
        statuer_en_comite(seance=seance, decisions=decisions, acteur=acteur)
    return seance


def _verifier_date(jour: Date, decisions: list[DecisionDemandee]) -> None:
    """A meeting decides on what happened: not in the future, and not before its call
    opened its deposits."""
    if jour > aujourdhui():
        raise DonneesInvalides(
            f"La séance du {jour:%d/%m/%Y} n'a pas encore eu lieu : une décision s'enregistre "
            "une fois la séance tenue."
        )
    for appel in {d.dossier.appel for d in decisions}:
        if jour < appel.date_ouverture:
            raise DonneesInvalides(
                f"La séance du {jour:%d/%m/%Y} précède l'ouverture des dépôts de l'appel à "
                f"projets {appel.annee} ({appel.date_ouverture:%d/%m/%Y}) dont elle examine "
                "les dossiers."
            )


def _verifier_versions(decisions: list[DecisionDemandee], versions: dict[int, int]) -> None:
    attendues = {
        d.dossier.pk: versions[d.dossier.pk] for d in decisions if d.dossier.pk in versions
    }
    if not attendues:
        return
    for dossier in Dossier.objects.select_for_update().filter(pk__in=attendues).order_by("pk"):
        if dossier.version != attendues[dossier.pk]:
            raise ConflitDeModification(
                f"Dossier {dossier.numero} : il a changé pendant votre saisie (nouvelle décision "
                "ou modification). Rechargez la page : rien n'a été enregistré."
            )


def lancer_instruction(*, appel: AppelAProjets, acteur: Utilisateur) -> list[Dossier]:
    """Put every admissible dossier of the call in instruction, all of them or none."""
    if not peut_piloter(acteur, appel.contrat):
        raise DroitInsuffisant("Seuls le pilote et l'État lancent l'instruction des dossiers.")
    resultats = []
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.filter(appel=appel, statut=Statut.RECEVABLE).order_by("numero")
        )
        if not dossiers:
            raise DonneesInvalides("Aucun dossier recevable à mettre en instruction.")
        for dossier in dossiers:
            try:
                resultats.append(
                    transitionner(
                        dossier=dossier, transition="mettre_en_instruction", acteur=acteur
                    )
                )
            except ErreurProgrammation as erreur:
                raise type(erreur)(
                    f"Dossier {dossier.numero} : {erreur.message}", erreur.details
                ) from None
    return resultats
