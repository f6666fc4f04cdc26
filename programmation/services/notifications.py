"""E-mails to porteurs, sent only once the transaction that caused them has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from comptes.models import Role
from contrats.models import Habilitation
from programmation.models import Dossier

OBJETS = {
    "deposer": "Votre dossier {numero} est déposé",
    "retirer": "Votre dossier {numero} est retiré",
    "declarer_recevable": "Votre dossier {numero} est recevable",
    "declarer_irrecevable": "Votre dossier {numero} n'est pas recevable",
    "mettre_en_instruction": "Votre dossier {numero} est en instruction",
    "proposer": "Votre dossier {numero} est proposé au comité de pilotage",
    "valider": "Votre dossier {numero} est validé",
    "refuser": "Votre dossier {numero} est refusé",
    "ajourner": "Votre dossier {numero} est ajourné",
    "conventionner": "Les conventions de votre dossier {numero} sont établies",
    "solder": "Votre dossier {numero} est soldé",
}


def destinataires(dossier: Dossier) -> list[str]:
    return sorted(
        Habilitation.objects.filter(
            contrat=dossier.appel.contrat,
            role=Role.PORTEUR,
            organisation=dossier.structure.organisation_id,
        )
        .exclude(utilisateur__email="")
        .values_list("utilisateur__email", flat=True)
    )


def notifier_porteur(dossier: Dossier, transition: str, motif: str) -> None:
    objet = OBJETS[transition].format(numero=dossier.numero)
    corps = (
        f"Bonjour,\n\nLe dossier « {dossier.intitule} » ({dossier.numero}) de "
        f"{dossier.structure} est désormais : {dossier.get_statut_display()}.\n"
        + (f"\nMotif : {motif}\n" if motif else "")
        + "\nVous pouvez le consulter sur la plateforme Contrat de ville.\n"
    )
    adresses = destinataires(dossier)
    if adresses:
        transaction.on_commit(
            lambda: send_mail(objet, corps, settings.DEFAULT_FROM_EMAIL, adresses)
        )
