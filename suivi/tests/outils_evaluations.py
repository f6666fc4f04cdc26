"""A small evaluated world for the evaluation tests (not a test module: nothing here is
collected), built through the services like the bilan builders of suivi/tests/outils.py.

Calls 2015 to 2018 of Villiers; three funded actions, one a year from 2015 to 2017, each
pursuing the operational objective 4.1.1 (DossierFactory's) and asking the CAF 3 500 € of
droit commun and the État 5 000 € of crédits spécifiques, granted in full:

- A (2015): action of the plan `fiche`, transversal theme `axe`; bilan validated, 10
  women and 12 men of whom 11 live in the QPV, the porteur recommends pursuing it;
- B (2016): bilan deposited, the porteur recommends reorienting it;
- C (2017): bilan expected;

and two 2018 dossiers, deposited: N continues A (same action of the plan), U is unrelated.
"""

from dataclasses import dataclass

from contrats.models import AxeTransversal, FicheAction
from programmation.models import AppelAProjets, Dossier, Statut
from programmation.tests.factories import AppelFactory, villiers
from programmation.tests.outils import dossier_au_statut, mener_au_statut, pilote_du
from suivi.models import Bilan, CodeTransitionBilan
from suivi.services.bilans import transitionner_bilan
from suivi.tests import outils

AVIS = {"caf": ("favorable", "3500"), "etat": ("favorable", "5000")}


@dataclass(frozen=True)
class Monde:
    appels: dict[int, AppelAProjets]
    fiche: FicheAction
    axe: AxeTransversal
    a: Dossier
    b: Dossier
    c: Dossier
    n: Dossier
    u: Dossier

    def bilan(self, dossier: Dossier) -> Bilan:
        return Bilan.objects.get(dossier=dossier)


def finance(appel: AppelAProjets, **champs) -> Dossier:
    """Conventionned: the CAF and the État grant what they were asked."""
    propose = dossier_au_statut(Statut.PROPOSE, avis=AVIS, appel=appel, **champs)
    return mener_au_statut(propose, Statut.CONVENTIONNE)


def construire_monde(est_demo: bool = False) -> Monde:
    contrat = villiers()
    appels = {annee: AppelFactory(contrat=contrat, annee=annee) for annee in range(2015, 2019)}
    fiche = FicheAction.objects.filter(ligne__contrat=contrat).order_by("pk").first()
    axe = AxeTransversal.objects.filter(contrat=contrat).order_by("numero").first()
    a = finance(appels[2015], action_du_plan=fiche, est_demo=est_demo)
    a.axes.set([axe])
    bilan_a = outils.bilan_attendu(a)
    outils.remplir(bilan_a, beneficiaires={"6-11": (10, 12, 11)})
    outils.deposer(bilan_a)
    transitionner_bilan(
        bilan=bilan_a, transition=CodeTransitionBilan.VALIDER, acteur=pilote_du(contrat)
    )
    b = finance(appels[2016], est_demo=est_demo)
    bilan_b = outils.bilan_attendu(b)
    outils.remplir(bilan_b, valeurs={"recommandation": Bilan.Recommandation.REORIENTER})
    outils.deposer(bilan_b)
    c = finance(appels[2017], est_demo=est_demo)
    outils.bilan_attendu(c)
    n = dossier_au_statut(Statut.DEPOSE, appel=appels[2018], action_du_plan=fiche)
    u = dossier_au_statut(Statut.DEPOSE, appel=appels[2018])
    return Monde(appels, fiche, axe, *(Dossier.objects.get(pk=x.pk) for x in (a, b, c, n, u)))
