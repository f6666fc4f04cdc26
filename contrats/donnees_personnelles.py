"""What contrats holds about a person (comptes.donnees_personnelles): their roles, the
invitations addressed to them or sent by them, the avenants and accords they recorded.

Erasure withdraws their roles and replaces their address in the invitations they
received (the invitation stays: it records who was given access, and when); an invitation
still pending can no longer be used. The purge removes the invitations never accepted
once expired for longer than CONSERVATION_INVITATIONS days.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from comptes.donnees_personnelles import (
    Declaration,
    Personne,
    Purge,
    Rubriques,
    lignes,
    supprimer,
)
from contrats.models import AccordAvenant, Avenant, Habilitation, Invitation
from historique.horloge import maintenant


def _invitations_recues(personne: Personne) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        Q(email__in=personne.courriels) | Q(acceptee_par=personne.compte)
    )


def exporter(personne: Personne) -> Rubriques:
    compte = personne.compte
    return {
        "Rôles": lignes(
            Habilitation.objects.filter(utilisateur=compte).order_by("contrat__slug", "role"),
            {
                "Contrat": "contrat__titre",
                "Rôle": "role",
                "Organisation": "organisation__nom",
                "Instance": "instance__nom",
            },
        ),
        "Invitations reçues": lignes(
            _invitations_recues(personne).order_by("creee_le"),
            {
                "Contrat": "contrat__titre",
                "Adresse": "email",
                "Rôle": "role",
                "Statut": "statut",
                "Envoyée le": "creee_le",
                "Expire le": "expire_le",
                "Acceptée le": "acceptee_le",
            },
        ),
        # Not the invited person's address: someone else's data.
        "Invitations envoyées": lignes(
            Invitation.objects.filter(invitee_par=compte).order_by("creee_le"),
            {
                "Contrat": "contrat__titre",
                "Rôle": "role",
                "Statut": "statut",
                "Envoyée le": "creee_le",
            },
        ),
        "Avenants proposés": lignes(
            Avenant.objects.filter(cree_par=compte).order_by("cree_le"),
            {
                "Contrat": "contrat__titre",
                "Avenant n°": "numero",
                "Objet": "objet",
                "Proposé le": "cree_le",
            },
        ),
        "Accords sur les avenants enregistrés": lignes(
            AccordAvenant.objects.filter(enregistre_par=compte).order_by("enregistre_le"),
            {
                "Contrat": "avenant__contrat__titre",
                "Avenant n°": "avenant__numero",
                "Organisation": "organisation__nom",
                "Sens": "sens",
                "Enregistré le": "enregistre_le",
            },
        ),
    }


def effacer(personne: Personne) -> dict[str, int]:
    recues = _invitations_recues(personne)
    moment = maintenant()
    recues.filter(statut=Invitation.Statut.EN_ATTENTE, expire_le__gt=moment).update(
        expire_le=moment
    )
    invitations = recues.update(email=personne.adresse_pseudonyme)
    roles = supprimer(Habilitation.objects.filter(utilisateur=personne.compte), simulation=False)
    return {"Rôles retirés": roles, "Invitations reçues pseudonymisées": invitations}


def purger(moment: datetime, simulation: bool) -> list[Purge]:
    jours = settings.CONSERVATION_INVITATIONS
    # A replaced invitation keeps its expiry date: the same rule covers it.
    perimees = Invitation.objects.exclude(statut=Invitation.Statut.ACCEPTEE).filter(
        expire_le__lt=moment - timedelta(days=jours)
    )
    return [
        Purge("Invitations jamais acceptées", Invitation, supprimer(perimees, simulation), jours)
    ]


DECLARATION = Declaration(application="contrats", exporter=exporter, effacer=effacer, purger=purger)
