"""The corpus of uploads every upload path checks through historique.fichiers: each bad
file is refused with a French sentence, each good one accepted, and names are made safe to
keep and to send back."""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from historique.fichiers import DECOMPRESSE_MAX, erreurs_du_fichier, nom_sur

BUREAUTIQUE = (".pdf", ".odt", ".ods", ".docx", ".xlsx")
LIMITE = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n%%EOF\n"


def _pdf(corps: bytes) -> bytes:
    return b"%PDF-1.7\n" + corps + b"\ntrailer << >>\n%%EOF\n"


def _zip(membres: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)
    return tampon.getvalue()


def _odt(mimetype: str = "application/vnd.oasis.opendocument.text", **autres) -> bytes:
    return _zip({"mimetype": mimetype.encode(), "content.xml": b"<office/>", **autres})


def _docx(**autres) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", **autres})


def _erreurs(nom: str, contenu: bytes, extensions=BUREAUTIQUE, limite=LIMITE) -> list[str]:
    return erreurs_du_fichier(SimpleUploadedFile(nom, contenu), extensions, limite)


@pytest.mark.parametrize(
    ("nom", "contenu"),
    [
        ("statuts.pdf", PDF),
        ("compte-rendu.odt", _odt()),
        ("budget.ods", _odt("application/vnd.oasis.opendocument.spreadsheet")),
        ("note.docx", _docx()),
        ("tableau.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})),
        (
            "flux.pdf",
            _pdf(b"stream\n" + zlib.compress(b"BT /F1 12 Tf (Bonjour) Tj ET") + b"\nendstream"),
        ),
    ],
)
def test_a_genuine_document_is_accepted(nom, contenu):
    assert _erreurs(nom, contenu) == []


MESSAGE_PDF_ACTIF = (
    "Ce PDF contient du JavaScript, une action automatique ou des fichiers incorporés : "
    "enregistrez-le de nouveau en PDF simple (« Imprimer en PDF »)."
)


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("statuts.txt", PDF, "Format refusé : joignez un fichier PDF, ODT, ODS, DOCX ou XLSX."),
        ("statuts.pdf.exe", PDF, "Format refusé : joignez un fichier PDF, ODT, ODS, DOCX ou XLSX."),
        ("vide.pdf", b"", "Ce fichier est vide."),
        ("gros.pdf", PDF + b"0" * LIMITE, "Le fichier dépasse la taille maximale de 1 Mo."),
        (
            "faux.pdf",
            b"GIF89a" + PDF,
            "Ce fichier n'est pas un vrai PDF : son contenu ne correspond pas à son extension.",
        ),
        (
            "page.pdf",
            b"%PDF-<html><body><script>alert(1)</script></body></html>",
            "Ce fichier n'est pas un PDF complet : sa fin manque ou il a été altéré.",
        ),
        (
            "page.pdf",
            _pdf(b"<html><script>alert(document.cookie)</script></html>"),
            "Ce PDF contient du code HTML ou un script : il est refusé.",
        ),
        (
            "action.pdf",
            _pdf(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
            MESSAGE_PDF_ACTIF,
        ),
        ("hexa.pdf", _pdf(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"), MESSAGE_PDF_ACTIF),
        (
            "cache.pdf",
            _pdf(b"stream\n" + zlib.compress(b"<< /S /JavaScript /JS (x) >>") + b"\nendstream"),
            MESSAGE_PDF_ACTIF,
        ),
        ("pj.pdf", _pdf(b"<< /Names << /EmbeddedFiles 3 0 R >> >>"), MESSAGE_PDF_ACTIF),
        ("lance.pdf", _pdf(b"<< /S /Launch /F (cmd.exe) >>"), MESSAGE_PDF_ACTIF),
        (
            "bombe.docx",
            _docx(**{"word/media/zero.bin": b"\0" * (20 * 1024 * 1024)}),
            "Ce DOCX se décompresse en un volume démesuré (20 Mo) : il est refusé.",
        ),
        (
            "bombe.odt",
            _odt(**{"Pictures/zero.bin": b"\0" * (DECOMPRESSE_MAX + 1)}),
            "Ce ODT se décompresse en un volume démesuré (100 Mo) : il est refusé.",
        ),
        (
            "chemin.odt",
            _odt(**{"../../etc/cron.d/x": b"* * * * * root sh"}),
            "Ce ODT contient des chemins interdits : il est refusé.",
        ),
        (
            "macro.docx",
            _docx(**{"word/vbaProject.bin": b"VBA"}),
            "Ce DOCX contient des macros : enregistrez-le sans macros.",
        ),
        (
            "faux.odt",
            _odt("application/zip"),
            "Ce fichier n'est pas un vrai ODT : son contenu ne correspond pas à son extension.",
        ),
        (
            "faux.docx",
            _zip({"autre.xml": b"<x/>"}),
            "Ce fichier n'est pas un vrai DOCX : son contenu ne correspond pas à son extension.",
        ),
        (
            "tronque.xlsx",
            b"PK\x03\x04" + b"\0" * 40,
            "Ce fichier n'est pas un vrai XLSX : son contenu ne correspond pas à son extension.",
        ),
    ],
    ids=lambda valeur: valeur if isinstance(valeur, str) and len(valeur) < 20 else None,
)
def test_a_bad_upload_is_refused_with_a_french_message(nom, contenu, message):
    assert _erreurs(nom, contenu, limite=LIMITE if nom != "bombe.odt" else 200 * LIMITE) == [
        message
    ]


def test_a_pdf_only_upload_names_its_one_format():
    assert _erreurs("photo.jpg", b"\xff\xd8", extensions=[".pdf"]) == [
        "Seuls les fichiers PDF sont acceptés."
    ]


def test_exactly_the_size_limit_is_accepted_and_one_byte_more_refused():
    juste = PDF[:-7] + b"%" * (LIMITE - len(PDF)) + b"\n%%EOF\n"
    assert len(juste) == LIMITE
    assert _erreurs("juste.pdf", juste) == []
    assert _erreurs("trop.pdf", juste + b"\n") == ["Le fichier dépasse la taille maximale de 1 Mo."]


@pytest.mark.parametrize(
    ("nom", "sur"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("rapport\r\nSet-Cookie: x=1.pdf", "rapportSet-Cookie: x=1.pdf"),
        ("nul\x00.pdf", "nul.pdf"),
        (".htaccess.pdf", "htaccess.pdf"),
        ("   .pdf", "document.pdf"),
        ("", "document"),
        ("é" * 300 + ".pdf", "é" * 116 + ".pdf"),
    ],
)
def test_a_name_is_kept_without_folder_control_character_or_excess(nom, sur):
    assert nom_sur(nom) == sur
    assert len(nom_sur(nom)) <= 120
