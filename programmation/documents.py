"""PDF documents of the programmation: the funding convention, laid out in French."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import dsfr
from django.template.loader import render_to_string

from contrats.models import ObjectifOperationnel, Signataire
from contrats.selectors import cle_numero
from programmation.models import Convention, NatureCredit, Structure

DOSSIER_POLICES = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"
GRAISSES = (
    ("Marianne-Light", 300, "normal"),
    ("Marianne-Regular", 400, "normal"),
    ("Marianne-Regular_Italic", 400, "italic"),
    ("Marianne-Medium", 500, "normal"),
    ("Marianne-Bold", 700, "normal"),
)
PART_AVANCE = Decimal("0.5")
AU_TITRE_DE = {
    NatureCredit.DROIT_COMMUN: "du droit commun",
    NatureCredit.CREDITS_SPECIFIQUES: "des crédits spécifiques de la politique de la ville",
}


def css_polices() -> str:
    """@font-face rules for Marianne, read from the files of the installed dsfr package."""
    regles = []
    for nom, graisse, style in GRAISSES:
        fichier = DOSSIER_POLICES / f"{nom}.woff"
        if fichier.is_file():
            regles.append(
                "@font-face { font-family: 'Marianne'; "
                f"src: url('{fichier.as_uri()}') format('woff'); "
                f"font-weight: {graisse}; font-style: {style}; }}"
            )
    return "\n".join(regles)


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
    # Imported here: WeasyPrint loads Pango at import, which only PDF requests need.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    polices = FontConfiguration()
    css = CSS(string=css_polices(), font_config=polices)
    return HTML(string=convention_html(convention)).write_pdf(
        stylesheets=[css], font_config=polices
    )
