"""A meeting's documents go through the uploads' checks (historique.fichiers): a refused
file is neither recorded nor stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gouvernance.models import DocumentSeance
from gouvernance.services import joindre_document
from gouvernance.tests.outils import pilote_demo, seance_preparee
from historique.erreurs import DonneesInvalides
from historique.horloge import aujourdhui

pytestmark = pytest.mark.django_db


def test_a_meeting_document_that_is_a_decompression_bomb_is_refused_and_not_stored(
    villiers, settings, tmp_path
):

    settings.MEDIA_ROOT = tmp_path
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"\0" * (30 * 1024 * 1024))
    seance = seance_preparee(villiers, "copil-technique", aujourdhui())

    with pytest.raises(DonneesInvalides, match="se décompresse en un volume démesuré"):
        joindre_document(
            seance=seance,
            acteur=pilote_demo(),
            titre="Compte rendu",
            fichier=SimpleUploadedFile("compte-rendu.odt", tampon.getvalue()),
        )
    assert not DocumentSeance.objects.filter(seance=seance).exists()
    assert not any(tmp_path.rglob("*.odt"))
