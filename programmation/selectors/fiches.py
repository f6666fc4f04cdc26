"""The page of one action of the contract's plan d'actions: its fiche and its years."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from contrats.models import Contrat, FicheAction, ObjectifOperationnel
from contrats.selectors import cle_numero
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import Dossier


@dataclass(frozen=True)
class AnneeDeLAction:
    annee: int
    dossiers: list[Dossier]
    total_accorde: Decimal


@dataclass(frozen=True)
class PageFiche:
    action: FicheAction
    objectifs: list[ObjectifOperationnel]
    annees: list[AnneeDeLAction]


def page_fiche(contrat: Contrat, page: int) -> PageFiche:
    """The action numbered `page` (its fiche in the contract), with the programmed dossiers
    that carried it, year by year: what the public yearly plans published."""
    action = get_object_or_404(
        FicheAction.objects.select_related("ligne__pilier", "ligne__domaine"),
        ligne__contrat=contrat,
        fiche_page=page,
    )
    objectifs = sorted(
        action.ligne.objectifs_operationnels.all(), key=lambda o: cle_numero(o.numero)
    )
    dossiers = (
        Dossier.objects.filter(action_du_plan=action, statut__in=STATUTS_PROGRAMMES)
        .select_related("appel", "structure__organisation")
        .annotate(
            accorde=Coalesce(
                Sum("financements__montant_accorde"),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .order_by("-appel__annee", "numero")
    )
    par_annee: dict[int, list[Dossier]] = {}
    for dossier in dossiers:
        par_annee.setdefault(dossier.appel.annee, []).append(dossier)
    annees = [
        AnneeDeLAction(annee, liste, sum((d.accorde for d in liste), Decimal(0)))
        for annee, liste in par_annee.items()
    ]
    return PageFiche(action, objectifs, annees)
