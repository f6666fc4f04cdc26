"""The whole suivi demo, in the order its parts build on each other: the bilans lived
through their state machine, the evaluation referential (whose computed measures read
those bilans), the evaluations (which decide on the bilans' actions), then the 2019
rapport annuel (which reports all of it), and the yearly follow-up of the signatories'
engagements, reviewed at the COPIL technique. Each part is idempotent.

The referential, the evaluations and the rapport tell the story of the 2015-2020 contract
(its Article 3 §1.5 and §2.1, its 2019 rapport): a contract without those years, such as
the 2024-2030 one, gets its bilans and its engagements' follow-up."""

from dataclasses import dataclass

from contrats.models import Contrat
from suivi.demo import BilanDemo, generer_demo
from suivi.demo_engagements import generer_suivis_engagements
from suivi.demo_evaluations import generer_demo_evaluations
from suivi.demo_rapports import ANNEE as ANNEE_DU_RAPPORT
from suivi.demo_rapports import generer_demo_rapports
from suivi.demo_referentiel import generer_demo_referentiel
from suivi.services.evaluations import annees_du_contrat


@dataclass(frozen=True)
class DemoSuivi:
    bilans: BilanDemo
    referentiel: int
    evaluations: int
    rapports: int
    engagements: int  # yearly follow-ups of the signatories' engagements

    @property
    def total(self) -> int:
        return (
            self.bilans.total
            + self.referentiel
            + self.evaluations
            + self.rapports
            + self.engagements
        )

    def en_dict(self) -> dict[str, int]:
        return {
            **self.bilans.en_dict(),
            "référentiel": self.referentiel,
            "évaluations": self.evaluations,
            "rapports annuels": self.rapports,
            "suivis d'engagements": self.engagements,
        }


def generer_demo_suivi(contrat: Contrat) -> DemoSuivi:
    bilans = generer_demo(contrat)
    recit_2015 = ANNEE_DU_RAPPORT in annees_du_contrat(contrat)
    return DemoSuivi(
        bilans=bilans,
        referentiel=generer_demo_referentiel(contrat) if recit_2015 else 0,
        evaluations=generer_demo_evaluations(contrat) if recit_2015 else 0,
        rapports=generer_demo_rapports(contrat) if recit_2015 else 0,
        engagements=generer_suivis_engagements(contrat).get("suivis", 0),
    )
