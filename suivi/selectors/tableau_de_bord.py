"""Tableau de bord of a contract: what was asked, granted and paid, and for whom.

One function, `tableau_de_bord(contrat, filtres)`, builds the whole page for the filters
of its address (year or all years, pillar, domain, operational objective, financeur,
nature), in a fixed number of queries whatever the number of dossiers: every figure is
a sum or a count the database computes over groups (`values(...).annotate(...)`).

The figures are the instruction board's (programmation.selectors.instruction), by the
same definitions: the dossiers counted are the submitted ones (every statut but the
draft); **asked** is the subventions of their budget (compte 74, crédits spécifiques
and droit commun), **proposed** and **granted** what the financeurs proposed and
granted (`Financement`), **paid** the advances and balances of their conventions, net
of cancellations (a cancelled payment and its counter-entry sum to zero). Programmed
actions are the dossiers the comité de pilotage validated (`STATUTS_PROGRAMMES`).
A financeur or nature filter keeps the dossiers that ask it in their budget, and counts
only its amounts: so a line of the "financeur × nature" table and the list of the
dossiers behind it (`dossiers_du_tableau_de_bord`) hold the same sums.

Beneficiaries come from two sources (`SOURCES_BENEFICIAIRES`): those the programmed
actions plan (CERFA: public by age band and sex, share of residents of the quartier
prioritaire), and the real ones of the validated complete bilans of the dossiers kept.
What was achieved sits next to what was planned: realised actions (validated complete
bilans), actions not carried out (validated attestations of non-réalisation), real
beneficiaries. The indicators of the evaluation referential of the objectives filtered
on show against their targets (suivi.selectors.referentiel), measured up to the year
filtered on.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from urllib.parse import urlencode

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from contrats.extensions import SectionDePage
from contrats.models import Contrat, Domaine, ObjectifOperationnel, Organisation, Pilier
from contrats.selectors import cle_numero
from gouvernance.selectors import section_des_frequences
from programmation.etats import BADGES, STATUTS_PROGRAMMES
from programmation.exports import FORMATS, Colonne
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    CompteBudget,
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
)
from programmation.selectors.espace import Tache
from programmation.selectors.instruction import MONTANT, ZERO
from programmation.selectors.plan import format_pourcentage, pourcentage
from suivi import permissions
from suivi.models import BeneficiairesBilan, Bilan, StatutBilan
from suivi.selectors.referentiel import (
    LigneIndicateur,
    lignes_indicateurs,
    situation_des_indicateurs,
)

CENTIME = Decimal("0.01")
LARGEUR_MAX = 100  # percent of the chart's width for its longest bar
PAR_PAGE = 50
TRAVERSEE = Dossier.objectifs_operationnels.through
NATURES = tuple(NatureCredit.financees())
LIBELLES_NATURES = dict(NatureCredit.choices)
SANS_PILIER = "Sans pilier"
SANS_OBJECTIF = "Sans objectif opérationnel"
# The values of Filtres.realisation: the nature of the validated bilans they keep.
NATURES_DE_BILAN = {
    "realisees": Bilan.Nature.COMPLET,
    "non_realisees": Bilan.Nature.NON_REALISATION,
}
BILANS_REALISES = Q(statut=StatutBilan.VALIDE, nature=Bilan.Nature.COMPLET)


# --- Filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filtres:
    """What the reader asked of the dashboard, as in its query string.

    `programmes` narrows a list of dossiers to the programmed actions (the figures of
    actions and beneficiaries), `realisation` to those whose bilan is validated, realised
    ("realisees") or not ("non_realisees"); the dashboard itself ignores both.
    """

    annee: int | None = None
    pilier: int | None = None
    domaine: int | None = None
    objectif: int | None = None
    financeur: int | None = None
    nature: str = ""
    programmes: bool = False
    realisation: str = ""

    @property
    def filtre(self) -> bool:
        return any(
            (self.annee, self.pilier, self.domaine, self.objectif, self.financeur, self.nature)
        )

    def parametres(self, **changements) -> str:
        """The query string of these filters ("?annee=2016&pilier=3"), empty ones left out."""
        valeurs = {**asdict(self), **changements}
        paires = [
            (cle, 1 if valeur is True else valeur)
            for cle, valeur in valeurs.items()
            if valeur not in (None, "", False)
        ]
        return f"?{urlencode(paires)}" if paires else ""


@dataclass(frozen=True)
class Options:
    """The choices of the filters: (value, label), in the contract's order."""

    annees: list[tuple[int, str]]
    piliers: list[tuple[int, str]]
    domaines: list[tuple[int, str]]
    objectifs: list[tuple[int, str]]
    financeurs: list[tuple[int, str]]
    natures: list[tuple[str, str]]


def _libelle_pilier(numero: str, intitule: str) -> str:
    return f"Pilier {numero} · {intitule}"


def options(contrat: Contrat) -> Options:
    """Years of the contract's calls, its strategic frame, the financeurs its dossiers ask."""
    piliers = sorted(
        Pilier.objects.filter(contrat=contrat).values_list("pk", "numero", "intitule"),
        key=lambda p: cle_numero(p[1]),
    )
    domaines = sorted(
        Domaine.objects.filter(pilier__contrat=contrat).values_list("pk", "numero", "intitule"),
        key=lambda d: cle_numero(d[1]),
    )
    objectifs = sorted(
        ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).values_list(
            "pk", "numero", "intitule"
        ),
        key=lambda o: cle_numero(o[1]),
    )
    financeurs = Organisation.objects.filter(
        Q(pk__in=_subventions().filter(dossier__appel__contrat=contrat).values("financeur_id"))
        | Q(pk__in=Financement.objects.filter(dossier__appel__contrat=contrat).values("financeur"))
    ).values_list("pk", "nom")
    return Options(
        annees=[
            (annee, str(annee))
            for annee in AppelAProjets.objects.filter(contrat=contrat)
            .order_by("annee")
            .values_list("annee", flat=True)
        ],
        piliers=[(pk, _libelle_pilier(numero, intitule)) for pk, numero, intitule in piliers],
        domaines=[(pk, f"{numero} {intitule}") for pk, numero, intitule in domaines],
        objectifs=[(pk, f"{numero} {intitule}") for pk, numero, intitule in objectifs],
        financeurs=sorted(financeurs, key=lambda f: f[1].lower()),
        natures=[(nature.value, nature.label) for nature in NATURES],
    )


# --- The dossiers and the amounts behind every figure ----------------------------------------


def _subventions() -> QuerySet[LigneBudget]:
    """What a dossier asks: the subventions of its budget (compte 74) instructed natures."""
    return LigneBudget.objects.filter(compte=CompteBudget.C74, nature__in=NATURES)


def perimetre(contrat: Contrat, filtres: Filtres) -> QuerySet[Dossier]:
    """The submitted dossiers of the contract these filters keep (one row per dossier)."""
    dossiers = Dossier.objects.filter(appel__contrat=contrat).exclude(statut=Statut.BROUILLON)
    if filtres.annee:
        dossiers = dossiers.filter(appel__annee=filtres.annee)
    if filtres.pilier:
        dossiers = dossiers.filter(pilier_id=filtres.pilier)
    if filtres.domaine:
        dossiers = dossiers.filter(
            Exists(
                TRAVERSEE.objects.filter(
                    dossier_id=OuterRef("pk"), objectifoperationnel__domaine_id=filtres.domaine
                )
            )
        )
    if filtres.objectif:
        dossiers = dossiers.filter(
            Exists(
                TRAVERSEE.objects.filter(
                    dossier_id=OuterRef("pk"), objectifoperationnel_id=filtres.objectif
                )
            )
        )
    if filtres.financeur or filtres.nature:
        # As on the instruction board: a dossier asks a financeur, or a nature, through
        # the subventions of its budget.
        dossiers = dossiers.filter(
            Exists(_restreindre(_subventions(), filtres).filter(dossier=OuterRef("pk")))
        )
    if filtres.programmes:
        dossiers = dossiers.filter(statut__in=STATUTS_PROGRAMMES)
    if filtres.realisation in NATURES_DE_BILAN:
        dossiers = dossiers.filter(
            bilan__statut=StatutBilan.VALIDE, bilan__nature=NATURES_DE_BILAN[filtres.realisation]
        )
    return dossiers


def _restreindre(lignes: QuerySet, filtres: Filtres, vers_financement: str = "") -> QuerySet:
    """Only the amounts of the financeur and nature filtered on."""
    if filtres.financeur:
        lignes = lignes.filter(**{f"{vers_financement}financeur_id": filtres.financeur})
    if filtres.nature:
        lignes = lignes.filter(**{f"{vers_financement}nature": filtres.nature})
    return lignes


@dataclass(frozen=True)
class Somme:
    champ: str
    filtre: Q | None = None


@dataclass(frozen=True)
class Source:
    """One table of amounts: its rows, how they reach their dossier, what they sum."""

    lignes: Callable[[], QuerySet]
    vers_dossier: str  # path from a row to its dossier
    vers_financement: str  # path from a row to the financeur and nature fields
    sommes: dict[str, Somme]


SOURCES = (
    Source(_subventions, "dossier", "", {"demande": Somme("montant")}),
    Source(
        Financement.objects.all,
        "dossier",
        "",
        {
            "propose": Somme("montant_propose"),
            "accorde": Somme("montant_accorde"),
            "accorde_droit_commun": Somme("montant_accorde", Q(nature=NatureCredit.DROIT_COMMUN)),
        },
    ),
    Source(
        Paiement.objects.all,
        "convention__financement__dossier",
        "convention__financement__",
        {"paye": Somme("montant")},
    ),
)
MESURES = ("demande", "propose", "accorde", "paye", "accorde_droit_commun")


def _lignes_source(source: Source, dossiers: QuerySet[Dossier], filtres: Filtres) -> QuerySet:
    lignes = source.lignes().filter(**{f"{source.vers_dossier}__in": dossiers.values("pk")})
    return _restreindre(lignes, filtres, source.vers_financement)


def _cents(valeur) -> Decimal:
    # SQLite sums decimals as floats: back to cents.
    return ZERO if valeur is None else Decimal(valeur).quantize(CENTIME, ROUND_HALF_UP)


@dataclass(frozen=True)
class Chiffres:
    """The figures of a group of dossiers (see the module's docstring)."""

    dossiers: int = 0
    programmes: int = 0
    demande: Decimal = ZERO
    propose: Decimal = ZERO
    accorde: Decimal = ZERO
    paye: Decimal = ZERO
    accorde_droit_commun: Decimal = ZERO

    @property
    def part_droit_commun(self) -> Decimal | None:
        """Share of the granted amount in droit commun (%), None when nothing is granted."""
        return pourcentage(self.accorde_droit_commun, self.accorde)

    @property
    def part_droit_commun_texte(self) -> str:
        return format_pourcentage(self.part_droit_commun)

    def __add__(self, autre: "Chiffres") -> "Chiffres":
        return Chiffres(
            *(a + b for a, b in zip(asdict(self).values(), asdict(autre).values(), strict=True))
        )


def _total(chiffres: Iterable[Chiffres]) -> Chiffres:
    return sum(chiffres, Chiffres())


def _chiffres(valeurs: dict) -> Chiffres:
    return Chiffres(
        dossiers=valeurs.get("dossiers") or 0,
        programmes=valeurs.get("programmes") or 0,
        **{mesure: _cents(valeurs.get(mesure)) for mesure in MESURES},
    )


@dataclass(frozen=True)
class Axe:
    """How a table groups: the path to its key from a dossier, and from an amount's row."""

    depuis_dossier: str | None  # None: counted on the budget lines (financeur × nature)
    depuis_ligne: Callable[[Source], tuple[str, ...]]


AXES = {
    "annee": Axe("appel__annee", lambda s: (f"{s.vers_dossier}__appel__annee",)),
    "pilier": Axe("pilier_id", lambda s: (f"{s.vers_dossier}__pilier_id",)),
    # One row per (dossier, objective): a dossier counts in each of its objectives.
    "objectif": Axe(
        "objectifs_operationnels", lambda s: (f"{s.vers_dossier}__objectifs_operationnels",)
    ),
    "financement": Axe(
        None, lambda s: (f"{s.vers_financement}financeur_id", f"{s.vers_financement}nature")
    ),
}
PROGRAMMES = Q(statut__in=STATUTS_PROGRAMMES)


def agreger(dossiers: QuerySet[Dossier], filtres: Filtres, axe: str) -> dict:
    """The figures of these dossiers per key of the axis, in four grouped queries.

    The counts come from the dossiers (for the financeur × nature axis, from the budget
    lines that ask each pair); the amounts from their sources, restricted to the
    financeur and nature filtered on.
    """
    groupe = AXES[axe]
    valeurs: dict = defaultdict(dict)
    if groupe.depuis_dossier:
        for rangee in (
            dossiers.values(groupe.depuis_dossier)
            .annotate(
                dossiers=Count("pk", distinct=True),
                programmes=Count("pk", filter=PROGRAMMES, distinct=True),
            )
            .order_by()
        ):
            valeurs[rangee[groupe.depuis_dossier]].update(rangee)
    for source in SOURCES:
        champs = groupe.depuis_ligne(source)
        annotations = {
            mesure: Sum(somme.champ, filter=somme.filtre) for mesure, somme in source.sommes.items()
        }
        if groupe.depuis_dossier is None and "demande" in source.sommes:
            annotations |= {
                "dossiers": Count("dossier", distinct=True),
                "programmes": Count(
                    "dossier", filter=Q(dossier__statut__in=STATUTS_PROGRAMMES), distinct=True
                ),
            }
        for rangee in (
            _lignes_source(source, dossiers, filtres)
            .values(*champs)
            .annotate(**annotations)
            .order_by()
        ):
            cle = tuple(rangee[c] for c in champs) if len(champs) > 1 else rangee[champs[0]]
            valeurs[cle].update({mesure: rangee[mesure] for mesure in annotations})
    return {cle: _chiffres(v) for cle, v in valeurs.items()}


def totaux(dossiers: QuerySet[Dossier], filtres: Filtres) -> Chiffres:
    """The figures of all these dossiers: the sum of their pillars (each has one at most)."""
    return _total(agreger(dossiers, filtres, "pilier").values())


def _sans_groupe(lignes: QuerySet, fonction: str, champ: str, sortie) -> Coalesce:
    # One aggregate over the whole correlated subquery (no GROUP BY): a value per outer row.
    return Coalesce(
        Subquery(lignes.order_by().annotate(v=Func(F(champ), function=fonction)).values("v")[:1]),
        Value(0),
        output_field=sortie,
    )


def par_domaine(dossiers: QuerySet[Dossier], filtres: Filtres, domaines: QuerySet) -> dict:
    """The figures per domain, in one query over the domains.

    A dossier belongs to a domain through its objectives, and may hold two of the same
    domain: a join would count its amounts twice, an EXISTS counts them once.
    """

    def du_domaine(vers_dossier: str) -> Exists:
        return Exists(
            TRAVERSEE.objects.filter(
                dossier_id=OuterRef(vers_dossier),
                objectifoperationnel__domaine_id=OuterRef(OuterRef("pk")),
            )
        )

    entier = IntegerField()
    annotations = {
        "dossiers": _sans_groupe(dossiers.filter(du_domaine("pk")), "COUNT", "pk", entier),
        "programmes": _sans_groupe(
            dossiers.filter(PROGRAMMES, du_domaine("pk")), "COUNT", "pk", entier
        ),
    }
    for source in SOURCES:
        lignes = _lignes_source(source, dossiers, filtres).filter(
            du_domaine(f"{source.vers_dossier}_id")
        )
        for mesure, somme in source.sommes.items():
            choisies = lignes.filter(somme.filtre) if somme.filtre else lignes
            annotations[mesure] = _sans_groupe(choisies, "SUM", somme.champ, MONTANT)
    return {
        rangee["pk"]: _chiffres(rangee)
        for rangee in domaines.order_by().values("pk").annotate(**annotations)
    }


# --- The dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LienExport:
    format: str
    url: str


@dataclass(frozen=True)
class Ligne:
    """A row of a table: its figures, the dossiers behind them, the widths of its bars."""

    libelle: str
    chiffres: Chiffres
    url: str | None  # the dossiers behind the figures (None: no filter reaches them)
    url_programmes: str | None
    largeur_accorde: int = 0
    largeur_paye: int = 0
    financeur: str = ""
    nature: str = ""
    # Of a financeur × nature row: the share of droit commun in that financeur's grants.
    part_droit_commun_financeur: Decimal | None = None

    @property
    def part_droit_commun_financeur_texte(self) -> str:
        return format_pourcentage(self.part_droit_commun_financeur)


@dataclass(frozen=True)
class Tableau:
    nom: str  # its name in the export's address
    titre: str
    entete: str  # the header of its first column
    lignes: list[Ligne]
    total: Chiffres
    url_total: str
    exports: list[LienExport]
    graphique: bool  # whether a bar chart of granted and paid amounts precedes it
    comptes: bool = True  # whether its rows count dossiers (not the natures': amounts only)
    # Rows may share dossiers (a dossier asks several financeurs, holds several
    # objectives): the total row is the dashboard's, each dossier counted once.
    recouvrement: bool = False


@dataclass(frozen=True)
class LigneBeneficiaires:
    tranche: str
    femmes: int
    hommes: int
    total: int
    largeur_femmes: int
    largeur_hommes: int


@dataclass(frozen=True)
class BlocBeneficiaires:
    """People by age band and sex, from one source (the dossiers' plans, the bilans)."""

    nom: str  # its name in the export's address
    source: str  # "prévus (dossiers)", "réels (bilans validés)"
    titre: str
    lignes: list[LigneBeneficiaires]
    femmes: int
    hommes: int
    total: int
    part_femmes_texte: str
    # Residents of the quartier prioritaire: planned, each dossier's share applied to its
    # public, over the dossiers that give it; real, those the bilans count (not by sex).
    part_qpv: Decimal | None
    part_qpv_femmes_texte: str
    part_qpv_hommes_texte: str
    renseignes: int  # people of the dossiers that give their share of residents
    url: str
    exports: list[LienExport]
    feuille: str = "Bénéficiaires"  # the sheet's name in its exports

    @property
    def part_qpv_texte(self) -> str:
        return format_pourcentage(self.part_qpv)


@dataclass(frozen=True)
class LigneRealisation:
    """A figure planned by the programmed actions next to what their bilans achieved."""

    libelle: str
    prevu: int | Decimal | None
    prevu_texte: str
    url_prevu: str | None
    realise: int | Decimal | None
    realise_texte: str
    url_realise: str


@dataclass(frozen=True)
class TableauRealisations:
    nom: str
    titre: str
    realisees: int  # dossiers whose complete bilan is validated
    non_realisees: int  # dossiers whose attestation of non-réalisation is validated
    url_realisees: str
    url_non_realisees: str
    lignes: list[LigneRealisation]
    exports: list[LienExport]


@dataclass(frozen=True)
class TableauIndicateurs:
    """The referential's indicators of the objectives filtered on, against their targets."""

    nom: str
    titre: str
    annee: int | None  # measures up to this year (all if None)
    lignes: list[LigneIndicateur]
    exports: list[LienExport]


@dataclass(frozen=True)
class TableauDeBord:
    contrat: Contrat
    filtres: Filtres
    totaux: Chiffres
    url_dossiers: str
    url_programmes: str
    tableaux: dict[str, Tableau]
    beneficiaires: list[BlocBeneficiaires]
    realisations: TableauRealisations
    indicateurs: TableauIndicateurs
    adresse: str
    # Meetings held per body and year against the contract's minimum (Article 3 §1).
    reunions: SectionDePage


def url_tableau_de_bord(contrat: Contrat) -> str:
    return reverse("suivi:tableau_de_bord", args=[contrat.slug])


def url_dossiers(contrat: Contrat, filtres: Filtres, **changements) -> str:
    return reverse("suivi:tableau_de_bord_dossiers", args=[contrat.slug]) + filtres.parametres(
        **changements
    )


def _exports(contrat: Contrat, nom: str, filtres: Filtres) -> list[LienExport]:
    return [
        LienExport(
            format,
            reverse("suivi:tableau_de_bord_export", args=[contrat.slug, nom, format])
            + filtres.parametres(),
        )
        for format in FORMATS
    ]


def _largeur(valeur: Decimal | int, maximum: Decimal | int) -> int:
    return round(LARGEUR_MAX * valeur / maximum) if maximum else 0


def _lignes(
    contrat: Contrat, filtres: Filtres, rangees: list[tuple[str, Chiffres, dict | None]]
) -> list[Ligne]:
    """Rows of (label, figures, filters that reach their dossiers), bars scaled together."""
    maximum = max((max(c.accorde, c.paye) for _, c, _ in rangees), default=ZERO)
    return [
        Ligne(
            libelle=libelle,
            chiffres=chiffres,
            url=None if cle is None else url_dossiers(contrat, filtres, **cle),
            url_programmes=None
            if cle is None
            else url_dossiers(contrat, filtres, programmes=True, **cle),
            largeur_accorde=_largeur(chiffres.accorde, maximum),
            largeur_paye=_largeur(chiffres.paye, maximum),
        )
        for libelle, chiffres, cle in rangees
    ]


def _tableau(
    contrat: Contrat,
    filtres: Filtres,
    nom: str,
    titre: str,
    entete: str,
    lignes: list[Ligne],
    graphique: bool = True,
    **options,
) -> Tableau:
    return Tableau(
        nom=nom,
        titre=titre,
        entete=entete,
        lignes=lignes,
        total=_total(ligne.chiffres for ligne in lignes),
        url_total=url_dossiers(contrat, filtres),
        exports=_exports(contrat, nom, filtres),
        graphique=graphique,
        **options,
    )


ORDRE_NATURES = (NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES)


def _par_financement(
    contrat: Contrat, dossiers: QuerySet, filtres: Filtres
) -> tuple[Tableau, Tableau]:
    """The financeur × nature table, and the nature table that sums its rows.

    A dossier asking two financeurs counts in each of their rows.
    """
    chiffres = agreger(dossiers, filtres, "financement")
    noms = dict(
        Organisation.objects.filter(pk__in={f for f, _ in chiffres}).values_list("pk", "nom")
    )
    par_financeur: dict[int, Chiffres] = defaultdict(Chiffres)
    par_nature: dict[str, Chiffres] = defaultdict(Chiffres)
    for (financeur, nature), c in chiffres.items():
        par_financeur[financeur] += c
        # Amounts only: a dossier may ask one nature of several financeurs.
        par_nature[nature] += replace(c, dossiers=0, programmes=0)
    ordre = {nature: rang for rang, nature in enumerate(ORDRE_NATURES)}
    cles = sorted(chiffres, key=lambda c: (noms[c[0]].lower(), ordre.get(c[1], 9)))
    lignes = _lignes(
        contrat,
        filtres,
        [
            (
                f"{noms[financeur]} · {LIBELLES_NATURES[nature]}",
                chiffres[(financeur, nature)],
                {"financeur": financeur, "nature": nature},
            )
            for financeur, nature in cles
        ],
    )
    lignes = [
        replace(
            ligne,
            financeur=noms[financeur],
            nature=LIBELLES_NATURES[nature],
            part_droit_commun_financeur=par_financeur[financeur].part_droit_commun,
        )
        for ligne, (financeur, nature) in zip(lignes, cles, strict=True)
    ]
    natures = [
        (LIBELLES_NATURES[nature], par_nature[nature], {"nature": nature})
        for nature in ORDRE_NATURES
        if nature in par_nature
    ]
    return (
        _tableau(
            contrat,
            filtres,
            "financements",
            "Par financeur et nature de crédits",
            "Financeur",
            lignes,
            recouvrement=True,
        ),
        _tableau(
            contrat,
            filtres,
            "natures",
            "Par nature de crédits",
            "Nature de crédits",
            _lignes(contrat, filtres, natures),
            graphique=False,
            comptes=False,
        ),
    )


def _par_annee(contrat: Contrat, dossiers: QuerySet, filtres: Filtres) -> Tableau:
    chiffres = agreger(dossiers, filtres, "annee")
    rangees = [(str(annee), chiffres[annee], {"annee": annee}) for annee in sorted(chiffres)]
    return _tableau(
        contrat, filtres, "annees", "Par année", "Année", _lignes(contrat, filtres, rangees)
    )


def _par_pilier(
    contrat: Contrat, filtres: Filtres, chiffres: dict, piliers: list[tuple[int, str]]
) -> Tableau:
    rangees = [(libelle, chiffres[pk], {"pilier": pk}) for pk, libelle in piliers if pk in chiffres]
    if None in chiffres:
        rangees.append((SANS_PILIER, chiffres[None], None))
    return _tableau(
        contrat, filtres, "piliers", "Par pilier", "Pilier", _lignes(contrat, filtres, rangees)
    )


def _domaines_montres(contrat: Contrat, filtres: Filtres) -> QuerySet:
    """The domains a row may show: with a domain or an objective filtered on, only its own
    (a dossier's other objectives would lead to a list without the filtered one)."""
    domaines = Domaine.objects.filter(pilier__contrat=contrat)
    if filtres.pilier:
        domaines = domaines.filter(pilier_id=filtres.pilier)
    if filtres.domaine:
        domaines = domaines.filter(pk=filtres.domaine)
    if filtres.objectif:
        domaines = domaines.filter(objectifs=filtres.objectif)
    return domaines


def _par_domaine(
    contrat: Contrat, dossiers: QuerySet, filtres: Filtres, libelles: list[tuple[int, str]]
) -> Tableau:
    chiffres = par_domaine(dossiers, filtres, _domaines_montres(contrat, filtres))
    rangees = [
        (libelle, chiffres[pk], {"domaine": pk})
        for pk, libelle in libelles
        if pk in chiffres and chiffres[pk].dossiers
    ]
    return _tableau(
        contrat,
        filtres,
        "domaines",
        "Par domaine",
        "Domaine",
        _lignes(contrat, filtres, rangees),
        graphique=False,
        recouvrement=True,
    )


def _par_objectif(
    contrat: Contrat, dossiers: QuerySet, filtres: Filtres, options: Options
) -> Tableau:
    chiffres = agreger(dossiers, filtres, "objectif")
    montres = None
    if filtres.objectif:
        montres = {filtres.objectif}
    elif filtres.domaine:
        montres = set(
            ObjectifOperationnel.objects.filter(domaine_id=filtres.domaine).values_list(
                "pk", flat=True
            )
        )
    rangees = [
        (libelle, chiffres[pk], {"objectif": pk})
        for pk, libelle in options.objectifs
        if pk in chiffres and (montres is None or pk in montres)
    ]
    if None in chiffres and not montres:
        rangees.append((SANS_OBJECTIF, chiffres[None], None))
    return _tableau(
        contrat,
        filtres,
        "objectifs",
        "Par objectif opérationnel",
        "Objectif opérationnel",
        _lignes(contrat, filtres, rangees),
        graphique=False,
        recouvrement=True,
    )


def _lignes_beneficiaires(rangees: dict[str, dict]) -> list[LigneBeneficiaires]:
    """One row per age band of the sums {tranche: {"f": women, "h": men}}, bars scaled."""
    maximum = max((max(r["f"], r["h"]) for r in rangees.values()), default=0)
    return [
        LigneBeneficiaires(
            tranche=libelle,
            femmes=rangees[code]["f"],
            hommes=rangees[code]["h"],
            total=rangees[code]["f"] + rangees[code]["h"],
            largeur_femmes=_largeur(rangees[code]["f"], maximum),
            largeur_hommes=_largeur(rangees[code]["h"], maximum),
        )
        for code, libelle in Beneficiaires.Tranche.choices
        if code in rangees
    ]


def _beneficiaires_prevus(
    contrat: Contrat, dossiers: QuerySet, filtres: Filtres
) -> BlocBeneficiaires:
    """The public the programmed actions plan (CERFA), by age band and sex."""
    programmes = dossiers.filter(PROGRAMMES)
    part = F("dossier__part_residents_qpv")
    renseigne = Q(dossier__part_residents_qpv__isnull=False)
    rangees = {
        r["tranche"]: r
        for r in Beneficiaires.objects.filter(dossier__in=programmes.values("pk"))
        .values("tranche")
        .annotate(
            f=Sum("femmes"),
            h=Sum("hommes"),
            femmes_qpv=Sum(F("femmes") * part),
            hommes_qpv=Sum(F("hommes") * part),
            femmes_renseignees=Sum("femmes", filter=renseigne),
            hommes_renseignes=Sum("hommes", filter=renseigne),
        )
        .order_by()
    }

    def somme(cle: str) -> int:
        return sum(r[cle] or 0 for r in rangees.values())

    femmes, hommes = somme("f"), somme("h")
    # Percent of people times percent: the shares are in hundredths of a person.
    femmes_qpv, hommes_qpv = Decimal(somme("femmes_qpv")) / 100, Decimal(somme("hommes_qpv")) / 100
    femmes_renseignees, hommes_renseignes = somme("femmes_renseignees"), somme("hommes_renseignes")
    return BlocBeneficiaires(
        nom="beneficiaires",
        source="prévus (dossiers)",
        titre="Bénéficiaires prévus (dossiers) par âge et par sexe",
        lignes=_lignes_beneficiaires(rangees),
        femmes=femmes,
        hommes=hommes,
        total=femmes + hommes,
        part_femmes_texte=format_pourcentage(pourcentage(femmes, femmes + hommes)),
        part_qpv=pourcentage(femmes_qpv + hommes_qpv, femmes_renseignees + hommes_renseignes),
        part_qpv_femmes_texte=format_pourcentage(pourcentage(femmes_qpv, femmes_renseignees)),
        part_qpv_hommes_texte=format_pourcentage(pourcentage(hommes_qpv, hommes_renseignes)),
        renseignes=femmes_renseignees + hommes_renseignes,
        url=url_dossiers(contrat, filtres, programmes=True),
        exports=_exports(contrat, "beneficiaires", filtres),
    )


def _bilans_realises(dossiers: QuerySet) -> QuerySet[Bilan]:
    return Bilan.objects.filter(BILANS_REALISES, dossier__in=dossiers.values("pk"))


def _beneficiaires_reels(
    contrat: Contrat, dossiers: QuerySet, filtres: Filtres
) -> BlocBeneficiaires:
    """The public the realised actions met (validated complete bilans), by age band and
    sex; the bilans count the residents of the quartier prioritaire per age band only."""
    rangees = {
        r["tranche"]: r
        for r in BeneficiairesBilan.objects.filter(bilan__in=_bilans_realises(dossiers))
        .values("tranche")
        .annotate(f=Sum("femmes"), h=Sum("hommes"), q=Sum("residents_qpv"))
        .order_by()
    }
    femmes = sum(r["f"] for r in rangees.values())
    hommes = sum(r["h"] for r in rangees.values())
    return BlocBeneficiaires(
        nom="beneficiaires_reels",
        source="réels (bilans validés)",
        titre="Bénéficiaires réels (bilans validés) par âge et par sexe",
        lignes=_lignes_beneficiaires(rangees),
        femmes=femmes,
        hommes=hommes,
        total=femmes + hommes,
        part_femmes_texte=format_pourcentage(pourcentage(femmes, femmes + hommes)),
        part_qpv=pourcentage(sum(r["q"] for r in rangees.values()), femmes + hommes),
        part_qpv_femmes_texte=format_pourcentage(None),
        part_qpv_hommes_texte=format_pourcentage(None),
        renseignes=femmes + hommes,
        url=url_dossiers(contrat, filtres, realisation="realisees"),
        exports=_exports(contrat, "beneficiaires_reels", filtres),
        feuille="Bénéficiaires réels",
    )


# The sources of beneficiaries, in the order of the page: planned, then real.
SOURCES_BENEFICIAIRES: tuple[Callable[[Contrat, QuerySet, Filtres], BlocBeneficiaires], ...] = (
    _beneficiaires_prevus,
    _beneficiaires_reels,
)


def _realisations(
    contrat: Contrat,
    dossiers: QuerySet,
    filtres: Filtres,
    total: Chiffres,
    prevus: BlocBeneficiaires,
    reels: BlocBeneficiaires,
) -> TableauRealisations:
    """What the programmed actions planned next to what their validated bilans achieved."""
    valides = Bilan.objects.filter(
        dossier__in=dossiers.values("pk"), statut=StatutBilan.VALIDE
    ).aggregate(
        realisees=Count("pk", filter=Q(nature=Bilan.Nature.COMPLET)),
        non_realisees=Count("pk", filter=Q(nature=Bilan.Nature.NON_REALISATION)),
    )
    url_programmes = url_dossiers(contrat, filtres, programmes=True)
    url_realisees = url_dossiers(contrat, filtres, realisation="realisees")
    url_non_realisees = url_dossiers(contrat, filtres, realisation="non_realisees")

    def ligne(libelle, prevu, realise, url_realise=url_realisees, texte=str) -> LigneRealisation:
        return LigneRealisation(
            libelle=libelle,
            prevu=prevu,
            prevu_texte="—" if prevu is None else texte(prevu),
            url_prevu=None if prevu is None else url_programmes,
            realise=realise,
            realise_texte=texte(realise),
            url_realise=url_realise,
        )

    return TableauRealisations(
        nom="realisations",
        titre="Actions et bénéficiaires : prévus et réalisés",
        realisees=valides["realisees"],
        non_realisees=valides["non_realisees"],
        url_realisees=url_realisees,
        url_non_realisees=url_non_realisees,
        lignes=[
            ligne("Actions (programmées, puis réalisées)", total.programmes, valides["realisees"]),
            ligne(
                "Actions non réalisées (attestation validée)",
                None,
                valides["non_realisees"],
                url_non_realisees,
            ),
            ligne("Bénéficiaires : femmes", prevus.femmes, reels.femmes),
            ligne("Bénéficiaires : hommes", prevus.hommes, reels.hommes),
            ligne("Bénéficiaires : total", prevus.total, reels.total),
            ligne(
                "Part des bénéficiaires résidant dans le quartier prioritaire (%)",
                prevus.part_qpv,
                reels.part_qpv,
                texte=format_pourcentage,
            ),
        ],
        exports=_exports(contrat, "realisations", filtres),
    )


def _objectifs_filtres(filtres: Filtres) -> list[int] | None:
    """The operational objectives the strategic filters keep (None: no such filter)."""
    if filtres.objectif:
        return [filtres.objectif]
    if filtres.domaine:
        objectifs = ObjectifOperationnel.objects.filter(domaine_id=filtres.domaine)
    elif filtres.pilier:
        objectifs = ObjectifOperationnel.objects.filter(domaine__pilier_id=filtres.pilier)
    else:
        return None
    return list(objectifs.values_list("pk", flat=True))


def _indicateurs(contrat: Contrat, filtres: Filtres) -> TableauIndicateurs:
    situations = situation_des_indicateurs(
        contrat, objectifs=_objectifs_filtres(filtres), annee_max=filtres.annee
    )
    return TableauIndicateurs(
        nom="indicateurs",
        titre="Indicateurs au regard de leurs cibles",
        annee=filtres.annee,
        lignes=lignes_indicateurs(situations),
        exports=_exports(contrat, "indicateurs", filtres),
    )


def tableau_de_bord(contrat: Contrat, filtres: Filtres, options_: Options) -> TableauDeBord:
    """The whole dashboard for these filters, in a fixed number of queries.

    `options_` are the filters' choices (`options`), already read for the form.
    """
    filtres = replace(filtres, programmes=False, realisation="")
    dossiers = perimetre(contrat, filtres)
    par_pilier = agreger(dossiers, filtres, "pilier")
    financements, natures = _par_financement(contrat, dossiers, filtres)
    tableaux = {"financements": financements, "natures": natures}
    if not filtres.annee:
        tableaux["annees"] = _par_annee(contrat, dossiers, filtres)
    tableaux |= {
        "piliers": _par_pilier(contrat, filtres, par_pilier, options_.piliers),
        "domaines": _par_domaine(contrat, dossiers, filtres, options_.domaines),
        "objectifs": _par_objectif(contrat, dossiers, filtres, options_),
    }
    total = _total(par_pilier.values())
    # Every table's total row is the dashboard's: each dossier counted once.
    tableaux = {nom: replace(t, total=total) for nom, t in tableaux.items()}
    prevus, reels = (source(contrat, dossiers, filtres) for source in SOURCES_BENEFICIAIRES)
    return TableauDeBord(
        contrat=contrat,
        filtres=filtres,
        totaux=total,
        url_dossiers=url_dossiers(contrat, filtres),
        url_programmes=url_dossiers(contrat, filtres, programmes=True),
        tableaux=tableaux,
        beneficiaires=[prevus, reels],
        realisations=_realisations(contrat, dossiers, filtres, total, prevus, reels),
        indicateurs=_indicateurs(contrat, filtres),
        reunions=section_des_frequences(contrat),
        adresse=url_tableau_de_bord(contrat) + filtres.parametres(),
    )


# --- The dossiers behind a figure ------------------------------------------------------------


@dataclass(frozen=True)
class LigneDossier:
    dossier: Dossier
    chiffres: Chiffres
    femmes: int
    hommes: int
    # The real public of its validated complete bilan.
    femmes_reelles: int = 0
    hommes_reels: int = 0

    @property
    def badge(self) -> str:
        return BADGES.get(self.dossier.statut, "")


@dataclass(frozen=True)
class ListeDossiers:
    filtres: Filtres
    lignes: list[LigneDossier]
    nombre: int
    total: Chiffres
    femmes: int
    hommes: int
    femmes_reelles: int
    hommes_reels: int
    page: int
    nombre_pages: int
    precedente: str | None
    suivante: str | None
    adresse_tableau_de_bord: str
    criteres: list[str] = field(default_factory=list)  # the filters, in words


CRITERES_REALISATION = {
    "realisees": "Actions réalisées seulement (bilan validé)",
    "non_realisees": "Actions non réalisées seulement (attestation validée)",
}


def _public_reel(bilans: QuerySet[Bilan]) -> dict[int, dict]:
    """{dossier id: {"femmes", "hommes"}} of these bilans' real public, in one query."""
    return {
        r["bilan__dossier"]: r
        for r in BeneficiairesBilan.objects.filter(bilan__in=bilans)
        .values("bilan__dossier")
        .annotate(femmes=Sum("femmes"), hommes=Sum("hommes"))
        .order_by()
    }


def _criteres(filtres: Filtres, options_: Options) -> list[str]:
    libelles = {
        "annee": ("Année", dict(options_.annees)),
        "pilier": ("Pilier", dict(options_.piliers)),
        "domaine": ("Domaine", dict(options_.domaines)),
        "objectif": ("Objectif opérationnel", dict(options_.objectifs)),
        "financeur": ("Financeur", dict(options_.financeurs)),
        "nature": ("Nature de crédits", dict(options_.natures)),
    }
    criteres = [
        f"{nom} : {choix.get(getattr(filtres, cle), getattr(filtres, cle))}"
        for cle, (nom, choix) in libelles.items()
        if getattr(filtres, cle)
    ]
    if filtres.programmes:
        criteres.append("Actions programmées seulement")
    if filtres.realisation in CRITERES_REALISATION:
        criteres.append(CRITERES_REALISATION[filtres.realisation])
    return criteres


def dossiers_du_tableau_de_bord(
    contrat: Contrat, filtres: Filtres, options_: Options, page: int = 1
) -> ListeDossiers:
    """The dossiers behind a figure, 50 a page, with their amounts for these filters and
    the totals of all pages, computed as the dashboard computes its figures."""
    dossiers = perimetre(contrat, filtres)
    total = totaux(dossiers, filtres)
    nombre = total.dossiers
    nombre_pages = max(1, ceil(nombre / PAR_PAGE))
    page = min(max(page, 1), nombre_pages)
    rangees = list(
        dossiers.select_related("appel", "structure__organisation")
        .only("numero", "intitule", "statut", "appel__annee", "structure__organisation__nom")
        .order_by("-appel__annee", "numero")[(page - 1) * PAR_PAGE : page * PAR_PAGE]
    )
    de_la_page = Dossier.objects.filter(pk__in=[d.pk for d in rangees])
    montants: dict[int, dict] = defaultdict(dict)
    for source in SOURCES:
        for rangee in (
            _lignes_source(source, de_la_page, filtres)
            .values(source.vers_dossier)
            .annotate(**{m: Sum(s.champ, filter=s.filtre) for m, s in source.sommes.items()})
            .order_by()
        ):
            montants[rangee[source.vers_dossier]].update(rangee)
    publics = {
        r["dossier"]: r
        for r in Beneficiaires.objects.filter(dossier__in=de_la_page)
        .values("dossier")
        .annotate(femmes=Sum("femmes"), hommes=Sum("hommes"))
        .order_by()
    }
    publics_total = Beneficiaires.objects.filter(dossier__in=dossiers.values("pk")).aggregate(
        femmes=Sum("femmes"), hommes=Sum("hommes")
    )
    reels = _public_reel(_bilans_realises(de_la_page))
    reels_total = BeneficiairesBilan.objects.filter(bilan__in=_bilans_realises(dossiers)).aggregate(
        femmes=Sum("femmes"), hommes=Sum("hommes")
    )
    base = url_dossiers(contrat, filtres)
    separateur = "&" if "?" in base else "?"
    return ListeDossiers(
        filtres=filtres,
        lignes=[
            LigneDossier(
                dossier=d,
                chiffres=_chiffres(
                    {
                        **montants.get(d.pk, {}),
                        "dossiers": 1,
                        "programmes": int(d.statut in STATUTS_PROGRAMMES),
                    }
                ),
                femmes=publics.get(d.pk, {}).get("femmes") or 0,
                hommes=publics.get(d.pk, {}).get("hommes") or 0,
                femmes_reelles=reels.get(d.pk, {}).get("femmes") or 0,
                hommes_reels=reels.get(d.pk, {}).get("hommes") or 0,
            )
            for d in rangees
        ],
        nombre=nombre,
        total=total,
        femmes=publics_total["femmes"] or 0,
        hommes=publics_total["hommes"] or 0,
        femmes_reelles=reels_total["femmes"] or 0,
        hommes_reels=reels_total["hommes"] or 0,
        page=page,
        nombre_pages=nombre_pages,
        precedente=f"{base}{separateur}page={page - 1}" if page > 1 else None,
        suivante=f"{base}{separateur}page={page + 1}" if page < nombre_pages else None,
        adresse_tableau_de_bord=url_tableau_de_bord(contrat)
        + replace(filtres, programmes=False, realisation="").parametres(),
        criteres=_criteres(filtres, options_),
    )


# --- Exports ---------------------------------------------------------------------------------


def _colonnes_chiffres() -> tuple[Colonne, ...]:
    return (
        Colonne("Dossiers", lambda ligne: ligne.chiffres.dossiers),
        Colonne("Dossiers programmés", lambda ligne: ligne.chiffres.programmes),
        Colonne("Demandé", lambda ligne: ligne.chiffres.demande, montant=True),
        Colonne("Proposé", lambda ligne: ligne.chiffres.propose, montant=True),
        Colonne("Accordé", lambda ligne: ligne.chiffres.accorde, montant=True),
        Colonne("Payé", lambda ligne: ligne.chiffres.paye, montant=True),
    )


def colonnes_du_tableau(tableau: Tableau) -> tuple[Colonne, ...]:
    """The columns of a table's exports, the page's own (one row per row, no total)."""
    if tableau.nom == "financements":
        return (
            Colonne("Financeur", lambda ligne: ligne.financeur),
            Colonne("Nature", lambda ligne: ligne.nature),
            *_colonnes_chiffres(),
            Colonne(
                "Part du droit commun du financeur (%)",
                lambda ligne: ligne.part_droit_commun_financeur,
            ),
        )
    return (
        Colonne(tableau.entete, lambda ligne: ligne.libelle),
        *_colonnes_chiffres(),
        Colonne("Part du droit commun (%)", lambda ligne: ligne.chiffres.part_droit_commun),
    )


COLONNES_BENEFICIAIRES: tuple[Colonne, ...] = (
    Colonne("Tranche d'âge", lambda ligne: ligne.tranche),
    Colonne("Femmes", lambda ligne: ligne.femmes),
    Colonne("Hommes", lambda ligne: ligne.hommes),
    Colonne("Total", lambda ligne: ligne.total),
)


COLONNES_REALISATIONS: tuple[Colonne, ...] = (
    Colonne("Chiffre", lambda ligne: ligne.libelle),
    Colonne("Prévu (actions programmées)", lambda ligne: ligne.prevu),
    Colonne("Réalisé (bilans validés)", lambda ligne: ligne.realise),
)


def _jour(valeur) -> str:
    return f"{valeur:%d/%m/%Y}" if valeur else ""


def _derniere(ligne: LigneIndicateur, champ: str):
    derniere = ligne.situation.derniere
    return getattr(derniere, champ) if derniere else None


COLONNES_INDICATEURS: tuple[Colonne, ...] = (
    Colonne("Code", lambda ligne: ligne.indicateur.code),
    Colonne("Indicateur", lambda ligne: ligne.indicateur.libelle),
    Colonne("Unité", lambda ligne: ligne.indicateur.unite),
    Colonne("Valeur de référence", lambda ligne: ligne.indicateur.valeur_reference, montant=True),
    Colonne("Date de référence", lambda ligne: _jour(ligne.indicateur.date_reference)),
    Colonne("Cible", lambda ligne: ligne.indicateur.valeur_cible, montant=True),
    Colonne("Échéance", lambda ligne: _jour(ligne.indicateur.date_cible)),
    Colonne("Dernière mesure", lambda ligne: _derniere(ligne, "valeur"), montant=True),
    Colonne("Date de la dernière mesure", lambda ligne: _jour(_derniere(ligne, "date"))),
    Colonne("Écart à la cible", lambda ligne: ligne.situation.ecart, montant=True),
    Colonne("Avancement (%)", lambda ligne: ligne.situation.avancement),
    Colonne("Situation", lambda ligne: ligne.badge[0]),
)


@dataclass(frozen=True)
class Export:
    colonnes: tuple[Colonne, ...]
    lignes: list
    nom: str  # the file's name, without its extension
    titre: str  # the sheet's name


def export(tableau: TableauDeBord, nom: str) -> Export | None:
    """A table of the dashboard as its exports hold it; None for an unknown name."""
    suffixe = f"-{tableau.filtres.annee}" if tableau.filtres.annee else ""
    fichier = f"tableau-de-bord-{tableau.contrat.slug}-{nom}{suffixe}"
    if nom in tableau.tableaux:
        choisi = tableau.tableaux[nom]
        return Export(colonnes_du_tableau(choisi), choisi.lignes, fichier, choisi.titre)
    for bloc in tableau.beneficiaires:
        if bloc.nom == nom:
            return Export(COLONNES_BENEFICIAIRES, bloc.lignes, fichier, bloc.feuille)
    if nom == tableau.realisations.nom:
        choisi = tableau.realisations
        return Export(COLONNES_REALISATIONS, choisi.lignes, fichier, "Réalisations")
    if nom == tableau.indicateurs.nom:
        return Export(COLONNES_INDICATEURS, tableau.indicateurs.lignes, fichier, "Indicateurs")
    return None


def tache_du_tableau_de_bord(utilisateur, d, contrat: Contrat) -> list[Tache]:
    """The dashboard's tile of "Mon espace" (registered in programmation.extensions)."""
    if not permissions.peut_voir_tableau_de_bord(d, contrat):
        return []
    programmes = Dossier.objects.filter(appel__contrat=contrat, statut__in=STATUTS_PROGRAMMES)
    return [
        Tache(
            "Tableau de bord du contrat",
            programmes.count(),
            url_tableau_de_bord(contrat),
            "Actions programmées, toutes années : demandé, accordé, payé, bénéficiaires.",
        )
    ]
