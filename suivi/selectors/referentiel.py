"""The situation of the evaluation referential's indicators: their measures, entered or
computed from the validated bilans, and the gap of the latest one to the target.

`situation_des_indicateurs(contrat, ...)` runs a fixed number of queries whatever the
number of indicators, measures and bilans: the computed measures are sums the database
makes per year and per operational objective or action of the plan.

An indicator computed from the bilans covers the dossiers that pursue its operational
objective, or that carry out its action of the plan; its measure of a year is dated the
31 December of that year and counts the complete bilans validated for that year (an
attested non-réalisation has no beneficiary and is no realised action).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from contrats.models import Contrat
from programmation.selectors.plan import pourcentage
from suivi.models import (
    BeneficiairesBilan,
    Bilan,
    IndicateurResultat,
    MesureIndicateur,
    StatutBilan,
)
from territoires.nombres import nombre_francais

Calcul = IndicateurResultat.Calcul
SAISIE, CALCULEE = "saisie", "calculée"


@dataclass(frozen=True)
class PointDeMesure:
    date: date
    valeur: Decimal
    origine: str  # SAISIE or CALCULEE
    commentaire: str = ""

    @property
    def valeur_affichee(self) -> str:
        return nombre_francais(self.valeur)


@dataclass(frozen=True)
class SituationIndicateur:
    indicateur: IndicateurResultat
    mesures: list[PointDeMesure]
    derniere: PointDeMesure | None
    # Latest measure minus target: negative while an indicator to raise is below it.
    ecart: Decimal | None
    # Share of the way from the baseline to the target covered by the latest measure.
    avancement: Decimal | None
    cible_atteinte: bool | None

    @property
    def cible_affichee(self) -> str:
        return f"{nombre_francais(self.indicateur.valeur_cible)} {self.indicateur.unite}"

    @property
    def reference_affichee(self) -> str:
        if self.indicateur.valeur_reference is None:
            return "—"
        return f"{nombre_francais(self.indicateur.valeur_reference)} {self.indicateur.unite}"

    @property
    def ecart_affiche(self) -> str:
        if self.ecart is None:
            return "—"
        signe = "+" if self.ecart > 0 else ""
        return f"{signe}{nombre_francais(self.ecart)} {self.indicateur.unite}"

    @property
    def avancement_affiche(self) -> str:
        if self.avancement is None:
            return "—"
        return f"{nombre_francais(self.avancement)}\u00a0%"


def situation_des_indicateurs(
    contrat: Contrat, *, objectifs: Iterable[int] | None = None, annee_max: int | None = None
) -> list[SituationIndicateur]:
    """The contract's indicators with their measures up to `annee_max` (all if None); with
    `objectifs`, those of these operational objectives and of the actions of the plan lines
    that pursue them."""
    indicateurs = IndicateurResultat.objects.filter(contrat=contrat).select_related(
        "objectif__domaine__pilier", "action__ligne"
    )
    if objectifs is not None:
        objectifs = list(objectifs)
        indicateurs = indicateurs.filter(
            Q(objectif_id__in=objectifs) | Q(action__ligne__objectifs_operationnels__in=objectifs)
        ).distinct()
    indicateurs = list(indicateurs.order_by("code"))
    saisies = _mesures_saisies(indicateurs, annee_max)
    calculees = _mesures_calculees(contrat, indicateurs, annee_max)
    return [
        _situation(i, sorted(saisies[i.pk] + calculees[i.pk], key=lambda p: p.date))
        for i in indicateurs
    ]


def _mesures_saisies(
    indicateurs: list[IndicateurResultat], annee_max: int | None
) -> dict[int, list[PointDeMesure]]:
    points: dict[int, list[PointDeMesure]] = defaultdict(list)
    mesures = (
        MesureIndicateur.objects.filter(
            indicateur__in=[i.pk for i in indicateurs if i.calcul == Calcul.SAISIE]
        )
        .order_by("date")
        .values("indicateur_id", "date", "valeur", "commentaire")
    )
    if annee_max is not None:
        mesures = mesures.filter(date__year__lte=annee_max)
    for m in mesures:
        points[m["indicateur_id"]].append(
            PointDeMesure(m["date"], m["valeur"], SAISIE, m["commentaire"])
        )
    return points


def _mesures_calculees(
    contrat: Contrat, indicateurs: list[IndicateurResultat], annee_max: int | None
) -> dict[int, list[PointDeMesure]]:
    """Per computed indicator, one measure per year that has validated complete bilans."""
    points: dict[int, list[PointDeMesure]] = defaultdict(list)
    calcules = [i for i in indicateurs if i.calcul != Calcul.SAISIE]
    if not calcules:
        return points
    par_objectif = _chiffres_des_bilans(contrat, "dossier__objectifs_operationnels", annee_max)
    par_action = _chiffres_des_bilans(contrat, "dossier__action_du_plan", annee_max)
    for indicateur in calcules:
        chiffres = (
            par_objectif.get(indicateur.objectif_id, {})
            if indicateur.objectif_id
            else par_action.get(indicateur.action_id, {})
        )
        for annee in sorted(chiffres):
            valeur = _valeur(indicateur.calcul, chiffres[annee])
            if valeur is not None:
                points[indicateur.pk].append(PointDeMesure(date(annee, 12, 31), valeur, CALCULEE))
    return points


@dataclass
class _Chiffres:
    actions: int = 0
    femmes: int = 0
    hommes: int = 0
    qpv: int = 0


def _chiffres_des_bilans(
    contrat: Contrat, cle: str, annee_max: int | None
) -> dict[int, dict[int, _Chiffres]]:
    """{objective or action id: {year: figures}} over the validated complete bilans: two
    grouped queries."""
    bilans = Bilan.objects.filter(
        dossier__appel__contrat=contrat, statut=StatutBilan.VALIDE, nature=Bilan.Nature.COMPLET
    )
    if annee_max is not None:
        bilans = bilans.filter(annee__lte=annee_max)
    resultat: dict[int, dict[int, _Chiffres]] = defaultdict(lambda: defaultdict(_Chiffres))
    for ligne in (
        bilans.filter(**{f"{cle}__isnull": False})
        .values(cible=F(cle), an=F("annee"))
        .annotate(n=Count("pk", distinct=True))
    ):
        resultat[ligne["cible"]][ligne["an"]].actions = ligne["n"]
    for ligne in (
        BeneficiairesBilan.objects.filter(bilan__in=bilans, **{f"bilan__{cle}__isnull": False})
        .values(cible=F(f"bilan__{cle}"), an=F("bilan__annee"))
        .annotate(f=Sum("femmes"), h=Sum("hommes"), q=Sum("residents_qpv"))
    ):
        chiffres = resultat[ligne["cible"]][ligne["an"]]
        chiffres.femmes, chiffres.hommes, chiffres.qpv = ligne["f"], ligne["h"], ligne["q"]
    return resultat


def _valeur(calcul: str, chiffres: _Chiffres) -> Decimal | None:
    total = chiffres.femmes + chiffres.hommes
    if calcul == Calcul.BENEFICIAIRES:
        return Decimal(total)
    if calcul == Calcul.BENEFICIAIRES_FEMMES:
        return Decimal(chiffres.femmes)
    if calcul == Calcul.PART_QPV:
        return pourcentage(chiffres.qpv, total)
    return Decimal(chiffres.actions)


def _situation(indicateur: IndicateurResultat, mesures: list[PointDeMesure]) -> SituationIndicateur:
    derniere = mesures[-1] if mesures else None
    if derniere is None:
        return SituationIndicateur(indicateur, mesures, None, None, None, None)
    cible = indicateur.valeur_cible
    ecart = derniere.valeur - cible
    hausse = indicateur.sens == IndicateurResultat.Sens.HAUSSE
    atteinte = ecart >= 0 if hausse else ecart <= 0
    return SituationIndicateur(
        indicateur, mesures, derniere, ecart, _avancement(indicateur, derniere.valeur), atteinte
    )


def _avancement(indicateur: IndicateurResultat, valeur: Decimal) -> Decimal | None:
    depart = indicateur.valeur_reference
    if depart is None or depart == indicateur.valeur_cible:
        return None
    part = (valeur - depart) * 100 / (indicateur.valeur_cible - depart)
    return part.quantize(Decimal("1"), ROUND_HALF_UP)
