"""One structure per SIRET: a second sign-up asks the référent to join, who accepts."""

import pytest
from django.core import mail
from django.urls import reverse

from comptes.models import Role
from contrats.models import Habilitation
from contrats.tests.factories import UtilisateurFactory
from programmation.models import DemandeAdhesion, Structure
from programmation.services.adhesions import (
    accepter_adhesion,
    demander_adhesion,
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
