"""Reminders to the porteurs of bilans due soon or overdue: once per bilan and threshold."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from historique.horloge import aujourdhui
from historique.services import enregistrer_evenement
from programmation.services.notifications import courriels_autorises, destinataires
from suivi.actions import ActionSuivi
from suivi.models import Bilan, RelanceBilan, StatutBilan
from suivi.services.bilans import bilans_attendus

JOURS_AVANT_ECHEANCE = 30


def relancer_bilans(contrats) -> list[RelanceBilan]:
    """E-mail the porteurs of every bilan still to deposit (attendu or à corriger) whose due
    date is within JOURS_AVANT_ECHEANCE days, or past: each threshold reminds once."""
    jour = aujourdhui()
    for contrat in contrats:
        bilans_attendus(contrat)
    a_relancer = Bilan.objects.filter(
        dossier__appel__contrat__in=contrats,
        statut__in=(StatutBilan.ATTENDU, StatutBilan.A_CORRIGER),
        date_limite__lte=jour + timedelta(days=JOURS_AVANT_ECHEANCE),
    ).select_related("dossier__appel__contrat", "dossier__structure__organisation")
    envoyees = []
    for bilan in a_relancer:
        seuil = (
            RelanceBilan.Seuil.EN_RETARD
            if bilan.date_limite < jour
            else RelanceBilan.Seuil.ECHEANCE_PROCHE
        )
        if bilan.relances.filter(seuil=seuil).exists():
            continue
        relance = _relancer(bilan, seuil)
        if relance is not None:
            envoyees.append(relance)
    return envoyees


def _relancer(bilan: Bilan, seuil: str) -> RelanceBilan | None:
    try:
        with transaction.atomic():
            relance = RelanceBilan.objects.create(bilan=bilan, seuil=seuil)
            enregistrer_evenement(
                acteur=None,
                objet=bilan,
                action=ActionSuivi.RELANCE,
                changements={"seuil": seuil, "date_limite": bilan.date_limite.isoformat()},
            )
            _ecrire(bilan, seuil)
    except IntegrityError:
        return None  # another run reminded it meanwhile
    return relance


def _ecrire(bilan: Bilan, seuil: str) -> None:
    adresses = destinataires(bilan.dossier)
    if not (adresses and courriels_autorises()):
        return
    dossier = bilan.dossier
    quand = "était attendu" if seuil == RelanceBilan.Seuil.EN_RETARD else "est attendu"
    objet = (
        f"Rappel : le bilan de votre dossier {dossier.numero} {quand} le "
        f"{bilan.date_limite:%d/%m/%Y}"
    )
    corps = (
        f"Bonjour,\n\nLe bilan {bilan.annee} de l'action « {dossier.intitule} » "
        f"({dossier.numero}) {quand} au plus tard le {bilan.date_limite:%d/%m/%Y} "
        "(compte rendu financier, six mois après la fin de l'exercice).\n\n"
        "Déposez-le, attestez que l'action n'a pas été réalisée ou demandez un report de "
        "ses dates sur la plateforme Contrat de ville.\n"
    )
    transaction.on_commit(lambda: send_mail(objet, corps, settings.DEFAULT_FROM_EMAIL, adresses))
