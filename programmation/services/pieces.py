"""Pieces required by a call, and the structure's porte-documents (add, replace, retire).

A submitted dossier keeps the pieces it was submitted with by reference: its frozen
version names each porte-documents piece it used (id and SHA-256), and a piece so named
is never deleted nor changed. Retiring it only takes it out of the porte-documents (new
dossiers no longer use it); a piece no deposit named is deleted with its file. Files are
thus kept once, never copied, and what a committee reads is what was submitted.
"""

import hashlib
from collections.abc import Iterable
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from comptes.models import Utilisateur
from contrats.models import Contrat
from historique.fichiers import nom_sur
from historique.horloge import maintenant
from historique.services import enregistrer_evenement
from programmation import permissions
from programmation.actions import ActionProgrammation
from programmation.models import DocumentStructure, Dossier, NaturePiece, Structure
from programmation.selectors.pieces import document_utilise_par_un_depot, exigences
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant

# ---------------------------------------------------------------- required pieces


def pieces_manquantes(dossier: Dossier, *, jour: date) -> list[str]:
    """The call's required pieces the dossier lacks on `jour`, one French sentence each."""
    return [
        f"Pièce manquante : {e.nature.label}." for e in exigences(dossier, jour) if not e.presente
    ]


def normaliser_pieces_requises(codes: Iterable[str]) -> list[str]:
    """Codes of required natures, checked, without repeats, in NaturePiece's order."""
    codes = set(codes)
    exigibles = [nature.value for nature in NaturePiece.exigibles()]
    inconnues = sorted(codes - set(exigibles))
    if inconnues:
        raise DonneesInvalides(
            "Ces pièces ne peuvent pas être exigées : " + ", ".join(inconnues) + "."
        )
    return [code for code in exigibles if code in codes]


def libelles_pieces(codes: Iterable[str]) -> list[str]:
    return [NaturePiece(code).label for code in codes]


# ---------------------------------------------------------------- the porte-documents


def _exiger_porteur(acteur: Utilisateur, contrat: Contrat, structure: Structure) -> None:
    if not permissions.peut_gerer_porte_documents(acteur, contrat, structure):
        raise DroitInsuffisant("Seul le porteur de la structure gère son porte-documents.")


def _verifier(fichier: UploadedFile, valide_du: date | None, valide_au: date | None) -> None:
    # services.dossiers imports this module (erreurs_de_completude): imported here.
    from programmation.services.dossiers import erreurs_piece

    erreurs = erreurs_piece(fichier)
    if valide_du and valide_au and valide_au < valide_du:
        erreurs.append("La fin de validité ne peut pas précéder son début.")
    if erreurs:
        raise DonneesInvalides("La pièce n'est pas ajoutée au porte-documents.", erreurs)


def _enregistrer(
    *,
    structure: Structure,
    nature: str,
    fichier: UploadedFile,
    valide_du: date | None,
    valide_au: date | None,
    acteur: Utilisateur,
) -> DocumentStructure:
    contenu = b"".join(fichier.chunks())
    document = DocumentStructure(
        structure=structure,
        nature=nature,
        nom_original=nom_sur(fichier.name),
        taille=fichier.size,
        empreinte=hashlib.sha256(contenu).hexdigest(),
        valide_du=valide_du,
        valide_au=valide_au,
        deposee_par=acteur,
    )
    fichier.seek(0)
    document.fichier.save(fichier.name, fichier, save=False)
    document.save()
    return document


def _changements(document: DocumentStructure) -> dict[str, str]:
    return {
        "pièce": document.nom_original,
        "nature": document.nature,
        "empreinte": document.empreinte,
        "valide_du": str(document.valide_du or ""),
        "valide_au": str(document.valide_au or ""),
    }


def ajouter_document(
    *,
    structure: Structure,
    contrat: Contrat,
    nature: str,
    fichier: UploadedFile,
    acteur: Utilisateur,
    valide_du: date | None = None,
    valide_au: date | None = None,
) -> DocumentStructure:
    """Keep a piece once in the structure's porte-documents, for all its dossiers."""
    _exiger_porteur(acteur, contrat, structure)
    if nature not in NaturePiece.values:
        raise DonneesInvalides(f"Nature de pièce inconnue : « {nature} ».")
    _verifier(fichier, valide_du, valide_au)
    with transaction.atomic():
        document = _enregistrer(
            structure=structure,
            nature=nature,
            fichier=fichier,
            valide_du=valide_du,
            valide_au=valide_au,
            acteur=acteur,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=structure,
            action=ActionProgrammation.DOCUMENT_AJOUTE,
            changements=_changements(document),
        )
    return document


def remplacer_document(
    *,
    document: DocumentStructure,
    contrat: Contrat,
    fichier: UploadedFile,
    acteur: Utilisateur,
    valide_du: date | None = None,
    valide_au: date | None = None,
) -> DocumentStructure:
    """A new file for the same nature; the replaced piece is retired (see `retirer_document`)."""
    _exiger_porteur(acteur, contrat, document.structure)
    _verifier(fichier, valide_du, valide_au)
    with transaction.atomic():
        ancien = _verrouiller_actif(document)
        nouveau = _enregistrer(
            structure=ancien.structure,
            nature=ancien.nature,
            fichier=fichier,
            valide_du=valide_du,
            valide_au=valide_au,
            acteur=acteur,
        )
        _retirer(ancien)
        enregistrer_evenement(
            acteur=acteur,
            objet=ancien.structure,
            action=ActionProgrammation.DOCUMENT_REMPLACE,
            changements={**_changements(nouveau), "remplace": ancien.nom_original},
        )
    return nouveau


def retirer_document(*, document: DocumentStructure, contrat: Contrat, acteur: Utilisateur) -> bool:
    """Take a piece out of the porte-documents. True if it is kept for a submitted dossier."""
    _exiger_porteur(acteur, contrat, document.structure)
    with transaction.atomic():
        courant = _verrouiller_actif(document)
        enregistrer_evenement(
            acteur=acteur,
            objet=courant.structure,
            action=ActionProgrammation.DOCUMENT_RETIRE,
            changements={"pièce": courant.nom_original, "nature": courant.nature},
        )
        return _retirer(courant)


def _verrouiller_actif(document: DocumentStructure) -> DocumentStructure:
    courant = (
        DocumentStructure.objects.select_for_update(of=("self",))
        .select_related("structure__organisation")
        .get(pk=document.pk)
    )
    if courant.retiree_le is not None:
        raise DonneesInvalides("Cette pièce a déjà été retirée du porte-documents.")
    return courant


def _retirer(document: DocumentStructure) -> bool:
    # A deposit of the structure in progress holds its dossier's lock: waiting for it
    # makes its frozen version visible to the check below.
    list(Dossier.objects.select_for_update().filter(structure=document.structure_id).values("pk"))
    if document_utilise_par_un_depot(document):
        document.retiree_le = maintenant()
        document.save(update_fields=["retiree_le"])
        return True
    fichier = document.fichier
    document.delete()
    # The file goes only once the deletion is committed: a rollback keeps both.
    transaction.on_commit(lambda: fichier.delete(save=False))
    return False
