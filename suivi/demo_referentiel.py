"""Demo evaluation referential of a contract, written through the services at its dates.

About a dozen result indicators across the three pillars: some computed every year from
the validated bilans (beneficiaries, share of QPV residents, realised actions), the
others entered by the pilote each January for the year before (2015-2019). Their
baselines are the contract's diagnostic (Propos introductifs, 3: the QPV's figures of
12 March 2015, read from the observations loaded with the contract) where it gives one,
a demo figure of late 2014 otherwise; their targets are due at the end of the contract.

An indicator is found by its code, a measure by its date: a second run creates nothing.
An objective or an action the contract does not have is skipped.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, FicheAction, Habilitation, ObjectifOperationnel
from historique.horloge import rejouer_a
from programmation.demo import moment
from suivi.models import IndicateurResultat, MesureIndicateur
from suivi.services.referentiel import DonneesIndicateur, creer_indicateur, enregistrer_mesure
from territoires.models import Observation

Calcul, Sens = IndicateurResultat.Calcul, IndicateurResultat.Sens
ANNEES = range(2015, 2020)
FIN_2014 = date(2014, 12, 31)
CIBLE = date(2020, 12, 31)
BILANS = "Bilans des actions (CERFA 15059)"
CALCULE = "Calculé chaque année depuis les bilans validés"
MOUS = "Équipe projet politique de la ville (MOUS)"


@dataclass(frozen=True)
class IndicateurDemo:
    code: str
    libelle: str
    unite: str
    objectif: str  # number of the operational objective, or "" for an action
    fiche: int | None  # page of the action's fiche in the plan, or None
    reference: str  # used when the diagnostic gives no figure (`diagnostic`)
    cible: str
    sens: str
    calcul: str = Calcul.SAISIE
    diagnostic: str = ""  # code of the territory's indicator giving the baseline
    source: str = BILANS
    mesure_par: str = CALCULE
    mesures: tuple[str, ...] = ()  # entered values of 2015 to 2019


INDICATEURS: tuple[IndicateurDemo, ...] = (
    # Pilier 2 · Habitat et cadre de vie
    IndicateurDemo(
        "amicales-locataires",
        "Part des logements sociaux du quartier couverts par une amicale de locataires",
        "%",
        "2.1.1",
        None,
        "35",
        "70",
        Sens.HAUSSE,
        source="Bailleurs sociaux, recensement des amicales",
        mesure_par=MOUS,
        mesures=("38", "45", "52", "58", "63"),
    ),
    IndicateurDemo(
        "frequentation-acces-droit",
        "Visites au point d'accès au droit",
        "visites par an",
        "2.2.1",
        None,
        "1200",
        "2000",
        Sens.HAUSSE,
        source="Registre du point d'accès au droit",
        mesure_par="Point d'accès au droit",
        mesures=("1250", "1400", "1580", "1690", "1810"),
    ),
    IndicateurDemo(
        "jeunes-permis",
        "Jeunes du quartier accompagnés vers le permis de conduire",
        "jeunes",
        "2.3.2",
        None,
        "10",
        "40",
        Sens.HAUSSE,
        source="Mission locale",
        mesure_par="Mission locale et service jeunesse",
        mesures=("12", "18", "22", "27", "31"),
    ),
    # Pilier 3 · Développement économique et emploi
    IndicateurDemo(
        "creations-entreprises",
        "Entreprises créées par des habitants du quartier",
        "créations par an",
        "3.1.1",
        None,
        "12",
        "25",
        Sens.HAUSSE,
        source="Chambre de commerce et d'industrie, registre du commerce",
        mesure_par="Service du développement économique",
        mesures=("14", "15", "18", "19", "21"),
    ),
    IndicateurDemo(
        "chomage-jeunes-qpv",
        "Taux de chômage des jeunes du quartier prioritaire",
        "%",
        "3.2.1",
        None,
        "18",
        "14",
        Sens.BAISSE,
        diagnostic="taux-chomage-jeunes",
        source="Pôle emploi ; diagnostic territorial partagé",
        mesure_par=f"{MOUS} avec Pôle emploi",
        mesures=("17,9", "17,6", "17", "16,7", "16,2"),
    ),
    IndicateurDemo(
        "chomage-qpv",
        "Taux de chômage du quartier prioritaire",
        "%",
        "3.2.2",
        None,
        "9,15",
        "7,5",
        Sens.BAISSE,
        diagnostic="taux-chomage",
        source="Pôle emploi ; diagnostic territorial partagé",
        mesure_par=f"{MOUS} avec Pôle emploi",
        mesures=("9,1", "8,9", "8,6", "8,5", "8,1"),
    ),
    IndicateurDemo(
        "demandeurs-infrabac-app",
        "Part des demandeurs d'emploi du quartier de niveau infrabac",
        "%",
        "",
        54,  # Ateliers de Pédagogie Personnalisée
        "62",
        "55",
        Sens.BAISSE,
        diagnostic="demandeurs-emploi-infrabac",
        source="Pôle emploi ; diagnostic territorial partagé",
        mesure_par="Organisme des ateliers de pédagogie personnalisée",
        mesures=("61,5", "60,8", "59,9", "59", "58,2"),
    ),
    IndicateurDemo(
        "femmes-accompagnees",
        "Femmes accompagnées vers l'emploi",
        "femmes",
        "",
        52,  # Accompagnement au féminin
        "15",
        "40",
        Sens.HAUSSE,
        calcul=Calcul.BENEFICIAIRES_FEMMES,
    ),
    # Pilier 4 · Cohésion sociale
    IndicateurDemo(
        "beneficiaires-soutien-educatif",
        "Enfants et jeunes bénéficiaires du soutien éducatif",
        "personnes",
        "4.1.2",
        None,
        "120",
        "400",
        Sens.HAUSSE,
        calcul=Calcul.BENEFICIAIRES,
    ),
    IndicateurDemo(
        "sans-diplome-qpv",
        "Part des 15-60 ans du quartier sans diplôme",
        "%",
        "4.1.2",
        None,
        "77,8",
        "70",
        Sens.BAISSE,
        diagnostic="qualification-sans-diplome",
        source="Insee ; diagnostic territorial partagé",
        mesure_par=MOUS,
        mesures=("77,5", "76,9", "76", "75,2", "74,1"),
    ),
    IndicateurDemo(
        "part-qpv-lien-famille-ecole",
        "Part des bénéficiaires résidant dans le quartier (lien famille-école)",
        "%",
        "4.1.3",
        None,
        "60",
        "75",
        Sens.HAUSSE,
        calcul=Calcul.PART_QPV,
    ),
    IndicateurDemo(
        "femmes-engagement-jeunes",
        "Jeunes femmes bénéficiaires des actions d'engagement des jeunes",
        "personnes",
        "4.1.4",
        None,
        "60",
        "250",
        Sens.HAUSSE,
        calcul=Calcul.BENEFICIAIRES_FEMMES,
    ),
    IndicateurDemo(
        "actions-vie-locale",
        "Actions de vie locale réalisées",
        "actions",
        "4.2.1",
        None,
        "2",
        "8",
        Sens.HAUSSE,
        calcul=Calcul.ACTIONS_REALISEES,
    ),
)


def _nombre(texte: str) -> Decimal:
    return Decimal(texte.replace(",", "."))


def _pilote(contrat: Contrat) -> Utilisateur:
    for role in (Role.PILOTE, Role.ETAT):
        habilitation = (
            Habilitation.objects.filter(contrat=contrat, role=role)
            .select_related("utilisateur")
            .order_by("pk")
            .first()
        )
        if habilitation:
            return habilitation.utilisateur
    raise ValueError("Aucun pilote ne peut définir le référentiel de ce contrat.")


def _reference(contrat: Contrat, demo: IndicateurDemo) -> tuple[Decimal, date]:
    """The QPV's figure of the diagnostic (not a demo observation), else the demo one."""
    if demo.diagnostic:
        observation = (
            Observation.objects.filter(
                quartier__in=contrat.quartiers.all(),
                indicateur__code=demo.diagnostic,
                est_demo=False,
                valeur__isnull=False,
                date__year__lte=ANNEES[0],
            )
            .order_by("-date")
            .first()
        )
        if observation is not None:
            return observation.valeur, observation.date
    return _nombre(demo.reference), FIN_2014


def _rattachement(
    contrat: Contrat, demo: IndicateurDemo
) -> tuple[ObjectifOperationnel | None, FicheAction | None]:
    if demo.objectif:
        objectif = ObjectifOperationnel.objects.filter(
            domaine__pilier__contrat=contrat, numero=demo.objectif
        ).first()
        return objectif, None
    return None, FicheAction.objects.filter(ligne__contrat=contrat, fiche_page=demo.fiche).first()


def _indicateur(
    contrat: Contrat, demo: IndicateurDemo, pilote: Utilisateur
) -> tuple[IndicateurResultat | None, int]:
    existant = IndicateurResultat.objects.filter(contrat=contrat, code=demo.code).first()
    if existant is not None:
        return existant, 0
    objectif, action = _rattachement(contrat, demo)
    if objectif is None and action is None:
        return None, 0
    valeur, jour = _reference(contrat, demo)
    donnees = DonneesIndicateur(
        code=demo.code,
        libelle=demo.libelle,
        unite=demo.unite,
        objectif=objectif,
        action=action,
        valeur_reference=valeur,
        date_reference=jour,
        valeur_cible=_nombre(demo.cible),
        date_cible=CIBLE,
        sens=demo.sens,
        source=demo.source,
        mesure_par=demo.mesure_par,
        calcul=demo.calcul,
    )
    with rejouer_a(moment(date(ANNEES[0], 6, 1), 10)):
        return creer_indicateur(contrat=contrat, donnees=donnees, acteur=pilote, est_demo=True), 1


def _mesures(indicateur: IndicateurResultat, demo: IndicateurDemo, pilote: Utilisateur) -> int:
    if not demo.mesures:
        return 0  # computed from the bilans
    deja = set(
        MesureIndicateur.objects.filter(indicateur=indicateur).values_list("date", flat=True)
    )
    creees = 0
    for annee, valeur in zip(ANNEES, demo.mesures, strict=True):
        jour = date(annee, 12, 31)
        if jour in deja:
            continue
        with rejouer_a(moment(date(annee + 1, 1, 15), 10)):
            enregistrer_mesure(
                indicateur=indicateur,
                date=jour,
                valeur=_nombre(valeur),
                commentaire=f"Mesure {annee} (donnée de démonstration).",
                acteur=pilote,
                est_demo=True,
            )
        creees += 1
    return creees


def generer_demo_referentiel(contrat: Contrat) -> int:
    """The demo indicators and their entered measures; how many rows it created."""
    crees = 0
    with transaction.atomic():
        pilote = _pilote(contrat)
        for demo in INDICATEURS:
            indicateur, nouveau = _indicateur(contrat, demo, pilote)
            if indicateur is not None:
                crees += nouveau + _mesures(indicateur, demo, pilote)
    return crees
