"""Who reaches each page of the meetings: the pilotage convenes and decides; a body's
meetings are read by the pilotage and by those who sit in it; the calendar and a body's
page (its members) are public, its members recorded by the pilotage."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gouvernance import services
from gouvernance.models import Seance
from gouvernance.tests.outils import pilote_demo, seance_preparee
from gouvernance.urls import urlpatterns
from historique.horloge import aujourdhui
from tests.outils import client_de

pytestmark = pytest.mark.django_db

ROLES = ("anonyme", "pilote", "etat", "financeur", "porteur", "membre")
PAGE, REFUS, CONNEXION, TRAITE = "200", "403", "connexion", "traité"

PUBLIC = dict.fromkeys(ROLES, PAGE)
PILOTAGE_PAGE = {"anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE} | dict.fromkeys(
    ("financeur", "porteur", "membre"), REFUS
)
PILOTAGE_POST = PILOTAGE_PAGE | {"pilote": TRAITE, "etat": TRAITE}

# The meeting tried is one of the COPIL technique: the CAF (financeur) does not sit in it,
# the demo membre sits in the comité de recevabilité only.
# fmt: off
MATRICE = {
    "calendrier": PUBLIC,
    "frequences": PUBLIC,
    "instance": PUBLIC,
    "instance_membre": PILOTAGE_POST,
    "instance_fin_mandat": PILOTAGE_POST,
    "reunions": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "porteur": REFUS, "membre": PAGE,
    },
    "nouvelle_reunion": PILOTAGE_PAGE,
    "seance": PILOTAGE_PAGE,
    "releve_pdf": PILOTAGE_PAGE,
    "document": PILOTAGE_PAGE,
    "ajouter_point": PILOTAGE_POST,
    "retirer_point": PILOTAGE_POST,
    "decider": PILOTAGE_POST,
    "convoquer": PILOTAGE_POST,
    "tenir": PILOTAGE_POST,
    "annuler": PILOTAGE_POST,
    "presences": PILOTAGE_POST,
    "publier_releve": PILOTAGE_POST,
    "joindre_document": PILOTAGE_POST,
}
# fmt: on
POST_SEULEMENT = {nom for nom, ligne in MATRICE.items() if TRAITE in ligne.values()}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _seance(villiers) -> Seance:
    seance = seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=7))
    services.ajouter_point(seance=seance, acteur=pilote_demo(), intitule="Point d'étape")
    return seance


def _url(nom: str, villiers) -> str:
    if nom.startswith("instance"):
        return reverse(f"gouvernance:{nom}", args=[villiers.slug, "copil-technique"])
    if nom in ("calendrier", "frequences", "reunions", "nouvelle_reunion"):
        return reverse(f"gouvernance:{nom}", args=[villiers.slug])
    seance = _seance(villiers)
    if nom in ("retirer_point", "decider"):
        return reverse(f"gouvernance:{nom}", args=[seance.pk, seance.points.get().pk])
    if nom == "document":
        document = services.joindre_document(
            seance=seance,
            acteur=pilote_demo(),
            titre="Note",
            fichier=SimpleUploadedFile("note.pdf", PDF),
        )
        return reverse("gouvernance:document", args=[document.pk])
    return reverse(f"gouvernance:{nom}", args=[seance.pk])


def _constat(reponse) -> str:
    if reponse.status_code == 302:
        return CONNEXION if reverse("comptes:connexion") in reponse["Location"] else TRAITE
    return str(reponse.status_code)


def test_the_matrix_has_a_row_for_every_url_of_the_meetings():
    # The conseil citoyen's pages have their own matrix (test_conseil_citoyen.py).
    noms = {motif.name for motif in urlpatterns if not motif.name.startswith("conseil_citoyen")}
    assert set(MATRICE) == noms
    for ligne in MATRICE.values():
        assert tuple(ligne) == ROLES


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_meeting_url(nom, role, villiers, personne):
    url = _url(nom, villiers)
    versions = dict(Seance.objects.values_list("pk", "version"))
    client = client_de(personne(role))

    reponse = client.post(url, {}) if nom in POST_SEULEMENT else client.get(url)

    assert _constat(reponse) == MATRICE[nom][role], f"{role} sur {nom} : {reponse.status_code}"
    if MATRICE[nom][role] != TRAITE:
        # A refused request changes no meeting.
        assert dict(Seance.objects.values_list("pk", "version")) == versions


def test_a_membre_reads_the_meetings_of_their_body_and_no_other(villiers, membre):
    sienne = seance_preparee(villiers, "comite-recevabilite", aujourdhui() + timedelta(days=3))
    autre = seance_preparee(villiers, "copil-politique", aujourdhui() + timedelta(days=3))
    client = client_de(membre)

    assert client.get(reverse("gouvernance:seance", args=[sienne.pk])).status_code == 200
    assert client.get(reverse("gouvernance:seance", args=[autre.pk])).status_code == 403
    liste = client.get(reverse("gouvernance:reunions", args=[villiers.slug])).content.decode()
    assert reverse("gouvernance:seance", args=[sienne.pk]) in liste
    assert reverse("gouvernance:seance", args=[autre.pk]) not in liste


def test_a_financeur_reads_the_meetings_of_the_bodies_its_organisation_sits_in(villiers, financeur):
    copil_politique = seance_preparee(villiers, "copil-politique", aujourdhui())
    copil_technique = seance_preparee(villiers, "copil-technique", aujourdhui())
    client = client_de(financeur)

    assert client.get(reverse("gouvernance:seance", args=[copil_politique.pk])).status_code == 200
    assert client.get(reverse("gouvernance:seance", args=[copil_technique.pk])).status_code == 403


def test_a_reader_sees_no_button_of_the_pilotage(villiers, financeur):
    lisible = seance_preparee(villiers, "copil-politique", aujourdhui())
    services.ajouter_point(seance=lisible, acteur=pilote_demo(), intitule="Point d'étape")

    page = client_de(financeur).get(reverse("gouvernance:seance", args=[lisible.pk]))

    html = page.content.decode()
    assert page.status_code == 200 and "Point d&#x27;étape" in html
    assert "Envoyer la convocation" not in html and 'id="form-point"' not in html
