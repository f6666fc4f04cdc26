"""Where later apps add to the contract's pages without contrats importing them
(ARCHITECTURE.md): gouvernance puts the meetings held per body and year on the governance
page, programmation and gouvernance say how an organisation takes part in a contract. Each
fills these lists in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SectionDePage:
    """A block of a contract page: the template that renders it and what it shows."""

    gabarit: str
    donnees: dict[str, Any]


# (contrat) -> a section of the governance page, or None.
sections_de_la_gouvernance: list[Callable[[Any], SectionDePage | None]] = []


def sections_gouvernance(contrat) -> list[SectionDePage]:
    sections = (fournisseur(contrat) for fournisseur in sections_de_la_gouvernance)
    return [section for section in sections if section is not None]


# Lookup paths from an Organisation to the contracts it takes part in, beyond those of
# contrats (the admin lets a pilote change only an organisation of their own contracts).
chemins_organisation_contrat: list[str] = []
