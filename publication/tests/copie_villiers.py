"""A copy of the Villiers folder under another slug: one more contract to load.

Used by the search tests and by bench/recherche.py. The copy shares the commune, the
neighbourhood and the organisations of Villiers, unchanged, as the loader allows.
"""

import shutil
from pathlib import Path

from conftest import DOSSIER_VILLIERS, SLUG_VILLIERS

TITRE_VILLIERS = "Contrat de ville de Villiers-sur-Marne 2015-2020"


def slug_de_la_copie(numero: int) -> str:
    return f"{SLUG_VILLIERS}-copie-{numero}"


def copie_de_villiers(destination: Path, numero: int) -> Path:
    """The Villiers folder copied into `destination`, as contract copy number `numero`."""
    dossier = Path(shutil.copytree(DOSSIER_VILLIERS, destination / f"copie-{numero:02d}"))
    fichier = dossier / "contrat.yaml"
    texte = fichier.read_text(encoding="utf-8")
    for avant, apres in (
        (f"slug: {SLUG_VILLIERS}\n", f"slug: {slug_de_la_copie(numero)}\n"),
        (f"titre: {TITRE_VILLIERS}\n", f"titre: {TITRE_VILLIERS} (copie {numero})\n"),
    ):
        assert avant in texte, f"contrat.yaml de Villiers sans « {avant.strip()} »"
        texte = texte.replace(avant, apres, 1)
    fichier.write_text(texte, encoding="utf-8")
    return dossier
