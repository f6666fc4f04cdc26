"""The team of a contract: a pilote invites people by e-mail, changes and revokes roles.

A structure's référent invites its colleagues through the same invitations
(programmation checks that it is the référent, `envoyer_invitation` does the rest).

Each write checks that its author may act (`contrats.permissions`), runs in one
transaction that locks the contract's row (two pilotes editing the team at once are
served one after the other), leaves one history event, and sends its e-mail only once
the transaction is committed. No path lets an account give itself a role: the pilote
chooses the role, the invited person only accepts it, and nobody edits their own role.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role, Utilisateur
from comptes.selectors import a_l_adresse_verifiee
from contrats.actions import ActionContrat
from contrats.models import (
    ROLES_INVITABLES,
    Contrat,
    Habilitation,
    Instance,
    Invitation,
    Organisation,
)
from contrats.permissions import peut_gerer_equipe
from historique.horloge import maintenant
from historique.journal import consigner
from historique.services import differences, enregistrer_evenement

DUREE_DE_VALIDITE = timedelta(days=14)
REFUS_DROIT = "Seul un pilote du contrat gère son équipe."
MESSAGE_ADRESSE_INVALIDE = (
    "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."
)
ORDRE_DES_ROLES = {role.value: rang for rang, role in enumerate(Role)}


class ErreurEquipe(ValueError):
    """A refused team change; its message, in French, is shown as is."""


# --- Reads ------------------------------------------------------------------------------


def organisations_du_contrat(contrat: Contrat) -> QuerySet[Organisation]:
    """Organisations a financeur may act for: the contract's signatories and body members."""
    return (
        Organisation.objects.filter(Q(signatures__contrat=contrat) | Q(instances__contrat=contrat))
        .distinct()
        .order_by("nom")
    )


def instances_du_contrat(contrat: Contrat) -> QuerySet[Instance]:
    return contrat.instances.order_by("ordre")


@dataclass(frozen=True)
class MembreEquipe:
    """One role of one person, as the team page lists it."""

    habilitation: Habilitation
    personne: str
    email: str
    role: str
    rattachement: str
    gerable: bool


@dataclass(frozen=True)
class InvitationEnAttente:
    invitation: Invitation
    role: str
    rattachement: str
    expiree: bool


def equipe(contrat: Contrat, lecteur: Utilisateur) -> list[MembreEquipe]:
    """Every role in the contract, by role then name; `gerable` if the reader may edit it."""
    habilitations = sorted(
        contrat.habilitations.select_related("utilisateur", "organisation", "instance"),
        key=lambda h: (ORDRE_DES_ROLES[h.role], str(h.utilisateur).lower()),
    )
    return [
        MembreEquipe(
            habilitation=h,
            personne=str(h.utilisateur),
            email=h.utilisateur.email,
            role=h.get_role_display(),
            rattachement=_rattachement(h.organisation, h.instance),
            gerable=_est_gerable(h, lecteur),
        )
        for h in habilitations
    ]


def invitations_en_attente(contrat: Contrat) -> list[InvitationEnAttente]:
    instant = maintenant()
    return [
        InvitationEnAttente(
            invitation=i,
            role=i.get_role_display(),
            rattachement=_rattachement(i.organisation, i.instance),
            expiree=i.expire_le <= instant,
        )
        for i in contrat.invitations.filter(statut=Invitation.Statut.EN_ATTENTE)
        .select_related("organisation", "instance", "invitee_par")
        .order_by("-creee_le")
    ]


def invitation_par_jeton(contrat: Contrat, jeton: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("contrat", "organisation", "instance", "invitee_par")
        .filter(contrat=contrat, empreinte_jeton=empreinte(jeton))
        .first()
    )


def refus_de_l_invitation(invitation: Invitation | None) -> str | None:
    """Why this invitation can no longer be accepted, or None if it still can."""
    if invitation is None:
        return "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet."
    if invitation.statut == Invitation.Statut.ACCEPTEE:
        return "Cette invitation a déjà été acceptée : un lien d'invitation ne sert qu'une fois."
    if invitation.statut == Invitation.Statut.REMPLACEE:
        return (
            "Cette invitation a été remplacée par une invitation plus récente : "
            "suivez le lien du dernier courriel reçu."
        )
    if invitation.expire_le <= maintenant():
        return (
            f"Cette invitation a expiré le {_date(invitation.expire_le)}. "
            "Demandez-en une nouvelle à l'équipe projet de la ville."
        )
    if invitation.role == Role.PORTEUR:
        if not _agit_encore_pour(invitation):
            return (
                "Cette invitation n'est plus valable : la personne qui l'a envoyée n'agit plus "
                f"pour {invitation.organisation.nom}. Demandez-en une nouvelle à sa structure."
            )
    elif not peut_gerer_equipe(invitation.invitee_par, invitation.contrat):
        return (
            "Cette invitation n'est plus valable : la personne qui l'a envoyée n'est plus "
            "pilote du contrat. Demandez-en une nouvelle à l'équipe projet de la ville."
        )
    return None


def _agit_encore_pour(invitation: Invitation) -> bool:
    """A colleague's invitation holds while its sender still acts for the structure."""
    return Habilitation.objects.filter(
        utilisateur=invitation.invitee_par,
        contrat=invitation.contrat,
        role=Role.PORTEUR,
        organisation=invitation.organisation,
    ).exists()


def libelle_du_role(role: str, organisation: Organisation | None, instance: Instance | None) -> str:
    """ "Financeur pour CAF du Val-de-Marne", "Membre d'instance de Comité de pilotage"."""
    rattachement = _rattachement(organisation, instance)
    return f"{Role(role).label}{f' {rattachement}' if rattachement else ''}"


def libelle_de(objet: Habilitation | Invitation) -> str:
    return libelle_du_role(objet.role, objet.organisation, objet.instance)


def empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


# --- Writes -----------------------------------------------------------------------------


def inviter(
    *,
    contrat: Contrat,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    instance: Instance | None = None,
    acteur: Utilisateur,
    adresse_site: str,
) -> Invitation:
    """The pilote invites an address to one role of ROLES_INVITABLES (see envoyer_invitation)."""
    _exiger_pilote(acteur, contrat)
    return envoyer_invitation(
        contrat=contrat,
        email=email,
        role=_role_invitable(role),
        organisation=organisation,
        instance=instance,
        acteur=acteur,
        adresse_site=adresse_site,
    )


def envoyer_invitation(
    *,
    contrat: Contrat,
    email: str,
    role: Role,
    organisation: Organisation | None = None,
    instance: Instance | None = None,
    acteur: Utilisateur,
    adresse_site: str,
) -> Invitation:
    """Invite an address to one role; a newer invitation to the same address replaces it.

    The caller has checked that `acteur` may invite to this role: `inviter` for a pilote,
    programmation for a structure's référent inviting a colleague as porteur.
    `adresse_site` ("https://host") builds the link of the e-mail, sent after commit.
    """
    email = _adresse_valide(email)
    _verifier_rattachement(contrat, role, organisation, instance)
    if email == acteur.email.lower():
        raise ErreurEquipe(
            "Vous ne pouvez pas vous inviter vous-même : un compte ne se donne aucun rôle."
        )
    jeton = secrets.token_urlsafe(32)
    instant = maintenant()
    with transaction.atomic():
        _verrouiller(contrat)
        deja = (
            Habilitation.objects.filter(
                contrat=contrat, role=role, utilisateur__email__iexact=email
            )
            .select_related("organisation", "instance")
            .first()
        )
        if deja is not None:
            libelle = libelle_du_role(role, deja.organisation, deja.instance)
            raise ErreurEquipe(
                f"{email} a déjà le rôle « {libelle} » dans ce contrat. "
                "Pour le changer, utilisez « Modifier le rôle »."
            )
        remplacees = list(
            Invitation.objects.filter(
                contrat=contrat, email=email, statut=Invitation.Statut.EN_ATTENTE
            ).values_list("pk", flat=True)
        )
        Invitation.objects.filter(pk__in=remplacees).update(statut=Invitation.Statut.REMPLACEE)
        invitation = Invitation.objects.create(
            contrat=contrat,
            email=email,
            role=role,
            organisation=organisation,
            instance=instance,
            empreinte_jeton=empreinte(jeton),
            invitee_par=acteur,
            creee_le=instant,
            expire_le=instant + DUREE_DE_VALIDITE,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=invitation,
            action=ActionContrat.INVITATION_ENVOI,
            changements={
                **_valeurs(role, organisation, instance),
                "adresse": email,
                "expire le": invitation.expire_le.isoformat(),
                "invitations remplacées": remplacees,
            },
        )
        lien = adresse_site.rstrip("/") + reverse("contrats:invitation", args=[contrat.slug, jeton])
        transaction.on_commit(lambda: _envoyer_invitation(invitation, lien))
    return invitation


def accepter_invitation(*, contrat: Contrat, jeton: str, utilisateur: Utilisateur) -> Habilitation:
    """The invited person takes the role the pilote chose: that role, nothing else."""
    if not getattr(utilisateur, "is_authenticated", False):
        raise PermissionDenied("Connectez-vous pour accepter une invitation.")
    with transaction.atomic():
        _verrouiller(contrat)
        invitation = invitation_par_jeton(contrat, jeton)
        refus = refus_de_l_invitation(invitation)
        if refus:
            raise ErreurEquipe(refus)
        if not a_l_adresse_verifiee(utilisateur, invitation.email):
            raise ErreurEquipe(
                f"Cette invitation est adressée à {invitation.email}. Connectez-vous avec le "
                "compte de cette adresse pour l'accepter."
            )
        _verifier_rattachement(
            contrat, invitation.role, invitation.organisation, invitation.instance
        )
        deja = (
            Habilitation.objects.filter(
                utilisateur=utilisateur, contrat=contrat, role=invitation.role
            )
            .select_related("organisation", "instance")
            .first()
        )
        if deja is not None:
            raise ErreurEquipe(
                "Vous avez déjà le rôle "
                f"« {libelle_du_role(deja.role, deja.organisation, deja.instance)} » dans ce "
                "contrat. Demandez à l'équipe projet de la ville de le modifier."
            )
        habilitation = Habilitation.objects.create(
            utilisateur=utilisateur,
            contrat=contrat,
            role=invitation.role,
            organisation=invitation.organisation,
            instance=invitation.instance,
        )
        invitation.statut = Invitation.Statut.ACCEPTEE
        invitation.acceptee_par = utilisateur
        invitation.acceptee_le = maintenant()
        invitation.save(update_fields=["statut", "acceptee_par", "acceptee_le"])
        enregistrer_evenement(
            acteur=utilisateur,
            objet=habilitation,
            action=ActionContrat.INVITATION_ACCEPTATION,
            changements={
                **_valeurs(invitation.role, invitation.organisation, invitation.instance),
                "invitation": invitation.pk,
                "invitée par": str(invitation.invitee_par),
            },
        )
    return habilitation


def modifier_habilitation(
    *,
    habilitation: Habilitation,
    role: str,
    organisation: Organisation | None = None,
    instance: Instance | None = None,
    acteur: Utilisateur,
) -> Habilitation:
    """Change someone's role, or the organisation or body it is held for."""
    contrat = habilitation.contrat
    _exiger_pilote(acteur, contrat)
    role = _role_invitable(role)
    _verifier_rattachement(contrat, role, organisation, instance)
    with transaction.atomic():
        _verrouiller(contrat)
        habilitation = _habilitation_gerable(habilitation, acteur)
        avant = _valeurs(habilitation.role, habilitation.organisation, habilitation.instance)
        apres = _valeurs(role, organisation, instance)
        if avant == apres:
            raise ErreurEquipe("Rien à modifier : c'est déjà le rôle de cette personne.")
        if (
            role != habilitation.role
            and Habilitation.objects.filter(
                utilisateur=habilitation.utilisateur, contrat=contrat, role=role
            ).exists()
        ):
            raise ErreurEquipe(
                f"{habilitation.utilisateur} a déjà le rôle « {Role(role).label} » dans ce "
                "contrat : retirez l'un des deux rôles plutôt."
            )
        habilitation.role = role
        habilitation.organisation = organisation
        habilitation.instance = instance
        habilitation.save(update_fields=["role", "organisation", "instance"])
        enregistrer_evenement(
            acteur=acteur,
            objet=habilitation,
            action=ActionContrat.HABILITATION_MODIFICATION,
            changements={**differences(avant, apres), "personne": str(habilitation.utilisateur)},
        )
    return habilitation


def retirer_habilitation(*, habilitation: Habilitation, acteur: Utilisateur) -> None:
    """Revoke one role; the person keeps their account and their other roles."""
    contrat = habilitation.contrat
    _exiger_pilote(acteur, contrat)
    with transaction.atomic():
        _verrouiller(contrat)
        habilitation = _habilitation_gerable(habilitation, acteur)
        enregistrer_evenement(
            acteur=acteur,
            objet=habilitation,
            action=ActionContrat.HABILITATION_RETRAIT,
            changements={
                **_valeurs(habilitation.role, habilitation.organisation, habilitation.instance),
                "personne": str(habilitation.utilisateur),
            },
        )
        consigner(
            "role.retrait",
            utilisateur=habilitation.utilisateur_id,
            contrat=contrat.slug,
            role=habilitation.role,
            par=acteur.pk,
        )
        habilitation.delete()


# --- Rules ------------------------------------------------------------------------------


def _exiger_pilote(acteur: Utilisateur, contrat: Contrat) -> None:
    if not peut_gerer_equipe(acteur, contrat):
        raise PermissionDenied(REFUS_DROIT)


def _verrouiller(contrat: Contrat) -> None:
    Contrat.objects.select_for_update().filter(pk=contrat.pk).first()


def _adresse_valide(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ErreurEquipe(MESSAGE_ADRESSE_INVALIDE) from None
    return email


def _role_invitable(role: str) -> Role:
    if role not in {r.value for r in ROLES_INVITABLES}:
        raise ErreurEquipe(
            "Choisissez l'un des rôles : "
            + ", ".join(f"« {r.label} »" for r in ROLES_INVITABLES)
            + "."
        )
    return Role(role)


def _verifier_rattachement(
    contrat: Contrat, role: str, organisation: Organisation | None, instance: Instance | None
) -> None:
    """A financeur acts for an organisation of the contract, a membre sits in one of its bodies."""
    libelle = Role(role).label
    if role == Role.FINANCEUR:
        if organisation is None:
            raise ErreurEquipe("Choisissez l'organisation pour laquelle ce financeur agit.")
        if not organisations_du_contrat(contrat).filter(pk=organisation.pk).exists():
            raise ErreurEquipe(
                f"L'organisation « {organisation.nom} » n'est pas partie à ce contrat."
            )
    elif role == Role.PORTEUR:
        if organisation is None:
            raise ErreurEquipe("Un porteur de projet agit pour une structure.")
    elif organisation is not None:
        raise ErreurEquipe(f"Le rôle « {libelle} » ne se rattache à aucune organisation.")
    if role == Role.MEMBRE:
        if instance is None:
            raise ErreurEquipe("Choisissez l'instance dont cette personne est membre.")
        if instance.contrat_id != contrat.pk:
            raise ErreurEquipe(
                f"L'instance « {instance.nom} » n'est pas une instance de ce contrat."
            )
    elif instance is not None:
        raise ErreurEquipe(f"Le rôle « {libelle} » ne se rattache à aucune instance.")


def _habilitation_gerable(habilitation: Habilitation, acteur: Utilisateur) -> Habilitation:
    """The row as it is now (locked), if the pilote may edit it."""
    actuelle = (
        Habilitation.objects.select_for_update(of=("self",))
        .select_related("utilisateur", "organisation", "instance")
        .filter(pk=habilitation.pk)
        .first()
    )
    if actuelle is None:
        raise ErreurEquipe("Ce rôle a déjà été retiré.")
    if actuelle.utilisateur_id == acteur.pk:
        raise ErreurEquipe("Vous ne pouvez pas modifier vos propres rôles.")
    if actuelle.role not in ROLES_INVITABLES:
        raise ErreurEquipe(
            f"Le rôle « {actuelle.get_role_display()} » ne se gère pas depuis cette page."
        )
    return actuelle


def _est_gerable(habilitation: Habilitation, lecteur: Utilisateur) -> bool:
    return habilitation.role in ROLES_INVITABLES and habilitation.utilisateur_id != lecteur.pk


def _valeurs(role: str, organisation: Organisation | None, instance: Instance | None) -> dict:
    return {
        "rôle": str(role),
        "organisation": organisation.nom if organisation else "",
        "instance": instance.nom if instance else "",
    }


def _rattachement(organisation: Organisation | None, instance: Instance | None) -> str:
    if organisation is not None:
        return f"pour {organisation.nom}"
    if instance is not None:
        return f"de {instance.nom}"
    return ""


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def _envoyer_invitation(invitation: Invitation, lien: str) -> None:
    contexte = {
        "invitation": invitation,
        "qualite": (
            f"pour {invitation.organisation.nom}"
            if invitation.role == Role.PORTEUR
            else f"pilote du {invitation.contrat.titre}"
        ),
        "role": libelle_du_role(invitation.role, invitation.organisation, invitation.instance),
        "lien": lien,
        "expire_le": _date(invitation.expire_le),
    }
    send_mail(
        f"[Contrat de ville] Invitation : {contexte['role']}",
        render_to_string("contrats/equipe_courriel_invitation.txt", contexte),
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
