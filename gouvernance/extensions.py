"""Where later apps tell governance what a meeting may examine, without governance
importing them (ARCHITECTURE.md): programmation offers its dossiers, suivi its bilans and
evaluations. Each source fills this list in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ObjetExaminable:
    """Something a meeting of this body could put on its agenda."""

    groupe: str  # "Dossiers", "Bilans"… as the agenda builder lists them
    objet: Any
    libelle: str
    url: str = ""


# (instance, séance) -> the objects its agenda could take, for the agenda builder.
sources_de_points: list[Callable[[Any, Any], list[ObjetExaminable]]] = []

# (objet) -> the page of that object, for the agenda and the relevé.
liens_des_objets: list[Callable[[Any], str | None]] = []


def objets_examinables(instance, seance) -> list[ObjetExaminable]:
    return [objet for source in sources_de_points for objet in source(instance, seance)]


def lien_de(objet) -> str:
    for lien in liens_des_objets:
        url = lien(objet)
        if url:
            return url
    return ""
