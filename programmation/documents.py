"""PDF documents of the programmation, laid out in French: the funding convention and the
receipt of a deposit (récépissé de dépôt)."""

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from contrats.models import ObjectifOperationnel, Signataire
from contrats.selectors import cle_numero
from historique.pdf import en_pdf
from programmation.models import Convention, NatureCredit, Structure, VersionDossier
from programmation.selectors.pieces import LignePiece, pieces_de_la_version

PART_AVANCE = Decimal("0.5")
AU_TITRE_DE = {
    NatureCredit.DROIT_COMMUN: "du droit commun",
    NatureCredit.CREDITS_SPECIFIQUES: "des crédits spécifiques de la politique de la ville",
}


@dataclass(frozen=True)
class Partie:
    nom: str
    representant: str
    qualite: str


@dataclass(frozen=True)
class ContenuConvention:
    convention: Convention
    contrat_titre: str
    financeur: Partie
    structure: Structure
    structure_nom: str
    structure_type: str
    objectifs_operationnels: list[ObjectifOperationnel]
    nature: str
    au_titre_de: str
    avance: Decimal
    solde: Decimal
    part_avance: int
    lieu: str


def contenu_convention(convention: Convention) -> ContenuConvention:
    """Everything the convention prints, prepared so that the template does not compute."""
    financement = convention.financement
    dossier = financement.dossier
    contrat = dossier.appel.contrat
    signataire = (
        Signataire.objects.filter(contrat=contrat, organisation=financement.financeur_id)
        .only("representant", "qualite")
        .first()
    )
    avance = (convention.montant * PART_AVANCE).quantize(Decimal("0.01"), ROUND_HALF_UP)
    commune = contrat.communes.order_by("nom").first()
    structure = dossier.structure
    return ContenuConvention(
        convention=convention,
        contrat_titre=contrat.titre,
        financeur=Partie(
            nom=financement.financeur.nom,
            representant=signataire.representant if signataire else "",
            qualite=(signataire.qualite or "") if signataire else "",
        ),
        structure=structure,
        structure_nom=structure.organisation.nom,
        structure_type=structure.get_type_display(),
        objectifs_operationnels=sorted(
            dossier.objectifs_operationnels.all(), key=lambda o: cle_numero(o.numero)
        ),
        nature=financement.get_nature_display(),
        au_titre_de=AU_TITRE_DE.get(financement.nature, financement.get_nature_display()),
        avance=avance,
        solde=convention.montant - avance,
        part_avance=int(PART_AVANCE * 100),
        lieu=commune.nom if commune else "",
    )


def convention_html(convention: Convention) -> str:
    contenu = contenu_convention(convention)
    return render_to_string(
        "programmation/convention.html",
        {"c": contenu, "convention": convention, "dossier": convention.financement.dossier},
    )


def convention_pdf(convention: Convention) -> bytes:
    return en_pdf(convention_html(convention))


# ---------------------------------------------------------------- receipt of a deposit

# How the receipt's fingerprint is computed, printed on it so that anyone can check it.
FORMULE_EMPREINTE = (
    'sha256(json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"))'
    '.encode("utf-8"))'
)


def json_canonique(contenu: Any) -> bytes:
    """The frozen version's JSON in one canonical form: sorted keys, no spaces, UTF-8."""
    return json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def empreinte_version(version: VersionDossier) -> str:
    return hashlib.sha256(json_canonique(version.contenu)).hexdigest()


@dataclass(frozen=True)
class ContenuRecepisse:
    version: VersionDossier
    numero: str
    depose_le: str
    intitule: str
    appel: str
    contrat: str
    structure: Structure
    structure_nom: str
    deposant: str
    pieces: list[LignePiece]
    empreinte: str
    formule: str


def contenu_recepisse(version: VersionDossier) -> ContenuRecepisse:
    """What the receipt prints, from the frozen version: what was submitted, and when."""
    dossier = version.dossier
    structure = dossier.structure
    return ContenuRecepisse(
        version=version,
        numero=dossier.numero,
        depose_le=timezone.localtime(version.creee_le).strftime("%d/%m/%Y à %H:%M"),
        intitule=version.contenu.get("intitule", dossier.intitule),
        appel=dossier.appel.titre,
        contrat=dossier.appel.contrat.titre,
        structure=structure,
        structure_nom=structure.organisation.nom,
        deposant=str(version.acteur),
        pieces=pieces_de_la_version(dossier, version),
        empreinte=empreinte_version(version),
        formule=FORMULE_EMPREINTE,
    )


def recepisse_html(version: VersionDossier) -> str:
    return render_to_string(
        "programmation/recepisse.html",
        {"r": contenu_recepisse(version), "dossier": version.dossier},
    )


def recepisse_pdf(version: VersionDossier) -> bytes:
    return en_pdf(recepisse_html(version))
