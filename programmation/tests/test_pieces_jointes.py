"""Attached documents: PDF only, size limit, download reserved to the dossier's readers."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from historique.selectors import historique_de
from programmation.models import Dossier, NatureCredit, Statut
from programmation.tests.factories import DossierFactory
from programmation.tests.outils import (
    CONTENU_PDF,
    html_brut,
    mener_au_statut,
    piece_de,
    porteur_de,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def fichiers_sur_disque(racine) -> list:
    return [chemin for chemin in racine.rglob("*") if chemin.is_file()]


def deposer(client, dossier: Dossier, nom: str, contenu: bytes, nature: str = "statuts"):
    return client.post(
        reverse("programmation:dossier_pieces", args=[dossier.pk]),
        {"nature": nature, "fichier": SimpleUploadedFile(nom, contenu)},
    )


# ---------------------------------------------------------------- upload


def test_porteur_attaches_a_pdf(client, media):
    dossier = DossierFactory()
    porteur = porteur_de(dossier.structure)
    client.force_login(porteur)
    url = reverse("programmation:dossier_pieces", args=[dossier.pk])
    html = html_brut(client.get(url))
    assert "Au format PDF uniquement, 5 Mo au plus." in html
    assert 'enctype="multipart/form-data"' in html

    reponse = deposer(client, dossier, "Statuts de l'association.pdf", CONTENU_PDF)

    assert reponse.status_code == 302
    assert reponse.url == url
    piece = dossier.pieces.get()
    assert piece.nom_original == "Statuts de l'association.pdf"
    assert piece.nature == "statuts"
    assert piece.taille == len(CONTENU_PDF)
    assert piece.empreinte == hashlib.sha256(CONTENU_PDF).hexdigest()
    assert piece.deposee_par == porteur
    assert piece.fichier.name.endswith(".pdf")
    assert "Statuts" not in piece.fichier.name  # stored under a generated name
    assert [f.read_bytes() for f in fichiers_sur_disque(media)] == [CONTENU_PDF]
    evenement = historique_de(dossier).first()
    assert evenement.action == "dossier.piece_ajoutee"
    assert evenement.changements["pièce"] == "Statuts de l'association.pdf"
    html = html_brut(client.get(url))
    assert escape("La pièce « Statuts de l'association.pdf » est ajoutée.") in html
    assert reverse("programmation:piece", args=[piece.pk]) in html
    html = html_brut(client.get(reverse("programmation:dossier", args=[dossier.pk])))
    assert reverse("programmation:piece", args=[piece.pk]) in html
    assert "Ajout d&#x27;une pièce jointe" in html


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("statuts.txt", CONTENU_PDF, "Seuls les fichiers PDF sont acceptés."),
        ("statuts.pdf.exe", CONTENU_PDF, "Seuls les fichiers PDF sont acceptés."),
        (
            "statuts.pdf",
            b"MZ\x90\x00 not a pdf at all",
            "Ce fichier n'est pas un vrai PDF : son contenu ne correspond pas à son extension.",
        ),
        (
            "faux.PDF",
            b"<html>%PDF-</html>",
            "Ce fichier n'est pas un vrai PDF : son contenu ne correspond pas à son extension.",
        ),
        (
            "statuts.pdf",
            b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n",
            "Ce PDF contient du code HTML ou un script : il est refusé.",
        ),
        (
            "statuts.pdf",
            b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n",
            "Ce PDF contient du JavaScript, une action automatique ou des fichiers incorporés : "
            "enregistrez-le de nouveau en PDF simple (« Imprimer en PDF »).",
        ),
    ],
)
def test_non_pdf_file_is_refused_and_nothing_is_stored(client, media, nom, contenu, message):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))

    reponse = deposer(client, dossier, nom, contenu)

    assert reponse.status_code == 200
    html = html_brut(reponse)
    assert escape(message) in html
    assert "La pièce n&#x27;est pas ajoutée." in html
    assert not dossier.pieces.exists()
    assert fichiers_sur_disque(media) == []
    assert not historique_de(dossier).filter(action="dossier.piece_ajoutee").exists()


def test_too_large_file_is_refused(client, media, settings):
    settings.TAILLE_MAX_PIECE_JOINTE = 1024 * 1024
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))

    reponse = deposer(client, dossier, "gros.pdf", b"%PDF-" + b"0" * (1024 * 1024))

    assert "Le fichier dépasse la taille maximale de 1 Mo." in html_brut(reponse)
    assert not dossier.pieces.exists()
    assert fichiers_sur_disque(media) == []


def test_missing_or_empty_file_is_refused(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    url = reverse("programmation:dossier_pieces", args=[dossier.pk])

    html = html_brut(client.post(url, {"nature": "rib"}))
    assert "Choisissez un fichier à ajouter." in html
    html = html_brut(deposer(client, dossier, "vide.pdf", b""))
    assert "Ce fichier est vide." in html
    html = html_brut(deposer(client, dossier, "rib.pdf", CONTENU_PDF, nature="photo"))
    assert "Sélectionnez un choix valide" in html
    assert not dossier.pieces.exists()


def test_no_upload_once_the_dossier_is_submitted(client, media):
    dossier = DossierFactory(depose=True)
    client.force_login(porteur_de(dossier.structure))

    reponse = deposer(client, dossier, "rib.pdf", CONTENU_PDF)

    assert reponse.status_code == 302
    assert not dossier.pieces.exists()
    assert fichiers_sur_disque(media) == []


def test_other_porteur_cannot_upload(client, autre_porteur):
    dossier = DossierFactory()
    client.force_login(autre_porteur)
    assert deposer(client, dossier, "rib.pdf", CONTENU_PDF).status_code == 403
    assert not dossier.pieces.exists()


# ---------------------------------------------------------------- download


def test_porteur_downloads_its_piece_as_an_attachment_with_its_name(client):
    dossier = DossierFactory()
    piece = piece_de(dossier)
    client.force_login(porteur_de(dossier.structure))

    reponse = client.get(reverse("programmation:piece", args=[piece.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="statuts-2024.pdf"'
    assert b"".join(reponse.streaming_content) == CONTENU_PDF


def test_financeur_downloads_pieces_of_a_dossier_asking_it_only(client, financeur):
    demande_caf = DossierFactory(complet=True)
    sans_caf = DossierFactory(
        complet=True, remplir__subventions=[("etat", NatureCredit.CREDITS_SPECIFIQUES, "5000")]
    )
    piece_caf, piece_autre = piece_de(demande_caf), piece_de(sans_caf)
    for dossier in (demande_caf, sans_caf):
        mener_au_statut(dossier, Statut.DEPOSE)
    client.force_login(financeur)

    reponse = client.get(reverse("programmation:piece", args=[piece_caf.pk]))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == CONTENU_PDF
    assert client.get(reverse("programmation:piece", args=[piece_autre.pk])).status_code == 403


@pytest.mark.parametrize("compte", ["autre_porteur", "financeur", "membre"])
def test_piece_of_a_draft_is_refused_to_anyone_but_its_porteur_and_pilotage(
    client, compte, personne
):
    dossier = DossierFactory(complet=True)
    piece = piece_de(dossier)
    client.force_login(personne(compte))

    reponse = client.get(reverse("programmation:piece", args=[piece.pk]))

    assert reponse.status_code == 403
    assert CONTENU_PDF not in reponse.content


def test_pilote_downloads_any_piece(client, pilote):
    piece = piece_de(DossierFactory())
    client.force_login(pilote)
    reponse = client.get(reverse("programmation:piece", args=[piece.pk]))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == CONTENU_PDF


def test_anonymous_download_goes_to_login_and_missing_piece_is_a_404(client, media, pilote):
    piece = piece_de(DossierFactory())
    reponse = client.get(reverse("programmation:piece", args=[piece.pk]))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("comptes:connexion"))

    client.force_login(pilote)
    assert client.get(reverse("programmation:piece", args=[999999])).status_code == 404
    for chemin in fichiers_sur_disque(media):
        chemin.unlink()
    assert client.get(reverse("programmation:piece", args=[piece.pk])).status_code == 404


# ---------------------------------------------------------------- deletion


def test_porteur_deletes_a_piece_of_its_draft(client, media):
    dossier = DossierFactory()
    piece = piece_de(dossier)
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(reverse("programmation:piece_supprimer", args=[piece.pk]), follow=True)

    assert escape("La pièce « statuts-2024.pdf » est supprimée.") in html_brut(reponse)
    assert not dossier.pieces.exists()
    assert fichiers_sur_disque(media) == []
    evenement = historique_de(dossier).first()
    assert evenement.action == "dossier.piece_supprimee"
    assert evenement.changements == {"pièce": "statuts-2024.pdf"}


def test_deleting_a_piece_is_post_only(client):
    dossier = DossierFactory()
    piece = piece_de(dossier)
    client.force_login(porteur_de(dossier.structure))
    url = reverse("programmation:piece_supprimer", args=[piece.pk])
    assert client.get(url).status_code == 405
    assert dossier.pieces.exists()


def test_piece_of_a_submitted_dossier_cannot_be_deleted(client, media):
    dossier = DossierFactory(complet=True)
    piece = piece_de(dossier)
    mener_au_statut(dossier, Statut.DEPOSE)
    client.force_login(porteur_de(dossier.structure))

    reponse = client.post(reverse("programmation:piece_supprimer", args=[piece.pk]), follow=True)

    assert "seulement tant qu&#x27;il est en brouillon" in html_brut(reponse)
    assert dossier.pieces.filter(pk=piece.pk).exists()
    assert len(fichiers_sur_disque(media)) == 1


@pytest.mark.parametrize("compte", ["autre_porteur", "pilote"])
def test_only_the_porteur_deletes_a_piece(client, media, compte, personne):
    dossier = DossierFactory()
    piece = piece_de(dossier)
    client.force_login(personne(compte))

    reponse = client.post(reverse("programmation:piece_supprimer", args=[piece.pk]))

    assert reponse.status_code == 403
    assert dossier.pieces.filter(pk=piece.pk).exists()
    assert len(fichiers_sur_disque(media)) == 1
