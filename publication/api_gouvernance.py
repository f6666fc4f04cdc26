"""Read API of the governance: the contract's bodies with their meetings held per year, and
the meetings themselves. Public, like the calendar of the meetings: only what it shows
(every meeting once convened), never attendance or documents."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gouvernance.models import Seance
from gouvernance.permissions import seances_publiques
from gouvernance.selectors import frequences
from publication.api_programmation import (
    ERREURS,
    ErreurProgrammationOut,
    PaginationParPage,
    _contrat,
    _en_francais,
)

router = Router(tags=["Gouvernance"])


class InstanceFrequenceOut(Schema):
    code: str
    nom: str = Field(description="Nom de l'instance, tel que le contrat l'écrit")
    nature: str
    reference: str = Field(description="Article du contrat qui l'institue")
    reunions_minimum_par_an: int | None = Field(
        description="Nombre minimal de réunions par an fixé par le contrat (null : aucun)"
    )
    reunions_tenues_par_annee: dict[str, int] = Field(
        description="Réunions tenues, pour chaque année du contrat (clé : l'année)"
    )
    annees_en_retard: list[int] = Field(
        description="Années écoulées où l'instance s'est moins réunie que son minimum"
    )


class ReunionOut(Schema):
    id: int
    instance: str = Field(description="Nom de l'instance (voir /contrats/{slug}/instances)")
    titre: str
    date: date
    statut: str = Field(description="convoquee, tenue ou annulee")
    tenue: bool = Field(description="Vrai une fois la réunion tenue")
    lieu: str

    @staticmethod
    def resolve_instance(seance: Seance) -> str:
        return seance.instance.nom


@router.get(
    "/contrats/{slug}/instances",
    response={200: list[InstanceFrequenceOut], 404: ErreurProgrammationOut},
    summary="Les instances du contrat et leurs réunions tenues par année",
    openapi_extra=_en_francais({200: "Les instances.", 404: "Contrat inconnu."}),
    description="Chaque instance de la gouvernance (article 3), son minimum de réunions par an "
    "et le nombre de réunions tenues chaque année de la période du contrat. 404 : contrat "
    "inconnu.",
)
def instances(request: HttpRequest, slug: str):
    return [
        {
            "code": ligne.instance.code,
            "nom": ligne.instance.nom,
            "nature": ligne.instance.nature,
            "reference": ligne.instance.reference,
            "reunions_minimum_par_an": ligne.instance.reunions_min_par_an,
            "reunions_tenues_par_annee": ligne.tenues_par_annee,
            "annees_en_retard": ligne.annees_en_retard,
        }
        for ligne in frequences(_contrat(slug))
    ]


@router.get(
    "/contrats/{slug}/reunions",
    response={200: list[ReunionOut], **{c: ERREURS[c] for c in (404, 422)}},
    summary="Les réunions des instances du contrat",
    openapi_extra=_en_francais(
        {
            200: "Une page de réunions.",
            404: "Contrat inconnu, ou page au-delà de la dernière.",
            422: "Paramètre invalide.",
        }
    ),
    description="Les réunions convoquées, tenues ou annulées, de la plus ancienne à la plus "
    'récente, paginées comme /dossiers (`{"items", "count"}`). 404 : contrat inconnu, '
    "ou page au-delà de la dernière ; 422 : paramètre invalide.",
)
@paginate(PaginationParPage)
def reunions(request: HttpRequest, slug: str):
    return seances_publiques(_contrat(slug)).select_related("instance").order_by("date", "id")
