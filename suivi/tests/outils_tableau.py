"""Builders of the tableau de bord tests (not a test module: nothing here is collected).

`petit_contrat` lives a small programmation through the services (two years, two
pillars, two financeurs, both natures, a cancelled payment) and the bilans of its funded
actions (one realised, one not carried out); the tests hold its figures computed by hand.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from contrats.models import Contrat, ObjectifOperationnel, Pilier
from historique.horloge import aujourdhui
from programmation.models import Convention, Dossier, NatureCredit, Paiement, Statut
from programmation.services.paiements import annuler_paiement, enregistrer_paiement
from programmation.tests import outils
from programmation.tests.factories import AppelFactory, DossierFactory
from suivi.models import Bilan, CodeTransitionBilan, IndicateurResultat
from suivi.services.bilans import bilan_du_dossier, transitionner_bilan
from suivi.services.referentiel import DonneesIndicateur, creer_indicateur, enregistrer_mesure
from suivi.tests.outils import deposer, remplir

# The real public of the balanced dossier's bilan: (femmes, hommes, résidents du QPV).
PUBLIC_REEL = {"6-11": (9, 12, 10), "26-64": (4, 0, 1)}

DC, CS = NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES


@dataclass(frozen=True)
class Cadre:
    """The pillars and objectives of the fixture, read from the Villiers contract."""

    pilier_4: Pilier
    pilier_2: Pilier
    objectif_a: ObjectifOperationnel  # of pillar 4, domain 4.1
    objectif_b: ObjectifOperationnel  # of pillar 4, domain 4.1 too
    objectif_c: ObjectifOperationnel  # of pillar 2


def cadre(contrat: Contrat) -> Cadre:
    pilier_4 = contrat.piliers.get(numero="4")
    pilier_2 = contrat.piliers.get(numero="2")
    objectifs_41 = list(pilier_4.domaines.get(numero="4.1").objectifs.order_by("numero")[:2])
    return Cadre(
        pilier_4=pilier_4,
        pilier_2=pilier_2,
        objectif_a=objectifs_41[0],
        objectif_b=objectifs_41[1],
        objectif_c=ObjectifOperationnel.objects.filter(domaine__pilier=pilier_2)
        .order_by("domaine__numero", "numero")
        .first(),
    )


def dossier(
    appel,
    pilier: Pilier,
    objectifs: list[ObjectifOperationnel],
    subventions: list[tuple[str, str, str]],
    beneficiaires: list[tuple[str, int, int]],
    part_qpv: int | None,
) -> Dossier:
    """A complete draft of that pillar, objectives, budget and public."""
    brouillon = DossierFactory(
        complet=True,
        appel=appel,
        pilier=pilier,
        part_residents_qpv=part_qpv,
        remplir__subventions=subventions,
        remplir__beneficiaires=beneficiaires,
    )
    brouillon.objectifs_operationnels.set(objectifs)
    return brouillon


def payer(dossier: Dossier, code: str, montant: str) -> Paiement:
    convention = Convention.objects.select_related(
        "financement__financeur", "financement__dossier__appel__contrat"
    ).get(financement__dossier=dossier, financement__financeur__code=code)
    return enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.AVANCE,
        montant=Decimal(montant),
        date=aujourdhui(),
        acteur=outils.instructeur_de(convention.financement),
    )


@dataclass(frozen=True)
class PetitContrat:
    annee_1: int
    annee_2: int
    cadre: Cadre
    solde: Dossier
    conventionne: Dossier
    refuse: Dossier
    valide: Dossier
    brouillon: Dossier


def petit_contrat(contrat: Contrat) -> PetitContrat:
    """Two calls; in the first a balanced, a conventioned (one payment cancelled) and a
    refused dossier, in the second a validated one and a draft (which never counts)."""
    c = cadre(contrat)
    appel_1, appel_2 = AppelFactory(contrat=contrat), AppelFactory(contrat=contrat)
    solde = outils.mener_au_statut(
        dossier(
            appel_1,
            c.pilier_4,
            [c.objectif_a],
            [("caf", DC, "4000"), ("etat", CS, "5000")],
            [("6-11", 10, 12)],
            50,
        ),
        Statut.CONVENTIONNE,
        avis={"caf": ("favorable", "3500"), "etat": ("favorable", "5000")},
    )
    valider(bilan_realise(solde, PUBLIC_REEL))
    solde = outils.mener_au_statut(solde, Statut.SOLDE)
    conventionne = outils.mener_au_statut(
        dossier(
            appel_1,
            c.pilier_2,
            [c.objectif_c],
            [("caf", DC, "2000"), ("etat", CS, "3000")],
            [("16-25", 5, 5)],
            None,
        ),
        Statut.CONVENTIONNE,
    )
    payer(conventionne, "caf", "1000")
    erreur = payer(conventionne, "etat", "500")
    annuler_paiement(
        paiement=erreur,
        motif="Saisi par erreur",
        acteur=outils.instructeur_de(erreur.convention.financement),
    )
    valider(non_realisation(conventionne))
    refuse = outils.mener_au_statut(
        dossier(appel_1, c.pilier_4, [c.objectif_a], [("caf", DC, "1000")], [("26-64", 7, 0)], 80),
        Statut.REFUSE,
    )
    # Two objectives of the same domain: the domain counts it once.
    valide = outils.mener_au_statut(
        dossier(
            appel_2,
            c.pilier_4,
            [c.objectif_a, c.objectif_b],
            [("etat", CS, "6000")],
            [("0-5", 3, 1)],
            100,
        ),
        Statut.VALIDE,
    )
    brouillon = dossier(
        appel_2, c.pilier_2, [c.objectif_c], [("caf", DC, "9999")], [("6-11", 50, 50)], 100
    )
    return PetitContrat(
        appel_1.annee, appel_2.annee, c, solde, conventionne, refuse, valide, brouillon
    )


def bilan_realise(dossier: Dossier, public: dict[str, tuple[int, int, int]]) -> Bilan:
    """Its porteur files the bilan as planned, with this real public, and deposits it."""
    bilan = bilan_du_dossier(dossier)
    remplir(bilan, beneficiaires=public)
    return deposer(bilan)


def non_realisation(dossier: Dossier) -> Bilan:
    """Its porteur attests that the action did not take place."""
    return transitionner_bilan(
        bilan=bilan_du_dossier(dossier),
        transition=CodeTransitionBilan.ATTESTER_NON_REALISATION,
        acteur=outils.porteur_du(dossier),
        motif="L'animateur est parti : l'action n'a pas eu lieu.",
    )


def valider(bilan: Bilan) -> Bilan:
    return transitionner_bilan(
        bilan=bilan,
        transition=CodeTransitionBilan.VALIDER,
        acteur=outils.pilote_du(bilan.dossier.appel.contrat),
    )


Calcul, Sens = IndicateurResultat.Calcul, IndicateurResultat.Sens


def indicateur(
    contrat: Contrat,
    code: str,
    objectif: ObjectifOperationnel,
    calcul: str,
    reference: str,
    cible: str,
    sens: str = Sens.HAUSSE,
) -> IndicateurResultat:
    """An indicator of that objective, its baseline at the end of 2024, due end of 2045."""
    return creer_indicateur(
        contrat=contrat,
        donnees=DonneesIndicateur(
            code=code,
            libelle=f"Indicateur {code}",
            unite="personnes" if calcul != Calcul.SAISIE else "%",
            objectif=objectif,
            action=None,
            valeur_reference=Decimal(reference),
            date_reference=date(2024, 1, 1),
            valeur_cible=Decimal(cible),
            date_cible=date(2045, 12, 31),
            sens=sens,
            calcul=calcul,
        ),
        acteur=outils.pilote_du(contrat),
    )


@dataclass(frozen=True)
class Indicateurs:
    beneficiaires_a: IndicateurResultat  # computed: 25 real beneficiaries in year 1
    actions_c: IndicateurResultat  # computed: its only action was not carried out
    saisi_b: IndicateurResultat  # entered: 45 % in mid-2024, 28 % in mid-2025


def indicateurs_du_petit_contrat(contrat: Contrat, petit: PetitContrat) -> Indicateurs:
    c = petit.cadre
    saisi_b = indicateur(contrat, "saisi-b", c.objectif_b, Calcul.SAISIE, "50", "30", Sens.BAISSE)
    for jour, valeur in ((date(2024, 6, 30), "45"), (date(2025, 6, 30), "28")):
        enregistrer_mesure(
            indicateur=saisi_b,
            date=jour,
            valeur=Decimal(valeur),
            acteur=outils.pilote_du(contrat),
        )
    return Indicateurs(
        beneficiaires_a=indicateur(
            contrat, "beneficiaires-a", c.objectif_a, Calcul.BENEFICIAIRES, "10", "40"
        ),
        actions_c=indicateur(
            contrat, "actions-c", c.objectif_c, Calcul.ACTIONS_REALISEES, "0", "2"
        ),
        saisi_b=saisi_b,
    )


def lire_csv(contenu: bytes) -> list[dict[str, str]]:
    assert contenu.startswith(b"\xef\xbb\xbf"), "le CSV commence par l'indicateur d'ordre UTF-8"
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def montant(texte: str) -> Decimal:
    """A French amount ("1 234,56", "1234,56") as a number."""
    return Decimal(
        texte.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    )
