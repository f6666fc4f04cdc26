"""The deposit: its confirmation step, then its receipt (PDF) downloaded and sent by e-mail."""

import hashlib
import json
import re
import subprocess

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from comptes.models import Role, Utilisateur
from contrats.models import Habilitation
from contrats.tests.factories import UtilisateurFactory
from historique.models import Evenement
from programmation.documents import empreinte_version, json_canonique
from programmation.models import Dossier, Statut, Structure, VersionDossier
from programmation.services.dossiers import ajouter_piece
from programmation.services.pieces import ajouter_document
from programmation.services.transitions import transitionner
from programmation.tests.factories import AppelFactory, DossierFactory, StructureFactory, villiers
from programmation.tests.outils import examiner_en_comite

pytestmark = pytest.mark.django_db

CONFIRMATION = (
    "Je confirme le dépôt de mon dossier. Après le dépôt, il ne pourra plus être modifié."
)
STATUTS_PDF = b"%PDF-1.4\n% statuts\n%%EOF\n"
RIB_PDF = b"%PDF-1.4\n% RIB\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def porteur_de(structure: Structure) -> Utilisateur:
    utilisateur = UtilisateurFactory()
    Habilitation.objects.create(
        utilisateur=utilisateur,
        contrat=villiers(),
        role=Role.PORTEUR,
        organisation=structure.organisation,
    )
    return utilisateur


def demo(nom: str) -> Utilisateur:
    return Utilisateur.objects.get(username=nom)


def html_de(reponse) -> str:
    html = reponse.content.decode()
    assert "VARIABLE_INDEFINIE" not in html
    return html


def dossier_avec_pieces() -> tuple[Dossier, Utilisateur]:
    """A complete draft of a call requiring statuts and RIB: statuts kept in the porte-documents,
    the RIB joined to the dossier."""
    dossier = DossierFactory(
        complet=True,
        appel=AppelFactory(pieces_requises=["statuts", "rib"]),
        intitule="Ateliers « Lire ensemble » aux Hautes-Noues",
    )
    porteur = porteur_de(dossier.structure)
    ajouter_document(
        structure=dossier.structure,
        contrat=villiers(),
        nature="statuts",
        fichier=SimpleUploadedFile("statuts-association.pdf", STATUTS_PDF),
        acteur=porteur,
    )
    ajouter_piece(
        dossier=dossier,
        nature="rib",
        fichier=SimpleUploadedFile("rib-2024.pdf", RIB_PDF),
        acteur=porteur,
    )
    return dossier, porteur


def deposer(dossier: Dossier, porteur: Utilisateur) -> VersionDossier:
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    return VersionDossier.objects.get(dossier=dossier)


def texte_du_pdf(contenu: bytes, tmp_path) -> str:
    chemin = tmp_path / "recepisse.pdf"
    chemin.write_bytes(contenu)
    sortie = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(chemin), "-"],
        check=True,
        capture_output=True,
    )
    return sortie.stdout.decode("utf-8")


def sans_blancs(texte: str) -> str:
    return re.sub(r"\s+", "", texte)


def recepisse_url(version: VersionDossier) -> str:
    return reverse("programmation:recepisse", args=[version.dossier_id, version.numero])


# ---------------------------------------------------------------- the confirmation step


def test_dossier_page_leads_to_the_confirmation_page_rather_than_depositing(client):
    dossier, porteur = dossier_avec_pieces()
    client.force_login(porteur)

    html = html_de(client.get(reverse("programmation:dossier", args=[dossier.pk])))

    url = reverse("programmation:dossier_depot", args=[dossier.pk])
    assert f'href="{url}">Déposer le dossier</a>' in html
    assert "Déposer le dossier</button>" not in html


def test_confirmation_page_summarizes_the_dossier_and_its_pieces(client):
    dossier, porteur = dossier_avec_pieces()
    client.force_login(porteur)

    html = html_de(client.get(reverse("programmation:dossier_depot", args=[dossier.pk])))

    assert escape(CONFIRMATION) in html
    assert dossier.numero in html
    assert escape(dossier.intitule) in html
    assert dossier.structure.siret in html
    assert "22 bénéficiaires" in html
    assert "Charges 10\u202f000,00\u00a0€, produits 10\u202f000,00\u00a0€" in html
    assert "La Caisse d’Allocations Familiales" in html
    assert "statuts-association.pdf" in html and "porte-documents de la structure" in html
    assert "rib-2024.pdf" in html and "jointe au dossier" in html
    assert "Déposer le dossier</button>" in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON


def test_deposit_without_ticking_the_confirmation_changes_nothing(client):
    dossier, porteur = dossier_avec_pieces()
    client.force_login(porteur)

    reponse = client.post(
        reverse("programmation:dossier_depot", args=[dossier.pk]), {"version": dossier.version}
    )

    assert reponse.status_code == 200
    assert "Cochez la case pour confirmer le dépôt du dossier." in html_de(reponse)
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON
    assert not dossier.versions.exists()


def test_confirmed_deposit_freezes_the_dossier_and_points_to_its_receipt(client):
    dossier, porteur = dossier_avec_pieces()
    client.force_login(porteur)

    reponse = client.post(
        reverse("programmation:dossier_depot", args=[dossier.pk]),
        {"version": dossier.version, "confirmation": "on"},
        follow=True,
    )

    html = html_de(reponse)
    dossier.refresh_from_db()
    assert dossier.statut == Statut.DEPOSE
    version = dossier.versions.get()
    assert escape(f"Le dossier {dossier.numero} est désormais « Déposé ».") in html
    assert "Son récépissé de dépôt vous est envoyé par courriel" in html
    assert recepisse_url(version) in html
    assert "Télécharger le récépissé de dépôt de la version n° 1" in html
    assert "Pièces de la version déposée n° 1" in html
    assert hashlib.sha256(STATUTS_PDF).hexdigest() in html
    assert Evenement.objects.filter(object_id=str(dossier.pk), action="dossier.deposer").exists()


def test_confirmation_page_of_an_incomplete_dossier_names_what_is_missing_and_offers_no_deposit(
    client,
):
    dossier = DossierFactory(complet=True, appel=AppelFactory(pieces_requises=["rib"]))
    client.force_login(porteur_de(dossier.structure))

    html = html_de(client.get(reverse("programmation:dossier_depot", args=[dossier.pk])))

    assert "Le dossier ne peut pas encore être déposé" in html
    assert escape("Pièce manquante : RIB (relevé d'identité bancaire).") in html
    assert "Déposer le dossier</button>" not in html

    reponse = client.post(
        reverse("programmation:dossier_depot", args=[dossier.pk]),
        {"version": dossier.version, "confirmation": "on"},
    )
    assert escape("Pièce manquante : RIB (relevé d'identité bancaire).") in html_de(reponse)
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON


@pytest.mark.parametrize("compte", ["autre_porteur", "pilote"])
def test_only_the_porteur_confirms_a_deposit(client, compte):
    dossier, _ = dossier_avec_pieces()
    intrus = porteur_de(StructureFactory()) if compte == "autre_porteur" else demo(compte)
    client.force_login(intrus)
    url = reverse("programmation:dossier_depot", args=[dossier.pk])

    assert client.get(url).status_code == 403
    reponse = client.post(url, {"version": dossier.version, "confirmation": "on"})
    assert reponse.status_code == 403
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON


def test_a_submitted_dossier_is_not_confirmed_twice(client):
    dossier, porteur = dossier_avec_pieces()
    deposer(dossier, porteur)
    client.force_login(porteur)

    reponse = client.get(reverse("programmation:dossier_depot", args=[dossier.pk]), follow=True)

    assert "il n&#x27;est plus à déposer" in html_de(reponse)
    assert Dossier.objects.get(pk=dossier.pk).versions.count() == 1


# ---------------------------------------------------------------- the receipt


def test_receipt_gives_number_date_structure_pieces_and_the_fingerprint_of_the_frozen_version(
    client, tmp_path
):
    dossier, porteur = dossier_avec_pieces()
    version = deposer(dossier, porteur)
    client.force_login(porteur)

    reponse = client.get(recepisse_url(version))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    nom = f"recepisse-depot-{dossier.numero}-v1.pdf"
    assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'
    texte = texte_du_pdf(reponse.content, tmp_path)
    assert "RÉCÉPISSÉ DE DÉPÔT" in texte
    moment = timezone.localtime(version.creee_le).strftime("%d/%m/%Y à %H:%M")
    assert f"Dossier n° {dossier.numero} déposé le {moment}" in texte
    assert dossier.structure.organisation.nom in texte
    assert f"SIRET : {dossier.structure.siret}" in texte
    assert "Ateliers « Lire ensemble » aux Hautes-Noues" in texte
    assert "Statuts de la structure : statuts-association.pdf" in texte
    assert "RIB (relevé d'identité bancaire) : rib-2024.pdf" in texte
    compact = sans_blancs(texte)
    for contenu in (STATUTS_PDF, RIB_PDF):
        assert hashlib.sha256(contenu).hexdigest() in compact
    # Anyone can recompute the fingerprint from the stored version, as the receipt explains.
    stocke = VersionDossier.objects.get(pk=version.pk).contenu
    attendu = hashlib.sha256(
        json.dumps(stocke, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8"
        )
    ).hexdigest()
    assert attendu in compact
    assert empreinte_version(version) == attendu
    assert "sort_keys=True" in texte and "ensure_ascii=False" in texte


def test_canonical_json_is_stable_whatever_the_order_of_keys():
    assert json_canonique({"b": 1, "a": "é"}) == json_canonique({"a": "é", "b": 1})
    assert json_canonique({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_receipt_is_for_the_readers_of_the_dossier_only(client):
    dossier, porteur = dossier_avec_pieces()
    url = recepisse_url(deposer(dossier, porteur))
    client.force_login(demo("membre"))
    assert client.get(url).status_code == 403  # no body he sits in examines it yet
    examiner_en_comite(dossier)

    for lecteur in (porteur, demo("pilote"), demo("financeur"), demo("membre")):
        client.force_login(lecteur)
        assert client.get(url).status_code == 200

    client.force_login(porteur_de(StructureFactory()))
    reponse = client.get(url)
    assert reponse.status_code == 403
    assert not reponse.content.startswith(b"%PDF")
    client.logout()
    assert client.get(url).url.startswith(reverse("comptes:connexion"))


def test_a_draft_has_no_receipt(client):
    dossier, porteur = dossier_avec_pieces()
    client.force_login(porteur)

    reponse = client.get(reverse("programmation:recepisse", args=[dossier.pk, 1]))

    assert reponse.status_code == 404
    html = html_de(client.get(reverse("programmation:dossier", args=[dossier.pk])))
    assert "récépissé de dépôt" not in html


def test_deposit_email_sends_the_porteurs_a_link_to_the_receipt(
    client, django_capture_on_commit_callbacks
):
    dossier, porteur = dossier_avec_pieces()
    collegue = porteur_de(dossier.structure)
    client.force_login(porteur)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programmation:dossier_depot", args=[dossier.pk]),
            {"version": dossier.version, "confirmation": "on"},
        )

    version = Dossier.objects.get(pk=dossier.pk).versions.get()
    (courriel,) = mail.outbox
    assert courriel.subject == f"Votre dossier {dossier.numero} est déposé"
    assert sorted(courriel.to) == sorted([porteur.email, collegue.email])
    assert f"http://testserver{recepisse_url(version)}" in courriel.body
    assert "récépissé de dépôt (PDF)" in courriel.body


def test_deposit_through_the_services_links_the_receipt_by_its_path(
    django_capture_on_commit_callbacks,
):
    """A deposit made without a page (services, tests) cannot know the site's address."""
    dossier, porteur = dossier_avec_pieces()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        version = deposer(dossier, porteur)

    (courriel,) = mail.outbox
    assert f"version déposée : {recepisse_url(version)}\n" in courriel.body
