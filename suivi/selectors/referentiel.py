"""The situation of the evaluation referential's indicators: their measures, entered or
computed from the validated bilans, and the gap of the latest one to the target.

`situation_des_indicateurs(contrat, ...)` runs a fixed number of queries whatever the
number of indicators, measures and bilans: the computed measures are sums the database
makes per year and per operational objective or action of the plan.

An indicator computed from the bilans covers the dossiers that pursue its operational
objective, or that carry out its action of the plan; its measure of a year is dated the
31 December of that year and counts the complete bilans validated for that year (an
attested non-réalisation has no beneficiary and is no realised action).

The pages read here too: `referentiel` (every indicator, pillar by pillar, domain by
domain, objective by objective and action by action), `fiche_indicateur` (one indicator
with its measures, chart and history), `tache_du_referentiel` ("Mon espace").
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from contrats.models import Contrat, Domaine, FicheAction, LignePlan, ObjectifOperationnel
from contrats.selectors import cle_numero
from historique.selectors import historique_de
from programmation.selectors.espace import Tache
from programmation.selectors.plan import pourcentage
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.models import (
    BeneficiairesBilan,
    Bilan,
    IndicateurResultat,
    MesureIndicateur,
    StatutBilan,
)
from territoires.nombres import nombre_lisible
from territoires.selectors import (
    TRACES,
    CelluleSerie,
    ColonneSerie,
    GraphiqueSerie,
    LigneSerie,
    graphique_serie,
)

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
        return nombre_lisible(self.valeur)


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
        return f"{nombre_lisible(self.indicateur.valeur_cible)} {self.indicateur.unite}"

    @property
    def reference_affichee(self) -> str:
        if self.indicateur.valeur_reference is None:
            return "—"
        return f"{nombre_lisible(self.indicateur.valeur_reference)} {self.indicateur.unite}"

    @property
    def ecart_affiche(self) -> str:
        if self.ecart is None:
            return "—"
        signe = "+" if self.ecart > 0 else ""
        return f"{signe}{nombre_lisible(self.ecart)} {self.indicateur.unite}"

    @property
    def avancement_affiche(self) -> str:
        if self.avancement is None:
            return "—"
        return f"{nombre_lisible(self.avancement)}\u00a0%"


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


# --- Pages of the referential -------------------------------------------------------------


@dataclass(frozen=True)
class LigneIndicateur:
    """An indicator as a row of a table: its situation, its page, its badge."""

    situation: SituationIndicateur
    url: str

    @property
    def indicateur(self) -> IndicateurResultat:
        return self.situation.indicateur

    @property
    def derniere_affichee(self) -> str:
        derniere = self.situation.derniere
        if derniere is None:
            return "—"
        return f"{derniere.valeur_affichee} {self.indicateur.unite}"

    @property
    def badge(self) -> tuple[str, str]:
        """(label, DSFR class) of the badge that says where the indicator stands."""
        if self.situation.cible_atteinte is None:
            return "Aucune mesure", ""
        if self.situation.cible_atteinte:
            return "Cible atteinte", "fr-badge--success"
        return "En deçà de la cible", "fr-badge--warning"


def url_indicateur(indicateur: IndicateurResultat) -> str:
    return reverse("suivi:indicateur", args=[indicateur.pk])


def lignes_indicateurs(situations: list[SituationIndicateur]) -> list[LigneIndicateur]:
    return [LigneIndicateur(s, url_indicateur(s.indicateur)) for s in situations]


@dataclass(frozen=True)
class GroupeIndicateurs:
    """The indicators of one operational objective, or of one action of the plan."""

    titre: str
    detail: str
    url: str | None  # the action's page in the plan d'actions
    lignes: list[LigneIndicateur]


@dataclass(frozen=True)
class DomaineReferentiel:
    titre: str
    groupes: list[GroupeIndicateurs]


@dataclass(frozen=True)
class PilierReferentiel:
    titre: str
    domaines: list[DomaineReferentiel]


@dataclass(frozen=True)
class Referentiel:
    piliers: list[PilierReferentiel]
    nombre: int
    atteintes: int
    objectifs_couverts: int
    objectifs: int


def _objectifs_des_lignes(lignes: set[int]) -> dict[int, list[str]]:
    """{plan line id: numbers of the objectives it pursues}, in one query."""
    numeros: dict[int, list[str]] = defaultdict(list)
    for ligne, numero in LignePlan.objectifs_operationnels.through.objects.filter(
        ligneplan_id__in=lignes
    ).values_list("ligneplan_id", "objectifoperationnel__numero"):
        numeros[ligne].append(numero)
    return {ligne: sorted(liste, key=cle_numero) for ligne, liste in numeros.items()}


def _libelle_action(action: FicheAction) -> str:
    numero = f"Fiche {action.fiche_page} · " if action.fiche_page else ""
    return f"Action du plan : {numero}{action.intitule}"


def _url_action(contrat: Contrat, action: FicheAction) -> str | None:
    """The action's public page in the plan d'actions (programmation), if it has a fiche."""
    if not action.fiche_page:
        return None
    return reverse("programmation:fiche_action", args=[contrat.slug, action.fiche_page])


def _groupe_de(
    ligne: LigneIndicateur, contrat: Contrat, objectifs_des_lignes: dict[int, list[str]]
) -> tuple[int, tuple, str, str, str | None]:
    """(domain id, sort key, title, detail, url) of the group the indicator sits in."""
    indicateur = ligne.indicateur
    if indicateur.objectif_id:
        objectif = indicateur.objectif
        return (
            objectif.domaine_id,
            (0, cle_numero(objectif.numero)),
            f"{objectif.numero} {objectif.intitule}",
            "Objectif opérationnel",
            None,
        )
    action = indicateur.action
    numeros = objectifs_des_lignes.get(action.ligne_id, [])
    detail = "Ligne du plan d'actions" + (f" (objectifs {', '.join(numeros)})" if numeros else "")
    return (
        action.ligne.domaine_id,
        (1, (action.ligne.ordre, action.ordre)),
        _libelle_action(action),
        detail,
        _url_action(contrat, action),
    )


def referentiel(contrat: Contrat) -> Referentiel:
    """Every indicator of the contract, pillar by pillar, domain by domain, then objective by
    objective and action by action, in a fixed number of queries."""
    lignes = lignes_indicateurs(situation_des_indicateurs(contrat))
    domaines = {
        d.pk: d for d in Domaine.objects.filter(pilier__contrat=contrat).select_related("pilier")
    }
    objectifs_des_lignes = _objectifs_des_lignes(
        {x.indicateur.action.ligne_id for x in lignes if x.indicateur.action_id}
    )
    groupes: dict[int, dict[tuple, tuple[str, str, str | None, list]]] = defaultdict(dict)
    for ligne in lignes:
        domaine, cle, titre, detail, url = _groupe_de(ligne, contrat, objectifs_des_lignes)
        groupes[domaine].setdefault(cle, (titre, detail, url, []))[3].append(ligne)
    par_pilier: dict[int, list[DomaineReferentiel]] = defaultdict(list)
    for domaine in sorted((domaines[pk] for pk in groupes), key=lambda d: cle_numero(d.numero)):
        par_pilier[domaine.pilier_id].append(
            DomaineReferentiel(
                f"{domaine.numero} {domaine.intitule}",
                [
                    GroupeIndicateurs(*groupes[domaine.pk][cle])
                    for cle in sorted(groupes[domaine.pk])
                ],
            )
        )
    piliers = sorted(
        {d.pilier for d in domaines.values() if d.pilier_id in par_pilier},
        key=lambda p: cle_numero(p.numero),
    )
    return Referentiel(
        piliers=[
            PilierReferentiel(f"Pilier {p.numero} · {p.intitule}", par_pilier[p.pk])
            for p in piliers
        ],
        nombre=len(lignes),
        atteintes=sum(1 for x in lignes if x.situation.cible_atteinte),
        objectifs_couverts=len({x.indicateur.objectif_id for x in lignes} - {None}),
        objectifs=ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).count(),
    )


@dataclass(frozen=True)
class LigneMesure:
    point: PointDeMesure
    mesure: int | None  # the entered MesureIndicateur, which may be deleted

    @property
    def origine(self) -> str:
        if self.point.origine == SAISIE:
            return "Saisie"
        return "Calculée (bilans validés de l'année)"


@dataclass(frozen=True)
class EntreeHistorique:
    date: str
    acteur: str
    libelle: str
    detail: str


@dataclass(frozen=True)
class FicheIndicateur:
    ligne: LigneIndicateur
    rattachement: str  # what it measures, in words
    url_action: str | None
    mesures: list[LigneMesure]
    graphique: GraphiqueSerie | None
    saisie: bool  # whether its measures are entered (else computed from the bilans)
    historique: list[EntreeHistorique]

    @property
    def titre_graphique(self) -> str:
        return f"{self.ligne.indicateur.libelle} : référence, mesures et cible"


def indicateur_par_pk(pk: int) -> IndicateurResultat:
    return get_object_or_404(
        IndicateurResultat.objects.select_related(
            "contrat", "objectif__domaine__pilier", "action__ligne__domaine"
        ),
        pk=pk,
    )


def mesure_par_pk(pk: int) -> MesureIndicateur:
    return get_object_or_404(MesureIndicateur.objects.select_related("indicateur__contrat"), pk=pk)


def _rattachement(indicateur: IndicateurResultat) -> tuple[str, str | None]:
    if indicateur.objectif_id:
        objectif = indicateur.objectif
        return f"Objectif opérationnel {objectif.numero} {objectif.intitule}", None
    return _libelle_action(indicateur.action), _url_action(indicateur.contrat, indicateur.action)


def _cellule(valeur: Decimal | None) -> CelluleSerie:
    texte = "—" if valeur is None else nombre_lisible(valeur)
    return CelluleSerie(texte, valeur, False)


def graphique_indicateur(situation: SituationIndicateur) -> GraphiqueSerie | None:
    """The line chart of the baseline and the measures (the latest of each year), and the
    target's line from the first year to its deadline (territoires' series drawing)."""
    indicateur = situation.indicateur
    mesurees: dict[int, Decimal] = {}
    if indicateur.date_reference:
        mesurees[indicateur.date_reference.year] = indicateur.valeur_reference
    for point in situation.mesures:  # chronological: the latest of a year wins
        mesurees[point.date.year] = point.valeur
    premiere = min([*mesurees, indicateur.date_cible.year])
    cibles = {
        premiere: indicateur.valeur_cible,
        indicateur.date_cible.year: indicateur.valeur_cible,
    }
    colonnes = [
        ColonneSerie(nom, nom, champ, indicateur.pk, *TRACES[rang])
        for rang, (nom, champ) in enumerate(
            (("Référence et mesures", "mesures"), ("Cible", "cible"))
        )
    ]
    lignes = [
        LigneSerie(annee, [_cellule(mesurees.get(annee)), _cellule(cibles.get(annee))], False)
        for annee in sorted({*mesurees, *cibles})
    ]
    return graphique_serie(colonnes, lignes, indicateur.unite)


def _detail(changements: dict) -> str:
    """ "valeur : 8,9 → 8,5 ; date : 31/12/2016" from an event's changes."""

    def texte(valeur) -> str:
        try:
            return nombre_lisible(Decimal(valeur))
        except (ArithmeticError, TypeError, ValueError):
            return str(valeur) if valeur not in (None, "") else "—"

    return " ; ".join(
        f"{LIBELLES_CHAMPS.get(champ, champ)} : {texte(v[0])} → {texte(v[1])}"
        if isinstance(v, list)
        else f"{LIBELLES_CHAMPS.get(champ, champ)} : {texte(v)}"
        for champ, v in changements.items()
    )


LIBELLES_CHAMPS = {
    f.name: str(f.verbose_name)
    for modele in (IndicateurResultat, MesureIndicateur)
    for f in modele._meta.fields
}


def historique_indicateur(indicateur: IndicateurResultat) -> list[EntreeHistorique]:
    return [
        EntreeHistorique(
            timezone.localtime(e.horodatage).strftime("%d/%m/%Y à %H:%M"),
            str(e.acteur) if e.acteur else "Système",
            ActionSuivi(e.action).label if e.action in ActionSuivi.values else e.action,
            _detail(e.changements),
        )
        for e in historique_de(indicateur)
    ]


def fiche_indicateur(indicateur: IndicateurResultat) -> FicheIndicateur:
    """The indicator's page: its definition, measures, chart and history."""
    (situation,) = [
        s for s in situation_des_indicateurs(indicateur.contrat) if s.indicateur.pk == indicateur.pk
    ]
    saisies = dict(MesureIndicateur.objects.filter(indicateur=indicateur).values_list("date", "pk"))
    rattachement, url_action = _rattachement(indicateur)
    return FicheIndicateur(
        ligne=LigneIndicateur(situation, url_indicateur(indicateur)),
        rattachement=rattachement,
        url_action=url_action,
        mesures=[
            LigneMesure(p, saisies.get(p.date) if p.origine == SAISIE else None)
            for p in situation.mesures
        ],
        graphique=graphique_indicateur(situation),
        saisie=indicateur.calcul == Calcul.SAISIE,
        historique=historique_indicateur(indicateur),
    )


def tache_du_referentiel(utilisateur, d, contrat: Contrat) -> list[Tache]:
    """The referential's tile of "Mon espace" (registered in programmation.extensions)."""
    if not permissions.peut_definir_indicateur(d, contrat):
        return []
    return [
        Tache(
            "Référentiel d'évaluation",
            permissions.indicateurs_lisibles(d, contrat).count(),
            reverse("suivi:referentiel", args=[contrat.slug]),
            "Indicateurs de résultat des objectifs et des actions : cibles et mesures.",
        )
    ]
