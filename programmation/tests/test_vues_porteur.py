"""The porteur's pages: its structure, its dossiers and the sections of a draft."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from comptes.models import Role
from contrats.models import Habilitation, Organisation
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.models import Dossier, LigneBudget, Statut, Structure
from programmation.tests.factories import AppelFactory, DossierFactory, StructureFactory
from programmation.tests.outils import html_brut, porteur_de

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"


def page(client, url: str) -> str:
    reponse = client.get(url)
    assert reponse.status_code == 200
    return html_brut(reponse)


def donnees_structure(**autres) -> dict:
    return {
        "nom": "Les Amis du Bois-l'Abbé",
        "type": Structure.Type.ASSOCIATION,
        "siret": "73282932000074",
        "rna": "W941234567",
        "adresse": "3 allée des Tilleuls",
        "code_postal": "94350",
        "commune": "Villiers-sur-Marne",
        "representant_nom": "Awa Traoré",
        "representant_qualite": "Présidente",
        "salaries": "1",
        "benevoles": "12",
        **autres,
    }


# ---------------------------------------------------------------- structure


def test_anonymous_visitor_is_sent_to_login_from_every_porteur_page(client):
    dossier = DossierFactory()
    for url in (
        reverse("programmation:structure", args=[SLUG]),
        reverse("programmation:mes_dossiers", args=[SLUG]),
        reverse("programmation:dossier_action", args=[dossier.pk]),
        reverse("programmation:dossier_public", args=[dossier.pk]),
        reverse("programmation:dossier_budget", args=[dossier.pk]),
        reverse("programmation:dossier_pieces", args=[dossier.pk]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("comptes:connexion"))


def test_a_newcomer_registers_a_structure_and_becomes_its_porteur(client, sans_role):
    client.force_login(sans_role)
    url = reverse("programmation:structure", args=[SLUG])
    assert "Enregistrer ma structure" in page(client, url)

    reponse = client.post(url, donnees_structure())

    assert reponse.status_code == 302
    assert reponse.url == reverse("programmation:mes_dossiers", args=[SLUG])
    structure = Structure.objects.get(siret="73282932000074", rna="W941234567")
    assert structure.organisation.nom == "Les Amis du Bois-l'Abbé"
    assert Habilitation.objects.filter(
        utilisateur=sans_role, role=Role.PORTEUR, organisation=structure.organisation
    ).exists()
    assert [e.action for e in historique_de(structure)] == ["structure.creation"]
    html = page(client, reponse.url)
    assert "Votre structure est enregistrée." in html
    assert escape("Les Amis du Bois-l'Abbé") in html


def test_demo_porteur_registers_the_structure_of_its_organisation(client, porteur):
    client.force_login(porteur)
    url = reverse("programmation:structure", args=[SLUG])
    assert escape("Association Les Clefs de l'avenir (démo)") in page(client, url)

    client.post(url, donnees_structure(nom="Les Clefs de l'avenir"))

    organisation = Organisation.objects.get(code="demo-association-clefs-avenir")
    assert organisation.structure.commune == "Villiers-sur-Marne"
    assert organisation.nom == "Les Clefs de l'avenir"


def test_porteur_updates_its_structure_but_not_its_name(client):
    structure = StructureFactory()
    nom = structure.organisation.nom
    client.force_login(porteur_de(structure))
    url = reverse("programmation:structure", args=[SLUG])
    html = page(client, url)
    assert structure.siret in html
    assert "Pour changer de nom, contactez l'équipe projet." in html

    reponse = client.post(url, donnees_structure(nom="Autre nom", adresse="8 rue Neuve"))

    assert reponse.status_code == 302
    structure.refresh_from_db()
    structure.organisation.refresh_from_db()
    assert structure.adresse == "8 rue Neuve"
    assert structure.organisation.nom == nom
    assert "structure.modification" in [e.action for e in historique_de(structure)]


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"siret": "73282932000075"}, "Ce SIRET n'est pas valide : vérifiez les chiffres saisis."),
        ({"siret": "7328293200"}, "Le SIRET compte exactement 14 chiffres, sans espace."),
        (
            {"rna": "W12"},
            "Le numéro RNA commence par W suivi de 9 chiffres (exemple : W941234567).",
        ),
        ({"rna": ""}, "Une association indique son numéro RNA."),
        (
            {"type": Structure.Type.SERVICE_MUNICIPAL},
            "Seule une association a un numéro RNA : laissez ce champ vide.",
        ),
        ({"code_postal": "9435"}, "Le code postal compte 5 chiffres."),
        ({"salaries": "-1"}, "Saisissez un nombre positif ou nul."),
    ],
)
def test_invalid_structure_shows_french_message_and_creates_nothing(
    client, champs, message, sans_role
):
    client.force_login(sans_role)
    avant = Structure.objects.count(), Organisation.objects.count()

    reponse = client.post(
        reverse("programmation:structure", args=[SLUG]), donnees_structure(**champs)
    )

    assert reponse.status_code == 200
    html = html_brut(reponse)
    assert escape(message) in html
    assert "rien n'a été enregistré" in html
    assert (Structure.objects.count(), Organisation.objects.count()) == avant


def test_invalid_siret_on_update_changes_nothing(client):
    structure = StructureFactory()
    siret = structure.siret
    client.force_login(porteur_de(structure))

    reponse = client.post(
        reverse("programmation:structure", args=[SLUG]),
        donnees_structure(siret="12345678901234", adresse="ailleurs"),
    )

    assert escape("Ce SIRET n'est pas valide") in html_brut(reponse)
    structure.refresh_from_db()
    assert structure.siret == siret
    assert structure.adresse == "1 rue des Hautes-Noues"


# ---------------------------------------------------------------- mes dossiers


def test_mes_dossiers_lists_own_dossiers_and_open_calls_only(client):
    structure = StructureFactory()
    mien = DossierFactory(structure=structure, intitule="Mon atelier théâtre")
    autre = DossierFactory(intitule="Action d'une autre structure")
    ouvert = AppelFactory(titre="Appel ouvert aux dépôts")
    AppelFactory(
        titre="Appel déjà clos",
        date_ouverture=timezone.localdate() - timedelta(days=30),
        date_cloture=timezone.localdate() - timedelta(days=1),
    )
    AppelFactory(titre="Appel non publié", publie=False)
    client.force_login(porteur_de(structure))

    html = page(client, reverse("programmation:mes_dossiers", args=[SLUG]))

    assert "Mon atelier théâtre" in html
    assert reverse("programmation:dossier", args=[mien.pk]) in html
    assert escape(autre.intitule) not in html
    assert "Appel ouvert aux dépôts" in html
    assert reverse("programmation:nouveau_dossier", args=[SLUG, ouvert.annee]) in html
    assert "Créer un dossier" in html
    assert "Appel déjà clos" not in html
    assert "Appel non publié" not in html
    assert "Brouillon" in html
    assert f"<td>{mien.appel.annee}</td>" in html


def test_mes_dossiers_invites_a_user_without_structure_to_register_it(client, sans_role):
    AppelFactory()
    client.force_login(sans_role)

    html = page(client, reverse("programmation:mes_dossiers", args=[SLUG]))

    assert "Enregistrer ma structure" in html
    assert "Créer un dossier" not in html


def test_porteur_creates_a_draft_for_an_open_call(client):
    structure = StructureFactory()
    appel = AppelFactory()
    client.force_login(porteur_de(structure))

    reponse = client.post(
        reverse("programmation:nouveau_dossier", args=[SLUG, appel.annee]),
        {"intitule": "Soutien scolaire aux Hautes-Noues"},
    )

    dossier = Dossier.objects.get(appel=appel)
    assert reponse.status_code == 302
    assert reponse.url == reverse("programmation:dossier", args=[dossier.pk])
    assert dossier.structure == structure
    assert dossier.statut == Statut.BROUILLON
    assert dossier.numero == f"{appel.annee}-001"
    assert [e.action for e in historique_de(dossier)] == ["dossier.creation"]
    assert "créé en brouillon" in page(client, reponse.url)


def test_creating_a_dossier_needs_a_structure_an_intitule_and_a_published_call(
    client, sans_role, autre_porteur
):
    appel = AppelFactory()
    brouillon_appel = AppelFactory(publie=False)
    client.force_login(sans_role)
    url = reverse("programmation:nouveau_dossier", args=[SLUG, appel.annee])

    reponse = client.post(url, {"intitule": "Action"}, follow=True)
    assert "Enregistrez d&#x27;abord votre structure" in html_brut(reponse)

    client.force_login(autre_porteur)
    reponse = client.post(url, {"intitule": "  "}, follow=True)
    assert escape("Donnez un intitulé à l'action pour créer le dossier.") in html_brut(reponse)

    reponse = client.post(
        reverse("programmation:nouveau_dossier", args=[SLUG, brouillon_appel.annee]),
        {"intitule": "Action"},
        follow=True,
    )
    assert escape("Cet appel à projets n'est pas publié.") in html_brut(reponse)
    assert not Dossier.objects.filter(appel__in=[appel, brouillon_appel]).exists()


def test_nouveau_dossier_is_post_only(client, autre_porteur):
    appel = AppelFactory()
    client.force_login(autre_porteur)
    reponse = client.get(reverse("programmation:nouveau_dossier", args=[SLUG, appel.annee]))
    assert reponse.status_code == 405


# ---------------------------------------------------------------- section « action »


def donnees_action(dossier: Dossier, **autres) -> dict:
    contrat = dossier.appel.contrat
    pilier = contrat.piliers.get(numero="4")
    objectif = pilier.domaines.get(numero="4.1").objectifs.order_by("numero").first()
    return {
        "version": dossier.version,
        "intitule": "Ateliers d'écriture",
        "description": "Des ateliers hebdomadaires au centre social.",
        "objectifs": "Prévenir le décrochage.",
        "pilier": pilier.pk,
        "objectifs_operationnels": [objectif.pk],
        "axes": [contrat.axes.get(numero="1.3").pk],
        "public_vise": "Collégiens du quartier",
        "part_residents_qpv": "80",
        "lieux": "Centre social des Hautes-Noues",
        "date_debut": "2031-01-05",
        "date_fin": "2031-06-30",
        "nb_salaries": "2",
        "etp_salaries": "1.5",
        "nb_benevoles": "4",
        **autres,
    }


def test_porteur_fills_in_the_action_section(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    url = reverse("programmation:dossier_action", args=[dossier.pk])
    html = page(client, url)
    assert "4.1.1" in html and "Cohésion sociale" in html

    reponse = client.post(url, donnees_action(dossier))

    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.intitule == "Ateliers d'écriture"
    assert dossier.pilier.numero == "4"
    assert dossier.part_residents_qpv == 80
    assert dossier.etp_salaries == Decimal("1.5")
    assert dossier.version == 2
    assert list(dossier.axes.values_list("numero", flat=True)) == ["1.3"]
    assert dossier.objectifs_operationnels.count() == 1
    evenement = historique_de(dossier).first()
    assert evenement.action == "dossier.modification"
    assert "intitule" in evenement.changements
    assert "La description de l&#x27;action est enregistrée." in page(client, reponse.url)


def test_stale_version_on_action_form_shows_conflict_and_changes_nothing(client):
    dossier = DossierFactory(intitule="Intitulé d'origine")
    Dossier.objects.filter(pk=dossier.pk).update(version=3)  # someone saved meanwhile
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(
        reverse("programmation:dossier_action", args=[dossier.pk]),
        donnees_action(dossier, version=1),
    )

    assert reponse.status_code == 200
    assert "modifié par quelqu&#x27;un d&#x27;autre pendant votre saisie" in html_brut(reponse)
    dossier.refresh_from_db()
    assert dossier.intitule == "Intitulé d'origine"
    assert dossier.version == 3
    assert not Evenement.objects.filter(
        object_id=str(dossier.pk), action="dossier.modification"
    ).exists()


def test_action_form_without_version_changes_nothing(client):
    dossier = DossierFactory(intitule="Intitulé d'origine")
    client.force_login(porteur_de(dossier.structure))
    donnees = donnees_action(dossier)
    del donnees["version"]

    reponse = client.post(reverse("programmation:dossier_action", args=[dossier.pk]), donnees)

    assert "La version du dossier manque : rechargez la page et recommencez." in html_brut(reponse)
    dossier.refresh_from_db()
    assert dossier.intitule == "Intitulé d'origine"


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        (
            {"date_debut": "2031-06-30", "date_fin": "2031-01-05"},
            "La date de fin ne peut pas précéder la date de début.",
        ),
        ({"part_residents_qpv": "120"}, "La part est comprise entre 0 et 100 %."),
        ({"part_residents_qpv": "-5"}, "La part est comprise entre 0 et 100 %."),
        ({"nb_benevoles": "-2"}, "Saisissez un nombre positif ou nul."),
        ({"date_debut": "31/02/2031"}, "Saisissez une date valide."),
        ({"intitule": ""}, "Ce champ est obligatoire."),
    ],
)
def test_invalid_action_shows_french_message_and_changes_nothing(client, champs, message):
    dossier = DossierFactory(intitule="Intitulé d'origine")
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(
        reverse("programmation:dossier_action", args=[dossier.pk]),
        donnees_action(dossier, **champs),
    )

    assert reponse.status_code == 200
    assert escape(message) in html_brut(reponse)
    dossier.refresh_from_db()
    assert dossier.intitule == "Intitulé d'origine"
    assert dossier.version == 1


# ---------------------------------------------------------------- section « public »


def donnees_public(dossier: Dossier, **autres) -> dict:
    donnees = {"version": dossier.version}
    for tranche in ("moins_6", "de_6_a_11", "de_12_a_15", "de_16_a_25", "de_26_a_64", "plus_65"):
        donnees[f"femmes_{tranche}"] = "0"
        donnees[f"hommes_{tranche}"] = "0"
    return {**donnees, **autres}


def test_porteur_declares_the_public_by_age_and_sex(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    url = reverse("programmation:dossier_public", args=[dossier.pk])
    assert "12 à 15 ans" in page(client, url)

    reponse = client.post(
        url, donnees_public(dossier, femmes_de_12_a_15="14", hommes_de_12_a_15="11")
    )

    assert reponse.status_code == 302
    beneficiaires = dossier.beneficiaires.get()
    assert (beneficiaires.tranche, beneficiaires.femmes, beneficiaires.hommes) == ("12-15", 14, 11)
    assert historique_de(dossier).first().action == "dossier.beneficiaires"
    html = page(client, reponse.url)
    assert "Le public visé est enregistré." in html


@pytest.mark.parametrize(
    "valeur", [("-3", "Saisissez un nombre positif ou nul."), ("abc", "Saisissez un nombre")]
)
def test_negative_or_non_numeric_public_is_refused(client, valeur):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(
        reverse("programmation:dossier_public", args=[dossier.pk]),
        donnees_public(dossier, femmes_moins_6=valeur[0], hommes_moins_6="4"),
    )

    assert reponse.status_code == 200
    assert valeur[1] in html_brut(reponse)
    assert not dossier.beneficiaires.exists()


# ---------------------------------------------------------------- section « budget »


def donnees_budget(dossier: Dossier, lignes: list[dict], version: int | None = None) -> dict:
    donnees = {
        "dossier-version": dossier.version if version is None else version,
        "lignes-TOTAL_FORMS": str(len(lignes)),
        "lignes-INITIAL_FORMS": "0",
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "1000",
    }
    for i, ligne in enumerate(lignes):
        for champ in ("sens", "compte", "libelle", "montant", "financeur", "nature"):
            donnees[f"lignes-{i}-{champ}"] = ligne.get(champ, "")
    return donnees


def lignes_equilibrees() -> list[dict]:
    caf = Organisation.objects.get(code="caf")
    return [
        {"sens": "charge", "compte": "64", "libelle": "Animateur", "montant": "6000"},
        {"sens": "charge", "compte": "60", "libelle": "Matériel", "montant": "1234.50"},
        {
            "sens": "produit",
            "compte": "74",
            "libelle": "Subvention CAF",
            "montant": "7234.50",
            "financeur": str(caf.pk),
            "nature": "droit_commun",
        },
    ]


def test_budget_page_shows_totals_and_balance(client):
    dossier = DossierFactory(complet=True)
    client.force_login(porteur_de(dossier.structure))

    html = page(client, reverse("programmation:dossier_budget", args=[dossier.pk]))

    assert "10\u202f000,00\u00a0€" in html
    assert "Budget équilibré" in html
    assert "La Caisse d’Allocations Familiales" in html
    assert 'name="lignes-7-libelle"' in html  # five lines and three empty ones
    assert 'name="lignes-8-libelle"' not in html
    assert "?lignes=6" in html
    html = page(client, reverse("programmation:dossier_budget", args=[dossier.pk]) + "?lignes=6")
    assert 'name="lignes-10-libelle"' in html


def test_porteur_saves_a_balanced_budget(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    url = reverse("programmation:dossier_budget", args=[dossier.pk])
    lignes = [*lignes_equilibrees(), {}]  # an empty extra line is ignored

    reponse = client.post(url, donnees_budget(dossier, lignes))

    assert reponse.status_code == 302
    assert dossier.lignes_budget.count() == 3
    subvention = dossier.lignes_budget.get(compte="74")
    assert subvention.financeur.code == "caf"
    assert subvention.montant == Decimal("7234.50")
    evenement = historique_de(dossier).first()
    assert evenement.action == "dossier.budget"
    assert evenement.changements == {"charges": "7234.50", "produits": "7234.50"}
    html = page(client, reponse.url)
    assert "7\u202f234,50\u00a0€" in html
    assert "Budget équilibré" in html


def test_unbalanced_budget_is_saved_as_draft_and_shows_the_gap(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    lignes = lignes_equilibrees()[:2]

    client.post(
        reverse("programmation:dossier_budget", args=[dossier.pk]), donnees_budget(dossier, lignes)
    )

    html = page(client, reverse("programmation:dossier", args=[dossier.pk]))
    assert "Budget déséquilibré : écart de 7\u202f234,50\u00a0€" in html


def test_live_totals_are_computed_without_saving(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(
        reverse("programmation:dossier_budget", args=[dossier.pk]) + "?apercu=1",
        donnees_budget(dossier, lignes_equilibrees()[:2]),
        headers={"HX-Request": "true"},
    )

    html = html_brut(reponse)
    assert "<html" not in html
    assert "Budget déséquilibré : écart de 7\u202f234,50\u00a0€" in html
    assert not dossier.lignes_budget.exists()


def test_deleting_a_budget_line_by_ticking_it(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    donnees = donnees_budget(dossier, lignes_equilibrees())
    donnees["lignes-1-DELETE"] = "on"

    client.post(reverse("programmation:dossier_budget", args=[dossier.pk]), donnees)

    assert sorted(dossier.lignes_budget.values_list("compte", flat=True)) == ["64", "74"]


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        (
            {"sens": "charge", "compte": "60", "libelle": "Achats", "montant": "-10"},
            "Le montant ne peut pas être négatif.",
        ),
        (
            {"sens": "charge", "compte": "60", "libelle": "Achats", "montant": "dix"},
            "en notation française, par exemple 1 234,56",
        ),
        (
            {"sens": "charge", "compte": "74", "libelle": "Subvention", "montant": "10"},
            "Ligne 1 : le compte 74 ne correspond pas au sens.",
        ),
        (
            {"sens": "produit", "compte": "74", "libelle": "Subvention", "montant": "10"},
            "Ligne 1 : une subvention (compte 74) doit nommer son financeur.",
        ),
        ({"sens": "charge", "compte": "60", "montant": "10"}, "Ce champ est obligatoire."),
    ],
)
def test_invalid_budget_line_is_refused_and_nothing_changes(client, ligne, message):
    dossier = DossierFactory(complet=True)
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(
        reverse("programmation:dossier_budget", args=[dossier.pk]),
        donnees_budget(dossier, [ligne]),
    )

    assert reponse.status_code == 200
    assert escape(message) in html_brut(reponse)
    assert dossier.lignes_budget.count() == 5
    assert not LigneBudget.objects.filter(dossier=dossier, libelle="Achats").exists()


def test_stale_version_on_budget_changes_nothing(client):
    dossier = DossierFactory(complet=True)
    Dossier.objects.filter(pk=dossier.pk).update(version=2)
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(
        reverse("programmation:dossier_budget", args=[dossier.pk]),
        donnees_budget(dossier, lignes_equilibrees(), version=1),
    )

    assert "pendant votre saisie" in html_brut(reponse)
    assert dossier.lignes_budget.count() == 5


# ---------------------------------------------------------------- who may edit


def test_submitted_dossier_cannot_be_edited_and_nothing_changes(client):
    dossier = DossierFactory(depose=True, intitule="Intitulé déposé")
    client.force_login(porteur_de(dossier.structure))

    for nom in ("dossier_action", "dossier_public", "dossier_budget", "dossier_pieces"):
        reponse = client.get(reverse(f"programmation:{nom}", args=[dossier.pk]), follow=True)
        assert "il ne peut plus être modifié" in html_brut(reponse)

    reponse = client.post(
        reverse("programmation:dossier_action", args=[dossier.pk]),
        donnees_action(dossier, intitule="Changé après dépôt"),
        follow=True,
    )
    assert escape("Ce dossier est « Déposé » : il ne peut plus être modifié.") in html_brut(reponse)
    reponse = client.post(
        reverse("programmation:dossier_budget", args=[dossier.pk]),
        donnees_budget(dossier, lignes_equilibrees()),
    )
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.intitule == "Intitulé déposé"
    assert dossier.lignes_budget.count() == 5


@pytest.mark.parametrize("compte", ["autre_porteur", "pilote", "etat", "financeur", "membre"])
def test_only_the_dossier_porteur_opens_the_section_forms(client, compte, personne):
    dossier = DossierFactory(complet=True, intitule="Intitulé protégé")
    client.force_login(personne(compte))

    for nom in ("dossier_action", "dossier_public", "dossier_budget", "dossier_pieces"):
        url = reverse(f"programmation:{nom}", args=[dossier.pk])
        assert client.get(url).status_code == 403
    reponse = client.post(
        reverse("programmation:dossier_action", args=[dossier.pk]),
        donnees_action(dossier, intitule="Piraté"),
    )
    assert reponse.status_code == 403
    dossier.refresh_from_db()
    assert dossier.intitule == "Intitulé protégé"


def test_missing_dossier_is_a_404(client, autre_porteur):
    client.force_login(autre_porteur)
    assert client.get(reverse("programmation:dossier_action", args=[999999])).status_code == 404


def test_checkbox_values_are_never_localised_whatever_the_number():
    """A choice numbered 1024 is sent back as "1024": with the thousand separator on,
    "1 024" would be refused as an invalid choice once the database holds 1 000 rows."""
    from django import forms
    from django.template.loader import render_to_string

    class Choix(forms.Form):
        objets = forms.MultipleChoiceField(
            choices=[(1024, "Un objet"), (1234567, "Un autre")],
            widget=forms.CheckboxSelectMultiple,
        )

    rendu = render_to_string("programmation/_cases_a_cocher.html", {"field": Choix()["objets"]})
    assert 'value="1024"' in rendu
    assert 'value="1234567"' in rendu
