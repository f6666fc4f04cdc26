"""Reads of the pieces: the structure's porte-documents, the pieces a dossier carries.

A required nature is satisfied by a piece of the dossier of that nature, else by a piece
of the structure's porte-documents valid on the day (the submission day, for a deposit):
the dossier's own piece wins, since the porteur attached it for this dossier on purpose.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from programmation.models import (
    DocumentStructure,
    Dossier,
    NaturePiece,
    PieceJointe,
    Statut,
    Structure,
    VersionDossier,
)

ORIGINE_DOSSIER = "dossier"
ORIGINE_PORTE_DOCUMENTS = "porte-documents"
LIBELLES_ORIGINE = {
    ORIGINE_DOSSIER: "jointe au dossier",
    ORIGINE_PORTE_DOCUMENTS: "porte-documents de la structure",
}


# ---------------------------------------------------------------- the porte-documents


def documents_actifs(structure: Structure) -> QuerySet[DocumentStructure]:
    """The porte-documents as its porteur sees it: the pieces not retired."""
    return DocumentStructure.objects.filter(structure=structure, retiree_le__isnull=True)


def documents_valides(structure: Structure, jour: date) -> QuerySet[DocumentStructure]:
    """Pieces of the porte-documents valid on `jour`, the most recent first."""
    return (
        documents_actifs(structure)
        .filter(Q(valide_du__isnull=True) | Q(valide_du__lte=jour))
        .filter(Q(valide_au__isnull=True) | Q(valide_au__gte=jour))
        .order_by("nature", "-deposee_le", "-id")
    )


def document_par_pk(pk: int) -> DocumentStructure:
    return get_object_or_404(
        DocumentStructure.objects.select_related("structure__organisation"), pk=pk
    )


@dataclass(frozen=True)
class LigneDocument:
    document: DocumentStructure
    valide: bool
    validite: str


def porte_documents(structure: Structure, jour: date) -> list[LigneDocument]:
    """The porte-documents page: each piece, whether it is valid today and until when."""
    return [
        LigneDocument(document, document.est_valide_le(jour), libelle_validite(document))
        for document in documents_actifs(structure).select_related("deposee_par")
    ]


def libelle_validite(document: DocumentStructure) -> str:
    du, au = document.valide_du, document.valide_au
    if du and au:
        return f"valable du {du:%d/%m/%Y} au {au:%d/%m/%Y}"
    if du:
        return f"valable à partir du {du:%d/%m/%Y}"
    if au:
        return f"valable jusqu'au {au:%d/%m/%Y}"
    return "sans date de fin de validité"


# ---------------------------------------------------------------- the pieces of a dossier


@dataclass(frozen=True)
class PieceRetenue:
    """A piece a dossier carries: one of its own, or one of its structure's porte-documents."""

    nature: NaturePiece
    origine: str
    nom: str
    empreinte: str
    taille: int
    piece: PieceJointe | None = None
    document: DocumentStructure | None = None

    @property
    def libelle_origine(self) -> str:
        return LIBELLES_ORIGINE[self.origine]

    def instantane(self) -> dict[str, Any]:
        """What the frozen version keeps of it: enough to find and check the file again."""
        return {
            "nature": self.nature.value,
            "nom": self.nom,
            "empreinte": self.empreinte,
            "origine": self.origine,
            "id": (self.document or self.piece).pk,
        }


def _de_la_piece(piece: PieceJointe) -> PieceRetenue:
    return PieceRetenue(
        NaturePiece(piece.nature),
        ORIGINE_DOSSIER,
        piece.nom_original,
        piece.empreinte,
        piece.taille,
        piece=piece,
    )


def _du_document(document: DocumentStructure) -> PieceRetenue:
    return PieceRetenue(
        NaturePiece(document.nature),
        ORIGINE_PORTE_DOCUMENTS,
        document.nom_original,
        document.empreinte,
        document.taille,
        document=document,
    )


@dataclass(frozen=True)
class Exigence:
    """A piece the call requires, and the piece that satisfies it for this dossier, if any."""

    nature: NaturePiece
    retenue: PieceRetenue | None

    @property
    def presente(self) -> bool:
        return self.retenue is not None


def exigences(dossier: Dossier, jour: date) -> list[Exigence]:
    """The call's required pieces, in NaturePiece's order, each with what satisfies it."""
    requises = dossier.appel.natures_requises
    if not requises:
        return []
    propres: dict[str, PieceJointe] = {}
    for piece in dossier.pieces.order_by("deposee_le", "id"):
        propres[piece.nature] = piece  # the latest of each nature
    valides: dict[str, DocumentStructure] = {}
    for document in documents_valides(dossier.structure, jour).filter(nature__in=requises):
        valides.setdefault(document.nature, document)
    resultat = []
    for nature in requises:
        if nature in propres:
            resultat.append(Exigence(nature, _de_la_piece(propres[nature])))
        elif nature in valides:
            resultat.append(Exigence(nature, _du_document(valides[nature])))
        else:
            resultat.append(Exigence(nature, None))
    return resultat


def pieces_du_depot(dossier: Dossier, jour: date) -> list[PieceRetenue]:
    """What a deposit on `jour` carries: every piece of the dossier, then the porte-documents'
    pieces that satisfy a required nature the dossier has no piece of."""
    propres = [_de_la_piece(p) for p in dossier.pieces.order_by("deposee_le", "id")]
    empruntees = [
        e.retenue
        for e in exigences(dossier, jour)
        if e.retenue is not None and e.retenue.origine == ORIGINE_PORTE_DOCUMENTS
    ]
    return propres + empruntees


def documents_references(versions: list[VersionDossier]) -> set[int]:
    """Porte-documents pieces the frozen versions name."""
    return {
        piece["id"]
        for version in versions
        for piece in version.contenu.get("pieces", [])
        if piece.get("origine") == ORIGINE_PORTE_DOCUMENTS and "id" in piece
    }


def documents_du_dossier(dossier: Dossier, jour: date) -> set[int]:
    """Porte-documents pieces the dossier uses: those its deposits carried, and while a
    draft, those that satisfy its required pieces today."""
    utilises = documents_references(list(dossier.versions.all()))
    if dossier.statut == Statut.BROUILLON:
        utilises |= {
            e.retenue.document.pk
            for e in exigences(dossier, jour)
            if e.retenue is not None and e.retenue.document is not None
        }
    return utilises


def document_utilise_par_un_depot(document: DocumentStructure) -> bool:
    """Whether a frozen version of one of the structure's dossiers names this piece."""
    versions = VersionDossier.objects.filter(dossier__structure=document.structure_id).only(
        "contenu"
    )
    return document.pk in documents_references(list(versions))


# ---------------------------------------------------------------- what the pages show


@dataclass(frozen=True)
class LignePiece:
    """A line of a checklist or of the pieces of a deposit, with its download link."""

    libelle: str
    presente: bool
    nom: str = ""
    empreinte: str = ""
    origine: str = ""
    url: str = ""
    nature: str = ""
    taille: int = 0


def _url(dossier: Dossier, origine: str, identifiant: int | None) -> str:
    if identifiant is None:
        return ""
    if origine == ORIGINE_PORTE_DOCUMENTS:
        return reverse("programmation:document_du_dossier", args=[dossier.pk, identifiant])
    return reverse("programmation:piece", args=[identifiant])


def _ligne(dossier: Dossier, exigence: Exigence) -> LignePiece:
    retenue = exigence.retenue
    if retenue is None:
        return LignePiece(exigence.nature.label, False, nature=exigence.nature.value)
    identifiant = (retenue.document or retenue.piece).pk
    return LignePiece(
        exigence.nature.label,
        True,
        retenue.nom,
        retenue.empreinte,
        retenue.libelle_origine,
        _url(dossier, retenue.origine, identifiant),
        exigence.nature.value,
        retenue.taille,
    )


def liste_de_controle(dossier: Dossier, jour: date) -> list[LignePiece]:
    """The required pieces of a draft, present (and where from) or missing."""
    return [_ligne(dossier, e) for e in exigences(dossier, jour)]


def pieces_de_la_version(dossier: Dossier, version: VersionDossier) -> list[LignePiece]:
    """The pieces a frozen version carries, as the receipt and the dossier page list them."""
    lignes = []
    for piece in version.contenu.get("pieces", []):
        origine = piece.get("origine", ORIGINE_DOSSIER)
        lignes.append(
            LignePiece(
                NaturePiece(piece["nature"]).label,
                True,
                piece["nom"],
                piece["empreinte"],
                LIBELLES_ORIGINE[origine],
                _url(dossier, origine, piece.get("id")),
                piece["nature"],
            )
        )
    return lignes


@dataclass(frozen=True)
class PiecesDuDossier:
    """Section 6 of the dossier page, beyond the dossier's own pieces."""

    requises: list[LignePiece]
    deposees: list[LignePiece]
    version: VersionDossier | None
    recepisse_url: str


def pieces_de_la_fiche(dossier: Dossier, jour: date) -> PiecesDuDossier:
    version = dossier.versions.order_by("-numero").first()
    brouillon = dossier.statut == Statut.BROUILLON
    return PiecesDuDossier(
        requises=liste_de_controle(dossier, jour) if brouillon else [],
        deposees=pieces_de_la_version(dossier, version) if version else [],
        version=version,
        recepisse_url=reverse("programmation:recepisse", args=[dossier.pk, version.numero])
        if version
        else "",
    )
