"""Reads of territories and their indicators."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from territoires.models import Commune, Indicateur, Observation, QuartierPrioritaire

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
    """The Ville vs QPV table of one commune and one QPV, and its comparable rows."""
    observations = Observation.objects.filter(
        commune=commune, quartier__isnull=True
    ) | Observation.objects.filter(quartier=quartier, commune__isnull=True)
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
