"""Helpers shared by the contrats tests and the tests of the apps built on contrats.

Not a test module: nothing here is collected.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def reecrire(dossier: Path, fichier: str, modifier: Callable[[Any], None]) -> None:
    """Load a YAML file of the folder, let `modifier` change it in place, write it back."""
    chemin = dossier / fichier
    donnees = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    modifier(donnees)
    chemin.write_text(
        yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def donnees_du_formulaire(reponse) -> dict[str, str]:
    """The admin's change form as it was rendered, ready to post back."""
    formulaire = reponse.context["adminform"].form
    donnees = {}
    for nom in formulaire.fields:
        valeur = formulaire[nom].value()
        donnees[nom] = "" if valeur is None else valeur
    return donnees
