"""Read API of programmation: calls, dossiers and their transition log, for the logged-in user.

Authenticated by the site's session (the `sessionid` cookie): a person reads here exactly what
the pages show them. Which dossiers they may read is `programmation.permissions`' rule, never
restated: a list across calls is the union, call by call, of `dossiers_lisibles`.
"""

import operator
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Annotated, Any, Literal

from django.db.models import DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase, paginate
from ninja.security import SessionAuth
from pydantic import PlainSerializer, WithJsonSchema

from comptes.models import Utilisateur
from contrats.models import Contrat, Habilitation
from contrats.selectors import Droits, droits
from programmation.models import (
    AppelAProjets,
    Dossier,
    Financement,
    LigneBudget,
    Statut,
    TransitionDossier,
)
from programmation.permissions import (
    dossiers_lisibles,
    peut_lire_dossier,
    voit_les_appels_non_publies,
)

PAR_PAGE = 50
CENTIME = Decimal("0.01")

NON_CONNECTE = (
    "Authentification requise : connectez-vous au site, cette API lit la programmation "
    "avec votre session."
)
NON_AUTORISE = "Vous n'avez pas le droit de lire ce dossier."


class SessionDuSite(SessionAuth):
    """Django's session; refused in French (401) rather than ninja's "Unauthorized"."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Utilisateur:
        if not request.user.is_authenticated:
            raise HttpError(401, NON_CONNECTE)
        return request.user


router = Router(tags=["Programmation"])
session = SessionDuSite()


# ---------------------------------------------------------------- schemas

Montant = Annotated[
    Decimal,
    PlainSerializer(lambda montant: str(montant.quantize(CENTIME)), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d+\.\d{2}$",
            "description": "Montant en euros : chaîne décimale à deux décimales.",
            "examples": ["4000.00"],
        }
    ),
]
# The natures a financeur instructs and grants (NatureCredit.financees()).
NatureFinancee = Literal["credits_specifiques", "droit_commun"]


class ErreurProgrammationOut(Schema):
    # A French message; for a parameter of the wrong type (page=abc), ninja's list of errors.
    detail: str | list[dict[str, Any]]


class AppelOut(Schema):
    contrat: str = Field(description="Identifiant (slug) du contrat")
    annee: int = Field(description="Année de programmation")
    titre: str
    date_ouverture: date
    date_cloture: date = Field(description="Clôture des dépôts (incluse)")
    publie: bool

    @staticmethod
    def resolve_contrat(appel: AppelAProjets) -> str:
        return appel.contrat.slug


class FinancementOut(Schema):
    financeur: str = Field(description="Nom de l'organisation sollicitée")
    nature: NatureFinancee
    montant_demande: Montant
    montant_propose: Montant | None = Field(description="Après l'avis du financeur")
    montant_accorde: Montant | None = Field(description="Après la décision du comité")
    montant_paye: Montant = Field(description="Total des paiements de sa convention (0 sans)")

    @staticmethod
    def resolve_financeur(financement: Financement) -> str:
        return financement.financeur.nom


class DossierOut(Schema):
    id: int
    numero: str
    statut: Statut
    appel: int = Field(description="Année de l'appel à projets")
    structure: str = Field(description="Nom de la structure porteuse")
    financeurs: list[str] = Field(
        description="Organisations sollicitées (budget prévisionnel et instruction), par nom"
    )
    financements: list[FinancementOut]

    @staticmethod
    def resolve_appel(dossier: Dossier) -> int:
        return dossier.appel.annee

    @staticmethod
    def resolve_structure(dossier: Dossier) -> str:
        return dossier.structure.organisation.nom

    @staticmethod
    def resolve_financeurs(dossier: Dossier) -> list[str]:
        budget = {ligne.financeur.nom for ligne in dossier.produits_finances}
        instruits = {f.financeur.nom for f in dossier.financements.all()}
        return sorted(budget | instruits)

    @staticmethod
    def resolve_financements(dossier: Dossier) -> list[Financement]:
        return list(dossier.financements.all())


class TransitionOut(Schema):
    de: Statut
    vers: Statut
    date: datetime = Field(description="Date et heure (ISO 8601, heure de Paris)")
    acteur: str = Field(description="La personne qui a fait la transition")
    motif: str

    @staticmethod
    def resolve_date(transition: TransitionDossier) -> datetime:
        return timezone.localtime(transition.horodatage)

    @staticmethod
    def resolve_acteur(transition: TransitionDossier) -> str:
        return str(transition.acteur)


class PaginationParPage(PaginationBase):
    """Pages of PAR_PAGE items, numbered from 1; beyond the last page: 404."""

    class Input(Schema):
        page: int = Field(1, ge=1, description=f"Numéro de la page ({PAR_PAGE} dossiers par page)")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Nombre total de dossiers, toutes pages comprises")

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        nombre = queryset.count()
        debut = (pagination.page - 1) * PAR_PAGE
        if pagination.page > 1 and debut >= nombre:
            raise HttpError(
                404,
                f"Page {pagination.page} introuvable : {nombre} dossier(s), {PAR_PAGE} par page.",
            )
        return {"items": queryset[debut : debut + PAR_PAGE], "count": nombre}


# ---------------------------------------------------------------- reads


def dossiers_lisibles_dans(
    utilisateur: Utilisateur, appels: QuerySet[AppelAProjets]
) -> QuerySet[Dossier]:
    """The dossiers of these calls this person may read: dossiers_lisibles, call by call.

    Only the calls of contracts where the person holds a role: without one, the rule lets
    them read nothing. One query for the calls, one for their rights in each such contract.
    """
    ses_contrats = Habilitation.objects.filter(utilisateur=utilisateur).values("contrat")
    appels = list(appels.filter(contrat__in=ses_contrats).select_related("contrat"))
    droits_par_contrat: dict[int, Droits] = {}
    for appel in appels:
        if appel.contrat_id not in droits_par_contrat:
            droits_par_contrat[appel.contrat_id] = droits(utilisateur, appel.contrat)
    parts = (dossiers_lisibles(droits_par_contrat[a.contrat_id], a) for a in appels)
    return reduce(operator.or_, parts, Dossier.objects.none())


def avec_details(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """What DossierOut reads, in three queries whatever the number of dossiers."""
    financements = Financement.objects.select_related("financeur").annotate(
        montant_paye=Coalesce(
            Sum("convention__paiements__montant"),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )
    produits_finances = LigneBudget.objects.filter(
        sens=LigneBudget.Sens.PRODUIT, financeur__isnull=False
    ).select_related("financeur")
    return dossiers.select_related("appel__contrat", "structure__organisation").prefetch_related(
        Prefetch("financements", queryset=financements.order_by("nature", "financeur__nom")),
        Prefetch("lignes_budget", queryset=produits_finances, to_attr="produits_finances"),
    )


def _contrat(slug: str) -> Contrat:
    contrat = Contrat.objects.filter(slug=slug).first()
    if contrat is None:
        raise HttpError(404, f"Contrat « {slug} » introuvable.")
    return contrat


def _statut(code: str) -> Statut:
    if code not in Statut.values:
        codes = ", ".join(Statut.values)
        raise HttpError(422, f"Statut « {code} » inconnu. Statuts possibles : {codes}.")
    return Statut(code)


def _dossier_lisible(
    request: HttpRequest, identifiant: int, dossiers: QuerySet[Dossier]
) -> Dossier:
    dossier = dossiers.select_related("appel__contrat", "structure").filter(pk=identifiant).first()
    if dossier is None:
        raise HttpError(404, f"Dossier « {identifiant} » introuvable.")
    if not peut_lire_dossier(request.user, dossier):
        raise HttpError(403, NON_AUTORISE)
    return dossier


# ---------------------------------------------------------------- operations

ERREURS = {
    401: ErreurProgrammationOut,
    403: ErreurProgrammationOut,
    404: ErreurProgrammationOut,
    422: ErreurProgrammationOut,
}
REFUS_DU_DOSSIER = {
    401: "Non connecté : se connecter au site (session).",
    403: "Dossier que la personne connectée ne peut pas lire.",
    404: "Dossier introuvable.",
    422: "Identifiant non entier.",
}


def _en_francais(descriptions: dict[int, str]) -> dict[str, Any]:
    """The OpenAPI description of each status, in French (ninja writes the HTTP phrase)."""
    return {"responses": {statut: {"description": d} for statut, d in descriptions.items()}}


@router.get(
    "/appels",
    response=list[AppelOut],
    summary="Appels à projets",
    openapi_extra=_en_francais({200: "Appels visibles par la personne, connectée ou non."}),
    description=(
        "Les appels publiés, pour tous (sans connexion) ; les appels non publiés en plus pour "
        "qui pilote leur contrat. Par contrat, du plus récent au plus ancien."
    ),
)
def liste_appels(request: HttpRequest):
    contrats = Contrat.objects.filter(appels__publie=False).distinct()
    pilotes = [c.pk for c in contrats if voit_les_appels_non_publies(request.user, c)]
    return (
        AppelAProjets.objects.filter(Q(publie=True) | Q(contrat__in=pilotes))
        .select_related("contrat")
        .order_by("contrat__slug", "-annee")
    )


@router.get(
    "/dossiers",
    auth=session,
    response={200: list[DossierOut], **{c: ERREURS[c] for c in (401, 404, 422)}},
    summary="Dossiers lisibles",
    openapi_extra=_en_francais(
        {
            200: "Une page de dossiers lisibles et leur nombre total.",
            401: REFUS_DU_DOSSIER[401],
            404: "Contrat inconnu, ou page au-delà de la dernière.",
            422: "Statut inconnu, ou paramètre invalide (page, année).",
        }
    ),
    description=(
        "Les dossiers que la personne connectée peut lire (ceux de sa structure pour un "
        "porteur, ceux qui sollicitent son organisation pour un financeur, les dossiers "
        "déposés pour un membre d'instance, tous pour le pilotage). "
        f"{PAR_PAGE} par page, par contrat, du plus récent appel au plus ancien, puis par "
        "numéro ; "
        "`count` compte tous les dossiers qui répondent aux filtres. Montants : chaînes "
        "décimales en euros. 401 : non connecté ; 404 : contrat inconnu, ou page au-delà de "
        "la dernière (la page 1 répond toujours, vide si rien ne correspond) ; 422 : statut "
        "inconnu ou paramètre invalide."
    ),
)
@paginate(PaginationParPage)
def liste_dossiers(
    request: HttpRequest,
    contrat: str = Query("", description="Identifiant (slug) du contrat"),
    annee: int | None = Query(None, description="Année de l'appel à projets"),
    statut: str = Query("", description=f"Code du statut : {', '.join(Statut.values)}"),
    structure: str = Query(
        "", description="Nom exact de la structure porteuse, tel que le donne `structure`"
    ),
):
    appels = AppelAProjets.objects.all()
    if contrat:
        appels = appels.filter(contrat=_contrat(contrat))
    if annee is not None:
        appels = appels.filter(annee=annee)
    dossiers = dossiers_lisibles_dans(request.user, appels)
    if statut:
        dossiers = dossiers.filter(statut=_statut(statut))
    if structure:
        dossiers = dossiers.filter(structure__organisation__nom=structure)
    return avec_details(dossiers).order_by("appel__contrat__slug", "-appel__annee", "numero")


@router.get(
    "/dossiers/{id}",
    auth=session,
    response={200: DossierOut, **ERREURS},
    summary="Un dossier",
    openapi_extra=_en_francais({200: "Le dossier.", **REFUS_DU_DOSSIER}),
    description=(
        "401 : non connecté ; 403 : dossier que la personne ne peut pas lire ; 404 : "
        "identifiant inconnu ; 422 : identifiant non entier."
    ),
)
def detail_dossier(request: HttpRequest, id: int):
    return _dossier_lisible(request, id, avec_details(Dossier.objects.all()))


@router.get(
    "/dossiers/{id}/transitions",
    auth=session,
    response={200: list[TransitionOut], **ERREURS},
    summary="Historique des statuts d'un dossier",
    openapi_extra=_en_francais(
        {
            200: "Les transitions du dossier, de la plus ancienne à la plus récente.",
            **REFUS_DU_DOSSIER,
        }
    ),
    description=(
        "Chaque changement de statut, du plus ancien au plus récent : la chaîne part du "
        "brouillon et finit au statut du dossier. Mêmes refus que le dossier (401, 403, 404, "
        "422)."
    ),
)
def transitions_dossier(request: HttpRequest, id: int):
    dossier = _dossier_lisible(request, id, Dossier.objects.all())
    return (
        TransitionDossier.objects.filter(dossier=dossier)
        .select_related("acteur")
        .order_by("horodatage", "id")
    )
