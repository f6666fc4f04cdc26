"""Corrections asked of a porteur: the request, its deadline and the reminders before it."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from comptes.models import Utilisateur
from historique.horloge import aujourdhui, maintenant
from historique.services import enregistrer_evenement
from programmation.actions import ActionProgrammation
from programmation.etats import EN_EXAMEN
from programmation.models import CodeTransition, DemandeComplements, Dossier, SectionDossier
from programmation.services.erreurs import DonneesInvalides, TransitionInterdite
from programmation.services.notifications import courriels_autorises, destinataires
from programmation.services.transitions import transitionner

# A porteur is reminded this many days before the deadline (and on the day itself).
JOURS_AVANT_RELANCE = 3


def demander_complements(
    *,
    dossier: Dossier,
    acteur: Utilisateur,
    message: str,
    sections: list[str],
    echeance: date,
    version: int | None = None,
) -> DemandeComplements:
    """Ask the porteur for corrections: the dossier goes "à compléter" until re-submitted."""
    message = message.strip()
    _verifier_demande(message, sections, echeance)
    with transaction.atomic():
        courant = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        if courant.statut not in EN_EXAMEN:
            raise TransitionInterdite(
                f"Des compléments ne se demandent pas sur un dossier « "
                f"{courant.get_statut_display()} »."
            )
        demande = DemandeComplements.objects.create(
            dossier=courant,
            demandee_par=acteur,
            message=message,
            sections=[SectionDossier(code).value for code in sections],
            echeance=echeance,
            statut_precedent=courant.statut,
        )
        transitionner(
            dossier=courant,
            transition=CodeTransition.DEMANDER_COMPLEMENTS,
            acteur=acteur,
            motif=message,
            version=version,
        )
    return demande


def _verifier_demande(message: str, sections: list[str], echeance: date | None) -> None:
    erreurs = []
    if not message:
        erreurs.append("Écrivez au porteur ce qu'il doit corriger ou fournir.")
    if not sections or any(code not in SectionDossier.values for code in sections):
        erreurs.append("Cochez au moins une partie du dossier à compléter.")
    if echeance is None or echeance <= aujourdhui():
        erreurs.append("L'échéance doit être postérieure à aujourd'hui.")
    if erreurs:
        raise DonneesInvalides("La demande de compléments n'est pas envoyée.", erreurs)


def relancer_avant_echeance() -> list[DemandeComplements]:
    """E-mail the porteurs whose requested corrections are due within a few days, once."""
    jour = aujourdhui()
    dues = DemandeComplements.objects.filter(
        satisfaite_le__isnull=True,
        relance_envoyee_le__isnull=True,
        echeance__gte=jour,
        echeance__lte=jour + timedelta(days=JOURS_AVANT_RELANCE),
    ).select_related("dossier__appel__contrat", "dossier__structure__organisation")
    relancees = []
    for demande in dues:
        with transaction.atomic():
            _relancer(demande)
        relancees.append(demande)
    return relancees


def _relancer(demande: DemandeComplements) -> None:
    dossier = demande.dossier
    demande.relance_envoyee_le = maintenant()
    demande.save(update_fields=["relance_envoyee_le"])
    enregistrer_evenement(
        acteur=None,
        objet=dossier,
        action=ActionProgrammation.COMPLEMENTS_RELANCE,
        changements={"échéance": demande.echeance.isoformat()},
    )
    adresses = destinataires(dossier)
    if adresses and courriels_autorises():
        objet = f"Rappel : compléments attendus pour votre dossier {dossier.numero}"
        corps = (
            f"Bonjour,\n\nDes compléments sont attendus pour le dossier « {dossier.intitule} » "
            f"({dossier.numero}) avant le {demande.echeance:%d/%m/%Y}.\n\n"
            f"Message : {demande.message}\n\n"
            "Parties à reprendre : " + ", ".join(demande.libelles_sections()) + ".\n"
        )
        transaction.on_commit(
            lambda: send_mail(objet, corps, settings.DEFAULT_FROM_EMAIL, adresses)
        )
