"""The Django admin as pilotes use it: only their contracts, every change in the history."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from comptes.models import Utilisateur
from contrats.models import ObjectifOperationnel
from contrats.tests.factories import DomaineFactory, ObjectifFactory
from contrats.tests.outils import donnees_du_formulaire
from historique.models import Evenement
from tests.outils import html_de

SLUG = "villiers-sur-marne-2015-2020"
LISTE_OBJECTIFS = reverse("admin:contrats_objectifoperationnel_changelist")
CONNEXION_ADMIN = reverse("admin:login")


def modification(objectif: ObjectifOperationnel) -> str:
    return reverse("admin:contrats_objectifoperationnel_change", args=[objectif.pk])


@pytest.fixture
def objectif_d_un_autre_contrat(db) -> ObjectifOperationnel:
    """An objective of a second contract that the demo pilote does not pilot."""
    return ObjectifFactory(intitule="Objectif hors du périmètre du pilote")


@pytest.fixture
def objectif_4_4_2(villiers) -> ObjectifOperationnel:
    return ObjectifOperationnel.objects.get(domaine__pilier__contrat=villiers, numero="4.4.2")


def test_pilote_opens_the_admin_index(client, pilote):
    client.force_login(pilote)
    html = html_de(client.get(reverse("admin:index")))
    assert "Administration — Contrat de ville" in html


def test_pilote_changelist_lists_only_objectives_of_contracts_they_pilot(
    client, pilote, villiers, objectif_d_un_autre_contrat
):
    client.force_login(pilote)
    reponse = client.get(LISTE_OBJECTIFS)
    html = html_de(reponse)
    objectifs_villiers = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=villiers)
    assert reponse.context["cl"].result_count == objectifs_villiers.count() == 27
    assert set(reponse.context["cl"].result_list) == set(objectifs_villiers)
    assert "Soutenir les victimes" in html
    assert objectif_d_un_autre_contrat.intitule not in html
    assert modification(objectif_d_un_autre_contrat) not in html


def test_pilote_cannot_open_an_objective_of_another_contract(
    client, pilote, objectif_d_un_autre_contrat
):
    client.force_login(pilote)
    reponse = client.get(modification(objectif_d_un_autre_contrat))
    assert reponse.status_code in (302, 404)
    if reponse.status_code == 302:
        assert reponse.url == reverse("admin:index")


def test_superuser_changelist_lists_objectives_of_every_contract(
    client, superutilisateur, villiers, objectif_d_un_autre_contrat
):
    client.force_login(superutilisateur)
    reponse = client.get(LISTE_OBJECTIFS)
    html = html_de(reponse)
    assert reponse.context["cl"].result_count == ObjectifOperationnel.objects.count() == 28
    assert objectif_d_un_autre_contrat.intitule in html
    assert "Soutenir les victimes" in html


@pytest.mark.parametrize("identifiant", ["porteur", "financeur", "membre", "etat", None])
@pytest.mark.parametrize("adresse", [reverse("admin:index"), LISTE_OBJECTIFS])
def test_non_pilote_accounts_and_anonymous_are_sent_to_the_admin_login(
    client, db, identifiant, adresse
):
    if identifiant is not None:
        client.force_login(Utilisateur.objects.get(username=identifiant))
    reponse = client.get(adresse)
    assert reponse.status_code == 302
    assert reponse.url.startswith(f"{CONNEXION_ADMIN}?next=")


def test_pilote_edits_an_objective_title_and_the_change_is_historised(
    client, pilote, objectif_4_4_2
):
    client.force_login(pilote)
    formulaire = client.get(modification(objectif_4_4_2))
    html_de(formulaire)
    donnees = donnees_du_formulaire(formulaire)
    assert donnees["intitule"] == "Soutenir les victimes"
    donnees["intitule"] = "Soutenir et accompagner les victimes"

    reponse = client.post(modification(objectif_4_4_2), {**donnees, "_save": "Enregistrer"})

    assert reponse.status_code == 302
    assert reponse.url == LISTE_OBJECTIFS
    objectif_4_4_2.refresh_from_db()
    assert objectif_4_4_2.intitule == "Soutenir et accompagner les victimes"
    evenement = Evenement.objects.filter(
        action="admin.modification", object_id=str(objectif_4_4_2.pk)
    ).get()
    assert evenement.acteur == pilote
    assert evenement.objet == objectif_4_4_2
    assert evenement.changements == {"intitule": "Soutenir et accompagner les victimes"}


def test_pilote_cannot_move_an_objective_into_a_domain_of_another_contract(
    client, pilote, objectif_4_4_2
):
    # A pilote must not be able to write into a contract they do not pilot, even
    # through a foreign key of a row they may edit.
    domaine_etranger = DomaineFactory()
    client.force_login(pilote)
    donnees = donnees_du_formulaire(client.get(modification(objectif_4_4_2)))
    donnees["domaine"] = domaine_etranger.pk

    reponse = client.post(modification(objectif_4_4_2), {**donnees, "_save": "Enregistrer"})

    objectif_4_4_2.refresh_from_db()
    assert objectif_4_4_2.domaine.pilier.contrat.slug == SLUG
    assert reponse.status_code == 200
    assert "domaine" in reponse.context["adminform"].form.errors


def test_history_admin_refuses_add_change_and_delete():
    admin_historique = site._registry[Evenement]
    assert admin_historique.has_add_permission(None) is False
    assert admin_historique.has_change_permission(None) is False
    assert admin_historique.has_delete_permission(None) is False


def test_history_add_page_is_forbidden_even_to_a_superuser(client, superutilisateur):
    client.force_login(superutilisateur)
    reponse = client.get(reverse("admin:historique_evenement_add"))
    assert reponse.status_code == 403


def test_history_event_cannot_be_deleted_or_changed_by_a_superuser(client, superutilisateur):
    evenement = Evenement.objects.first()
    assert evenement is not None  # the loading of the contract wrote one
    client.force_login(superutilisateur)
    suppression = reverse("admin:historique_evenement_delete", args=[evenement.pk])
    assert client.get(suppression).status_code == 403
    assert client.post(suppression, {"post": "yes"}).status_code == 403
    modification_evenement = reverse("admin:historique_evenement_change", args=[evenement.pk])
    assert client.post(modification_evenement, {"motif": "réécrit"}).status_code == 403
    evenement.refresh_from_db()
    assert evenement.motif != "réécrit"
    assert Evenement.objects.filter(pk=evenement.pk).exists()
