"""HTML printed to PDF in Marianne, the State's typeface, read from the installed dsfr
package: the one printer of every app's documents."""

from pathlib import Path

import dsfr

DOSSIER_POLICES = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"
GRAISSES = (
    ("Marianne-Light", 300, "normal"),
    ("Marianne-Regular", 400, "normal"),
    ("Marianne-Regular_Italic", 400, "italic"),
    ("Marianne-Medium", 500, "normal"),
    ("Marianne-Bold", 700, "normal"),
)


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


def en_pdf(html: str) -> bytes:
    """An HTML page printed to PDF, in Marianne."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF requests need.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint ignores @font-face unless one FontConfiguration serves both calls.
    polices = FontConfiguration()
    css = CSS(string=css_polices(), font_config=polices)
    return HTML(string=html).write_pdf(stylesheets=[css], font_config=polices)
