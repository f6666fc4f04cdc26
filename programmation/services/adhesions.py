"""People join a structure already registered: they ask and its référent accepts or
refuses, or its référent invites them by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats import equipe
from contrats.models import Contrat, Invitation
from contrats.selectors import droits
from contrats.services import attribuer_habilitation
from historique.horloge import maintenant
from historique.services import enregistrer_evenement
from programmation import permissions
from programmation.actions import ActionProgrammation
from programmation.models import DemandeAdhesion, Structure
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from programmation.services.notifications import courriels_autorises


def demander_adhesion(
    *, structure: Structure, contrat: Contrat, acteur: Utilisateur, message: str = ""
) -> DemandeAdhesion:
    if permissions.peut_agir_pour_structure(droits(acteur, contrat), structure.organisation_id):
        raise DonneesInvalides("Vous agissez déjà pour cette structure.")
    with transaction.atomic():
        if DemandeAdhesion.objects.filter(
            structure=structure, demandeur=acteur, statut=DemandeAdhesion.Statut.EN_ATTENTE
        ).exists():
            raise DonneesInvalides("Votre demande est déjà transmise au référent de la structure.")
        demande = DemandeAdhesion.objects.create(
            structure=structure, contrat=contrat, demandeur=acteur, message=message.strip()
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=structure,
            action=ActionProgrammation.ADHESION_DEMANDEE,
            changements={"demandeur": str(acteur)},
            motif=demande.message,
        )
        _prevenir_referent(demande)
    return demande


def inviter_collegue(
    *, structure: Structure, contrat: Contrat, email: str, acteur: Utilisateur, adresse_site: str
) -> Invitation:
    """The référent invites a colleague to act for the structure as porteur of the contract.

    The invitation, its e-mail, its acceptance and their history are the team's (see
    contrats.equipe); only who may send it is decided here.
    """
    if not permissions.gere_les_membres_de(acteur, structure, contrat):
        raise DroitInsuffisant("Seul le référent de la structure invite ses collègues.")
    try:
        return equipe.envoyer_invitation(
            contrat=contrat,
            email=email,
            role=Role.PORTEUR,
            organisation=structure.organisation,
            acteur=acteur,
            adresse_site=adresse_site,
        )
    except equipe.ErreurEquipe as e:
        raise DonneesInvalides(str(e)) from None


def accepter_adhesion(*, demande: DemandeAdhesion, acteur: Utilisateur) -> DemandeAdhesion:
    """The newcomer becomes a porteur of the structure in the contract it asked in."""
    with transaction.atomic():
        courante = _verrouiller(demande, acteur)
        attribuer_habilitation(
            utilisateur=courante.demandeur,
            contrat=courante.contrat,
            role=Role.PORTEUR,
            organisation=courante.structure.organisation,
            acteur=acteur,
        )
        _clore(courante, DemandeAdhesion.Statut.ACCEPTEE, acteur)
        enregistrer_evenement(
            acteur=acteur,
            objet=courante.structure,
            action=ActionProgrammation.ADHESION_ACCEPTEE,
            changements={"demandeur": str(courante.demandeur)},
        )
    return courante


def refuser_adhesion(
    *, demande: DemandeAdhesion, acteur: Utilisateur, motif: str = ""
) -> DemandeAdhesion:
    with transaction.atomic():
        courante = _verrouiller(demande, acteur)
        _clore(courante, DemandeAdhesion.Statut.REFUSEE, acteur)
        enregistrer_evenement(
            acteur=acteur,
            objet=courante.structure,
            action=ActionProgrammation.ADHESION_REFUSEE,
            changements={"demandeur": str(courante.demandeur)},
            motif=motif.strip(),
        )
    return courante


def _verrouiller(demande: DemandeAdhesion, acteur: Utilisateur) -> DemandeAdhesion:
    courante = (
        DemandeAdhesion.objects.select_for_update(of=("self",))
        .select_related("structure__organisation", "structure__referent", "contrat", "demandeur")
        .get(pk=demande.pk)
    )
    if not permissions.peut_traiter_adhesion(acteur, courante):
        raise DroitInsuffisant("Seul le référent de la structure accepte ses nouveaux membres.")
    if courante.statut != DemandeAdhesion.Statut.EN_ATTENTE:
        raise TransitionInterdite(
            f"Cette demande est déjà traitée ({courante.get_statut_display().lower()})."
        )
    return courante


def _clore(demande: DemandeAdhesion, statut: str, acteur: Utilisateur) -> None:
    demande.statut = statut
    demande.traitee_par = acteur
    demande.traitee_le = maintenant()
    demande.save(update_fields=["statut", "traitee_par", "traitee_le"])


def _prevenir_referent(demande: DemandeAdhesion) -> None:
    referent = demande.structure.referent
    if referent is None or not referent.email or not courriels_autorises():
        return
    objet = f"{demande.demandeur} demande à rejoindre {demande.structure}"
    corps = (
        f"Bonjour,\n\n{demande.demandeur} ({demande.demandeur.email}) demande à agir pour "
        f"« {demande.structure} » sur la plateforme Contrat de ville.\n"
        + (f"\nSon message : {demande.message}\n" if demande.message else "")
        + "\nAcceptez ou refusez sa demande depuis la page « Ma structure ».\n"
    )
    transaction.on_commit(
        lambda: send_mail(objet, corps, settings.DEFAULT_FROM_EMAIL, [referent.email])
    )
