"""Structured logging: each request and each security event (login, failure, lockout,
logout, role change, refused access) leaves one JSON line with who, from where and what."""

import json
import logging

import pytest
from django.urls import reverse

from comptes.models import Role
from config.journal import FormatJSON
from contrats.demo import MOT_DE_PASSE_DEMO
from contrats.services import attribuer_habilitation
from contrats.tests.factories import UtilisateurFactory
from tests.outils import client_de

pytestmark = pytest.mark.django_db

CONNEXION = reverse("comptes:connexion")


def _evenements(caplog) -> list[dict]:
    return [r.champs for r in caplog.records if r.name == "securite"]


def test_a_login_a_failure_and_a_logout_are_security_events(client, pilote, caplog):
    caplog.set_level(logging.INFO, logger="securite")
    client.post(CONNEXION, {"login": "pilote", "password": "faux"}, REMOTE_ADDR="10.1.1.1")
    client.post(CONNEXION, {"login": "pilote", "password": MOT_DE_PASSE_DEMO})
    client.post(reverse("comptes:deconnexion"))

    echec, reussie, sortie = _evenements(caplog)
    assert (echec["evenement"], echec["identifiant"], echec["adresse"]) == (
        "connexion.echec",
        "pilote",
        "10.1.1.1",
    )
    assert "password" not in json.dumps(echec)
    assert (reussie["evenement"], reussie["utilisateur"]) == ("connexion.reussie", pilote.pk)
    assert (sortie["evenement"], sortie["utilisateur"]) == ("deconnexion", pilote.pk)


def test_a_lockout_is_a_security_event(client, pilote, caplog):
    caplog.set_level(logging.INFO, logger="securite")
    for _ in range(5):
        client.post(CONNEXION, {"login": "pilote", "password": "faux"})
    assert "connexion.blocage" in [e["evenement"] for e in _evenements(caplog)]


def test_a_refused_access_and_a_role_change_are_security_events(villiers, porteur, pilote, caplog):
    caplog.set_level(logging.INFO, logger="securite")
    client_de(porteur).get(reverse("gouvernance:nouvelle_reunion", args=[villiers.slug]))
    personne = UtilisateurFactory()
    attribuer_habilitation(utilisateur=personne, contrat=villiers, role=Role.ETAT, acteur=pilote)

    evenements = {e["evenement"]: e for e in _evenements(caplog)}
    refus, role = evenements["acces.refuse"], evenements["role.attribution"]
    assert (refus["evenement"], refus["statut"], refus["utilisateur"]) == (
        "acces.refuse",
        403,
        porteur.pk,
    )
    assert (role["evenement"], role["utilisateur"], role["role"], role["par"]) == (
        "role.attribution",
        personne.pk,
        "etat",
        pilote.pk,
    )


def test_each_request_leaves_one_json_line(client, villiers, caplog):
    caplog.set_level(logging.INFO, logger="requetes")
    client.get(reverse("contrats:apercu", args=[villiers.slug]))

    (enregistrement,) = [r for r in caplog.records if r.name == "requetes"]
    ligne = json.loads(FormatJSON().format(enregistrement))
    assert ligne["journal"] == "requetes"
    assert (ligne["methode"], ligne["statut"]) == ("GET", 200)
    assert ligne["chemin"] == f"/contrats/{villiers.slug}/"
    assert ligne["duree_ms"] >= 0
