"""One structure per SIRET: a second sign-up asks the référent to join, who accepts; the
référent also invites colleagues by e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import CompteFactory
from contrats import equipe
from contrats.models import Habilitation, Invitation
from contrats.tests.factories import UtilisateurFactory
from historique.models import Evenement
from programmation.models import DemandeAdhesion, Structure
from programmation.services.adhesions import (
    accepter_adhesion,
    demander_adhesion,
    inviter_collegue,
    refuser_adhesion,
)
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from programmation.services.structures import StructureDejaEnregistree, creer_structure
from programmation.tests import outils

SIRET = "73282932000074"
VALEURS = {
    "type": Structure.Type.ASSOCIATION,
    "siret": SIRET,
    "rna": "W941000001",
    "adresse": "1 rue des Hautes-Noues",
    "code_postal": "94350",
    "commune": "Villiers-sur-Marne",
    "representant_nom": "Marie Curie",
    "representant_qualite": "Présidente",
    "salaries": 2,
    "benevoles": 10,
}


@pytest.fixture
def referente(villiers):
    personne = UtilisateurFactory(first_name="Aïcha", last_name="Referente", email="a@ex.fr")
    creer_structure(contrat=villiers, nom="Les Amis du quartier", valeurs=VALEURS, acteur=personne)
    return personne


def _est_porteur(personne, structure, contrat) -> bool:
    return Habilitation.objects.filter(
        utilisateur=personne,
        contrat=contrat,
        role=Role.PORTEUR,
        organisation=structure.organisation,
    ).exists()


def test_the_first_account_of_a_structure_is_its_referent(villiers, referente):
    structure = Structure.objects.get(siret=SIRET)
    assert structure.referent == referente
    assert _est_porteur(referente, structure, villiers)


def test_a_second_sign_up_with_the_same_siret_is_told_who_its_referent_is(villiers, referente):
    nouveau = UtilisateurFactory()
    with pytest.raises(StructureDejaEnregistree) as refus:
        creer_structure(contrat=villiers, nom="Autre nom", valeurs=VALEURS, acteur=nouveau)
    assert refus.value.message == (
        f"La structure « Les Amis du quartier » (SIRET {SIRET}) est déjà enregistrée ; son "
        "référent est Aïcha Referente. Demandez-lui à la rejoindre."
    )
    assert Structure.objects.filter(siret=SIRET).count() == 1
    assert not Habilitation.objects.filter(utilisateur=nouveau).exists()


def test_the_referent_accepts_a_request_and_the_newcomer_becomes_porteur(
    villiers, referente, django_capture_on_commit_callbacks
):
    structure = Structure.objects.get(siret=SIRET)
    nouveau = UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=True):
        demande = demander_adhesion(structure=structure, contrat=villiers, acteur=nouveau)
    assert [m.to for m in mail.outbox] == [["a@ex.fr"]]
    accepter_adhesion(demande=demande, acteur=referente)
    assert _est_porteur(nouveau, structure, villiers)
    demande.refresh_from_db()
    assert (demande.statut, demande.traitee_par) == (DemandeAdhesion.Statut.ACCEPTEE, referente)
    assert "structure.adhesion_acceptee" in outils.actions_de(structure)


def test_nobody_but_the_referent_accepts(villiers, referente, porteur):
    structure = Structure.objects.get(siret=SIRET)
    nouveau = UtilisateurFactory()
    demande = demander_adhesion(structure=structure, contrat=villiers, acteur=nouveau)
    with pytest.raises(DroitInsuffisant):
        accepter_adhesion(demande=demande, acteur=nouveau)
    with pytest.raises(DroitInsuffisant):
        accepter_adhesion(demande=demande, acteur=porteur)
    assert not _est_porteur(nouveau, structure, villiers)


def test_a_refused_request_gives_no_role_and_is_not_decided_twice(villiers, referente):
    structure = Structure.objects.get(siret=SIRET)
    nouveau = UtilisateurFactory()
    demande = demander_adhesion(structure=structure, contrat=villiers, acteur=nouveau)
    refuser_adhesion(demande=demande, acteur=referente, motif="Inconnu de l'association")
    assert not _est_porteur(nouveau, structure, villiers)
    with pytest.raises(TransitionInterdite, match="déjà traitée"):
        accepter_adhesion(demande=demande, acteur=referente)


def test_a_request_is_not_sent_twice(villiers, referente):
    structure = Structure.objects.get(siret=SIRET)
    nouveau = UtilisateurFactory()
    demander_adhesion(structure=structure, contrat=villiers, acteur=nouveau)
    with pytest.raises(DonneesInvalides, match="déjà transmise"):
        demander_adhesion(structure=structure, contrat=villiers, acteur=nouveau)
    assert DemandeAdhesion.objects.filter(demandeur=nouveau).count() == 1


def test_the_structure_page_offers_to_join_and_the_referent_accepts_there(villiers, referente):
    nouveau = UtilisateurFactory()
    client = outils.client_de(nouveau)
    url = reverse("programmation:structure", args=[villiers.slug])
    donnees = {"nom": "Doublon", **VALEURS}
    page = outils.texte(client.post(url, donnees))
    assert "Demander à rejoindre Les Amis du quartier" in page
    structure = Structure.objects.get(siret=SIRET)
    client.post(reverse("programmation:demande_adhesion", args=[villiers.slug, structure.pk]))
    demande = DemandeAdhesion.objects.get(demandeur=nouveau)
    page_referente = outils.texte(outils.client_de(referente).get(url))
    assert f"Accepter {nouveau}" in page_referente
    outils.client_de(referente).post(reverse("programmation:accepter_adhesion", args=[demande.pk]))
    assert _est_porteur(nouveau, structure, villiers)


def test_another_porteur_cannot_accept_through_the_page(villiers, referente, porteur):
    structure = Structure.objects.get(siret=SIRET)
    demande = demander_adhesion(structure=structure, contrat=villiers, acteur=UtilisateurFactory())
    outils.client_de(porteur).post(reverse("programmation:accepter_adhesion", args=[demande.pk]))
    demande.refresh_from_db()
    assert demande.statut == DemandeAdhesion.Statut.EN_ATTENTE


# --- The référent invites its colleagues ---------------------------------------------------

COLLEGUE = "tresoriere@amis-du-quartier.fr"
SITE = "http://testserver"


def _inviter(villiers, acteur, email: str = COLLEGUE) -> Invitation:
    return inviter_collegue(
        structure=Structure.objects.get(siret=SIRET),
        contrat=villiers,
        email=email,
        acteur=acteur,
        adresse_site=SITE,
    )


def _etat() -> tuple:
    return (
        sorted(Habilitation.objects.values_list("pk", "utilisateur", "role", "organisation")),
        sorted(Invitation.objects.values_list("pk", "statut")),
        Evenement.objects.count(),
        len(mail.outbox),
    )


def test_the_referent_invites_a_colleague_who_accepts_and_becomes_porteur(
    villiers, referente, django_capture_on_commit_callbacks
):
    structure = Structure.objects.get(siret=SIRET)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _inviter(villiers, referente)
    assert (invitation.role, invitation.organisation) == (Role.PORTEUR, structure.organisation)
    (courriel,) = mail.outbox
    assert courriel.to == [COLLEGUE]
    assert "Aïcha Referente, pour Les Amis du quartier, vous invite" in courriel.body
    assert "Porteur de projet pour Les Amis du quartier" in courriel.body
    (jeton,) = re.findall(rf"{SITE}/contrats/{villiers.slug}/invitation/([\w-]+)/", courriel.body)
    assert Evenement.objects.filter(action="invitation.envoi", acteur=referente).count() == 1

    collegue = CompteFactory(email=COLLEGUE)
    equipe.accepter_invitation(contrat=villiers, jeton=jeton, utilisateur=collegue)
    assert _est_porteur(collegue, structure, villiers)
    assert Evenement.objects.filter(action="invitation.acceptation", acteur=collegue).exists()


def test_a_porteur_who_is_not_the_referent_invites_nobody(villiers, referente):
    structure = Structure.objects.get(siret=SIRET)
    collegue = UtilisateurFactory()
    accepter_adhesion(
        demande=demander_adhesion(structure=structure, contrat=villiers, acteur=collegue),
        acteur=referente,
    )
    avant = _etat()
    with pytest.raises(DroitInsuffisant, match="Seul le référent de la structure invite"):
        _inviter(villiers, collegue, email="quelquun@exemple.fr")
    assert _etat() == avant


def test_a_referent_whose_role_was_withdrawn_invites_nobody(villiers, referente):
    Habilitation.objects.filter(utilisateur=referente).delete()
    avant = _etat()
    with pytest.raises(DroitInsuffisant):
        _inviter(villiers, referente)
    assert _etat() == avant


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pas-une-adresse", "Saisissez une adresse électronique valide"),
        ("a@ex.fr", "Vous ne pouvez pas vous inviter vous-même"),
    ],
)
def test_a_bad_address_gets_a_french_message_and_changes_nothing(
    villiers, referente, email, message
):
    avant = _etat()
    with pytest.raises(DonneesInvalides, match=message):
        _inviter(villiers, referente, email=email)
    assert _etat() == avant


def test_an_invitation_lapses_when_its_sender_no_longer_acts_for_the_structure(villiers, referente):
    invitation = _inviter(villiers, referente)
    Habilitation.objects.filter(utilisateur=referente).delete()
    assert equipe.refus_de_l_invitation(invitation) == (
        "Cette invitation n'est plus valable : la personne qui l'a envoyée n'agit plus pour "
        "Les Amis du quartier. Demandez-en une nouvelle à sa structure."
    )


def test_the_pilote_still_cannot_invite_a_porteur_from_the_team_page(villiers, referente):
    structure = Structure.objects.get(siret=SIRET)
    pilote = Habilitation.objects.get(contrat=villiers, role=Role.PILOTE).utilisateur
    with pytest.raises(equipe.ErreurEquipe, match="Choisissez l'un des rôles"):
        equipe.inviter(
            contrat=villiers,
            email=COLLEGUE,
            role=Role.PORTEUR,
            organisation=structure.organisation,
            acteur=pilote,
            adresse_site=SITE,
        )


def test_the_structure_page_lists_its_people_and_lets_the_referent_invite(villiers, referente):
    url = reverse("programmation:structure", args=[villiers.slug])
    client = outils.client_de(referente)
    page = outils.texte(client.get(url))
    assert "Aïcha Referente (a@ex.fr) — <strong>référent de la structure</strong>" in page
    reponse = client.post(
        reverse("programmation:inviter_collegue", args=[villiers.slug]), {"email": COLLEGUE}
    )
    assert reponse.status_code == 302
    page = outils.texte(client.get(url))
    assert f"Une invitation est envoyée à {COLLEGUE}" in page
    assert COLLEGUE in page and "Invitations de collègues en attente" in page


def test_a_refused_invitation_keeps_the_address_typed_and_says_why(villiers, referente):
    client = outils.client_de(referente)
    avant = _etat()
    reponse = client.post(
        reverse("programmation:inviter_collegue", args=[villiers.slug]), {"email": "tresoriere@"}
    )
    assert reponse.status_code == 400
    assert 'value="tresoriere@"' in reponse.content.decode()
    assert "Saisissez une adresse électronique valide" in outils.texte(reponse)
    assert _etat() == avant


def test_a_colleague_has_no_invitation_form_and_its_post_is_refused(villiers, referente):
    structure = Structure.objects.get(siret=SIRET)
    collegue = UtilisateurFactory()
    accepter_adhesion(
        demande=demander_adhesion(structure=structure, contrat=villiers, acteur=collegue),
        acteur=referente,
    )
    client = outils.client_de(collegue)
    page = outils.texte(client.get(reverse("programmation:structure", args=[villiers.slug])))
    assert "Inviter ce ou cette collègue" not in page
    assert "Le référent de la structure invite ses collègues." in page
    avant = _etat()
    reponse = client.post(
        reverse("programmation:inviter_collegue", args=[villiers.slug]), {"email": COLLEGUE}
    )
    assert reponse.status_code == 400
    assert "Seul le référent de la structure invite ses collègues." in outils.texte(reponse)
    assert _etat() == avant


def test_someone_without_structure_cannot_invite(villiers, sans_role):
    reponse = outils.client_de(sans_role).post(
        reverse("programmation:inviter_collegue", args=[villiers.slug]), {"email": COLLEGUE}
    )
    assert reponse.status_code == 403
    assert not Invitation.objects.exists()
