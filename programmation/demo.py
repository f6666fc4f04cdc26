"""Demo programmation: six years of calls for projects, so that every screen has content.

- 2015: the call of the seed (25 March to 15 April 2015), whose dossiers are the 55 actions
  of the contract's plan d'actions, in its order, all programmed; porteurs, people targeted
  and who carries the actions follow the seed's synthetic presentation (Article 3 §2.1.1).
- 2016 to 2020: 30 to 45 dossiers a year, renewals of the plan's actions, in every state a
  dossier goes through (refused, inadmissible with a reason, adjourned, conventionned with
  payments, balanced; the 2020 call still has dossiers in instruction).

Everything is drawn from one random generator seeded with 2015, before any database read
of demo objects: two runs compute the same data, and objects are looked up by their natural
keys (organisation code, call year, dossier number), so a second run creates nothing.
Everything created is marked est_demo (organisations, which have no such flag, get a code
starting with "demo-"). This is seed data, not user actions: objects are written directly,
with one history event per generated call ("demo.generation").
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import product

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from comptes.models import Utilisateur
from contrats.demo import creer_comptes_demo
from contrats.models import AxeTransversal, Contrat, FicheAction, Organisation
from historique.services import enregistrer_evenement
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    Convention,
    Dossier,
    Enveloppe,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
    Structure,
)
from programmation.services.structures import TYPES_ORGANISATION
from programmation.validateurs import cle_luhn_valide

GRAINE = 2015
ANNEE_PLAN = 2015
ANNEES_SUIVANTES = range(2016, 2021)
CODE_PORTEUR_DEMO = "demo-association-clefs-avenir"
PREFIXE_CODE = "demo-"
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
# Who gives the avis and records the payments of each financeur, among the demo accounts.
AGENT_DU_FINANCEUR = {ETAT: "etat", CAF: "financeur", COMMUNE: "pilote"}

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
    conventions: int = 0
    paiements: int = 0
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
            "conventions": self.conventions,
            "paiements": self.paiements,
        }

    @property
    def total(self) -> int:
        return sum(self.en_dict().values())


# --- Small deterministic helpers -------------------------------------------------------------


def cle_luhn(chiffres: str) -> str:
    """The digit that makes chiffres + digit pass the Luhn check."""
    return next(str(c) for c in range(10) if cle_luhn_valide(f"{chiffres}{c}"))


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


def moment(jour: date, heure: int) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure, 0)))


# --- The plan of the demo --------------------------------------------------------------------


class Generateur:
    def __init__(self, contrat: Contrat):
        self.contrat = contrat
        self.rng = random.Random(GRAINE)
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
        )
        return code

    def _reserve_de_structures(self) -> dict[str, list[str]]:
        rng = self.rng
        noms = [
            f"Association {theme} {lieu}" for theme, lieu in product(THEMES_ASSOCIATIONS, LIEUX)
        ]
        associations = [
            self._structure(
                "Association Les Clefs de l'avenir (démo)",
                Structure.Type.ASSOCIATION,
                CODE_PORTEUR_DEMO,
            )
        ]
        associations += [
            self._structure(nom, Structure.Type.ASSOCIATION) for nom in rng.sample(noms, 17)
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
                    nature=LigneBudget.Nature.AUTRE,
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
                    nature=LigneBudget.Nature.VALORISATION,
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
        cloture = date(ANNEE_PLAN, 4, 15)
        dossiers = [
            self._dossier(ANNEE_PLAN, r + 1, r, statuts[r], personnes[r], r in benevoles, cloture)
            for r in rangs
        ]
        return AppelDemo(
            annee=ANNEE_PLAN,
            titre="Appel à projets 2015 — premier plan d'actions",
            date_ouverture=date(ANNEE_PLAN, 3, 25),
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
        n = rng.randint(30, 45)
        porteur_demo = [i for i, c in self.structure_de_la_fiche.items() if c == CODE_PORTEUR_DEMO]
        autres = [i for i in range(len(self.fiches)) if i not in porteur_demo]
        retenues = sorted(porteur_demo + rng.sample(autres, n - len(porteur_demo)))
        derniere = annee == ANNEES_SUIVANTES[-1]
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
        return [self.appel_du_plan(), *(self.appel_suivant(a) for a in ANNEES_SUIVANTES)]


# --- Writing ---------------------------------------------------------------------------------


class Ecrivain:
    def __init__(self, contrat: Contrat, generateur: Generateur, bilan: Bilan):
        self.contrat = contrat
        self.generateur = generateur
        self.bilan = bilan
        codes = {code for code, _ in ENVELOPPES}
        self.financeurs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        self.agents = {
            u.username: u
            for u in Utilisateur.objects.filter(username__in=set(AGENT_DU_FINANCEUR.values()))
        }
        self.structures: dict[str, Structure] = {}

    def _agent(self, financeur: str) -> Utilisateur | None:
        return self.agents.get(AGENT_DU_FINANCEUR.get(financeur, "pilote"))

    def structure(self, code: str) -> Structure:
        if code not in self.structures:
            demo = self.generateur.structures[code]
            organisation, _ = Organisation.objects.get_or_create(
                code=code, defaults={"nom": demo.nom, "type": TYPES_ORGANISATION[demo.type]}
            )
            structure, cree = Structure.objects.get_or_create(
                organisation=organisation,
                defaults={
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
                    "est_demo": True,
                },
            )
            self.bilan.structures += cree
            self.structures[code] = structure
        return self.structures[code]

    def appel(self, demo: AppelDemo) -> None:
        appel, cree = AppelAProjets.objects.get_or_create(
            contrat=self.contrat,
            annee=demo.annee,
            defaults={
                "titre": demo.titre,
                "date_ouverture": demo.date_ouverture,
                "date_cloture": demo.date_cloture,
                "priorites": demo.priorites,
                "publie": True,
                "est_demo": True,
            },
        )
        if not appel.est_demo:
            # A real call of that year exists: demo dossiers never mix with real ones.
            self.bilan.annees_ignorees.append(demo.annee)
            return
        self.bilan.appels += cree
        if cree:
            appel.criteres.set(self.generateur.axes)
        existants = set(appel.dossiers.values_list("numero", flat=True))
        nouveaux = [d for d in demo.dossiers if d.numero not in existants]
        self.dossiers(appel, nouveaux)
        enveloppes = self.enveloppes(appel, demo)
        if cree or nouveaux or enveloppes:
            enregistrer_evenement(
                acteur=None,
                objet=appel,
                action="demo.generation",
                changements={"dossiers": len(nouveaux), "enveloppes": enveloppes},
                motif="Données de démonstration (commande generer_demo_programmation).",
            )

    def enveloppes(self, appel: AppelAProjets, demo: AppelDemo) -> int:
        """Each envelope covers what was granted, or 80 % of what was asked for, in 5 000 €."""
        accorde: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        demande: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for dossier in demo.dossiers:
            for f in dossier.financements:
                accorde[f.financeur, f.nature] += f.accorde or 0
            for ligne in dossier.budget:
                if ligne.financeur:
                    demande[ligne.financeur, ligne.nature] += ligne.montant
        creees = 0
        for financeur, nature in ENVELOPPES:
            besoin = max(accorde[financeur, nature], demande[financeur, nature] * Decimal("0.8"))
            montant = Decimal(max(1, math.ceil(besoin / 5000)) * 5000)
            _, cree = Enveloppe.objects.get_or_create(
                appel=appel,
                financeur=self.financeurs[financeur],
                nature=nature,
                defaults={"montant": montant},
            )
            creees += cree
        self.bilan.enveloppes += creees
        return creees

    def dossiers(self, appel: AppelAProjets, demos: list[DossierDemo]) -> None:
        """Write a call's new dossiers and everything they hold, a few bulk inserts in all."""
        if not demos:
            return
        qpv = self.generateur.qpv
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                appel=appel,
                structure=self.structure(demo.structure),
                numero=demo.numero,
                statut=demo.statut,
                intitule=demo.fiche.intitule,
                description=(
                    f"{demo.fiche.intitule} : action du plan d'actions du contrat de ville "
                    f"(fiche n° {demo.fiche.fiche_page}"
                    f"{', ' + demo.fiche.groupe if demo.fiche.groupe else ''}), menée dans le "
                    f"quartier {qpv}."
                ),
                objectifs="\n".join(demo.fiche.ligne.objectifs),
                pilier=demo.fiche.ligne.pilier,
                public_vise=demo.public_vise,
                part_residents_qpv=demo.part_residents_qpv,
                lieux=f"Quartier {qpv}, Villiers-sur-Marne",
                date_debut=demo.date_debut,
                date_fin=demo.date_fin,
                nb_salaries=demo.nb_salaries,
                etp_salaries=demo.etp_salaries,
                nb_benevoles=demo.nb_benevoles,
                motif_decision=demo.motif,
                depose_le=demo.depose_le,
                est_demo=True,
            )
            for demo in demos
        )
        self.bilan.dossiers += len(dossiers)
        paires = list(zip(dossiers, demos, strict=True))
        self._liens(paires)
        self.bilan.beneficiaires += len(
            Beneficiaires.objects.bulk_create(
                Beneficiaires(dossier=dossier, tranche=t, femmes=f, hommes=h)
                for dossier, demo in paires
                for t, (f, h) in demo.beneficiaires.items()
            )
        )
        self.bilan.lignes_budget += len(
            LigneBudget.objects.bulk_create(
                LigneBudget(
                    dossier=dossier,
                    sens=ligne.sens,
                    compte=ligne.compte,
                    libelle=(
                        f"{ligne.libelle} ({self.financeurs[ligne.financeur].nom})"
                        if ligne.financeur
                        else ligne.libelle
                    ),
                    montant=ligne.montant,
                    financeur=self.financeurs.get(ligne.financeur),
                    nature=ligne.nature,
                )
                for dossier, demo in paires
                for ligne in demo.budget
            )
        )
        avis_le = moment(appel.date_cloture + timedelta(days=30), 10)
        financements = Financement.objects.bulk_create(
            Financement(
                dossier=dossier,
                financeur=self.financeurs[f.financeur],
                nature=f.nature,
                montant_demande=f.demande,
                avis=f.avis,
                commentaire=f.commentaire,
                montant_propose=f.propose,
                montant_accorde=f.accorde,
                avis_par=None if f.avis == "en_attente" else self._agent(f.financeur),
                avis_le=None if f.avis == "en_attente" else avis_le,
            )
            for dossier, demo in paires
            for f in demo.financements
        )
        self.bilan.financements += len(financements)
        self._conventions(appel.annee, financements)

    def _liens(self, paires: list[tuple[Dossier, DossierDemo]]) -> None:
        """The operational objectives of the action's plan row, and its transversal themes."""
        axes = {axe.numero: axe.pk for axe in self.generateur.axes}
        Dossier.objectifs_operationnels.through.objects.bulk_create(
            Dossier.objectifs_operationnels.through(
                dossier_id=dossier.pk, objectifoperationnel_id=objectif.pk
            )
            for dossier, demo in paires
            for objectif in demo.fiche.ligne.objectifs_operationnels.all()
        )
        Dossier.axes.through.objects.bulk_create(
            Dossier.axes.through(dossier_id=dossier.pk, axetransversal_id=axes[numero])
            for dossier, demo in paires
            for numero in demo.axes
        )

    def _conventions(self, annee: int, financements: list[Financement]) -> None:
        """Conventions of the conventionned and balanced dossiers, with their payments."""
        conventionnes = (Statut.CONVENTIONNE, Statut.SOLDE)
        conventions = Convention.objects.bulk_create(
            Convention(
                financement=f,
                numero=f"{f.dossier.numero}-{f.financeur.code}-{f.nature[:2]}",
                date=date(annee, 6, 15),
                montant=f.montant_accorde,
            )
            for f in financements
            if f.dossier.statut in conventionnes and f.montant_accorde
        )
        paiements = []
        for convention in conventions:
            financement = convention.financement
            agent = self._agent(financement.financeur.code)
            avance = (convention.montant / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)
            paiements.append(
                Paiement(
                    convention=convention,
                    nature=Paiement.Nature.AVANCE,
                    montant=avance,
                    date=date(annee, 7, 1),
                    acteur=agent,
                )
            )
            if financement.dossier.statut == Statut.SOLDE:
                paiements.append(
                    Paiement(
                        convention=convention,
                        nature=Paiement.Nature.SOLDE,
                        montant=convention.montant - avance,
                        date=date(annee + 1, 3, 31),
                        acteur=agent,
                    )
                )
        Paiement.objects.bulk_create(paiements)
        self.bilan.conventions += len(conventions)
        self.bilan.paiements += len(paiements)


@transaction.atomic
def generer_demo(contrat: Contrat) -> Bilan:
    """Create the demo programmation of a contract; a second run creates nothing."""
    # Payments and avis need an author: the demo accounts (idempotent).
    creer_comptes_demo(contrat)
    generateur = Generateur(contrat)
    appels = generateur.appels()
    bilan = Bilan()
    ecrivain = Ecrivain(contrat, generateur, bilan)
    for appel in appels:
        ecrivain.appel(appel)
    return bilan
