"""Reads of a structure's people: who acts for it in a contract, whom its référent invited."""

from dataclasses import dataclass
from datetime import datetime

from contrats.models import Contrat
from historique.horloge import maintenant
from programmation import permissions
from programmation.models import Structure


@dataclass(frozen=True)
class MembreStructure:
    personne: str
    email: str
    est_referent: bool


@dataclass(frozen=True)
class InvitationCollegue:
    email: str
    invitee_par: str
    expire_le: datetime
    expiree: bool


def membres_de_la_structure(structure: Structure, contrat: Contrat) -> list[MembreStructure]:
    """The porteurs of the structure in this contract, the référent first."""
    habilitations = permissions.porteurs_de_la_structure(structure, contrat).select_related(
        "utilisateur"
    )
    membres = [
        MembreStructure(
            personne=str(h.utilisateur),
            email=h.utilisateur.email,
            est_referent=h.utilisateur_id == structure.referent_id,
        )
        for h in habilitations
    ]
    return sorted(membres, key=lambda m: (not m.est_referent, m.personne.lower()))


def invitations_en_attente(structure: Structure, contrat: Contrat) -> list[InvitationCollegue]:
    instant = maintenant()
    return [
        InvitationCollegue(
            email=i.email,
            invitee_par=str(i.invitee_par),
            expire_le=i.expire_le,
            expiree=i.expire_le <= instant,
        )
        for i in permissions.invitations_de_collegues(structure, contrat)
        .select_related("invitee_par")
        .order_by("-creee_le")
    ]
