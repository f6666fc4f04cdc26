"""Read API of suivi: the bilans of funded actions, for the logged-in user.

Authenticated by the site's session, like the dossiers: a person reads here exactly the
bilans the pages show them (`suivi.permissions.bilans_lisibles`, contract by contract),
paginated like `/dossiers` (`{"items": [...], "count": N}`).
"""

import operator
from functools import reduce

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from contrats.models import Contrat, Habilitation
from publication.api_programmation import (
    ERREURS,
    PaginationParPage,
    _contrat,
    _en_francais,
    session,
)
from suivi.models import Bilan, StatutBilan
from suivi.permissions import bilans_lisibles
from suivi.selectors.bilans import beneficiaires_par_sexe
from suivi.services.bilans import bilans_attendus

router = Router(tags=["Suivi"])


class BeneficiairesOut(Schema):
    femmes: int
    hommes: int


class BilanOut(Schema):
    id: int
    dossier: int = Field(description="Identifiant du dossier (voir /dossiers/{id})")
    numero: str = Field(description="Numéro du dossier")
    annee: int = Field(description="Exercice du bilan : l'année de l'appel à projets")
    statut: StatutBilan
    date_limite: str = Field(description="Date limite de dépôt (AAAA-MM-JJ)")
    beneficiaires: BeneficiairesOut = Field(description="Bénéficiaires réels, par sexe")


def _statut(code: str) -> StatutBilan:
    if code not in StatutBilan.values:
        codes = ", ".join(StatutBilan.values)
        raise HttpError(422, f"Statut « {code} » inconnu. Statuts possibles : {codes}.")
    return StatutBilan(code)


def bilans_lisibles_par(utilisateur, contrats: QuerySet[Contrat]) -> QuerySet[Bilan]:
    """The union, contract by contract, of the bilans this person may read."""
    ses_contrats = contrats.filter(
        pk__in=Habilitation.objects.filter(utilisateur=utilisateur).values("contrat")
    )
    parts = []
    for contrat in ses_contrats:
        bilans_attendus(contrat)
        parts.append(bilans_lisibles(utilisateur, contrat))
    return reduce(operator.or_, parts, Bilan.objects.none())


@router.get(
    "/bilans",
    auth=session,
    response={200: list[BilanOut], **{c: ERREURS[c] for c in (401, 404, 422)}},
    summary="Bilans lisibles",
    openapi_extra=_en_francais(
        {
            200: "Une page de bilans lisibles et leur nombre total.",
            401: "Non connecté : se connecter au site (session).",
            404: "Contrat inconnu, ou page au-delà de la dernière.",
            422: "Statut inconnu, ou paramètre invalide (page, année).",
        }
    ),
    description=(
        "Les bilans que la personne connectée peut lire : ceux de sa structure pour un "
        "porteur, ceux des dossiers qu'elle finance pour un financeur, tous pour le "
        "pilotage. 50 par page, du plus récent exercice au plus ancien, puis par numéro de "
        "dossier ; `count` compte tous les bilans qui répondent aux filtres. 401 : non "
        "connecté ; 404 : contrat inconnu ou page au-delà de la dernière ; 422 : statut "
        "inconnu ou paramètre invalide."
    ),
)
@paginate(PaginationParPage)
def liste_bilans(
    request: HttpRequest,
    contrat: str = Query("", description="Identifiant (slug) du contrat"),
    annee: int | None = Query(None, description="Exercice du bilan"),
    statut: str = Query("", description=f"Code du statut : {', '.join(StatutBilan.values)}"),
):
    contrats = Contrat.objects.all()
    if contrat:
        contrats = contrats.filter(pk=_contrat(contrat).pk)
    bilans = bilans_lisibles_par(request.user, contrats)
    if annee is not None:
        bilans = bilans.filter(annee=annee)
    if statut:
        bilans = bilans.filter(statut=_statut(statut))
    return ListeDeBilans(bilans.order_by("-annee", "dossier__numero"))


class ListeDeBilans:
    """A lazy list for the paginator: one page of bilans with their beneficiaries by sex
    (two queries), whatever the number of bilans."""

    def __init__(self, bilans):
        self.bilans = bilans

    def count(self) -> int:
        return self.bilans.count()

    def __getitem__(self, tranche: slice) -> list[dict]:
        page = list(self.bilans.select_related("dossier")[tranche])
        par_sexe = beneficiaires_par_sexe(Bilan.objects.filter(pk__in=[b.pk for b in page]))
        return [
            {
                "id": b.pk,
                "dossier": b.dossier_id,
                "numero": b.dossier.numero,
                "annee": b.annee,
                "statut": b.statut,
                "date_limite": b.date_limite.isoformat(),
                "beneficiaires": dict(
                    zip(("femmes", "hommes"), par_sexe.get(b.pk, (0, 0)), strict=True)
                ),
            }
            for b in page
        ]
