"""The team pages: who may open them, what they show, and the invitation link's page."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from comptes.models import Role, Utilisateur
from comptes.tests.factories import CompteFactory
from comptes.tests.outils import (
    lien_du_courriel,
    limites_de_debit_remises_a_zero,  # noqa: F401
    texte_de,
)
from contrats import equipe
from contrats.models import Habilitation, Invitation, Organisation
from contrats.tests.factories import ContratFactory, HabilitationFactory, OrganisationFactory
from historique.models import Evenement

SLUG = "villiers-sur-marne-2015-2020"
EQUIPE = reverse("contrats:equipe", args=[SLUG])
CONNEXION = reverse("comptes:connexion")
INVITEE = "agent.caf@exemple.fr"
SOLIDE = "Quartiers-en-mouvement-2026"


@pytest.fixture
def caf(db) -> Organisation:
    return Organisation.objects.get(code="caf")


@pytest.fixture
def pilote(client, db) -> Utilisateur:
    utilisateur = Utilisateur.objects.get(username="pilote")
    client.force_login(utilisateur)
    return utilisateur


@pytest.fixture
def financeur_caf(villiers) -> Habilitation:
    return Habilitation.objects.get(utilisateur__username="financeur", contrat=villiers)


def modifier(habilitation: Habilitation) -> str:
    return reverse("contrats:equipe_modifier", args=[SLUG, habilitation.pk])


def retirer(habilitation: Habilitation) -> str:
    return reverse("contrats:equipe_retirer", args=[SLUG, habilitation.pk])


def etat_des_donnees() -> tuple:
    return (
        sorted(Habilitation.objects.values_list("pk", "role", "organisation", "instance")),
        sorted(Invitation.objects.values_list("pk", "statut")),
        Evenement.objects.count(),
    )


def inviter(client, django_capture_on_commit_callbacks, **champs):
    donnees = {"email": INVITEE, "role": Role.FINANCEUR, "organisation": "", "instance": ""}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(EQUIPE, {**donnees, **champs})


# --- Who may open the pages -------------------------------------------------------------


@pytest.fixture(params=["etat", "financeur", "porteur", "membre", "pilote-d-un-autre-contrat"])
def non_pilote(request, db) -> Utilisateur:
    if request.param == "pilote-d-un-autre-contrat":
        return HabilitationFactory(contrat=ContratFactory()).utilisateur
    return Utilisateur.objects.get(username=request.param)


def adresses_et_methodes(financeur_caf: Habilitation) -> list[tuple[str, str]]:
    return [
        (methode, adresse)
        for adresse in (EQUIPE, modifier(financeur_caf), retirer(financeur_caf))
        for methode in ("get", "post")
    ]


def test_a_non_pilote_gets_403_on_every_team_page_and_action(
    client, non_pilote, financeur_caf, caf
):
    client.force_login(non_pilote)
    avant = etat_des_donnees()
    donnees = {"email": INVITEE, "role": Role.ETAT, "organisation": caf.pk}
    for methode, adresse in adresses_et_methodes(financeur_caf):
        reponse = getattr(client, methode)(adresse, donnees)
        assert reponse.status_code == 403, (methode, adresse)
    assert etat_des_donnees() == avant


def test_an_anonymous_visitor_is_sent_to_the_login_form(client, financeur_caf):
    avant = etat_des_donnees()
    for methode, adresse in adresses_et_methodes(financeur_caf):
        reponse = getattr(client, methode)(adresse, {"email": INVITEE, "role": Role.ETAT})
        assert reponse.status_code == 302, (methode, adresse)
        assert reponse.url.startswith(f"{CONNEXION}?next={adresse}")
    assert etat_des_donnees() == avant


def test_a_role_of_another_contract_is_not_found_from_this_one(client, pilote):
    ailleurs = HabilitationFactory(contrat=ContratFactory(), etat=True)
    assert client.get(modifier(ailleurs)).status_code == 404
    assert client.post(retirer(ailleurs)).status_code == 404
    assert Habilitation.objects.filter(pk=ailleurs.pk).exists()


# --- The team page ----------------------------------------------------------------------


def test_the_team_page_lists_people_roles_and_the_invitation_form(client, pilote, caf):
    texte = texte_de(client.get(EQUIPE))

    assert "Équipe du contrat" in texte
    assert f"Julien Moreau financeur@demo.contrat-de-ville.test Financeur pour {caf.nom}" in texte
    assert "Modifier le rôle" in texte and "Retirer le rôle" in texte
    assert "Aucune invitation en attente." in texte
    for libelle in ("Adresse électronique de la personne invitée", "Rôle", "Organisation"):
        assert libelle in texte


def test_my_account_links_a_pilote_to_the_team(client, pilote):
    assert EQUIPE in client.get(reverse("comptes:mon_compte")).content.decode()


def test_inviting_from_the_page_sends_the_e_mail_and_lists_the_pending_invitation(
    client, pilote, caf, mailoutbox, django_capture_on_commit_callbacks
):
    reponse = inviter(client, django_capture_on_commit_callbacks, organisation=caf.pk)

    assert reponse.status_code == 302
    assert reponse.url == EQUIPE
    (courriel,) = mailoutbox
    assert lien_du_courriel(courriel, f"/contrats/{SLUG}/invitation/")
    texte = texte_de(client.get(EQUIPE))
    assert f"Invitation envoyée à {INVITEE} : Financeur pour {caf.nom}." in texte
    assert f"{INVITEE} Financeur pour {caf.nom} Camille Martin" in texte


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"email": "pas-une-adresse"}, equipe.MESSAGE_ADRESSE_INVALIDE),
        ({"role": "pilote"}, "Sélectionnez un choix valide. pilote n’en fait pas partie."),
        ({"organisation": "autre"}, "Choisissez une organisation partie à ce contrat."),
        ({}, "Choisissez l'organisation pour laquelle ce financeur agit."),
    ],
    ids=[
        "adresse-invalide",
        "role-non-invitable",
        "organisation-d-un-autre-contrat",
        "sans-organisation",
    ],
)
def test_a_bad_invitation_shows_the_french_message_and_changes_nothing(
    client, pilote, mailoutbox, django_capture_on_commit_callbacks, champs, message
):
    if champs.get("organisation") == "autre":
        champs = {"organisation": OrganisationFactory().pk}
    avant = etat_des_donnees()

    texte = texte_de(inviter(client, django_capture_on_commit_callbacks, **champs), 400)

    assert message in texte
    assert "Rien n'a été enregistré" in texte or "Le formulaire contient des erreurs" in texte
    assert etat_des_donnees() == avant
    assert mailoutbox == []


def test_changing_a_role_from_its_page(client, pilote, financeur_caf, villiers):
    copil = villiers.instances.get(code="copil-politique")
    texte = texte_de(client.get(modifier(financeur_caf)))
    assert "Modifier le rôle de Julien Moreau" in texte

    reponse = client.post(
        modifier(financeur_caf), {"role": Role.MEMBRE, "organisation": "", "instance": copil.pk}
    )

    assert reponse.status_code == 302
    assert reponse.url == EQUIPE
    financeur_caf.refresh_from_db()
    assert (financeur_caf.role, financeur_caf.instance) == (Role.MEMBRE, copil)
    assert f"Julien Moreau a désormais le rôle Membre d'instance de {copil.nom}." in texte_de(
        client.get(EQUIPE)
    )


def test_a_refused_change_shows_why_and_keeps_the_role(client, pilote, financeur_caf, caf):
    avant = etat_des_donnees()
    texte = texte_de(
        client.post(modifier(financeur_caf), {"role": Role.FINANCEUR, "organisation": caf.pk}),
        400,
    )
    assert "Rien à modifier : c'est déjà le rôle de cette personne." in texte
    assert etat_des_donnees() == avant


def test_revoking_asks_for_confirmation_then_revokes(client, pilote, financeur_caf, caf):
    avant = etat_des_donnees()
    texte = texte_de(client.get(retirer(financeur_caf)))
    assert (
        "Julien Moreau (financeur@demo.contrat-de-ville.test) perdra le rôle "
        f"Financeur pour {caf.nom}" in texte
    )
    assert etat_des_donnees() == avant

    reponse = client.post(retirer(financeur_caf))

    assert reponse.status_code == 302
    assert not Habilitation.objects.filter(pk=financeur_caf.pk).exists()
    assert f"Le rôle Financeur pour {caf.nom} de Julien Moreau est retiré." in texte_de(
        client.get(EQUIPE)
    )


def test_the_pilote_has_no_buttons_on_their_own_role(client, pilote):
    html = client.get(EQUIPE).content.decode()
    propre = Habilitation.objects.get(utilisateur=pilote, contrat__slug=SLUG)
    assert modifier(propre) not in html
    assert retirer(propre) not in html


# --- The invitation link ----------------------------------------------------------------


@pytest.fixture
def lien(villiers, caf, mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        equipe.inviter(
            contrat=villiers,
            email=INVITEE,
            role=Role.FINANCEUR,
            organisation=caf,
            acteur=Utilisateur.objects.get(username="pilote"),
            adresse_site="http://testserver",
        )
    return lien_du_courriel(mailoutbox[-1], f"/contrats/{SLUG}/invitation/")


def test_a_visitor_following_the_link_signs_up_without_a_confirmation_link_then_accepts(
    client, lien, villiers, caf, mailoutbox
):
    envoyes = len(mailoutbox)
    texte = texte_de(client.get(lien))
    assert f"Camille Martin vous invite à prendre le rôle Financeur pour {caf.nom}" in texte
    assert "Créer mon compte" in texte

    # The invitation proved the address: signing up with it logs in at once, back to the link.
    reponse = client.post(
        reverse("account_signup") + f"?next={lien}",
        {
            "first_name": "Léa",
            "last_name": "Fontaine",
            "email": INVITEE,
            "password1": SOLIDE,
            "password2": SOLIDE,
            "next": lien,
        },
    )
    assert reponse.status_code == 302
    assert reponse.url == lien
    invitee = Utilisateur.objects.get(email=INVITEE)
    assert client.session[SESSION_KEY] == str(invitee.pk)
    assert len(mailoutbox) == envoyes
    assert not invitee.habilitations.exists()

    assert "Accepter l'invitation" in texte_de(client.get(lien))
    reponse = client.post(lien)

    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:mon_compte")
    texte = texte_de(client.get(reponse.url))
    assert f"Financeur pour {caf.nom} — {villiers.titre}" in texte
    assert f"Invitation acceptée : vous êtes désormais Financeur pour {caf.nom}" in texte


def test_an_existing_account_logs_in_from_the_link_then_accepts(client, lien, caf):
    invitee = CompteFactory(email=INVITEE)
    reponse = client.get(lien)
    assert "J'ai déjà un compte : me connecter" in texte_de(reponse)
    assert f'href="{CONNEXION}?{urlencode({"next": lien})}"' in reponse.content.decode()

    client.force_login(invitee)
    client.post(lien)

    assert list(invitee.habilitations.values_list("role", "organisation")) == [
        (Role.FINANCEUR, caf.pk)
    ]


def test_posting_the_link_anonymously_leads_to_login_and_grants_nothing(client, lien):
    avant = etat_des_donnees()
    reponse = client.post(lien)
    assert reponse.status_code == 302
    assert reponse.url.startswith(f"{CONNEXION}?next=")
    assert etat_des_donnees() == avant


def test_another_account_is_told_the_invitation_is_not_theirs(client, lien):
    autre = CompteFactory(email="autre@exemple.fr")
    client.force_login(autre)
    avant = etat_des_donnees()

    texte = texte_de(client.get(lien))
    assert "Ce n'est pas le compte invité" in texte
    assert "Accepter l'invitation" not in texte

    texte = texte_de(client.post(lien), 400)
    assert (
        f"Cette invitation est adressée à {INVITEE}. Connectez-vous avec le compte de cette "
        "adresse pour l'accepter." in texte
    )
    assert etat_des_donnees() == avant


def test_an_unknown_link_answers_404_with_a_french_message(client, db):
    texte = texte_de(client.get(reverse("contrats:invitation", args=[SLUG, "inconnu"])), 404)
    assert "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet." in texte


def test_an_expired_or_used_link_answers_410(client, lien):
    Invitation.objects.update(expire_le=timezone.now() - timedelta(days=1))
    assert "Cette invitation a expiré le" in texte_de(client.get(lien), 410)

    Invitation.objects.update(expire_le=timezone.now() + timedelta(days=1))
    invitee = CompteFactory(email=INVITEE)
    client.force_login(invitee)
    client.post(lien)
    avant = etat_des_donnees()
    texte = texte_de(client.post(lien), 410)
    assert "Cette invitation a déjà été acceptée" in texte
    assert etat_des_donnees() == avant


def test_a_membre_sees_their_body_in_my_account(client, villiers):
    copil = villiers.instances.get(code="copil-politique")
    membre = HabilitationFactory(contrat=villiers, role=Role.MEMBRE, instance=copil).utilisateur
    client.force_login(membre)
    texte = texte_de(client.get(reverse("comptes:mon_compte")))
    assert f"Membre d'instance de {copil.nom} — {villiers.titre}" in texte
