"""The confirmation page of a deposit: what the porteur is about to submit, irreversibly."""

from dataclasses import dataclass
from datetime import date

from programmation.models import Dossier
from programmation.selectors.dossiers import (
    BilanBudget,
    TableauPublic,
    bilan_budget,
    tableau_public,
)
from programmation.selectors.pieces import (
    LignePiece,
    liste_de_controle,
    pieces_du_depot,
)
from programmation.services.dossiers import erreurs_de_completude


@dataclass(frozen=True)
class RecapitulatifDepot:
    dossier: Dossier
    public: TableauPublic
    budget: BilanBudget
    financeurs: list[str]
    requises: list[LignePiece]
    pieces: list[LignePiece]
    erreurs: list[str]

    @property
    def deposable(self) -> bool:
        return not self.erreurs


def recapitulatif_depot(dossier: Dossier, jour: date) -> RecapitulatifDepot:
    """The dossier as it would be frozen on `jour`, and what still prevents its deposit."""
    lignes = list(dossier.lignes_budget.select_related("financeur"))
    return RecapitulatifDepot(
        dossier=dossier,
        public=tableau_public(dossier.beneficiaires.all()),
        budget=bilan_budget(lignes),
        financeurs=sorted({ligne.financeur.nom for ligne in lignes if ligne.financeur}),
        requises=liste_de_controle(dossier, jour),
        pieces=[
            LignePiece(p.nature.label, True, p.nom, p.empreinte, p.libelle_origine)
            for p in pieces_du_depot(dossier, jour)
        ],
        erreurs=erreurs_de_completude(dossier, jour=jour),
    )
