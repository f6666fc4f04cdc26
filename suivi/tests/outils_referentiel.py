"""Builders of the evaluation referential's tests (not a test module: nothing is collected).

`donnees` is a valid definition of an indicator of Villiers' objective 3.2.2 (the QPV's
unemployment rate, from 9,15 % in March 2015 down to 7,5 % at the end of 2020), which
each test amends through keyword arguments.
"""

from datetime import date
from decimal import Decimal

from contrats.models import Contrat, FicheAction, ObjectifOperationnel
from programmation.tests.outils import pilote_du
from suivi.models import IndicateurResultat
from suivi.services.referentiel import DonneesIndicateur, creer_indicateur, enregistrer_mesure

Calcul, Sens = IndicateurResultat.Calcul, IndicateurResultat.Sens


def objectif(contrat: Contrat, numero: str) -> ObjectifOperationnel:
    return ObjectifOperationnel.objects.get(domaine__pilier__contrat=contrat, numero=numero)


def action(contrat: Contrat, fiche: int) -> FicheAction:
    return FicheAction.objects.get(ligne__contrat=contrat, fiche_page=fiche)


def donnees(contrat: Contrat, **modifs) -> DonneesIndicateur:
    valeurs = {
        "code": "chomage-qpv",
        "libelle": "Taux de chômage du quartier prioritaire",
        "unite": "%",
        "objectif": objectif(contrat, "3.2.2"),
        "action": None,
        "valeur_reference": Decimal("9.15"),
        "date_reference": date(2015, 3, 12),
        "valeur_cible": Decimal("7.5"),
        "date_cible": date(2020, 12, 31),
        "sens": Sens.BAISSE,
        "source": "Pôle emploi",
        "mesure_par": "Équipe projet",
        "calcul": Calcul.SAISIE,
    }
    return DonneesIndicateur(**{**valeurs, **modifs})


def indicateur(contrat: Contrat, **modifs) -> IndicateurResultat:
    return creer_indicateur(
        contrat=contrat, donnees=donnees(contrat, **modifs), acteur=pilote_du(contrat)
    )


def mesurer(indicateur: IndicateurResultat, jour: date, valeur: str, commentaire: str = ""):
    return enregistrer_mesure(
        indicateur=indicateur,
        date=jour,
        valeur=Decimal(valeur),
        commentaire=commentaire,
        acteur=pilote_du(indicateur.contrat),
    )
