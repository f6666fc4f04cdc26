"""The JSON API writes nothing: every operation it declares reads, and a write sent to it
(a porteur posting a statut or an amount granted on its own dossier) is refused and changes
nothing. The forms of each app have their own tests (<app>/tests/test_affectation_de_masse.py).
"""

import json

import pytest

from programmation.models import Financement, Statut
from programmation.tests.outils import dossier_valide, porteur_demo_du
from tests.outils import client_de, en_base

pytestmark = pytest.mark.django_db

RACINE = "/api/v1"
LECTURE = {"get", "head", "options"}


def test_the_api_declares_read_operations_only(client):
    schema = client.get(f"{RACINE}/openapi.json").json()

    ecritures = [
        f"{methode.upper()} {chemin}"
        for chemin, operations in schema["paths"].items()
        for methode in operations
        if methode not in LECTURE
    ]
    assert schema["paths"] and ecritures == []


@pytest.mark.parametrize("methode", ["post", "put", "patch", "delete"])
def test_porteur_writing_its_dossier_through_the_api_is_refused(methode, porteur):
    dossier = dossier_valide()
    client = client_de(porteur_demo_du(dossier))
    caf = Financement.objects.get(dossier=dossier, financeur__code="caf")
    avant = en_base(dossier, "statut", "numero", "version", "est_demo")
    corps = {
        "statut": Statut.SOLDE,
        "numero": "2099-999",
        "est_demo": True,
        "financements": [{"id": caf.pk, "montant_accorde": "99999", "avis": "favorable"}],
    }

    for chemin in (f"/dossiers/{dossier.pk}", "/dossiers"):
        reponse = getattr(client, methode)(
            RACINE + chemin, json.dumps(corps), content_type="application/json"
        )
        assert reponse.status_code == 405, (chemin, reponse.status_code)

    assert en_base(dossier, "statut", "numero", "version", "est_demo") == avant
    assert en_base(caf, "montant_accorde", "avis") == {
        "montant_accorde": caf.montant_accorde,
        "avis": caf.avis,
    }
