"""The one check of every uploaded document (pièces of a dossier, evidence of an engagement,
documents of a meeting, a conseil citoyen's charter): a known format whose content really is
that format, nothing active inside, no decompression bomb, and a name safe to show and to
send back. Refusals are French sentences; the caller stores the file under a generated
name and serves it as an attachment only to those allowed."""

import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

LONGUEUR_MAX_NOM = 120
# A document decompressed beyond this, or a hundred times its size, is refused.
DECOMPRESSE_MAX = 100 * 1024 * 1024
RATIO_MAX = 100


@dataclass(frozen=True)
class Format:
    libelle: str
    signature: bytes
    # ODF: the mimetype its first member names; OOXML: the member every such file has.
    mimetype: str = ""
    membre_requis: str = ""


FORMATS = {
    ".pdf": Format("PDF", b"%PDF-"),
    ".odt": Format("ODT", b"PK\x03\x04", mimetype="application/vnd.oasis.opendocument.text"),
    ".ods": Format("ODS", b"PK\x03\x04", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
    ".docx": Format("DOCX", b"PK\x03\x04", membre_requis="[Content_Types].xml"),
    ".xlsx": Format("XLSX", b"PK\x03\x04", membre_requis="[Content_Types].xml"),
}

# Markup a browser would run if it ever rendered the file.
BALISES = re.compile(rb"<\s*(?:html|script|body|iframe|object|embed|svg|!doctype)\b", re.I)
# PDF names that run code, launch programs or carry other files.
NOMS_ACTIFS = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)(?![A-Za-z])"
)
FLUX = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def extension_de(nom: str) -> str:
    return ("." + nom.rsplit(".", 1)[-1].lower()) if "." in nom else ""


def nom_sur(nom: str) -> str:
    """The name kept and shown: no folder, no control character (CR, LF…), no leading dot,
    120 characters at most with its extension kept."""
    nom = unicodedata.normalize("NFC", nom or "").replace("\\", "/").rsplit("/", 1)[-1]
    nom = "".join(c for c in nom if unicodedata.category(c)[0] != "C")
    nom = re.sub(r"\s+", " ", nom).strip()
    extension = extension_de(nom)
    if len(extension) > 10:
        extension = ""
    radical = nom[: len(nom) - len(extension)].lstrip(".").strip() or "document"
    return radical[: LONGUEUR_MAX_NOM - len(extension)].rstrip() + extension


def erreurs_du_fichier(
    fichier: UploadedFile, extensions: Iterable[str], taille_max: int
) -> list[str]:
    """What is wrong with the upload, in French; empty when it may be stored. The file is
    left rewound."""
    extensions = tuple(extensions)
    extension = extension_de(nom_sur(fichier.name))
    if extension not in extensions:
        libelles = [FORMATS[e].libelle for e in extensions]
        if len(libelles) == 1:
            return [f"Seuls les fichiers {libelles[0]} sont acceptés."]
        return [f"Format refusé : joignez un fichier {', '.join(libelles[:-1])} ou {libelles[-1]}."]
    if not fichier.size:
        return ["Ce fichier est vide."]
    if fichier.size > taille_max:
        return [f"Le fichier dépasse la taille maximale de {taille_max // (1024 * 1024)} Mo."]
    fichier.seek(0)
    contenu = fichier.read()
    fichier.seek(0)
    format_ = FORMATS[extension]
    if not contenu.startswith(format_.signature):
        return [
            f"Ce fichier n'est pas un vrai {format_.libelle} : son contenu ne correspond pas "
            "à son extension."
        ]
    if extension == ".pdf":
        return _erreurs_pdf(contenu)
    return _erreurs_archive(contenu, format_)


def _erreurs_pdf(contenu: bytes) -> list[str]:
    if b"%%EOF" not in contenu[-2048:]:
        return ["Ce fichier n'est pas un PDF complet : sa fin manque ou il a été altéré."]
    lisible = _noms_decodes(contenu)
    flux = _flux_decompresses(contenu)
    if flux is None:
        return ["Ce PDF se décompresse en un volume démesuré : il est refusé."]
    if BALISES.search(contenu):
        return ["Ce PDF contient du code HTML ou un script : il est refusé."]
    if NOMS_ACTIFS.search(lisible) or any(NOMS_ACTIFS.search(_noms_decodes(f)) for f in flux):
        return [
            "Ce PDF contient du JavaScript, une action automatique ou des fichiers "
            "incorporés : enregistrez-le de nouveau en PDF simple (« Imprimer en PDF »)."
        ]
    return []


def _noms_decodes(contenu: bytes) -> bytes:
    # "/J#61vaScript" is "/JavaScript": PDF names may spell letters in hexadecimal.
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), contenu)


def _flux_decompresses(contenu: bytes) -> list[bytes] | None:
    """The PDF's compressed streams, inflated; None beyond DECOMPRESSE_MAX in all."""
    flux, total = [], 0
    for correspondance in FLUX.finditer(contenu):
        decompresseur = zlib.decompressobj()
        try:
            morceau = decompresseur.decompress(correspondance.group(1), DECOMPRESSE_MAX - total)
        except zlib.error:
            continue  # not a Flate stream (images, fonts): nothing to read in it
        total += len(morceau)
        if decompresseur.unconsumed_tail or total >= DECOMPRESSE_MAX:
            return None
        flux.append(morceau)
    return flux


def _erreurs_archive(contenu: bytes, format_: Format) -> list[str]:
    faux = (
        f"Ce fichier n'est pas un vrai {format_.libelle} : son contenu ne correspond pas à son "
        "extension."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        membres = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return [faux]
    decompresse = sum(membre.file_size for membre in membres)
    if decompresse > DECOMPRESSE_MAX or decompresse > RATIO_MAX * len(contenu):
        return [
            f"Ce {format_.libelle} se décompresse en un volume démesuré "
            f"({decompresse // (1024 * 1024)} Mo) : il est refusé."
        ]
    noms = [membre.filename for membre in membres]
    if any(nom.startswith("/") or ".." in nom.split("/") for nom in noms):
        return [f"Ce {format_.libelle} contient des chemins interdits : il est refusé."]
    if any(nom.lower().endswith("vbaproject.bin") or "/basic/" in nom.lower() for nom in noms):
        return [f"Ce {format_.libelle} contient des macros : enregistrez-le sans macros."]
    if format_.mimetype:
        if (
            not noms
            or noms[0] != "mimetype"
            or archive.read("mimetype").decode("ascii", "replace").strip() != format_.mimetype
        ):
            return [faux]
    elif format_.membre_requis not in noms:
        return [faux]
    return []
