"""A contract's team: the pilote invites by e-mail, the invitee accepts exactly the
invited role, the pilote changes and revokes roles; each step is in the history.

Refusals are checked for their exact French message and for changing nothing.
"""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from comptes.models import Role, Utilisateur
from comptes.tests.factories import CompteFactory
from comptes.tests.outils import limites_de_debit_remises_a_zero  # noqa: F401
from contrats import equipe
from contrats.actions import ActionContrat
from contrats.models import Contrat, Habilitation, Instance, Invitation, Organisation
from contrats.selectors import droits
from contrats.tests.factories import ContratFactory, HabilitationFactory, OrganisationFactory
from historique.models import Evenement

SLUG = "villiers-sur-marne-2015-2020"
SITE = "http://testserver"
INVITEE = "agent.caf@exemple.fr"


@pytest.fixture
def pilote(db) -> Utilisateur:
    return Utilisateur.objects.get(username="pilote")


@pytest.fixture
def caf(db) -> Organisation:
    return Organisation.objects.get(code="caf")


@pytest.fixture
def copil(villiers) -> Instance:
    return villiers.instances.get(code="copil-politique")


@pytest.fixture
def autre_contrat(db) -> Contrat:
    return ContratFactory(titre="Contrat de ville de Sevran 2024-2030")


@pytest.fixture
def envoyer(villiers, pilote, caf, mailoutbox, django_capture_on_commit_callbacks):
    """Sends an invitation as the pilote, e-mail included; returns it and its token."""

    def envoyer_(email: str = INVITEE, role: str = Role.FINANCEUR, **rattachement):
        if role == Role.FINANCEUR and not rattachement:
            rattachement = {"organisation": caf}
        with django_capture_on_commit_callbacks(execute=True):
            invitation = equipe.inviter(
                contrat=villiers,
                email=email,
                role=role,
                acteur=pilote,
                adresse_site=SITE,
                **rattachement,
            )
        return invitation, jeton_du_courriel(mailoutbox[-1].body)

    return envoyer_


def jeton_du_courriel(corps: str) -> str:
    (jeton,) = re.findall(rf"{SITE}/contrats/{SLUG}/invitation/([\w-]+)/", corps)
    return jeton


def etat_des_donnees() -> tuple:
    """What a refused change must leave untouched."""
    return (
        sorted(
            Habilitation.objects.values_list(
                "pk", "utilisateur", "role", "organisation", "instance"
            )
        ),
        sorted(Invitation.objects.values_list("pk", "statut", "acceptee_par")),
        Evenement.objects.count(),
    )


def refus(appel, message: str) -> None:
    avant = etat_des_donnees()
    with pytest.raises(equipe.ErreurEquipe) as erreur:
        appel()
    assert str(erreur.value) == message
    assert etat_des_donnees() == avant


# --- Invitations ------------------------------------------------------------------------


def test_pilote_invites_a_caf_financeur_by_an_e_mail_carrying_one_link(
    envoyer, villiers, pilote, caf, mailoutbox
):
    invitation, _ = envoyer(email="  Agent.CAF@Exemple.fr ")

    assert (invitation.email, invitation.role, invitation.organisation) == (
        INVITEE,
        Role.FINANCEUR,
        caf,
    )
    assert invitation.statut == Invitation.Statut.EN_ATTENTE
    assert invitation.expire_le - invitation.creee_le == timedelta(days=14)
    (courriel,) = mailoutbox
    assert courriel.to == [INVITEE]
    assert courriel.subject == f"[Contrat de ville] Invitation : Financeur pour {caf.nom}"
    assert f"Camille Martin, pilote du {villiers.titre}" in courriel.body
    evenement = Evenement.objects.get(action=ActionContrat.INVITATION_ENVOI)
    assert evenement.acteur == pilote
    assert evenement.object_id == str(invitation.pk)
    assert evenement.changements["adresse"] == INVITEE
    assert evenement.changements["organisation"] == caf.nom


def test_the_token_is_random_and_only_its_digest_is_stored(envoyer):
    premiere, jeton = envoyer()
    _, autre_jeton = envoyer(email="autre.agent@exemple.fr")

    assert jeton != autre_jeton and len(jeton) >= 40
    assert premiere.empreinte_jeton == hashlib.sha256(jeton.encode()).hexdigest()
    stocke = Invitation.objects.filter(pk=premiere.pk).values().get()
    assert jeton not in {str(valeur) for valeur in stocke.values()}


def test_invitee_with_the_invited_address_receives_exactly_the_invited_role(envoyer, villiers, caf):
    invitation, jeton = envoyer()
    invite = CompteFactory(email=INVITEE)

    habilitation = equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invite)

    assert list(
        invite.habilitations.values_list("contrat", "role", "organisation", "instance")
    ) == [(villiers.pk, Role.FINANCEUR, caf.pk, None)]
    assert droits(invite, villiers).organisations_pour(Role.FINANCEUR) == {caf.pk}
    invitation.refresh_from_db()
    assert invitation.statut == Invitation.Statut.ACCEPTEE
    assert invitation.acceptee_par == invite
    evenement = Evenement.objects.get(action=ActionContrat.INVITATION_ACCEPTATION)
    assert evenement.acteur == invite
    assert evenement.object_id == str(habilitation.pk)
    assert evenement.changements["invitée par"] == "Camille Martin"


def test_a_membre_is_invited_to_one_body_and_holds_the_role_for_it(envoyer, villiers, copil):
    _, jeton = envoyer(email="habitante@exemple.fr", role=Role.MEMBRE, instance=copil)
    invitee = CompteFactory(email="habitante@exemple.fr")

    habilitation = equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invitee)

    assert (habilitation.role, habilitation.instance, habilitation.organisation) == (
        Role.MEMBRE,
        copil,
        None,
    )


def test_a_token_serves_once(envoyer, villiers):
    _, jeton = envoyer()
    invite = CompteFactory(email=INVITEE)
    equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invite)

    refus(
        lambda: equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invite),
        "Cette invitation a déjà été acceptée : un lien d'invitation ne sert qu'une fois.",
    )


def test_an_expired_invitation_is_refused(envoyer, villiers):
    invitation, jeton = envoyer()
    expiration = timezone.now() - timedelta(minutes=1)
    Invitation.objects.filter(pk=invitation.pk).update(expire_le=expiration)
    invite = CompteFactory(email=INVITEE)

    refus(
        lambda: equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invite),
        f"Cette invitation a expiré le {timezone.localtime(expiration):%d/%m/%Y à %H:%M}. "
        "Demandez-en une nouvelle à l'équipe projet de la ville.",
    )


def test_an_unknown_token_is_refused(villiers):
    invite = CompteFactory(email=INVITEE)
    refus(
        lambda: equipe.accepter_invitation(
            contrat=villiers, jeton="jeton-invente", utilisateur=invite
        ),
        "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet.",
    )


def test_a_token_of_one_contract_does_not_open_another(envoyer, autre_contrat):
    _, jeton = envoyer()
    invite = CompteFactory(email=INVITEE)
    refus(
        lambda: equipe.accepter_invitation(contrat=autre_contrat, jeton=jeton, utilisateur=invite),
        "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet.",
    )


def test_a_newer_invitation_to_the_same_address_replaces_the_pending_one(envoyer, villiers):
    ancienne, ancien_jeton = envoyer(role=Role.ETAT, organisation=None)
    nouvelle, _ = envoyer()

    ancienne.refresh_from_db()
    assert ancienne.statut == Invitation.Statut.REMPLACEE
    assert nouvelle.statut == Invitation.Statut.EN_ATTENTE
    evenement = Evenement.objects.filter(action=ActionContrat.INVITATION_ENVOI).first()
    assert evenement.changements["invitations remplacées"] == [ancienne.pk]
    invite = CompteFactory(email=INVITEE)
    refus(
        lambda: equipe.accepter_invitation(
            contrat=villiers, jeton=ancien_jeton, utilisateur=invite
        ),
        "Cette invitation a été remplacée par une invitation plus récente : "
        "suivez le lien du dernier courriel reçu.",
    )


def test_an_account_of_another_address_cannot_accept(envoyer, villiers):
    _, jeton = envoyer()
    quelquun = CompteFactory(email="quelqu.un@exemple.fr")
    refus(
        lambda: equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=quelquun),
        f"Cette invitation est adressée à {INVITEE}. Connectez-vous avec le compte de cette "
        "adresse pour l'accepter.",
    )


def test_an_account_that_has_not_confirmed_the_address_cannot_accept(envoyer, villiers):
    _, jeton = envoyer()
    non_confirme = CompteFactory(email=INVITEE, adresse_verifiee=False)
    refus(
        lambda: equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=non_confirme),
        f"Cette invitation est adressée à {INVITEE}. Connectez-vous avec le compte de cette "
        "adresse pour l'accepter.",
    )


def test_an_invitation_from_someone_no_longer_pilote_is_void(envoyer, villiers, pilote):
    _, jeton = envoyer()
    Habilitation.objects.filter(utilisateur=pilote, contrat=villiers, role=Role.PILOTE).delete()
    invite = CompteFactory(email=INVITEE)
    refus(
        lambda: equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invite),
        "Cette invitation n'est plus valable : la personne qui l'a envoyée n'est plus pilote "
        "du contrat. Demandez-en une nouvelle à l'équipe projet de la ville.",
    )


def test_accepting_a_role_already_held_is_refused(envoyer, villiers):
    _, jeton = envoyer(role=Role.ETAT, organisation=None)
    invite = CompteFactory(email=INVITEE)
    HabilitationFactory(utilisateur=invite, contrat=villiers, etat=True)
    refus(
        lambda: equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=invite),
        "Vous avez déjà le rôle « État (délégué·e du préfet) » dans ce contrat. Demandez à "
        "l'équipe projet de la ville de le modifier.",
    )


def test_accepting_requires_an_account(envoyer, villiers):
    from django.contrib.auth.models import AnonymousUser

    _, jeton = envoyer()
    avant = etat_des_donnees()
    with pytest.raises(PermissionDenied):
        equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=AnonymousUser())
    assert etat_des_donnees() == avant


@pytest.mark.parametrize(
    ("email", "role", "rattachement", "message"),
    [
        ("pas-une-adresse", Role.ETAT, {}, equipe.MESSAGE_ADRESSE_INVALIDE),
        ("", Role.ETAT, {}, equipe.MESSAGE_ADRESSE_INVALIDE),
        (
            INVITEE,
            Role.PILOTE,
            {},
            "Choisissez l'un des rôles : « État (délégué·e du préfet) », « Financeur », "
            "« Membre d'instance ».",
        ),
        (
            INVITEE,
            Role.PORTEUR,
            {},
            "Choisissez l'un des rôles : « État (délégué·e du préfet) », « Financeur », "
            "« Membre d'instance ».",
        ),
        (
            INVITEE,
            Role.FINANCEUR,
            {},
            "Choisissez l'organisation pour laquelle ce financeur agit.",
        ),
        (
            INVITEE,
            Role.MEMBRE,
            {},
            "Choisissez l'instance dont cette personne est membre.",
        ),
        (
            INVITEE,
            Role.ETAT,
            {"organisation": "caf"},
            "Le rôle « État (délégué·e du préfet) » ne se rattache à aucune organisation.",
        ),
        (
            INVITEE,
            Role.FINANCEUR,
            {"organisation": "caf", "instance": "copil"},
            "Le rôle « Financeur » ne se rattache à aucune instance.",
        ),
        (
            "pilote@demo.contrat-de-ville.test",
            Role.ETAT,
            {},
            "Vous ne pouvez pas vous inviter vous-même : un compte ne se donne aucun rôle.",
        ),
        (
            "Etat@demo.contrat-de-ville.test",
            Role.ETAT,
            {},
            "etat@demo.contrat-de-ville.test a déjà le rôle « État (délégué·e du préfet) » "
            "dans ce contrat. Pour le changer, utilisez « Modifier le rôle ».",
        ),
    ],
    ids=[
        "adresse-invalide",
        "adresse-vide",
        "role-pilote",
        "role-porteur",
        "financeur-sans-organisation",
        "membre-sans-instance",
        "etat-avec-organisation",
        "financeur-avec-instance",
        "soi-meme",
        "role-deja-tenu",
    ],
)
def test_a_bad_invitation_is_refused_in_french_and_nothing_is_sent(
    villiers,
    pilote,
    caf,
    copil,
    mailoutbox,
    django_capture_on_commit_callbacks,
    email,
    role,
    rattachement,
    message,
):
    objets = {"caf": caf, "copil": copil}
    rattachement = {champ: objets[valeur] for champ, valeur in rattachement.items()}
    with django_capture_on_commit_callbacks(execute=True):
        refus(
            lambda: equipe.inviter(
                contrat=villiers,
                email=email,
                role=role,
                acteur=pilote,
                adresse_site=SITE,
                **rattachement,
            ),
            message,
        )
    assert mailoutbox == []


def test_an_organisation_of_another_contract_is_refused(villiers, pilote, autre_contrat):
    etrangere = OrganisationFactory(nom="Caisse d'une autre ville")
    autre_contrat.signataires.create(
        organisation=etrangere, ordre=1, representant="X", role="partie"
    )
    refus(
        lambda: equipe.inviter(
            contrat=villiers,
            email=INVITEE,
            role=Role.FINANCEUR,
            organisation=etrangere,
            acteur=pilote,
            adresse_site=SITE,
        ),
        "L'organisation « Caisse d'une autre ville » n'est pas partie à ce contrat.",
    )


def test_a_body_of_another_contract_is_refused(villiers, pilote, autre_contrat):
    etrangere = autre_contrat.instances.create(
        ordre=1, code="copil", nom="Comité de pilotage de Sevran", nature="copil_politique"
    )
    refus(
        lambda: equipe.inviter(
            contrat=villiers,
            email=INVITEE,
            role=Role.MEMBRE,
            instance=etrangere,
            acteur=pilote,
            adresse_site=SITE,
        ),
        "L'instance « Comité de pilotage de Sevran » n'est pas une instance de ce contrat.",
    )


@pytest.mark.parametrize("identifiant", ["etat", "financeur", "porteur", "membre"])
def test_only_a_pilote_of_the_contract_may_invite(villiers, caf, identifiant):
    acteur = Utilisateur.objects.get(username=identifiant)
    avant = etat_des_donnees()
    with pytest.raises(PermissionDenied, match=re.escape(equipe.REFUS_DROIT)):
        equipe.inviter(
            contrat=villiers,
            email=INVITEE,
            role=Role.ETAT,
            acteur=acteur,
            adresse_site=SITE,
        )
    assert etat_des_donnees() == avant


def test_a_pilote_of_another_contract_may_not_invite(villiers, autre_contrat):
    autre_pilote = HabilitationFactory(contrat=autre_contrat).utilisateur
    avant = etat_des_donnees()
    with pytest.raises(PermissionDenied):
        equipe.inviter(
            contrat=villiers, email=INVITEE, role=Role.ETAT, acteur=autre_pilote, adresse_site=SITE
        )
    assert etat_des_donnees() == avant


# --- Changing and revoking roles --------------------------------------------------------


@pytest.fixture
def financeur_caf(villiers) -> Habilitation:
    return Habilitation.objects.get(utilisateur__username="financeur", contrat=villiers)


def test_pilote_changes_a_financeur_into_a_membre_of_a_body(financeur_caf, pilote, caf, copil):
    equipe.modifier_habilitation(
        habilitation=financeur_caf, role=Role.MEMBRE, instance=copil, acteur=pilote
    )

    financeur_caf.refresh_from_db()
    assert (financeur_caf.role, financeur_caf.organisation, financeur_caf.instance) == (
        Role.MEMBRE,
        None,
        copil,
    )
    evenement = Evenement.objects.get(action=ActionContrat.HABILITATION_MODIFICATION)
    assert evenement.acteur == pilote
    assert evenement.object_id == str(financeur_caf.pk)
    assert evenement.changements == {
        "rôle": ["financeur", "membre"],
        "organisation": [caf.nom, ""],
        "instance": ["", copil.nom],
        "personne": "Julien Moreau",
    }


def test_changing_nothing_is_refused(financeur_caf, pilote, caf):
    refus(
        lambda: equipe.modifier_habilitation(
            habilitation=financeur_caf, role=Role.FINANCEUR, organisation=caf, acteur=pilote
        ),
        "Rien à modifier : c'est déjà le rôle de cette personne.",
    )


def test_changing_to_a_role_the_person_already_holds_is_refused(financeur_caf, villiers, pilote):
    HabilitationFactory(utilisateur=financeur_caf.utilisateur, contrat=villiers, etat=True)
    refus(
        lambda: equipe.modifier_habilitation(
            habilitation=financeur_caf, role=Role.ETAT, acteur=pilote
        ),
        "Julien Moreau a déjà le rôle « État (délégué·e du préfet) » dans ce contrat : "
        "retirez l'un des deux rôles plutôt.",
    )


def test_nobody_changes_or_revokes_their_own_role(villiers, pilote):
    propre = HabilitationFactory(utilisateur=pilote, contrat=villiers, etat=True)
    refus(
        lambda: equipe.modifier_habilitation(
            habilitation=propre,
            role=Role.MEMBRE,
            instance=villiers.instances.first(),
            acteur=pilote,
        ),
        "Vous ne pouvez pas modifier vos propres rôles.",
    )
    refus(
        lambda: equipe.retirer_habilitation(habilitation=propre, acteur=pilote),
        "Vous ne pouvez pas modifier vos propres rôles.",
    )


def test_a_porteur_role_is_not_managed_from_the_team(villiers, pilote):
    porteur = Habilitation.objects.get(utilisateur__username="porteur", contrat=villiers)
    refus(
        lambda: equipe.retirer_habilitation(habilitation=porteur, acteur=pilote),
        "Le rôle « Porteur de projet » ne se gère pas depuis cette page.",
    )


def test_pilote_revokes_a_role_and_the_history_keeps_who_and_what(
    financeur_caf, villiers, pilote, caf
):
    personne = financeur_caf.utilisateur
    pk = financeur_caf.pk

    equipe.retirer_habilitation(habilitation=financeur_caf, acteur=pilote)

    assert not Habilitation.objects.filter(pk=pk).exists()
    assert not droits(personne, villiers).a(Role.FINANCEUR)
    assert Utilisateur.objects.filter(pk=personne.pk).exists()
    evenement = Evenement.objects.get(action=ActionContrat.HABILITATION_RETRAIT)
    assert (evenement.acteur, evenement.object_id) == (pilote, str(pk))
    assert evenement.changements == {
        "rôle": "financeur",
        "organisation": caf.nom,
        "instance": "",
        "personne": "Julien Moreau",
    }


def test_revoking_twice_says_the_role_is_gone(financeur_caf, pilote):
    equipe.retirer_habilitation(habilitation=financeur_caf, acteur=pilote)
    refus(
        lambda: equipe.retirer_habilitation(habilitation=financeur_caf, acteur=pilote),
        "Ce rôle a déjà été retiré.",
    )


@pytest.mark.parametrize("identifiant", ["etat", "financeur", "porteur", "membre"])
def test_only_a_pilote_changes_or_revokes_roles(financeur_caf, identifiant):
    acteur = Utilisateur.objects.get(username=identifiant)
    avant = etat_des_donnees()
    with pytest.raises(PermissionDenied):
        equipe.modifier_habilitation(habilitation=financeur_caf, role=Role.ETAT, acteur=acteur)
    with pytest.raises(PermissionDenied):
        equipe.retirer_habilitation(habilitation=financeur_caf, acteur=acteur)
    assert etat_des_donnees() == avant
