"""Calls for projects through the pages: creation, change, envelopes, publication."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import Organisation
from historique.selectors import historique_de
from programmation.models import AppelAProjets, Enveloppe, NatureCredit
from programmation.tests.factories import AppelFactory, EnveloppeFactory, villiers
from programmation.tests.outils import (
    INDEFINI,
    actions_de,
    client_de,
    texte,
    url_tableau,
    verifier_refus,
)

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"
URL_NOUVEAU = reverse("programmation:appel_nouveau", args=[SLUG])


def url(nom: str, appel: AppelAProjets) -> str:
    return reverse(f"programmation:{nom}", args=[appel.contrat.slug, appel.annee])


def donnees_appel(**autres) -> dict:
    axes = villiers().axes.order_by("numero")
    return {
        "annee": "2019",
        "titre": "Appel à projets 2019",
        "date_ouverture": "2018-11-01",
        "date_cloture": "2019-01-15",
        "priorites": "Réussite éducative et emploi des jeunes",
        "criteres": [axes[0].pk, axes[2].pk],
        **autres,
    }


# --- Creation --------------------------------------------------------------------------------


@pytest.mark.parametrize("nom", ["pilote", "etat"])
def test_new_call_form_shows_the_contract_axes_as_checkboxes(nom, personne):
    reponse = client_de(personne(nom)).get(URL_NOUVEAU)

    assert reponse.status_code == 200
    page = texte(reponse)
    assert INDEFINI not in page
    for axe in villiers().axes.all():
        assert axe.intitule in page
    assert page.count('type="checkbox" name="criteres"') == villiers().axes.count()


def test_pilote_creates_a_call_with_its_criteria(pilote):
    client = client_de(pilote)
    reponse = client.post(URL_NOUVEAU, donnees_appel())

    appel = AppelAProjets.objects.get(contrat=villiers(), annee=2019)
    assert reponse.status_code == 302
    assert reponse["Location"] == url_tableau(appel)
    assert appel.titre == "Appel à projets 2019"
    assert appel.date_ouverture == date(2018, 11, 1)
    assert appel.date_cloture == date(2019, 1, 15)
    assert not appel.publie
    axes = villiers().axes.order_by("numero")
    assert set(appel.criteres.all()) == {axes[0], axes[2]}
    assert actions_de(appel) == ["appel.creation"]
    suite = client.get(reponse["Location"])
    assert "L'appel à projets 2019 est créé." in texte(suite)


def test_new_call_accepts_french_dates_and_same_day_closing(etat):
    reponse = client_de(etat).post(
        URL_NOUVEAU,
        donnees_appel(date_ouverture="15/01/2019", date_cloture="15/01/2019", criteres=[]),
    )

    assert reponse.status_code == 302
    appel = AppelAProjets.objects.get(contrat=villiers(), annee=2019)
    assert appel.date_cloture == appel.date_ouverture == date(2019, 1, 15)
    assert not appel.criteres.exists()


@pytest.mark.parametrize(
    "autres, message",
    [
        ({"date_cloture": "2018-10-31"}, "La clôture des dépôts doit suivre leur ouverture."),
        ({"titre": ""}, "Ce champ est obligatoire."),
        ({"date_ouverture": "31/02/2019"}, "Saisissez une date valide."),
        ({"annee": "deux mille"}, "Saisissez un nombre entier."),
        ({"annee": "1850"}, "supérieure ou égale à 2000"),
        ({"criteres": ["999999"]}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_new_call_shows_a_french_message_and_creates_nothing(autres, message, pilote):
    avant = AppelAProjets.objects.count()

    reponse = client_de(pilote).post(URL_NOUVEAU, donnees_appel(**autres))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert message in page
    assert "Le formulaire contient des erreurs" in page
    assert INDEFINI not in page
    assert AppelAProjets.objects.count() == avant


def test_a_second_call_for_the_same_year_is_refused(pilote):
    existant = AppelFactory(annee=2019)

    reponse = client_de(pilote).post(URL_NOUVEAU, donnees_appel(titre="Doublon"))

    assert "Un appel à projets existe déjà pour 2019 dans ce contrat." in texte(reponse)
    assert AppelAProjets.objects.filter(contrat=villiers(), annee=2019).get() == existant
    existant.refresh_from_db()
    assert existant.titre != "Doublon"


@pytest.mark.parametrize("nom", ["porteur", "membre", "financeur", "autre_financeur", "anonyme"])
def test_new_call_is_refused_to_others(nom, personne):
    client = client_de(personne(nom))
    avant = AppelAProjets.objects.count()

    verifier_refus(client.get(URL_NOUVEAU), nom)
    verifier_refus(client.post(URL_NOUVEAU, donnees_appel()), nom)

    assert AppelAProjets.objects.count() == avant


def test_new_call_in_an_unknown_contract_is_not_found(pilote):
    reponse = client_de(pilote).get(reverse("programmation:appel_nouveau", args=["inconnu"]))
    assert reponse.status_code == 404


# --- Change ----------------------------------------------------------------------------------


def test_pilote_changes_a_call_but_not_its_year(pilote):
    appel = AppelFactory(annee=2018, titre="Ancien titre")
    client = client_de(pilote)
    page = client.get(url("appel_modifier", appel))
    assert page.status_code == 200
    assert INDEFINI not in texte(page)
    assert "Ancien titre" in texte(page)

    reponse = client.post(
        url("appel_modifier", appel),
        donnees_appel(annee="2017", titre="Nouveau titre", criteres=[]),
    )

    assert reponse.status_code == 302
    appel.refresh_from_db()
    assert appel.annee == 2018
    assert appel.titre == "Nouveau titre"
    assert appel.date_cloture == date(2019, 1, 15)
    evenement = historique_de(appel).first()
    assert evenement.action == "appel.modification"
    assert evenement.changements["titre"] == ["Ancien titre", "Nouveau titre"]


def test_bad_change_of_a_call_changes_nothing(etat):
    appel = AppelFactory(annee=2018, titre="Titre")
    ouverture, cloture = appel.date_ouverture, appel.date_cloture

    reponse = client_de(etat).post(
        url("appel_modifier", appel),
        donnees_appel(titre="Autre", date_ouverture="2019-05-01", date_cloture="2019-04-01"),
    )

    assert "La clôture des dépôts doit suivre leur ouverture." in texte(reponse)
    appel.refresh_from_db()
    assert (appel.titre, appel.date_ouverture, appel.date_cloture) == ("Titre", ouverture, cloture)
    assert actions_de(appel) == []


@pytest.mark.parametrize("nom", ["porteur", "membre", "financeur", "autre_financeur", "anonyme"])
def test_change_of_a_call_is_refused_to_others(nom, personne):
    appel = AppelFactory(titre="Titre")
    client = client_de(personne(nom))

    verifier_refus(client.get(url("appel_modifier", appel)), nom)
    verifier_refus(client.post(url("appel_modifier", appel), donnees_appel(titre="Pirate")), nom)

    appel.refresh_from_db()
    assert appel.titre == "Titre"


# --- Envelopes -------------------------------------------------------------------------------


def champ(code: str, nature: str) -> str:
    return f"enveloppe_{Organisation.objects.get(code=code).pk}_{nature}"


def test_envelopes_grid_lists_every_signatory_organisation(pilote):
    appel = AppelFactory()
    EnveloppeFactory(appel=appel, montant=Decimal("12345.50"))

    reponse = client_de(pilote).get(url("appel_enveloppes", appel))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert INDEFINI not in page
    for signataire in villiers().signataires.select_related("organisation"):
        assert signataire.organisation.nom in page
    assert 'value="12\u00a0345,50"' in page  # Django's French number format


def test_pilote_sets_envelopes_per_financeur_and_nature(pilote):
    appel = AppelFactory(publie=False)
    EnveloppeFactory(appel=appel, montant=Decimal("1000"))
    dc, cs = NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES

    reponse = client_de(pilote).post(
        url("appel_enveloppes", appel),
        {
            champ("caf", dc): "50 000,00",
            champ("etat", cs): "30000",
            champ("commune", dc): "",
            champ("region-idf", cs): "0",
        },
    )

    assert reponse.status_code == 302
    montants = {
        (e.financeur.code, e.nature): e.montant
        for e in Enveloppe.objects.filter(appel=appel).select_related("financeur")
    }
    assert montants == {
        ("caf", dc): Decimal("50000"),
        ("etat", cs): Decimal("30000"),
        ("region-idf", cs): Decimal("0"),
    }
    assert actions_de(appel).count("appel.enveloppe") == 3


def test_unchanged_envelopes_write_nothing(pilote):
    appel = AppelFactory()
    EnveloppeFactory(appel=appel, montant=Decimal("1000"))

    reponse = client_de(pilote).post(
        url("appel_enveloppes", appel), {champ("caf", NatureCredit.DROIT_COMMUN): "1000"}
    )

    assert reponse.status_code == 302
    assert actions_de(appel) == []


@pytest.mark.parametrize(
    "saisie, message",
    [
        ("-10", "Le montant ne peut pas être négatif."),
        ("beaucoup", "en notation française, par exemple 1 234,56"),
        ("1,234", "en notation française, par exemple 1 234,56"),
    ],
)
def test_bad_envelope_changes_nothing(saisie, message, pilote):
    appel = AppelFactory()
    EnveloppeFactory(appel=appel, montant=Decimal("1000"))

    reponse = client_de(pilote).post(
        url("appel_enveloppes", appel),
        {
            champ("caf", NatureCredit.DROIT_COMMUN): "2000",
            champ("etat", NatureCredit.CREDITS_SPECIFIQUES): saisie,
        },
    )

    assert reponse.status_code == 200
    assert message in texte(reponse)
    assert list(Enveloppe.objects.filter(appel=appel).values_list("montant", flat=True)) == [
        Decimal("1000")
    ]
    assert actions_de(appel) == []


@pytest.mark.parametrize("nom", ["porteur", "membre", "financeur", "autre_financeur", "anonyme"])
def test_envelopes_are_refused_to_others(nom, personne):
    appel = AppelFactory()
    client = client_de(personne(nom))

    verifier_refus(client.get(url("appel_enveloppes", appel)), nom)
    verifier_refus(
        client.post(
            url("appel_enveloppes", appel), {champ("caf", NatureCredit.DROIT_COMMUN): "99"}
        ),
        nom,
    )

    assert not Enveloppe.objects.filter(appel=appel).exists()


# --- Publication -----------------------------------------------------------------------------


def test_pilote_publishes_a_call_with_an_envelope(pilote):
    appel = AppelFactory(publie=False)
    EnveloppeFactory(appel=appel)
    client = client_de(pilote)
    assert url("appel_publier", appel) in texte(client.get(url_tableau(appel)))

    reponse = client.post(url("appel_publier", appel))

    assert reponse.status_code == 302
    appel.refresh_from_db()
    assert appel.publie
    assert "appel.publication" in actions_de(appel)
    assert "L'appel à projets" in texte(client.get(reponse["Location"]))


def test_publishing_without_envelope_is_refused_with_a_message(etat):
    appel = AppelFactory(publie=False)
    client = client_de(etat)

    reponse = client.post(url("appel_publier", appel), follow=True)

    assert "Fixez au moins une enveloppe avant de publier l'appel." in texte(reponse)
    appel.refresh_from_db()
    assert not appel.publie
    assert actions_de(appel) == []


def test_publishing_is_post_only(pilote):
    appel = AppelFactory(publie=False)
    assert client_de(pilote).get(url("appel_publier", appel)).status_code == 405


@pytest.mark.parametrize("nom", ["porteur", "membre", "financeur", "autre_financeur", "anonyme"])
def test_publishing_is_refused_to_others(nom, personne):
    appel = AppelFactory(publie=False)
    EnveloppeFactory(appel=appel)

    verifier_refus(client_de(personne(nom)).post(url("appel_publier", appel)), nom)

    appel.refresh_from_db()
    assert not appel.publie
