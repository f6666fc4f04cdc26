"""Meetings held per body and year against the contract's minimum (Article 3 §1), the
public iCalendar of the meetings and the two API resources that publish them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from gouvernance import selectors, services
from gouvernance.models import Seance
from gouvernance.tests.outils import (
    instance_de,
    pilote_demo,
    seance_preparee,
    seance_tenue,
)
from historique.horloge import aujourdhui
from tests.outils import client_de

pytestmark = pytest.mark.django_db


def _ligne(villiers, code: str) -> selectors.FrequenceInstance:
    (ligne,) = [f for f in selectors.frequences(villiers) if f.instance.code == code]
    return ligne


def test_a_body_below_its_minimum_in_a_past_year_is_behind(villiers):
    seance_tenue(villiers, "copil-technique", date(2016, 5, 2))
    seance_tenue(villiers, "copil-technique", date(2017, 3, 1))
    seance_tenue(villiers, "copil-technique", date(2017, 10, 9))

    ligne = _ligne(villiers, "copil-technique")

    par_annee = {f.annee: f for f in ligne.annees}
    assert par_annee[2016].tenues == 1 and par_annee[2016].manquantes == 1
    assert par_annee[2017].tenues == 2 and not par_annee[2017].en_retard
    assert 2016 in ligne.annees_en_retard and 2017 not in ligne.annees_en_retard
    assert ligne.tenues_par_annee["2016"] == 1


def test_only_held_meetings_count(villiers):
    seance_tenue(villiers, "copil-politique", date(2018, 6, 1))
    annulee = seance_preparee(villiers, "copil-politique", aujourdhui() + timedelta(days=2))
    annulee.statut = Seance.Statut.ANNULEE
    annulee.save()

    ligne = _ligne(villiers, "copil-politique")

    assert ligne.tenues_par_annee["2018"] == 1
    assert sum(ligne.tenues_par_annee.values()) == 1


def test_a_body_without_minimum_is_never_behind(villiers):
    ligne = _ligne(villiers, "comite-recevabilite")

    assert instance_de(villiers, "comite-recevabilite").reunions_min_par_an is None
    assert ligne.annees_en_retard == []


def test_the_frequency_page_shows_the_shortfall(villiers):
    seance_tenue(villiers, "copil-technique", date(2016, 5, 2))

    page = client_de(None).get(reverse("gouvernance:frequences", args=[villiers.slug]))

    assert "En retard : 1 manquante" in page.content.decode()


def test_the_contract_governance_page_shows_the_meetings_held_per_year(villiers):
    seance_tenue(villiers, "copil-technique", date(2016, 5, 2))

    page = client_de(None).get(reverse("contrats:gouvernance", args=[villiers.slug]))

    html = page.content.decode()
    assert 'id="frequences"' in html and "En retard : 1 manquante" in html


def test_the_public_calendar_parses_back_with_one_event_per_convened_meeting(villiers):
    tenue = seance_tenue(villiers, "copil-technique", date(2016, 5, 2), "COPIL de mai")
    seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=9), "En préparation")

    reponse = client_de(None).get(reverse("gouvernance:calendrier", args=[villiers.slug]))

    assert reponse["Content-Type"].startswith("text/calendar")
    evenements = Calendar.from_ical(reponse.content).walk("VEVENT")
    (evenement,) = [e for e in evenements if "COPIL de mai" in str(e["SUMMARY"])]
    for propriete in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
        assert propriete in evenement
    assert evenement.decoded("DTSTART") == tenue.date
    assert not [e for e in evenements if "En préparation" in str(e["SUMMARY"])]
    assert len({str(e["UID"]) for e in evenements}) == len(evenements)


def test_the_api_lists_each_body_with_its_minimum_and_meetings_per_year(villiers):
    seance_tenue(villiers, "copil-technique", date(2016, 5, 2))

    corps = client_de(None).get(f"/api/v1/contrats/{villiers.slug}/instances").json()

    par_nom = {i["nom"]: i for i in corps}
    copil = par_nom[instance_de(villiers, "copil-technique").nom]
    assert copil["reunions_minimum_par_an"] == 2
    assert copil["reunions_tenues_par_annee"]["2016"] == 1
    assert (
        par_nom[instance_de(villiers, "comite-recevabilite").nom]["reunions_minimum_par_an"] is None
    )


def test_the_api_pages_the_meetings_with_their_body_date_and_state(villiers):
    seance_tenue(villiers, "copil-technique", date(2016, 5, 2), "COPIL de mai")
    a_venir = seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=9))
    services.ajouter_point(seance=a_venir, acteur=pilote_demo(), intitule="Point d'étape")
    services.convoquer(seance=a_venir, acteur=pilote_demo(), adresse_site="", envoyer=False)
    seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=12), "Brouillon")

    corps = client_de(None).get(f"/api/v1/contrats/{villiers.slug}/reunions").json()

    # A meeting still in preparation is not published; convened and held ones are.
    assert corps["count"] == 2
    reunions = {r["date"]: r for r in corps["items"]}
    assert reunions[(aujourdhui() + timedelta(days=9)).isoformat()]["tenue"] is False
    mai = reunions["2016-05-02"]
    assert mai["instance"] == instance_de(villiers, "copil-technique").nom
    assert mai["tenue"] is True
