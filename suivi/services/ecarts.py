"""The table of figures of a bilan: real amounts per account against the provisional budget.

CERFA 15059's second sheet compares, account by account, what the action cost and earned
with the dossier's provisional budget (programmation.LigneBudget); a gap above 15 % must be
explained in the annexe explicative (Article 3 §1.5 of the contract: yearly bilans).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from programmation.models import CompteBudget, LigneBudget
from suivi.models import Bilan

SEUIL_ECART = Decimal(15)
UN_DIXIEME = Decimal("0.1")


def sens_du_compte(compte: str) -> str:
    return LigneBudget.Sens.CHARGE if compte in LigneBudget.COMPTES_CHARGES else "produit"


@dataclass(frozen=True)
class LigneEcart:
    sens: str
    compte: str
    libelle: str
    prevu: Decimal
    realise: Decimal
    ecart: Decimal
    # None for an account the provisional budget did not hold.
    pourcentage: Decimal | None
    explication: str

    @property
    def a_expliquer(self) -> bool:
        if self.pourcentage is None:
            return self.realise > 0
        return abs(self.pourcentage) > SEUIL_ECART

    @property
    def manque_explication(self) -> bool:
        return self.a_expliquer and not self.explication.strip()


@dataclass(frozen=True)
class TableauFinancier:
    charges: list[LigneEcart]
    produits: list[LigneEcart]
    charges_prevues: Decimal
    charges_realisees: Decimal
    produits_prevus: Decimal
    produits_realises: Decimal

    @property
    def lignes(self) -> list[LigneEcart]:
        return self.charges + self.produits


def ecart(prevu: Decimal, realise: Decimal, explication: str, compte: str) -> LigneEcart:
    pourcentage = (
        ((realise - prevu) * 100 / prevu).quantize(UN_DIXIEME, ROUND_HALF_UP) if prevu else None
    )
    return LigneEcart(
        sens=sens_du_compte(compte),
        compte=compte,
        libelle=CompteBudget(compte).label,
        prevu=prevu,
        realise=realise,
        ecart=realise - prevu,
        pourcentage=pourcentage,
        explication=explication,
    )


def budget_previsionnel(bilan: Bilan) -> dict[str, Decimal]:
    """The provisional amount of each account of the dossier's budget, lines summed."""
    sommes = (
        LigneBudget.objects.filter(dossier_id=bilan.dossier_id)
        .values("compte")
        .annotate(total=Sum("montant"))
    )
    return {s["compte"]: s["total"] for s in sommes}


def tableau_financier(bilan: Bilan) -> TableauFinancier:
    """Every account either budget holds, in the chart's order, with its gap in € and %."""
    prevus = budget_previsionnel(bilan)
    realises = {ligne.compte: ligne for ligne in bilan.lignes.all()}
    groupes: dict[str, list[LigneEcart]] = defaultdict(list)
    for compte in CompteBudget.values:
        if compte not in prevus and compte not in realises:
            continue
        ligne = realises.get(compte)
        groupes[sens_du_compte(compte)].append(
            ecart(
                prevus.get(compte, Decimal(0)),
                ligne.realise if ligne else Decimal(0),
                ligne.explication if ligne else "",
                compte,
            )
        )
    charges, produits = groupes[LigneBudget.Sens.CHARGE], groupes[LigneBudget.Sens.PRODUIT]
    return TableauFinancier(
        charges=charges,
        produits=produits,
        charges_prevues=sum((x.prevu for x in charges), Decimal(0)),
        charges_realisees=sum((x.realise for x in charges), Decimal(0)),
        produits_prevus=sum((x.prevu for x in produits), Decimal(0)),
        produits_realises=sum((x.realise for x in produits), Decimal(0)),
    )
