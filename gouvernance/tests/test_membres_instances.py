"""The members of the bodies other than the conseil citoyen (Article 3 §1): organisations
and people with their role and the dates of their mandate, recorded by the pilotage on the
body's public page; every refusal says why in French and records nothing."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from contrats.models import Organisation
from gouvernance.actions import ActionGouvernance
from gouvernance.models import MembreInstance
from gouvernance.services import ajouter_membre, terminer_mandat
from gouvernance.tests.outils import instance_de, pilote_demo
from historique.erreurs import DonneesInvalides, DroitInsuffisant
from historique.models import Evenement
from historique.selectors import historique_de
from tests.outils import client_de, page

pytestmark = pytest.mark.django_db

DEBUT = date(2016, 1, 4)


@pytest.fixture
def copil(villiers):
    return instance_de(villiers, "copil-technique")


def _url(copil, nom: str = "instance") -> str:
    return reverse(f"gouvernance:{nom}", args=[copil.contrat.slug, copil.code])


def _message(reponse) -> str:
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


def test_the_pilote_adds_a_member_with_its_role_and_the_history_records_it(copil):
    caf = Organisation.objects.get(code="caf")
    membre = ajouter_membre(
        instance=copil,
        acteur=pilote_demo(),
        date_debut=DEBUT,
        role=MembreInstance.Role.INVITE,
        organisation=caf,
        nom="Julie Perrin",
        qualite="Conseillère technique",
    )

    assert (membre.role, membre.organisation, membre.date_debut) == ("invite", caf, DEBUT)
    evenement = historique_de(membre).get()
    assert evenement.action == ActionGouvernance.MEMBRE_AJOUT
    assert evenement.changements["rôle"] == "Invité"


def test_a_member_already_sitting_is_refused_and_nothing_is_recorded(copil):
    caf = Organisation.objects.get(code="caf")
    ajouter_membre(instance=copil, acteur=pilote_demo(), date_debut=DEBUT, organisation=caf)
    membres, evenements = MembreInstance.objects.count(), Evenement.objects.count()

    with pytest.raises(DonneesInvalides) as refus:
        ajouter_membre(
            instance=copil, acteur=pilote_demo(), date_debut=date(2017, 3, 1), organisation=caf
        )

    assert (
        refus.value.message
        == (
            "CAF du Val-de-Marne siège déjà à l'instance « Comité de pilotage technique » le "
            "01/03/2017 (depuis le 04/01/2016)."
        )
        or "siège déjà à l'instance" in refus.value.message
    )
    assert (MembreInstance.objects.count(), Evenement.objects.count()) == (membres, evenements)


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"date_debut": date(2014, 12, 31)}, "Le mandat ne peut commencer le 31/12/2014"),
        ({"date_debut": None}, "Indiquez la date de début du mandat."),
        ({"role": "tresorier"}, "Choisissez le rôle : président, co-animateur, membre ou invité."),
        ({"nom": "  "}, "Un membre est une organisation, une personne, ou les deux."),
    ],
)
def test_a_bad_member_is_refused_with_a_french_message(copil, champs, message):
    membres = MembreInstance.objects.count()
    with pytest.raises(DonneesInvalides, match=message):
        ajouter_membre(
            **{"instance": copil, "acteur": pilote_demo(), "date_debut": DEBUT, "nom": "X"} | champs
        )
    assert MembreInstance.objects.count() == membres


def test_only_the_pilotage_records_members(copil, financeur):
    with pytest.raises(DroitInsuffisant):
        ajouter_membre(instance=copil, acteur=financeur, date_debut=DEBUT, nom="Karim Diallo")
    assert not MembreInstance.objects.filter(nom="Karim Diallo").exists()


def test_a_mandate_ends_once_and_never_before_it_began(copil):
    membre = ajouter_membre(instance=copil, acteur=pilote_demo(), date_debut=DEBUT, nom="A. B.")
    with pytest.raises(DonneesInvalides, match="précède son début, le 04/01/2016"):
        terminer_mandat(membre=membre, acteur=pilote_demo(), date_fin=date(2015, 12, 1))

    terminer_mandat(membre=membre, acteur=pilote_demo(), date_fin=date(2018, 6, 30))
    membre.refresh_from_db()

    with pytest.raises(DonneesInvalides, match="a déjà pris fin le 30/06/2018"):
        terminer_mandat(membre=membre, acteur=pilote_demo(), date_fin=date(2019, 1, 1))
    assert membre.date_fin == date(2018, 6, 30)
    assert [e.action for e in historique_de(membre)] == [
        ActionGouvernance.MEMBRE_FIN,
        ActionGouvernance.MEMBRE_AJOUT,
    ]


def test_the_public_page_shows_members_in_office_and_no_form(copil, client):
    ajouter_membre(
        instance=copil,
        acteur=pilote_demo(),
        date_debut=DEBUT,
        organisation=Organisation.objects.get(code="caf"),
        nom="Julie Perrin",
        role=MembreInstance.Role.CO_ANIMATEUR,
    )
    contenu = page(client, _url(copil))

    assert "Membres en fonction au" in contenu.texte
    assert "Julie Perrin" in contenu.texte
    assert "Co-animateur" in contenu.texte
    assert "Ajouter un membre" not in contenu.texte
    assert "Mettre fin au mandat" not in contenu.texte


def test_the_pilote_adds_and_ends_a_member_through_the_page(copil, pilote):
    client = client_de(pilote)
    caf = Organisation.objects.get(code="caf")
    formulaire = page(client, _url(copil))
    assert "Ajouter un membre" in formulaire.texte

    reponse = client.post(
        _url(copil, "instance_membre"),
        {"organisation": caf.pk, "nom": "Julie Perrin", "role": "membre",
         "date_debut": "04/01/2016"},
    )  # fmt: skip
    assert _message(reponse) == f"Membre ajouté à l'instance « {copil.nom} »."
    membre = MembreInstance.objects.get(instance=copil, nom="Julie Perrin")

    reponse = client.post(
        _url(copil, "instance_fin_mandat"), {"membre": membre.pk, "date_fin": "2018-06-30"}
    )
    membre.refresh_from_db()
    assert membre.date_fin == date(2018, 6, 30)
    assert "prend fin le 30/06/2018" in _message(reponse)


def test_a_bad_form_says_why_and_adds_nobody(copil, pilote):
    membres = MembreInstance.objects.count()
    reponse = client_de(pilote).post(
        _url(copil, "instance_membre"), {"role": "membre", "date_debut": "04/01/2016"}
    )
    assert _message(reponse) == (
        "Indiquez l'organisation représentée, la personne qui siège, ou les deux."
    )
    reponse = client_de(pilote).post(
        _url(copil, "instance_membre"),
        {"nom": "X", "role": "membre", "date_debut": "31/02/2016"},
    )
    assert _message(reponse) == "Indiquez une date valide (JJ/MM/AAAA)."
    assert MembreInstance.objects.count() == membres


def test_the_conseil_citoyen_keeps_its_own_page(villiers, client):
    conseil = instance_de(villiers, "conseil-citoyen")
    reponse = client.get(_url(conseil))
    assert reponse["Location"] == reverse("gouvernance:conseil_citoyen", args=[villiers.slug])


def test_the_frequency_table_links_each_body_to_its_page(villiers, client):
    contenu = page(client, reverse("gouvernance:frequences", args=[villiers.slug]))
    copil = instance_de(villiers, "copil-technique")
    assert contenu.lien(_url(copil)) == copil.nom
