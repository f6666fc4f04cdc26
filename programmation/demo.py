"""Demo programmation: the years of calls for projects of a contract, lived through the
real services. For the 2015-2020 contract:

- 2015: the call of the seed (25 March to 15 April 2015), whose dossiers are the 55 actions
  of the contract's plan d'actions, in its order, all programmed; porteurs, people targeted
  and who carries the actions follow the seed's synthetic presentation (Article 3 §2.1.1).
- 2016 to 2020: 30 to 45 dossiers a year, renewals of the plan's actions, in every state a
  dossier goes through (refused, inadmissible with a reason, adjourned, conventionned with
  their advances paid; the 2020 call still has dossiers in instruction). The dossiers drawn
  "soldé" stay conventionné here: their balance waits for the validated bilan of the
  action, which the demo of the app suivi files before paying it.

A 2024-2030 contract gets the same years from its first one: its plan's call in 2024, then
every year whose calendar is past (`derniere_annee_demontrable`), the renewals capped by
the actions its plan has.

Everything is drawn from one random generator seeded with the first year (`Generateur`), before any
database read of demo objects: two runs compute the same data. The `Ecrivain` then lives
each year as its people would, through the services the screens use: the pilote opens the
call, fixes its envelopes and publishes it; each structure's porteur registers it, writes
its dossiers and deposits them; the comité de recevabilité, the instruction, the avis of
each financeur's agents, the COPIL politique, the conventions and the payments follow.
Each step is replayed at its date (`historique.horloge.rejouer_a`), so every dossier has
its typed log of transitions, its frozen version and a timeline that reads as a real year;
no e-mail leaves (`courriels_suspendus`).

A call whose year already exists is skipped whole, so a second run creates nothing (a real
call of that year is reported: demo dossiers never mix with real ones); structures and
accounts are looked up by their codes. Calls, structures, dossiers and séances are marked
est_demo; organisations and the accounts that act for them, which have no such flag, get a
code or a username starting with "demo-" (besides the printed accounts of contrats.demo).
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import product

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from comptes.models import Role, Utilisateur
from contrats.demo import COMPTES_DEMO, creer_comptes_demo
from contrats.models import (
    AxeTransversal,
    Contrat,
    FicheAction,
    Generation,
    Habilitation,
    Instance,
    Organisation,
)
from contrats.services import attribuer_habilitation
from historique.horloge import aujourdhui, maintenant, rejouer_a
from programmation.demo_avis import generer_avis_demo
from programmation.models import (
    AppelAProjets,
    CodeTransition,
    Convention,
    ConventionPluriannuelle,
    Dossier,
    Financement,
    NatureCredit,
    Paiement,
    Statut,
    Structure,
    TransitionDossier,
)
from programmation.services.appels import DonneesAppel, creer_appel, fixer_enveloppe, publier_appel
from programmation.services.comites import DecisionDemandee
from programmation.services.conventions_pluriannuelles import (
    rattacher_convention_pluriannuelle,
    signer_convention_pluriannuelle,
)
from programmation.services.dossiers import (
    SectionAction,
    creer_dossier,
    enregistrer_beneficiaires,
    enregistrer_budget,
    modifier_action,
)
from programmation.services.instruction import donner_avis, fixer_montant_accorde
from programmation.services.notifications import courriels_suspendus
from programmation.services.paiements import enregistrer_paiement
from programmation.services.seances import lancer_instruction, tenir_comite
from programmation.services.structures import TYPES_ORGANISATION, creer_structure
from programmation.services.transitions import transitionner
from programmation.validateurs import cle_luhn

# A year is demoed once its calendar is all past: its last step, the advances, is done
# by the end of September (Calendrier).
FIN_DU_CALENDRIER = (9, 30)
COMPTES = {compte.identifiant: compte for compte in COMPTES_DEMO}
# The structures of the printed porteur accounts: their actions come back every year.
PORTEURS_DEMO = (COMPTES["porteur"], COMPTES["porteur2"])
CODES_PORTEURS_DEMO = frozenset(compte.organisation for compte in PORTEURS_DEMO)
PREFIXE_CODE = "demo-"
DOMAINE_COURRIEL = "demo.contrat-de-ville.test"
SIREN_COMMUNE_SANS_CLE = "21940079"
GROUPE_PRE = "Dispositif PRE"

CS = NatureCredit.CREDITS_SPECIFIQUES
DC = NatureCredit.DROIT_COMMUN
ETAT, COMMUNE, CAF, REGION, DEPARTEMENT = (
    "etat",
    "commune",
    "caf",
    "region-idf",
    "departement-94",
)
ENVELOPPES = ((ETAT, CS), (COMMUNE, CS), (COMMUNE, DC), (CAF, DC), (REGION, DC), (DEPARTEMENT, DC))
# A financeur's own agents give its avis and record its payments (permissions.peut_instruire):
# the printed financeur accounts, else a named agent who cannot log in.
AGENTS_DEMO = {c.organisation: c.identifiant for c in COMPTES_DEMO if c.role == Role.FINANCEUR}
AGENTS_SANS_COMPTE = {DEPARTEMENT: ("Élodie", "Marchand")}

# Seed figures used when a contract has no synthetic presentation of its plan.
SYNTHESE_PAR_DEFAUT = {
    "part_associations": 51,
    "part_services_municipaux": 40,
    "part_benevoles": 34.5,
    "personnes_ciblees": 7000,
    "repartition_piliers": {
        "cohesion-sociale": 58,
        "emploi-developpement-economique": 22.5,
        "habitat-cadre-de-vie": 14.6,
    },
}

THEMES_ASSOCIATIONS = (
    "Jeunesse",
    "Femmes relais",
    "Solidarité et partage",
    "Sport pour tous",
    "Cultures urbaines",
    "Lire et écrire",
    "Parents et enfants",
    "Insertion et emploi",
    "Médiation et prévention",
    "Santé et bien-être",
    "Théâtre et expression",
    "Danse et création",
    "Mémoire et citoyenneté",
    "Couture et création",
    "Saveurs du monde",
    "Accès au droit",
)
LIEUX = (
    "des Hautes-Noues",
    "des Portes de Paris",
    "de Villiers-sur-Marne",
    "du Val-de-Marne",
    "de l'Est parisien",
)
SERVICE_PRE = "Régie personnalisée Réussir à Villiers (PRE)"
SERVICES_MUNICIPAUX = (
    "Service jeunesse",
    "Service des sports",
    "Centre social municipal",
    "Service culturel",
    "Conservatoire municipal",
    "Service prévention et médiation",
    "Service emploi et insertion",
    "Service de la vie associative",
)
BAILLEURS = ("Logis de l'Est francilien", "Résidences de la Marne Habitat")
ETABLISSEMENTS = (
    "Centre communal d'action sociale de Villiers-sur-Marne",
    "Collège des Hautes-Noues",
)
PRENOMS = (
    "Amina",
    "Bernard",
    "Chantal",
    "David",
    "Fatou",
    "Hélène",
    "Ibrahim",
    "Jeanne",
    "Lucas",
    "Malik",
    "Nathalie",
    "Olivier",
    "Rachida",
    "Samuel",
    "Yasmine",
)
NOMS = (
    "Bernard",
    "Cissé",
    "Dubois",
    "Fontaine",
    "Garcia",
    "Haddad",
    "Lambert",
    "Lefèvre",
    "Mendy",
    "Nguyen",
    "Petit",
    "Rousseau",
    "Traoré",
    "Vincent",
)
VOIES = (
    "rue des Hautes-Noues",
    "allée des Portes de Paris",
    "avenue du Général-de-Gaulle",
    "rue Louis-Lenoir",
    "boulevard de Friedberg",
    "rue de la Mairie",
)
PUBLIC_PAR_PILIER = {
    "cohesion-sociale": "Enfants, jeunes et familles du quartier {qpv}",
    "emploi-developpement-economique": (
        "Demandeurs d'emploi, jeunes de 16 à 25 ans et femmes éloignées de l'emploi du "
        "quartier {qpv}"
    ),
    "habitat-cadre-de-vie": "Habitants et locataires du quartier {qpv}",
}
TRANCHES_PAR_PILIER = {
    "cohesion-sociale": ("0-5", "6-11", "12-15", "16-25", "26-64", "65+"),
    "emploi-developpement-economique": ("16-25", "26-64"),
    "habitat-cadre-de-vie": ("6-11", "12-15", "16-25", "26-64", "65+"),
}
MOTIFS = {
    Statut.IRRECEVABLE: (
        "Dossier incomplet : le budget prévisionnel n'est pas équilibré.",
        "L'action ne bénéficie pas aux habitants du quartier prioritaire.",
        "La structure n'a pas fourni le bilan de l'action financée l'an dernier.",
        "Aucune des thématiques transversales du contrat n'est prise en compte.",
    ),
    Statut.REFUSE: (
        "Action déjà couverte par le droit commun : le comité ne mobilise pas de crédits "
        "spécifiques.",
        "Enveloppe épuisée sur ce pilier ; le comité priorise les actions en direction des jeunes.",
        "Le public visé et les résultats attendus restent trop imprécis.",
    ),
    Statut.AJOURNE: (
        "Compléments demandés sur le nombre de bénéficiaires résidant dans le quartier.",
        "Le comité attend l'avis du groupe technique sur l'articulation avec le PRE.",
        "Plan de financement à revoir : sollicitez d'abord le droit commun.",
    ),
}
# Share of each status among the dossiers of a later call (past years, then the last one).
STATUTS_ANNEES_PASSEES = (
    (Statut.SOLDE, 45),
    (Statut.CONVENTIONNE, 10),
    (Statut.VALIDE, 10),
    (Statut.REFUSE, 15),
    (Statut.IRRECEVABLE, 10),
    (Statut.AJOURNE, 10),
)
STATUTS_DERNIERE_ANNEE = (
    (Statut.VALIDE, 20),
    (Statut.CONVENTIONNE, 15),
    (Statut.SOLDE, 5),
    (Statut.REFUSE, 10),
    (Statut.IRRECEVABLE, 10),
    (Statut.AJOURNE, 10),
    (Statut.PROPOSE, 10),
    (Statut.EN_INSTRUCTION, 10),
    (Statut.RECEVABLE, 5),
    (Statut.DEPOSE, 5),
)
INSTRUITS = frozenset(
    {
        Statut.EN_INSTRUCTION,
        Statut.PROPOSE,
        Statut.VALIDE,
        Statut.REFUSE,
        Statut.AJOURNE,
        Statut.CONVENTIONNE,
        Statut.SOLDE,
    }
)
ACCORDES = frozenset({Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE})


# --- What will be written, computed before any write ------------------------------------------


@dataclass
class StructureDemo:
    code: str
    nom: str
    type: str
    siret: str
    rna: str
    adresse: str
    representant_nom: str
    representant_qualite: str
    salaries: int
    benevoles: int
    # Who writes and deposits its dossiers: the account of a structure without a printed one.
    contact_prenom: str
    contact_nom: str


@dataclass
class LigneDemo:
    sens: str
    compte: str
    libelle: str
    montant: Decimal
    financeur: str = ""
    nature: str = ""


@dataclass
class FinancementDemo:
    financeur: str
    nature: str
    demande: Decimal
    avis: str
    propose: Decimal | None
    accorde: Decimal | None
    commentaire: str = ""


@dataclass
class DossierDemo:
    numero: str
    fiche: FicheAction
    structure: str
    statut: str
    motif: str
    axes: list[str]
    public_vise: str
    part_residents_qpv: int
    date_debut: date
    date_fin: date
    depose_le: datetime | None
    nb_salaries: int
    etp_salaries: Decimal
    nb_benevoles: int
    beneficiaires: dict[str, tuple[int, int]]
    budget: list[LigneDemo]
    financements: list[FinancementDemo] = field(default_factory=list)


@dataclass
class AppelDemo:
    annee: int
    titre: str
    date_ouverture: date
    date_cloture: date
    priorites: str
    dossiers: list[DossierDemo]


@dataclass
class Bilan:
    """How many objects a run created (all zero on a second run)."""

    appels: int = 0
    enveloppes: int = 0
    structures: int = 0
    dossiers: int = 0
    beneficiaires: int = 0
    lignes_budget: int = 0
    financements: int = 0
    avis: int = 0
    seances: int = 0
    transitions: int = 0
    conventions: int = 0
    conventions_pluriannuelles: int = 0
    paiements: int = 0
    comptes: int = 0
    avis_conseil_citoyen: int = 0
    annees_ignorees: list[int] = field(default_factory=list)

    def en_dict(self) -> dict[str, int]:
        return {
            "appels à projets": self.appels,
            "enveloppes": self.enveloppes,
            "structures porteuses": self.structures,
            "dossiers": self.dossiers,
            "tranches de bénéficiaires": self.beneficiaires,
            "lignes de budget": self.lignes_budget,
            "financements": self.financements,
            "avis": self.avis,
            "séances de comité": self.seances,
            "changements de statut": self.transitions,
            "conventions": self.conventions,
            "conventions pluriannuelles": self.conventions_pluriannuelles,
            "paiements": self.paiements,
            "comptes sans mot de passe": self.comptes,
            "avis du conseil citoyen": self.avis_conseil_citoyen,
        }

    @property
    def total(self) -> int:
        return sum(self.en_dict().values())


# --- Small deterministic helpers -------------------------------------------------------------


def siret_valide(rng: random.Random, etablissement: int, siren_sans_cle: str | None = None) -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check (never La Poste's).

    etablissement numbers the establishment (NIC): services of one commune share its SIREN.
    """
    if siren_sans_cle is None:
        siren_sans_cle = f"{rng.randint(1, 9)}{rng.randint(0, 9_999_999):07d}"
        if siren_sans_cle.startswith("3560000"):
            siren_sans_cle = "4" + siren_sans_cle[1:]
    siren = siren_sans_cle + cle_luhn(siren_sans_cle)
    nic = f"{etablissement:04d}"
    return siren + nic + cle_luhn(siren + nic)


def repartir(total: int, poids: list[float]) -> list[int]:
    """Split an integer total in proportion to weights, exactly (largest remainders)."""
    somme = sum(poids)
    bruts = [total * p / somme for p in poids]
    parts = [math.floor(b) for b in bruts]
    reste = total - sum(parts)
    for rang in sorted(range(len(bruts)), key=lambda i: (parts[i] - bruts[i], i))[:reste]:
        parts[rang] += 1
    return parts


def quotas(nombre: int, repartition: tuple[tuple[str, int], ...]) -> list[str]:
    """nombre statuses in the given proportions, each present at least once."""
    parts = repartir(nombre - len(repartition), [poids for _, poids in repartition])
    return [statut for (statut, _), n in zip(repartition, parts, strict=True) for _ in range(n + 1)]


def euros(valeur: float) -> Decimal:
    return Decimal(valeur).quantize(Decimal("1"), ROUND_HALF_UP)


def moment(jour: date, heure: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


# --- The plan of the demo --------------------------------------------------------------------


def derniere_annee_demontrable(contrat: Contrat) -> int:
    """The contract's last year whose whole calendar is past: the 2015-2020 contract's
    2020, the 2024-2030 one's last year ended by September."""
    annee = min(contrat.date_fin.year, aujourdhui().year)
    return annee if date(annee, *FIN_DU_CALENDRIER) < aujourdhui() else annee - 1


class Generateur:
    def __init__(self, contrat: Contrat):
        self.contrat = contrat
        # The contract's first year is the year of its plan's call, and seeds the draw.
        self.annee_du_plan = contrat.date_debut.year
        self.rng = random.Random(self.annee_du_plan)
        self.annees_suivantes = range(
            self.annee_du_plan + 1, derniere_annee_demontrable(contrat) + 1
        )
        self.synthese = {**SYNTHESE_PAR_DEFAUT, **(contrat.synthese_plan or {})}
        self.fiches = list(
            FicheAction.objects.filter(ligne__contrat=contrat)
            .select_related("ligne__pilier")
            .prefetch_related("ligne__objectifs_operationnels")
            .order_by("ligne__ordre", "ordre")
        )
        self.axes = list(AxeTransversal.objects.filter(contrat=contrat).order_by("numero"))
        quartier = contrat.quartiers.order_by("nom").first()
        self.qpv = quartier.nom if quartier else "prioritaire"
        self.structures: dict[str, StructureDemo] = {}
        self.structure_de_la_fiche: dict[int, str] = {}

    # Structures ---------------------------------------------------------------------------

    def _structure(self, nom: str, type_: str, code: str = "") -> str:
        rng = self.rng
        code = code or (PREFIXE_CODE + slugify(nom))[:60]
        association = type_ == Structure.Type.ASSOCIATION
        municipal = type_ == Structure.Type.SERVICE_MUNICIPAL
        if municipal:
            representant, qualite = "Jacques Alain Benisti", "Député-Maire"
        else:
            representant = f"{rng.choice(PRENOMS)} {rng.choice(NOMS)}"
            qualite = rng.choice(("Président", "Présidente")) if association else "Directeur"
        # An association's president deposits its dossiers; elsewhere, a project officer.
        if association:
            contact_prenom, contact_nom = representant.split(" ", 1)
        else:
            contact_prenom, contact_nom = rng.choice(PRENOMS), rng.choice(NOMS)
        salaries = rng.randint(0, 6) if association else rng.randint(5, 40)
        self.structures[code] = StructureDemo(
            code=code,
            nom=nom,
            type=type_,
            siret=siret_valide(
                rng, len(self.structures) + 1, SIREN_COMMUNE_SANS_CLE if municipal else None
            ),
            rna=f"W94{rng.randint(0, 9_999_999):07d}" if association else "",
            adresse=f"{rng.randint(1, 60)} {rng.choice(VOIES)}",
            representant_nom=representant,
            representant_qualite=qualite,
            salaries=salaries,
            benevoles=rng.randint(5, 40) if association else rng.randint(0, 3),
            contact_prenom=contact_prenom,
            contact_nom=contact_nom,
        )
        return code

    def _reserve_de_structures(self) -> dict[str, list[str]]:
        rng = self.rng
        noms = [
            f"Association {theme} {lieu}" for theme, lieu in product(THEMES_ASSOCIATIONS, LIEUX)
        ]
        associations = [
            self._structure(
                compte.organisation_nom, Structure.Type.ASSOCIATION, compte.organisation
            )
            for compte in PORTEURS_DEMO
        ]
        associations += [
            self._structure(nom, Structure.Type.ASSOCIATION)
            for nom in rng.sample(noms, 18 - len(associations))
        ]
        municipaux = [
            self._structure(
                f"Ville de Villiers-sur-Marne — {service}", Structure.Type.SERVICE_MUNICIPAL
            )
            for service in SERVICES_MUNICIPAUX
        ]
        return {
            Structure.Type.ASSOCIATION: associations,
            Structure.Type.SERVICE_MUNICIPAL: municipaux,
            Structure.Type.BAILLEUR: [
                self._structure(nom, Structure.Type.BAILLEUR) for nom in BAILLEURS
            ],
            Structure.Type.ETABLISSEMENT_PUBLIC: [
                self._structure(nom, Structure.Type.ETABLISSEMENT_PUBLIC) for nom in ETABLISSEMENTS
            ],
        }

    def _attribuer(self, reserve: list[str], nombre: int) -> list[str]:
        """nombre porteurs from a pool, each at least once when there are enough actions."""
        rng = self.rng
        tirage = reserve[:nombre] + [rng.choice(reserve) for _ in range(nombre - len(reserve))]
        rng.shuffle(tirage)
        return tirage

    def _porteurs_du_plan(self) -> tuple[list[str], set[int]]:
        """The structure of each of the plan's actions, and which ones volunteers carry."""
        rng = self.rng
        reserve = self._reserve_de_structures()
        n = len(self.fiches)
        n_associations = round(n * self.synthese["part_associations"] / 100)
        n_municipaux = round(n * self.synthese["part_services_municipaux"] / 100)
        n_autres = n - n_associations - n_municipaux
        pre = [i for i, fiche in enumerate(self.fiches) if fiche.groupe == GROUPE_PRE]
        autres_rangs = [i for i in range(n) if i not in pre]
        types = (
            [Structure.Type.ASSOCIATION] * n_associations
            + [Structure.Type.SERVICE_MUNICIPAL] * max(0, n_municipaux - len(pre))
            + [Structure.Type.BAILLEUR] * (n_autres - n_autres // 2)
            + [Structure.Type.ETABLISSEMENT_PUBLIC] * (n_autres // 2)
        )[: len(autres_rangs)]
        rng.shuffle(types)
        code_pre = self._structure(SERVICE_PRE, Structure.Type.SERVICE_MUNICIPAL)
        porteurs = [code_pre] * n
        for type_ in dict.fromkeys(types):
            rangs = [r for r, t in zip(autres_rangs, types, strict=True) if t == type_]
            for rang, code in zip(rangs, self._attribuer(reserve[type_], len(rangs)), strict=True):
                porteurs[rang] = code
        associatives = [
            i for i, code in enumerate(porteurs) if code in reserve[Structure.Type.ASSOCIATION]
        ]
        n_benevoles = min(len(associatives), round(n * self.synthese["part_benevoles"] / 100))
        return porteurs, set(rng.sample(associatives, n_benevoles))

    # People, staff and money --------------------------------------------------------------

    def _personnes_par_fiche(self, rangs: list[int], total: int) -> dict[int, int]:
        """Split the people targeted between pillars like the seed, then between actions."""
        rng = self.rng
        repartition = self.synthese["repartition_piliers"]
        # The seed's shares add up to 95.1 %: the rest is spread evenly between pillars.
        ecart = (100 - sum(repartition.values())) / len(repartition)
        par_pilier = dict(
            zip(
                repartition,
                repartir(total, [part + ecart for part in repartition.values()]),
                strict=True,
            )
        )
        resultat: dict[int, int] = {}
        for code, personnes in par_pilier.items():
            du_pilier = [r for r in rangs if self.fiches[r].ligne.pilier.code == code]
            poids = [rng.uniform(0.5, 1.5) for _ in du_pilier]
            resultat.update(zip(du_pilier, repartir(personnes, poids), strict=True))
        for rang in rangs:
            resultat.setdefault(rang, rng.randint(20, 120))
        return resultat

    def _beneficiaires(self, fiche: FicheAction, personnes: int) -> dict[str, tuple[int, int]]:
        rng = self.rng
        tranches = TRANCHES_PAR_PILIER.get(fiche.ligne.pilier.code, ("16-25", "26-64"))
        retenues = sorted(rng.sample(tranches, min(len(tranches), rng.randint(2, 3))))
        effectifs = {}
        for tranche, n in zip(
            retenues, repartir(personnes, [rng.uniform(1, 3) for _ in retenues]), strict=True
        ):
            femmes = round(n * rng.uniform(0.42, 0.62))
            if n:
                effectifs[tranche] = (femmes, n - femmes)
        return effectifs

    def _moyens(self, benevole: bool, municipal: bool) -> tuple[int, Decimal, int]:
        rng = self.rng
        if benevole:
            salaries = rng.randint(0, 2)
            return salaries, Decimal(salaries) / 2, salaries + rng.randint(2, 12)
        salaries = rng.randint(1, 6)
        benevoles = 0 if municipal else rng.randint(0, salaries)
        return salaries, Decimal(rng.randint(salaries, salaries * 4)) / 4, benevoles

    def _budget(
        self, fiche: FicheAction, municipal: bool, benevoles: int
    ) -> tuple[list[LigneDemo], list[tuple[str, str, Decimal]]]:
        """A balanced provisional budget; the subsidies asked for, by financeur and nature."""
        rng = self.rng
        total = euros(rng.randrange(2_500, 24_000, 500) * (1.5 if municipal else 1))
        personnel = euros(total * Decimal(str(rng.uniform(0.5, 0.65))))
        achats = euros(total * Decimal(str(rng.uniform(0.08, 0.15))))
        locations = euros(total * Decimal(str(rng.uniform(0.05, 0.12))))
        charges = [
            LigneDemo("charge", "64", "Rémunération des intervenants", personnel),
            LigneDemo("charge", "60", "Fournitures et petit matériel", achats),
            LigneDemo("charge", "61", "Location de salles et d'équipements", locations),
            LigneDemo(
                "charge",
                "62",
                "Déplacements, sorties et communication",
                total - personnel - achats - locations,
            ),
        ]
        pilier = fiche.ligne.pilier.code
        etat = euros(total * Decimal(str(rng.uniform(0.3, 0.45))))
        demandes = [(ETAT, CS, etat)]
        if municipal:
            demandes.append((COMMUNE, DC, total - etat))
        else:
            commune = euros(total * Decimal(str(rng.uniform(0.1, 0.2))))
            demandes.append((COMMUNE, CS, commune))
            reste = total - etat - commune
            if pilier == "cohesion-sociale" and rng.random() < 0.7:
                caf = euros(reste * Decimal(str(rng.uniform(0.3, 0.6))))
                demandes.append((CAF, DC, caf))
                reste -= caf
            if rng.random() < 0.35:
                autre = REGION if pilier == "emploi-developpement-economique" else DEPARTEMENT
                part = euros(reste * Decimal(str(rng.uniform(0.3, 0.6))))
                demandes.append((autre, DC, part))
                reste -= part
            if reste > 0:
                ressources_propres = LigneDemo(
                    "produit",
                    "75",
                    "Cotisations et participation des familles",
                    reste,
                    nature=NatureCredit.AUTRE,
                )
            else:
                ressources_propres = None
        produits = [
            LigneDemo("produit", "74", "Subvention", montant, financeur, nature)
            for financeur, nature, montant in demandes
        ]
        if not municipal and ressources_propres:
            produits.append(ressources_propres)
        if benevoles:
            valeur = euros(benevoles * rng.randint(20, 80) * Decimal("11.5"))
            charges.append(LigneDemo("charge", "86", "Bénévolat valorisé", valeur))
            produits.append(
                LigneDemo(
                    "produit",
                    "87",
                    "Contributions volontaires en nature",
                    valeur,
                    nature=NatureCredit.VALORISATION,
                )
            )
        return charges + produits, demandes

    def _financements(
        self, statut: str, demandes: list[tuple[str, str, Decimal]]
    ) -> list[FinancementDemo]:
        rng = self.rng
        if statut not in INSTRUITS:
            return []
        financements = []
        for rang, (financeur, nature, demande) in enumerate(demandes):
            if statut == Statut.EN_INSTRUCTION and rang > 0 and rng.random() < 0.6:
                financements.append(
                    FinancementDemo(financeur, nature, demande, "en_attente", None, None)
                )
                continue
            if statut == Statut.REFUSE and rng.random() < 0.5:
                avis, propose = "defavorable", Decimal(0)
                commentaire = "Action déjà financée par ailleurs au titre du droit commun."
            else:
                avis = "reserve" if rng.random() < 0.15 else "favorable"
                propose = euros(demande * Decimal(rng.choice(("0.8", "0.9", "1", "1", "1"))))
                commentaire = (
                    "Sous réserve de la transmission du bilan intermédiaire."
                    if avis == "reserve"
                    else ""
                )
            accorde = propose if statut in ACCORDES else None
            if accorde and rng.random() < 0.1:
                # A financeur's own board sometimes grants less than the COPIL's proposal.
                accorde = euros(accorde * Decimal("0.9"))
            financements.append(
                FinancementDemo(financeur, nature, demande, avis, propose, accorde, commentaire)
            )
        return financements

    # Dossiers and calls ---------------------------------------------------------------------

    def _dossier(
        self,
        annee: int,
        rang: int,
        index_fiche: int,
        statut: str,
        personnes: int,
        benevole: bool,
        cloture: date,
    ) -> DossierDemo:
        rng = self.rng
        fiche = self.fiches[index_fiche]
        code = self.structure_de_la_fiche[index_fiche]
        municipal = self.structures[code].type == Structure.Type.SERVICE_MUNICIPAL
        salaries, etp, benevoles = self._moyens(benevole, municipal)
        budget, demandes = self._budget(fiche, municipal, benevoles)
        debut = date(annee, rng.choice((5, 6, 9)), 1)
        return DossierDemo(
            numero=f"{annee}-{rang:03d}",
            fiche=fiche,
            structure=code,
            statut=statut,
            motif=rng.choice(MOTIFS[statut]) if statut in MOTIFS else "",
            axes=[a.numero for a in rng.sample(self.axes, min(len(self.axes), rng.randint(1, 2)))],
            public_vise=PUBLIC_PAR_PILIER.get(
                fiche.ligne.pilier.code, "Habitants du quartier {qpv}"
            ).format(qpv=self.qpv),
            part_residents_qpv=rng.randrange(60, 100, 5),
            date_debut=debut,
            date_fin=date(annee, 12, 31) if debut.month < 9 else date(annee + 1, 6, 30),
            depose_le=moment(cloture - timedelta(days=rng.randint(0, 15)), rng.randint(9, 18)),
            nb_salaries=salaries,
            etp_salaries=etp,
            nb_benevoles=benevoles,
            beneficiaires=self._beneficiaires(fiche, personnes),
            budget=budget,
            financements=self._financements(statut, demandes),
        )

    def appel_du_plan(self) -> AppelDemo:
        rng = self.rng
        porteurs, benevoles = self._porteurs_du_plan()
        self.structure_de_la_fiche = dict(enumerate(porteurs))
        rangs = list(range(len(self.fiches)))
        personnes = self._personnes_par_fiche(rangs, int(self.synthese["personnes_ciblees"]))
        n = len(rangs)
        statuts = (
            [Statut.VALIDE] * (n - 2 * (n // 5))
            + [Statut.CONVENTIONNE] * (n // 5)
            + [Statut.SOLDE] * (n // 5)
        )
        rng.shuffle(statuts)
        annee = self.annee_du_plan
        cloture = date(annee, 4, 15)
        dossiers = [
            self._dossier(annee, r + 1, r, statuts[r], personnes[r], r in benevoles, cloture)
            for r in rangs
        ]
        return AppelDemo(
            annee=annee,
            titre=f"Appel à projets {annee} — premier plan d'actions",
            date_ouverture=date(annee, 3, 25),
            date_cloture=cloture,
            priorites=(
                "Mettre en œuvre le premier plan d'actions du contrat de ville, pilier par "
                "pilier, au service des objectifs opérationnels du cadre stratégique.\n"
                "Mobiliser d'abord le droit commun (financements et dispositifs), les crédits "
                "spécifiques de la politique de la ville ensuite.\n"
                "Prendre en compte les trois thématiques transversales : lutte contre les "
                "discriminations, égalité entre les femmes et les hommes, jeunesse.\n"
                "Cet appel complète les appels à projets déjà lancés en début d'année par les "
                "services de l'État et les collectivités."
            ),
            dossiers=dossiers,
        )

    def appel_suivant(self, annee: int) -> AppelDemo:
        rng = self.rng
        # 30 to 45 renewals, as many as the plan has actions at most.
        n = min(rng.randint(30, 45), len(self.fiches))
        porteur_demo = [
            i for i, c in self.structure_de_la_fiche.items() if c in CODES_PORTEURS_DEMO
        ]
        autres = [i for i in range(len(self.fiches)) if i not in porteur_demo]
        retenues = sorted(porteur_demo + rng.sample(autres, n - len(porteur_demo)))
        derniere = annee == self.annees_suivantes[-1]
        statuts = quotas(n, STATUTS_DERNIERE_ANNEE if derniere else STATUTS_ANNEES_PASSEES)
        rng.shuffle(statuts)
        ouverture = date(annee, 1, rng.randint(10, 25))
        cloture = ouverture + timedelta(days=rng.choice((28, 35, 42)))
        dossiers = [
            self._dossier(
                annee,
                rang,
                index_fiche,
                statut,
                rng.randint(25, 220),
                rng.random() < 0.3
                and self.structures[self.structure_de_la_fiche[index_fiche]].type
                == Structure.Type.ASSOCIATION,
                cloture,
            )
            for rang, (index_fiche, statut) in enumerate(zip(retenues, statuts, strict=True), 1)
        ]
        return AppelDemo(
            annee=annee,
            titre=f"Appel à projets {annee}",
            date_ouverture=ouverture,
            date_cloture=cloture,
            priorites=(
                f"Reconduire et ajuster les actions du plan au vu des bilans {annee - 1} et des "
                "travaux des groupes techniques.\n"
                "Priorité aux actions en direction des jeunes et des femmes éloignées de "
                "l'emploi.\n"
                "Mobiliser d'abord le droit commun, les crédits spécifiques ensuite."
            ),
            dossiers=dossiers,
        )

    def appels(self) -> list[AppelDemo]:
        return [self.appel_du_plan(), *(self.appel_suivant(a) for a in self.annees_suivantes)]


# --- When: the calendar of a call's year -----------------------------------------------------


@dataclass(frozen=True)
class Calendrier:
    """The moment of each step of a call's year, in the order a real year takes them.

    Offsets are fixed or follow a dossier's rank, never the random generator: the data stays
    what the seed draws, the calendar only spreads it over the year. Everything happens
    within the call's year, deposits within its window.
    """

    annee: int
    ouverture: date
    cloture: date

    def _apres_cloture(self, jours: int, heure: int) -> datetime:
        return moment(self.cloture + timedelta(days=jours), heure)

    @property
    def creation_appel(self) -> datetime:
        # A fortnight before the opening, but never in the previous year.
        return moment(max(date(self.annee, 1, 3), self.ouverture - timedelta(days=15)), 9)

    @property
    def publication(self) -> datetime:
        return moment(self.ouverture - timedelta(days=1), 9)

    def creation_dossier(self, rang: int, nombre: int) -> datetime:
        """Drafts open in numbering order, before the last fortnight, when deposits come."""
        duree = (self.cloture - self.ouverture).days - 15
        jour = self.ouverture + timedelta(days=(rang - 1) * duree // nombre)
        return moment(jour, 9 + rang % 9, rang * 7 % 30)

    @property
    def recevabilite(self) -> datetime:
        return self._apres_cloture(7, 14)

    @property
    def instruction(self) -> datetime:
        return self._apres_cloture(10, 9)

    @property
    def recevabilite_complementaire(self) -> datetime:
        return self._apres_cloture(28, 14)

    def avis(self, rang: int, ligne: int) -> datetime:
        # The financeurs of one dossier answer in the order of its budget, days apart.
        return self._apres_cloture(14 + rang % 15 + 2 * ligne, 10 + ligne)

    @property
    def proposition(self) -> datetime:
        return self._apres_cloture(42, 9)

    @property
    def copil(self) -> datetime:
        return self._apres_cloture(49, 14)

    @property
    def accords(self) -> datetime:
        return self._apres_cloture(53, 10)

    def conventions(self, rang: int) -> datetime:
        return self._apres_cloture(63 + rang % 14, 10)

    def avance(self, rang: int, ligne: int) -> datetime:
        return self.conventions(rang) + timedelta(days=14, hours=1 + ligne)


def montants_des_enveloppes(demo: AppelDemo) -> dict[tuple[str, str], Decimal]:
    """Each envelope covers what was granted, or 80 % of what was asked for, in 5 000 €."""
    accorde: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    demande: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for dossier in demo.dossiers:
        for f in dossier.financements:
            accorde[f.financeur, f.nature] += f.accorde or 0
        for ligne in dossier.budget:
            if ligne.financeur:
                demande[ligne.financeur, ligne.nature] += ligne.montant
    montants = {}
    for cle in ENVELOPPES:
        besoin = max(accorde[cle], demande[cle] * Decimal("0.8"))
        montants[cle] = Decimal(max(1, math.ceil(besoin / 5000)) * 5000)
    return montants


def avance(montant: Decimal) -> Decimal:
    """Half of the granted amount is paid once the convention is signed, the rest as balance."""
    return (montant / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- Writing: each year lived through the services -------------------------------------------

RECEVABILITE = Instance.Nature.COMITE_RECEVABILITE
COPIL = Instance.Nature.COPIL_POLITIQUE
PROPOSES = INSTRUITS - {Statut.EN_INSTRUCTION}
CONVENTIONNES = frozenset({Statut.CONVENTIONNE, Statut.SOLDE})
DECISIONS_DU_COPIL = {
    Statut.VALIDE: CodeTransition.VALIDER,
    Statut.CONVENTIONNE: CodeTransition.VALIDER,
    Statut.SOLDE: CodeTransition.VALIDER,
    Statut.REFUSE: CodeTransition.REFUSER,
    Statut.AJOURNE: CodeTransition.AJOURNER,
}


@dataclass(frozen=True)
class PlanCPO:
    """The 2024-2030 demo's convention pluriannuelle d'objectifs: the commune funds the
    first demo association three years running, one dossier a year, under a yearly amount
    that covers what each of those dossiers asks it."""

    numero: str
    intitule: str
    annees: list[int]
    dossiers: frozenset[str]  # the numbers of the dossiers it carries
    montant_annuel: Decimal

    @classmethod
    def du_contrat(cls, contrat: Contrat, appels: list["AppelDemo"]) -> "PlanCPO | None":
        if contrat.generation != Generation.G2024_2030:
            return None
        code = COMPTES["porteur"].organisation
        annees, dossiers, demandes = [], [], []
        for appel in appels[: contrat.regle.duree_max_cpo]:
            candidats = [d for d in appel.dossiers if d.structure == code]
            if not candidats:
                break
            dossier = max(candidats, key=lambda d: (_demande_a_la_commune(d), d.numero))
            annees.append(appel.annee)
            dossiers.append(dossier.numero)
            demandes.append(_demande_a_la_commune(dossier))
        if not annees or not max(demandes):
            return None
        # Rounded up to the next thousand euros, as such agreements are written.
        plafond = (max(demandes) / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
        return cls(
            numero=f"CPO-{annees[0]}-001",
            intitule=f"Convention pluriannuelle d'objectifs {annees[0]}-{annees[-1]} : "
            "accompagnement éducatif au quartier",
            annees=annees,
            dossiers=frozenset(dossiers),
            montant_annuel=Decimal(plafond),
        )

    def porte(self, demo: "DossierDemo") -> bool:
        return demo.numero in self.dossiers


def _demande_a_la_commune(demo: "DossierDemo") -> Decimal:
    return sum(
        (
            ligne.montant
            for ligne in demo.budget
            if ligne.compte == "74" and ligne.financeur == COMMUNE
        ),
        Decimal(0),
    )


class DemoImpossible(Exception):
    """The contract lacks what the demo needs, or the demo did not reach what it drew."""


@dataclass(frozen=True)
class DossierEcrit:
    """A deposited demo dossier: the row the services wrote, and what it must become."""

    demo: DossierDemo
    rang: int
    dossier: Dossier

    @property
    def statut(self) -> str:
        return self.demo.statut

    @property
    def atteint(self) -> str:
        """Where this demo leaves it: a dossier drawn "soldé" stays conventionné, its
        balance waiting for its bilan (suivi's demo)."""
        return Statut.CONVENTIONNE if self.statut == Statut.SOLDE else self.statut


class Ecrivain:
    """Lives each demo year through the services, every step replayed at its date."""

    def __init__(
        self, contrat: Contrat, generateur: Generateur, bilan: Bilan, appels: list["AppelDemo"]
    ):
        self.contrat = contrat
        self.generateur = generateur
        self.bilan = bilan
        self.comptes = {u.username: u for u in Utilisateur.objects.filter(username__in=COMPTES)}
        self.pilote, self.etat = self.comptes["pilote"], self.comptes["etat"]
        codes = {code for code, _ in ENVELOPPES}
        self.financeurs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        self.axes = {axe.numero: axe for axe in generateur.axes}
        self.instances = {nature: self._instance(nature) for nature in (RECEVABILITE, COPIL)}
        self.structures: dict[str, tuple[Structure, Utilisateur]] = {}
        self.agents: dict[str, Utilisateur] = {}
        self.cpo = PlanCPO.du_contrat(contrat, appels)

    def _instance(self, nature: str) -> Instance:
        instance = self.contrat.instances.filter(nature=nature).order_by("ordre").first()
        if instance is None:
            raise DemoImpossible(
                f"Le contrat n'a pas d'instance « {Instance.Nature(nature).label} » : "
                "la démonstration ne peut pas tenir ses comités."
            )
        return instance

    # People ---------------------------------------------------------------------------------

    def _compte_sans_mot_de_passe(self, identifiant: str, prenom: str, nom: str) -> Utilisateur:
        compte = Utilisateur.objects.filter(username=identifiant).first()
        if compte is None:
            compte = Utilisateur(
                username=identifiant,
                first_name=prenom,
                last_name=nom,
                email=f"{identifiant}@{DOMAINE_COURRIEL}",
                date_joined=maintenant(),
            )
            # These people act only through the generator: nobody logs in as them.
            compte.set_unusable_password()
            compte.save()
            self.bilan.comptes += 1
        return compte

    def agent(self, code: str) -> Utilisateur:
        """Who gives a financeur's avis and records its payments (permissions.peut_instruire)."""
        if code not in self.agents:
            self.agents[code] = self._agent(self.financeurs[code])
        return self.agents[code]

    def _agent(self, financeur: Organisation) -> Utilisateur:
        if financeur.code in AGENTS_DEMO:
            return self.comptes[AGENTS_DEMO[financeur.code]]
        if financeur.type == Organisation.Type.ETAT:
            return self.etat
        if financeur.type == Organisation.Type.COMMUNE:
            return self.pilote
        prenom, nom = AGENTS_SANS_COMPTE.get(financeur.code, ("Agent", "instructeur"))
        agent = self._compte_sans_mot_de_passe(PREFIXE_CODE + financeur.code, prenom, nom)
        attribuer_habilitation(
            utilisateur=agent, contrat=self.contrat, role=Role.FINANCEUR, organisation=financeur
        )
        return agent

    def structure(self, code: str, quand: datetime) -> tuple[Structure, Utilisateur]:
        """A demo structure and its porteur, registered when a dossier first needs it."""
        if code not in self.structures:
            with rejouer_a(quand):
                self.structures[code] = self._structure(self.generateur.structures[code])
        return self.structures[code]

    def _structure(self, demo: StructureDemo) -> tuple[Structure, Utilisateur]:
        # The organisation comes first, under its demo code, so that its porteur registers
        # the structure of an organisation it already acts for (creer_structure).
        organisation, _ = Organisation.objects.get_or_create(
            code=demo.code, defaults={"nom": demo.nom, "type": TYPES_ORGANISATION[demo.type]}
        )
        porteur = self._porteur(organisation, demo)
        structure = Structure.objects.filter(organisation=organisation).first()
        if structure is None:
            structure = creer_structure(
                contrat=self.contrat,
                nom=demo.nom,
                valeurs={
                    "type": demo.type,
                    "siret": demo.siret,
                    "rna": demo.rna,
                    "adresse": demo.adresse,
                    "code_postal": "94350",
                    "commune": "Villiers-sur-Marne",
                    "representant_nom": demo.representant_nom,
                    "representant_qualite": demo.representant_qualite,
                    "salaries": demo.salaries,
                    "benevoles": demo.benevoles,
                },
                acteur=porteur,
                est_demo=True,
            )
            self.bilan.structures += 1
        return structure, porteur

    def _porteur(self, organisation: Organisation, demo: StructureDemo) -> Utilisateur:
        """The printed porteur account of the structure, else one who cannot log in."""
        habilitation = (
            Habilitation.objects.filter(
                contrat=self.contrat, role=Role.PORTEUR, organisation=organisation
            )
            .select_related("utilisateur")
            .order_by("pk")
            .first()
        )
        if habilitation is not None:
            return habilitation.utilisateur
        porteur = self._compte_sans_mot_de_passe(demo.code, demo.contact_prenom, demo.contact_nom)
        attribuer_habilitation(
            utilisateur=porteur, contrat=self.contrat, role=Role.PORTEUR, organisation=organisation
        )
        return porteur

    # The year -------------------------------------------------------------------------------

    def appel(self, demo: AppelDemo) -> None:
        existant = AppelAProjets.objects.filter(contrat=self.contrat, annee=demo.annee).first()
        if existant is not None:
            if not existant.est_demo:
                # A real call of that year: demo dossiers never mix with real ones.
                self.bilan.annees_ignorees.append(demo.annee)
            return
        calendrier = Calendrier(demo.annee, demo.date_ouverture, demo.date_cloture)
        appel = self._ouvrir(demo, calendrier)
        dossiers = [
            self._deposer(appel, dossier, rang, len(demo.dossiers), calendrier)
            for rang, dossier in enumerate(demo.dossiers, 1)
        ]
        self._recevabilite(appel, dossiers, calendrier)
        self._instruire(appel, dossiers, calendrier)
        self._copil(appel, dossiers, calendrier)
        self._conventionner(dossiers, calendrier)
        self._payer(appel, dossiers, calendrier)
        self._verifier(appel, dossiers)

    def _ouvrir(self, demo: AppelDemo, calendrier: Calendrier) -> AppelAProjets:
        """The pilote opens the call, fixes its envelopes and publishes it."""
        donnees = DonneesAppel(
            annee=demo.annee,
            titre=demo.titre,
            date_ouverture=demo.date_ouverture,
            date_cloture=demo.date_cloture,
            priorites=demo.priorites,
            criteres=self.generateur.axes,
        )
        with rejouer_a(calendrier.creation_appel):
            appel = creer_appel(
                contrat=self.contrat, donnees=donnees, acteur=self.pilote, est_demo=True
            )
            for code, _ in ENVELOPPES:
                self.agent(code)
        enveloppes = montants_des_enveloppes(demo)
        for minute, ((financeur, nature), montant) in enumerate(enveloppes.items(), 1):
            with rejouer_a(calendrier.creation_appel + timedelta(minutes=minute)):
                fixer_enveloppe(
                    appel=appel,
                    financeur=self.financeurs[financeur],
                    nature=nature,
                    montant=montant,
                    acteur=self.pilote,
                )
        with rejouer_a(calendrier.publication):
            appel = publier_appel(appel=appel, acteur=self.pilote)
        self.bilan.appels += 1
        self.bilan.enveloppes += len(enveloppes)
        return appel

    def _deposer(
        self,
        appel: AppelAProjets,
        demo: DossierDemo,
        rang: int,
        nombre: int,
        calendrier: Calendrier,
    ) -> DossierEcrit:
        """The porteur opens the draft, fills in its sections, then deposits it."""
        cree_le = calendrier.creation_dossier(rang, nombre)
        structure, porteur = self.structure(demo.structure, cree_le - timedelta(minutes=30))
        with rejouer_a(cree_le):
            dossier = creer_dossier(
                appel=appel,
                structure=structure,
                intitule=demo.fiche.intitule,
                acteur=porteur,
                est_demo=True,
            )
        with rejouer_a(cree_le + timedelta(minutes=10)):
            dossier = modifier_action(
                dossier=dossier,
                section=self._section(demo),
                acteur=porteur,
                version=dossier.version,
            )
        with rejouer_a(cree_le + timedelta(minutes=20)):
            dossier = enregistrer_beneficiaires(
                dossier=dossier,
                effectifs=demo.beneficiaires,
                acteur=porteur,
                version=dossier.version,
            )
        with rejouer_a(cree_le + timedelta(minutes=30)):
            dossier = enregistrer_budget(
                dossier=dossier,
                lignes=self._budget(demo),
                acteur=porteur,
                version=dossier.version,
            )
        if self.cpo is not None and self.cpo.porte(demo):
            with rejouer_a(cree_le + timedelta(minutes=40)):
                dossier = self._rattacher_a_la_cpo(dossier, structure, porteur, cree_le)
        with rejouer_a(demo.depose_le):
            dossier = transitionner(
                dossier=dossier, transition=CodeTransition.DEPOSER, acteur=porteur
            )
        self.bilan.dossiers += 1
        self.bilan.beneficiaires += len(demo.beneficiaires)
        self.bilan.lignes_budget += len(demo.budget)
        return DossierEcrit(demo, rang, dossier)

    def _rattacher_a_la_cpo(
        self, dossier: Dossier, structure: Structure, porteur: Utilisateur, quand: datetime
    ) -> Dossier:
        """The structure's CPO with the commune, signed by the pilote with the first dossier
        it carries; the porteur attaches each year's dossier to it before depositing."""
        plan = self.cpo
        convention = ConventionPluriannuelle.objects.filter(
            contrat=self.contrat, numero=plan.numero
        ).first()
        if convention is None:
            convention = signer_convention_pluriannuelle(
                contrat=self.contrat,
                structure=structure,
                financeur=self.financeurs[COMMUNE],
                numero=plan.numero,
                intitule=plan.intitule,
                annee_debut=plan.annees[0],
                annee_fin=plan.annees[-1],
                montant_annuel=plan.montant_annuel,
                signee_le=quand.date(),
                acteur=self.pilote,
                est_demo=True,
            )
            self.bilan.conventions_pluriannuelles += 1
        return rattacher_convention_pluriannuelle(
            dossier=dossier, convention=convention, acteur=porteur, version=dossier.version
        )

    def _section(self, demo: DossierDemo) -> SectionAction:
        fiche, qpv = demo.fiche, self.generateur.qpv
        groupe = f", {fiche.groupe}" if fiche.groupe else ""
        return SectionAction(
            valeurs={
                "description": (
                    f"{fiche.intitule} : action du plan d'actions du contrat de ville "
                    f"(fiche n° {fiche.fiche_page}{groupe}), menée dans le quartier {qpv}."
                ),
                "objectifs": "\n".join(fiche.ligne.objectifs),
                "pilier": fiche.ligne.pilier,
                "action_du_plan": fiche,
                "public_vise": demo.public_vise,
                "part_residents_qpv": demo.part_residents_qpv,
                "lieux": f"Quartier {qpv}, Villiers-sur-Marne",
                "date_debut": demo.date_debut,
                "date_fin": demo.date_fin,
                "nb_salaries": demo.nb_salaries,
                "etp_salaries": demo.etp_salaries,
                "nb_benevoles": demo.nb_benevoles,
            },
            objectifs_operationnels=list(fiche.ligne.objectifs_operationnels.all()),
            axes=[self.axes[numero] for numero in demo.axes],
        )

    def _budget(self, demo: DossierDemo) -> list[dict]:
        lignes = []
        for ligne in demo.budget:
            financeur = self.financeurs.get(ligne.financeur)
            lignes.append(
                {
                    "sens": ligne.sens,
                    "compte": ligne.compte,
                    "libelle": f"{ligne.libelle} ({financeur.nom})" if financeur else ligne.libelle,
                    "montant": ligne.montant,
                    "financeur": financeur,
                    "nature": ligne.nature,
                }
            )
        return lignes

    def _comite(
        self,
        nature: str,
        quand: datetime,
        titre: str,
        decisions: list[DecisionDemandee],
        acteur: Utilisateur,
    ) -> None:
        """One séance of a committee, all its decisions linked to it."""
        if not decisions:
            return
        with rejouer_a(quand):
            tenir_comite(
                instance=self.instances[nature],
                date=timezone.localdate(quand),
                titre=titre,
                decisions=decisions,
                acteur=acteur,
                est_demo=True,
            )
        self.bilan.seances += 1

    def _recevabilite(
        self, appel: AppelAProjets, dossiers: list[DossierEcrit], calendrier: Calendrier
    ) -> None:
        # Dossiers that stay deposited wait for a later session; those that stay recevable
        # pass the complementary one, after the instruction was launched.
        examines = [d for d in dossiers if d.statut not in (Statut.DEPOSE, Statut.RECEVABLE)]
        self._comite(
            RECEVABILITE,
            calendrier.recevabilite,
            f"Comité de recevabilité — appel à projets {appel.annee}",
            [
                DecisionDemandee(d.dossier, CodeTransition.DECLARER_IRRECEVABLE, d.demo.motif)
                if d.statut == Statut.IRRECEVABLE
                else DecisionDemandee(d.dossier, CodeTransition.DECLARER_RECEVABLE)
                for d in examines
            ],
            self.pilote,
        )

    def _instruire(
        self, appel: AppelAProjets, dossiers: list[DossierEcrit], calendrier: Calendrier
    ) -> None:
        """Instruction launched, late admissions, each financeur's avis, proposals."""
        instruits = [d for d in dossiers if d.statut in INSTRUITS]
        if instruits:
            with rejouer_a(calendrier.instruction):
                lancer_instruction(appel=appel, acteur=self.pilote)
        self._comite(
            RECEVABILITE,
            calendrier.recevabilite_complementaire,
            f"Comité de recevabilité — séance complémentaire {appel.annee}",
            [
                DecisionDemandee(d.dossier, CodeTransition.DECLARER_RECEVABLE)
                for d in dossiers
                if d.statut == Statut.RECEVABLE
            ],
            self.pilote,
        )
        self._avis(appel, instruits, calendrier)
        for d in instruits:
            if d.statut in PROPOSES:
                with rejouer_a(calendrier.proposition):
                    transitionner(
                        dossier=d.dossier, transition=CodeTransition.PROPOSER, acteur=self.pilote
                    )

    def _avis(
        self, appel: AppelAProjets, instruits: list[DossierEcrit], calendrier: Calendrier
    ) -> None:
        # The instruction opened one financement per financeur and nature asked for.
        ouverts = {
            (f.dossier_id, f.financeur.code, f.nature): f
            for f in Financement.objects.filter(dossier__appel=appel).select_related("financeur")
        }
        self.bilan.financements += len(ouverts)
        for d in instruits:
            for ligne, demande in enumerate(d.demo.financements):
                if demande.avis == Financement.Avis.EN_ATTENTE:
                    continue
                financement = ouverts[d.dossier.pk, demande.financeur, demande.nature]
                with rejouer_a(calendrier.avis(d.rang, ligne)):
                    donner_avis(
                        financement=financement,
                        acteur=self.agent(demande.financeur),
                        avis=demande.avis,
                        montant_propose=demande.propose,
                        commentaire=demande.commentaire,
                        version=financement.version,
                    )
                self.bilan.avis += 1

    def _copil(
        self, appel: AppelAProjets, dossiers: list[DossierEcrit], calendrier: Calendrier
    ) -> None:
        """The COPIL politique decides; a financeur may then grant less than proposed."""
        decides = [d for d in dossiers if d.statut in DECISIONS_DU_COPIL]
        self._comite(
            COPIL,
            calendrier.copil,
            f"Comité de pilotage politique — programmation {appel.annee}",
            [
                DecisionDemandee(d.dossier, DECISIONS_DU_COPIL[d.statut], d.demo.motif)
                for d in decides
            ],
            self.etat,
        )
        for d in decides:
            for demande in d.demo.financements:
                if demande.accorde is None or demande.accorde == demande.propose:
                    continue
                financement = Financement.objects.get(
                    dossier=d.dossier, financeur__code=demande.financeur, nature=demande.nature
                )
                with rejouer_a(calendrier.accords):
                    fixer_montant_accorde(
                        financement=financement,
                        acteur=self.agent(demande.financeur),
                        montant=demande.accorde,
                        version=financement.version,
                    )

    def _conventionner(self, dossiers: list[DossierEcrit], calendrier: Calendrier) -> None:
        for d in dossiers:
            if d.statut in CONVENTIONNES:
                with rejouer_a(calendrier.conventions(d.rang)):
                    transitionner(
                        dossier=d.dossier,
                        transition=CodeTransition.CONVENTIONNER,
                        acteur=self.pilote,
                    )

    def _payer(
        self, appel: AppelAProjets, dossiers: list[DossierEcrit], calendrier: Calendrier
    ) -> None:
        """Advances on every convention. Balances wait for the validated bilan of the action
        (app suivi, whose demo files the bilans and then pays them)."""
        conventions: dict[int, dict[tuple[str, str], Convention]] = defaultdict(dict)
        for convention in Convention.objects.filter(
            financement__dossier__appel=appel
        ).select_related("financement__financeur"):
            financement = convention.financement
            conventions[financement.dossier_id][financement.financeur.code, financement.nature] = (
                convention
            )
        self.bilan.conventions += sum(len(c) for c in conventions.values())
        for d in dossiers:
            if d.statut not in CONVENTIONNES:
                continue
            du_dossier = conventions[d.dossier.pk]
            payees = [
                (ligne, demande.financeur, du_dossier[demande.financeur, demande.nature])
                for ligne, demande in enumerate(d.demo.financements)
                if (demande.financeur, demande.nature) in du_dossier
            ]
            for ligne, financeur, convention in payees:
                self._paiement(
                    convention,
                    Paiement.Nature.AVANCE,
                    avance(convention.montant),
                    calendrier.avance(d.rang, ligne),
                    financeur,
                )

    def _paiement(
        self,
        convention: Convention,
        nature: str,
        montant: Decimal,
        quand: datetime,
        financeur: str,
    ) -> None:
        with rejouer_a(quand):
            enregistrer_paiement(
                convention=convention,
                nature=nature,
                montant=montant,
                date=timezone.localdate(quand),
                acteur=self.agent(financeur),
            )
        self.bilan.paiements += 1

    def _verifier(self, appel: AppelAProjets, dossiers: list[DossierEcrit]) -> None:
        """Every dossier reached the statut the generator drew, or the demo is wrong."""
        atteints = dict(Dossier.objects.filter(appel=appel).values_list("pk", "statut"))
        ecarts = [d.demo.numero for d in dossiers if atteints[d.dossier.pk] != d.atteint]
        if ecarts:
            raise DemoImpossible(
                f"Appel {appel.annee} : statut inattendu pour {', '.join(ecarts)}."
            )
        self.bilan.transitions += TransitionDossier.objects.filter(dossier__appel=appel).count()


def generer_demo(contrat: Contrat) -> Bilan:
    """Live the demo programmation of a contract through the services; a second run creates
    nothing. All of it or nothing is written, and no e-mail leaves."""
    with transaction.atomic(), courriels_suspendus():
        # The printed demo accounts act in the demo years (idempotent).
        creer_comptes_demo(contrat)
        generateur = Generateur(contrat)
        appels = generateur.appels()
        bilan = Bilan()
        ecrivain = Ecrivain(contrat, generateur, bilan, appels)
        for appel in appels:
            ecrivain.appel(appel)
        # Also for the calls of a database demoed before these avis existed.
        bilan.avis_conseil_citoyen = generer_avis_demo(contrat, consultation_du_conseil)
    return bilan


def consultation_du_conseil(appel: AppelAProjets) -> datetime:
    """The programming goes to the conseil citoyen the day it is proposed to the COPIL."""
    calendrier = Calendrier(appel.annee, appel.date_ouverture, appel.date_cloture)
    return calendrier.proposition + timedelta(hours=2)
