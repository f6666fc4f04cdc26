"""Reads of territories and their indicators."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from territoires.models import (
    Commune,
    Indicateur,
    Observation,
    QuartierPrioritaire,
    TerritoireDeReference,
)
from territoires.nombres import nombre_lisible

# Longest bar, in % of the chart width: the rest is left for the value label.
LARGEUR_MAX = 70


@dataclass(frozen=True)
class LigneDiagnostic:
    indicateur: Indicateur
    ville: Observation | None
    qpv: Observation | None


@dataclass(frozen=True)
class RubriqueDiagnostic:
    nom: str
    lignes: list[LigneDiagnostic]


@dataclass(frozen=True)
class BarreGraphique:
    libelle: str
    valeur_ville: Decimal
    valeur_qpv: Decimal
    largeur_ville: int
    largeur_qpv: int


@dataclass(frozen=True)
class Diagnostic:
    commune: Commune | None
    quartier: QuartierPrioritaire | None
    date: date | None
    rubriques: list[RubriqueDiagnostic]
    graphique: list[BarreGraphique]
    # The sources named by its indicators and observations, none left empty.
    sources: list[str]


def diagnostic(commune: Commune | None, quartier: QuartierPrioritaire | None) -> Diagnostic:
    """The Ville vs QPV table of one commune and one QPV, and its comparable rows.

    Only the figures of the contract's own diagnostic (origine « contrat », loaded from its
    files): the contract of Villiers-sur-Marne recalls them in its introduction (Propos
    introductifs, 3, « Rappel de données chiffrées du diagnostic territorial »). The other
    years of each indicator are on its series page (`serie`).
    """
    du_contrat = Observation.objects.filter(origine=Observation.Origine.CONTRAT)
    observations = du_contrat.filter(commune=commune, quartier__isnull=True) | du_contrat.filter(
        quartier=quartier, commune__isnull=True
    )
    par_case = {
        (o.indicateur_id, "ville" if o.commune_id else "qpv"): o
        for o in observations.select_related("indicateur")
    }
    indicateurs = sorted({o.indicateur for o in par_case.values()}, key=lambda i: (i.ordre, i.code))
    lignes = [
        LigneDiagnostic(i, par_case.get((i.pk, "ville")), par_case.get((i.pk, "qpv")))
        for i in indicateurs
    ]
    rubriques = [
        RubriqueDiagnostic(nom, list(groupe))
        for nom, groupe in groupby(lignes, key=lambda ligne: ligne.indicateur.rubrique)
    ]
    dates = {o.date for o in par_case.values()}
    return Diagnostic(
        commune,
        quartier,
        max(dates) if dates else None,
        rubriques,
        _graphique(lignes),
        _sources(par_case.values()),
    )


def _sources(observations) -> list[str]:
    noms = {o.source.strip() for o in observations} | {
        o.indicateur.source.strip() for o in observations
    }
    return sorted(nom for nom in noms if nom)


def _graphique(lignes: list[LigneDiagnostic]) -> list[BarreGraphique]:
    comparables = [
        ligne
        for ligne in lignes
        if ligne.indicateur.graphique
        and ligne.ville is not None
        and ligne.qpv is not None
        and ligne.ville.valeur is not None
        and ligne.qpv.valeur is not None
    ]
    maximum = max(
        (max(ligne.ville.valeur, ligne.qpv.valeur) for ligne in comparables), default=Decimal(1)
    )
    return [
        BarreGraphique(
            libelle=ligne.indicateur.libelle,
            valeur_ville=ligne.ville.valeur,
            valeur_qpv=ligne.qpv.valeur,
            largeur_ville=round(LARGEUR_MAX * ligne.ville.valeur / maximum),
            largeur_qpv=round(LARGEUR_MAX * ligne.qpv.valeur / maximum),
        )
        for ligne in comparables
    ]


def quartier_par_slug(slug: str) -> QuartierPrioritaire:
    return get_object_or_404(
        QuartierPrioritaire.objects.prefetch_related("communes", "secteurs", "contrats"),
        slug=slug,
    )


def quartiers() -> QuerySet[QuartierPrioritaire]:
    return QuartierPrioritaire.objects.prefetch_related("communes")


# --- Series: one indicator over the years, Ville vs QPV vs reference territories ---------------

# Drawing of the line chart, in SVG user units.
LARGEUR_SVG, HAUTEUR_SVG = 720, 320
MARGE_GAUCHE, MARGE_DROITE, MARGE_HAUT, MARGE_BAS = 64, 24, 16, 40
GRADUATIONS = 4
# Each curve has its colour and its dash pattern: the chart reads without colours too.
TRACES = (
    ("var(--background-action-high-blue-france)", ""),
    ("var(--background-action-high-red-marianne)", "10 5"),
    ("var(--background-action-high-green-emeraude)", "3 4"),
    ("var(--background-action-high-purple-glycine)", "14 4 3 4"),
    ("var(--background-action-high-grey)", "6 3"),
)


@dataclass(frozen=True)
class ColonneSerie:
    nature: str  # "Ville", "Quartier prioritaire", "Département", "France métropolitaine"
    nom: str
    champ: str  # the Observation field of its territory
    pk: int
    couleur: str
    tirets: str

    @property
    def entete(self) -> str:
        """ "Ville : Villiers-sur-Marne"; "France métropolitaine" once, not twice."""
        return self.nom if self.nom == self.nature else f"{self.nature} : {self.nom}"


@dataclass(frozen=True)
class CelluleSerie:
    texte: str
    valeur: Decimal | None
    est_demo: bool


@dataclass(frozen=True)
class LigneSerie:
    annee: int
    cellules: list[CelluleSerie]
    est_demo: bool


@dataclass(frozen=True)
class PointCourbe:
    x: float
    y: float
    libelle: str


@dataclass(frozen=True)
class CourbeSerie:
    colonne: ColonneSerie
    points: list[PointCourbe]
    trace: str  # the "points" attribute of the SVG polyline


@dataclass(frozen=True)
class Graduation:
    position: float
    libelle: str


@dataclass(frozen=True)
class GraphiqueSerie:
    largeur: int
    hauteur: int
    courbes: list[CourbeSerie]
    abscisses: list[Graduation]
    ordonnees: list[Graduation]
    gauche: int
    droite: int
    haut: int
    bas: int
    # Where the labels of the axes sit: values left of the plot, years below it.
    x_graduations: int
    y_annees: int
    # The text alternative of the drawing: first and last value of each curve.
    description: str


@dataclass(frozen=True)
class Serie:
    indicateur: Indicateur
    colonnes: list[ColonneSerie]
    lignes: list[LigneSerie]
    graphique: GraphiqueSerie | None
    comporte_demo: bool
    sources: list[str]
    premiere_annee: int | None
    derniere_annee: int | None

    @property
    def titre_graphique(self) -> str:
        return f"{self.indicateur.libelle}, {self.premiere_annee}-{self.derniere_annee}"


def indicateur_par_code(code: str) -> Indicateur:
    return get_object_or_404(Indicateur, code=code)


def references_de(communes: list[Commune]) -> list[TerritoireDeReference]:
    """The reference territories of communes: their départements, then France métropolitaine."""
    departements = {commune.departement for commune in communes}
    Niveau = TerritoireDeReference.Niveau
    return sorted(
        TerritoireDeReference.objects.filter(
            Q(niveau=Niveau.DEPARTEMENT, nom__in=departements)
            | Q(niveau=Niveau.FRANCE_METROPOLITAINE)
        ),
        key=lambda r: (r.niveau != Niveau.DEPARTEMENT, r.nom),
    )


def _colonnes(
    communes: list[Commune],
    quartiers: list[QuartierPrioritaire],
    references: list[TerritoireDeReference],
) -> list[ColonneSerie]:
    territoires = [
        *(("Ville", c.nom, "commune", c.pk) for c in communes),
        *(("Quartier prioritaire", q.nom, "quartier", q.pk) for q in quartiers),
        *((r.get_niveau_display(), r.nom, "reference", r.pk) for r in references),
    ]
    return [
        ColonneSerie(nature, nom, champ, pk, *TRACES[i % len(TRACES)])
        for i, (nature, nom, champ, pk) in enumerate(territoires)
    ]


def _texte(observation: Observation | None) -> str:
    if observation is None:
        return "—"
    if observation.valeur is None:
        return observation.valeur_texte
    return nombre_lisible(observation.valeur)


def serie(
    indicateur: Indicateur, *, communes: list[Commune], quartiers: list[QuartierPrioritaire]
) -> Serie:
    """The values of one indicator year by year, one column per territory, in two queries.

    When a territory has several observations in one year, the most recent one counts.
    Reference territories without any value for the indicator get no column.
    """
    references = references_de(communes)
    observations = list(
        Observation.objects.filter(
            Q(commune__in=communes) | Q(quartier__in=quartiers) | Q(reference__in=references),
            indicateur=indicateur,
        ).order_by("date", "pk")
    )
    avec_valeurs = {o.reference_id for o in observations if o.reference_id}
    colonnes = _colonnes(communes, quartiers, [r for r in references if r.pk in avec_valeurs])
    par_case = {
        (_territoire_de(o), o.date.year): o for o in observations
    }  # ordered by date: the last of a year wins
    annees = sorted({annee for _, annee in par_case})
    lignes = []
    for annee in annees:
        cases = [par_case.get(((c.champ, c.pk), annee)) for c in colonnes]
        cellules = [CelluleSerie(_texte(o), o and o.valeur, bool(o and o.est_demo)) for o in cases]
        lignes.append(LigneSerie(annee, cellules, any(c.est_demo for c in cellules)))
    retenues = [o for o in par_case.values()]
    return Serie(
        indicateur=indicateur,
        colonnes=colonnes,
        lignes=lignes,
        graphique=graphique_serie(colonnes, lignes, indicateur.unite),
        comporte_demo=any(o.est_demo for o in retenues),
        sources=sorted({o.source.strip() for o in retenues if o.source.strip()}),
        premiere_annee=annees[0] if annees else None,
        derniere_annee=annees[-1] if annees else None,
    )


def _territoire_de(observation: Observation) -> tuple[str, int]:
    if observation.commune_id:
        return ("commune", observation.commune_id)
    if observation.quartier_id:
        return ("quartier", observation.quartier_id)
    return ("reference", observation.reference_id)


def _bornes(valeurs: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The range of the vertical axis: from 0 (or below) to a round value above the maximum."""
    bas = min(Decimal(0), min(valeurs))
    haut = max(valeurs)
    if haut == bas:
        haut = bas + 1
    pas = (haut - bas) / GRADUATIONS
    puissance = Decimal(10) ** (len(str(int(pas))) - 1) if pas >= 1 else Decimal("0.1")
    pas = ((pas / puissance).to_integral_value(rounding="ROUND_CEILING")) * puissance
    return bas, bas + pas * GRADUATIONS


def graphique_serie(
    colonnes: list[ColonneSerie], lignes: list[LigneSerie], unite: str
) -> GraphiqueSerie | None:
    """The line chart of a series, or None when fewer than two years have a number."""
    annees = [ligne.annee for ligne in lignes if any(c.valeur is not None for c in ligne.cellules)]
    if len(annees) < 2:
        return None
    valeurs = [c.valeur for ligne in lignes for c in ligne.cellules if c.valeur is not None]
    bas, haut = _bornes(valeurs)
    gauche, droite = MARGE_GAUCHE, LARGEUR_SVG - MARGE_DROITE
    sommet, base = MARGE_HAUT, HAUTEUR_SVG - MARGE_BAS

    def x(annee: int) -> float:
        return round(gauche + (droite - gauche) * (annee - annees[0]) / (annees[-1] - annees[0]), 1)

    def y(valeur: Decimal) -> float:
        return round(float(base - (base - sommet) * (valeur - bas) / (haut - bas)), 1)

    courbes = []
    resumes = []
    suffixe = f" {unite}" if unite else ""
    for i, colonne in enumerate(colonnes):
        releves = [
            (ligne.annee, ligne.cellules[i].valeur)
            for ligne in lignes
            if ligne.cellules[i].valeur is not None
        ]
        if not releves:
            continue
        points = [
            PointCourbe(
                x(annee), y(valeur), f"{colonne.nom}, {annee} : {nombre_lisible(valeur)}{suffixe}"
            )
            for annee, valeur in releves
        ]
        courbes.append(CourbeSerie(colonne, points, " ".join(f"{p.x},{p.y}" for p in points)))
        (debut, v_debut), (fin, v_fin) = releves[0], releves[-1]
        resumes.append(
            f"{colonne.entete} : {nombre_lisible(v_debut)}{suffixe} en {debut}"
            + (f", {nombre_lisible(v_fin)}{suffixe} en {fin}" if fin != debut else "")
        )
    pas = (haut - bas) / GRADUATIONS
    return GraphiqueSerie(
        largeur=LARGEUR_SVG,
        hauteur=HAUTEUR_SVG,
        courbes=courbes,
        abscisses=[Graduation(x(a), str(a)) for a in annees],
        ordonnees=[
            Graduation(y(bas + pas * i), nombre_lisible(bas + pas * i))
            for i in range(GRADUATIONS + 1)
        ],
        gauche=gauche,
        droite=droite,
        haut=sommet,
        bas=base,
        x_graduations=gauche - 8,
        y_annees=base + 24,
        description=" ; ".join(resumes) + ".",
    )


@dataclass(frozen=True)
class IndicateurSuivi:
    indicateur: Indicateur
    annees: int
    premiere_annee: int
    derniere_annee: int
    comporte_demo: bool

    @property
    def periode(self) -> str:
        if self.premiere_annee == self.derniere_annee:
            return str(self.premiere_annee)
        return f"{self.premiere_annee}-{self.derniere_annee}"


def indicateurs_suivis(
    communes: list[Commune], quartiers: list[QuartierPrioritaire]
) -> list[IndicateurSuivi]:
    """Every indicator observed on these communes or QPVs, with the years it covers."""
    observations = (
        Observation.objects.filter(Q(commune__in=communes) | Q(quartier__in=quartiers))
        .values_list("indicateur_id", "date", "est_demo")
        .order_by()
    )
    par_indicateur: dict[int, list[tuple[date, bool]]] = {}
    for indicateur_id, jour, est_demo in observations:
        par_indicateur.setdefault(indicateur_id, []).append((jour, est_demo))
    indicateurs = Indicateur.objects.filter(pk__in=par_indicateur)
    suivis = []
    for indicateur in indicateurs:
        releves = par_indicateur[indicateur.pk]
        annees = sorted({jour.year for jour, _ in releves})
        suivis.append(
            IndicateurSuivi(
                indicateur,
                len(annees),
                annees[0],
                annees[-1],
                any(demo for _, demo in releves),
            )
        )
    return suivis
