"""Dossiers on the agenda of the bodies' meetings: the comité de recevabilité is offered
the deposited dossiers, the COPIL politique the proposed ones, and putting a dossier on an
agenda is what lets the members of that body read it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gouvernance import selectors, services
from gouvernance.tests.outils import seance_preparee
from historique.horloge import aujourdhui
from programmation.tests.factories import AppelFactory
from programmation.tests.outils import client_de, dossier_depose, dossier_propose

pytestmark = pytest.mark.django_db


def _seance(villiers, pilote, code: str):
    return seance_preparee(villiers, code, aujourdhui() + timedelta(days=4))


def _offerts(seance) -> list:
    return [o.objet for objets in selectors.points_possibles(seance).values() for o in objets]


def test_each_committee_is_offered_the_dossiers_awaiting_it(villiers, pilote):
    appel = AppelFactory()
    depose, propose = dossier_depose(appel), dossier_propose(appel)

    recevabilite = _offerts(_seance(villiers, pilote, "comite-recevabilite"))
    copil = _offerts(_seance(villiers, pilote, "copil-politique"))

    assert depose in recevabilite and propose not in recevabilite
    assert propose in copil and depose not in copil


def test_a_dossier_on_the_agenda_becomes_readable_by_the_members_of_that_body(
    villiers, pilote, membre
):
    dossier = dossier_depose(AppelFactory())
    url = reverse("programmation:dossier", args=[dossier.pk])
    assert client_de(membre).get(url).status_code == 403
    seance = _seance(villiers, pilote, "comite-recevabilite")

    services.ajouter_point(seance=seance, acteur=pilote, objet=dossier)

    assert client_de(membre).get(url).status_code == 200
    page = client_de(pilote).get(reverse("gouvernance:seance", args=[seance.pk])).content.decode()
    assert f'href="{url}"' in page
