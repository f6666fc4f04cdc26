"""The Django admin as pilotes use it: only their contracts, every change in the history."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from comptes.models import Utilisateur
from contrats.models import Habilitation, ObjectifOperationnel, Organisation, Signataire
from contrats.tests.factories import (
    ContratFactory,
    DomaineFactory,
    ObjectifFactory,
    OrganisationFactory,
)
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


# --- Organisations, shared by every contract -------------------------------------------------


def _signataire_de(contrat, organisation: Organisation) -> Signataire:
    return Signataire.objects.create(
        contrat=contrat,
        organisation=organisation,
        ordre=99,
        representant="Représentant",
        role=Signataire.Role.PARTENAIRE,
    )


@pytest.fixture
def organisation_d_un_autre_contrat(db) -> Organisation:
    """An organisation that signs only a contract the demo pilote does not pilot."""
    organisation = OrganisationFactory(nom="Commune d'un autre contrat")
    _signataire_de(ContratFactory(), organisation)
    return organisation


def _organisation_url(vue: str, organisation: Organisation) -> str:
    return reverse(f"admin:contrats_organisation_{vue}", args=[organisation.pk])


def test_pilote_cannot_rename_an_organisation_of_a_contract_they_do_not_pilot(
    client, pilote, organisation_d_un_autre_contrat
):
    client.force_login(pilote)
    url = _organisation_url("change", organisation_d_un_autre_contrat)

    reponse = client.post(url, {"nom": "Renommée", "code": "renommee", "type": "commune"})

    assert reponse.status_code in (302, 403)
    if reponse.status_code == 302:
        assert reponse.url == reverse("admin:index")
    organisation_d_un_autre_contrat.refresh_from_db()
    assert organisation_d_un_autre_contrat.nom == "Commune d'un autre contrat"
    assert not Evenement.objects.filter(
        action="admin.modification", object_id=str(organisation_d_un_autre_contrat.pk)
    ).exists()


def test_pilote_cannot_rename_a_partner_shared_with_a_contract_they_do_not_pilot(
    client, pilote, villiers
):
    caf = Organisation.objects.get(code="caf")
    _signataire_de(ContratFactory(), caf)
    client.force_login(pilote)

    reponse = client.post(_organisation_url("change", caf), {"nom": "CAF renommée"})

    assert reponse.status_code == 403
    caf.refresh_from_db()
    assert caf.nom != "CAF renommée"
    assert client.post(_organisation_url("delete", caf), {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=caf.pk).exists()


def test_pilote_renames_an_organisation_of_their_contract_only_and_it_is_historised(
    client, pilote, villiers
):
    organisation = OrganisationFactory(nom="Association du quartier")
    _signataire_de(villiers, organisation)
    client.force_login(pilote)
    url = _organisation_url("change", organisation)
    donnees = donnees_du_formulaire(client.get(url))
    donnees["nom"] = "Association des habitants du quartier"

    reponse = client.post(url, {**donnees, "_save": "Enregistrer"})

    assert reponse.status_code == 302
    organisation.refresh_from_db()
    assert organisation.nom == "Association des habitants du quartier"
    assert Evenement.objects.filter(
        action="admin.modification", object_id=str(organisation.pk), acteur=pilote
    ).exists()


def test_pilote_lists_and_chooses_no_organisation_of_another_contract_only(
    client, pilote, villiers, organisation_d_un_autre_contrat
):
    client.force_login(pilote)

    liste = client.get(reverse("admin:contrats_organisation_changelist"))
    ajout = client.get(reverse("admin:contrats_signataire_add"))

    assert organisation_d_un_autre_contrat not in liste.context["cl"].result_list
    assert Organisation.objects.get(code="caf") in liste.context["cl"].result_list
    choix = ajout.context["adminform"].form.fields["organisation"].queryset
    assert organisation_d_un_autre_contrat not in choix
    assert Organisation.objects.get(code="caf") in choix
    assert set(ajout.context["adminform"].form.fields["contrat"].queryset) == {villiers}


def test_roles_are_read_only_in_the_admin_they_are_granted_on_the_team_page(
    client, pilote, villiers
):
    habilitation = Habilitation.objects.filter(contrat=villiers).first()
    client.force_login(pilote)

    assert client.get(reverse("admin:contrats_habilitation_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:contrats_habilitation_change", args=[habilitation.pk]),
            {"role": "pilote"},
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:contrats_habilitation_changelist")).status_code == 200


@pytest.mark.parametrize(
    "modele", ["commune", "quartierprioritaire", "indicateur", "observation", "territoirede"]
)
def test_territories_are_changed_by_a_superuser_only(client, pilote, superutilisateur, modele):
    modele = "territoiredereference" if modele == "territoirede" else modele
    url = reverse(f"admin:territoires_{modele}_changelist")
    client.force_login(pilote)
    assert client.get(url).status_code == 403
    client.force_login(superutilisateur)
    assert client.get(url).status_code == 200
