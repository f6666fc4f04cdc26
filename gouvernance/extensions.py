"""Where later apps tell governance what a meeting may examine, without governance
importing them (ARCHITECTURE.md): programmation offers its dossiers, suivi its bilans and
evaluations. Each source fills this list in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from contrats.models import Engagement


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
    for lien in (*liens_des_objets, _lien_de_l_engagement):
        url = lien(objet)
        if url:
            return url
    return ""


def _lien_de_l_engagement(objet) -> str | None:
    """An engagement of Article 2 is on its section's page of the contract."""
    if not isinstance(objet, Engagement):
        return None
    section = objet.section
    url = reverse("contrats:engagements", args=[section.contrat.slug, section.numero])
    return f"{url}#engagement-{objet.ordre}"
