"""Read API, version 1: everything the public pages show, as JSON (OpenAPI documented)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError

from contrats import selectors
from contrats.models import Contrat
from publication.api_gouvernance import router as gouvernance_
from publication.api_programmation import router as programmation
from publication.api_suivi import router as suivi
from publication.recherche import PAR_PAGE, paginer, rechercher
from territoires.selectors import diagnostic, quartier_par_slug

api = NinjaAPI(
    title="API Contrat de ville",
    version="1.0.0",
    description=(
        "Données des contrats de ville, au format JSON et en lecture seule : cadre "
        "stratégique, plan d'actions, diagnostic territorial, signataires et engagements, "
        "gouvernance, sans authentification ; appels à projets et dossiers de la "
        "programmation, avec la session du site et selon les droits de chacun."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", programmation)
api.add_router("/", suivi)
api.add_router("/", gouvernance_)


@api.exception_handler(Http404)
def introuvable(request: HttpRequest, exc: Http404):
    return api.create_response(
        request, {"detail": "Ressource introuvable : vérifiez l'adresse."}, status=404
    )


class CommuneOut(Schema):
    code_insee: str
    nom: str
    departement: str


class QuartierResumeOut(Schema):
    slug: str
    code: str | None
    nom: str


class ContratResumeOut(Schema):
    slug: str
    titre: str
    generation: str
    date_debut: date
    date_fin: date


class JalonOut(Schema):
    date: date
    date_fin: date | None
    precision: str
    nature: str
    libelle: str
    reference: str


class ContratOut(ContratResumeOut):
    date_signature: date | None
    communes: list[CommuneOut]
    quartiers: list[QuartierResumeOut]
    synthese_plan: dict
    calendrier: list[JalonOut]


class ObjectifOut(Schema):
    numero: str
    intitule: str
    description: str


class DomaineOut(Schema):
    numero: str
    intitule: str
    description: str
    orientations: list[str]
    objectifs: list[ObjectifOut]


class PilierOut(Schema):
    numero: str
    code: str
    intitule: str
    description: str
    domaines: list[DomaineOut]


class AxeOut(Schema):
    numero: str
    code: str
    intitule: str
    description: str
    objectif_operationnel: str


class CadreOut(Schema):
    axes_transversaux: list[AxeOut]
    piliers: list[PilierOut]


class ObjectifDetailOut(ObjectifOut):
    pilier: str
    domaine: str
    actions: list[str]


class ActionOut(Schema):
    intitule: str
    groupe: str
    fiche_page: int | None
    pilier: str
    domaine: str
    objectifs_operationnels: list[str]


class PlanOut(Schema):
    nombre: int
    actions: list[ActionOut]


class CaseOut(Schema):
    valeur: Decimal | None
    texte: str


class LigneDiagnosticOut(Schema):
    code: str
    rubrique: str
    libelle: str
    unite: str
    ville: CaseOut | None
    qpv: CaseOut | None


class DiagnosticOut(Schema):
    commune: str
    quartier: str
    date: date | None
    lignes: list[LigneDiagnosticOut]


class SignataireOut(Schema):
    organisation: str
    organisation_code: str
    representant: str
    qualite: str
    role: str


class EngagementOut(Schema):
    ordre: int
    rubrique: str
    texte: str


class SectionOut(Schema):
    numero: str
    titre: str
    organisations: list[str]
    introduction: str
    engagements: list[EngagementOut]


class InstanceOut(Schema):
    code: str
    nom: str
    nature: str
    presidence: str
    composition: list[str]
    organisations: list[str]
    missions: list[str]
    reunions_min_par_an: int | None


class PlateformeOut(Schema):
    code: str
    lettre: str
    nom: str
    theme: str
    description: str
    animation: str
    participants: list[str]


class DispositifOut(Schema):
    sigle: str
    nom: str
    description: str


class MesureOut(Schema):
    texte: str
    dispositifs: list[str]


class ArticulationOut(Schema):
    lettre: str
    porteur: str
    mesures: list[MesureOut]


class RegleOut(Schema):
    code: str
    article: str
    objet: str
    procedure: str
    accord_requis: list[str]
    texte: str


class GouvernanceOut(Schema):
    instances: list[InstanceOut]
    plateformes: list[PlateformeOut]
    dispositifs: list[DispositifOut]
    articulations: list[ArticulationOut]
    regles_modification: list[RegleOut]


class SecteurOut(Schema):
    nom: str
    adresses: list[str]


class QuartierOut(QuartierResumeOut):
    decret: str
    description_perimetre: str
    communes: list[CommuneOut]
    secteurs: list[SecteurOut]
    contrats: list[str]


class ResultatOut(Schema):
    nature: str
    titre: str
    extrait: str
    url: str
    contrat: str


class PageRechercheOut(Schema):
    nombre: int
    page: int
    pages: int
    par_page: int
    resultats: list[ResultatOut]


class ErreurOut(Schema):
    # A message; a list for a parameter that fails validation (page not a number).
    detail: str | list[dict[str, Any]]


def _contrat(slug: str) -> Contrat:
    contrat = Contrat.objects.filter(slug=slug).first()
    if contrat is None:
        raise HttpError(404, f"Contrat « {slug} » introuvable.")
    return contrat


@api.get("/contrats", response=list[ContratResumeOut], tags=["Contrats"])
def liste_contrats(request: HttpRequest):
    return selectors.contrats_publies()


@api.get("/contrats/{slug}", response=ContratOut, tags=["Contrats"])
def detail_contrat(request: HttpRequest, slug: str):
    contrat = _contrat(slug)
    return {
        **{f: getattr(contrat, f) for f in ContratResumeOut.model_fields},
        "date_signature": contrat.date_signature,
        "communes": list(contrat.communes.all()),
        "quartiers": list(contrat.quartiers.all()),
        "synthese_plan": contrat.synthese_plan,
        "calendrier": list(contrat.jalons.all()),
    }


@api.get("/contrats/{slug}/cadre-strategique", response=CadreOut, tags=["Cadre stratégique"])
def cadre(request: HttpRequest, slug: str):
    contrat = _contrat(slug)
    piliers = [
        {
            **{f: getattr(p, f) for f in ("numero", "code", "intitule", "description")},
            "domaines": [
                {
                    **{f: getattr(d, f) for f in ("numero", "intitule", "description")},
                    "orientations": [o.texte for o in d.orientations.all()],
                    "objectifs": list(d.objectifs.all()),
                }
                for d in p.domaines.all()
            ],
        }
        for p in selectors.cadre_strategique(contrat)
    ]
    return {"axes_transversaux": list(selectors.axes_transversaux(contrat)), "piliers": piliers}


@api.get(
    "/contrats/{slug}/objectifs/{numero}", response=ObjectifDetailOut, tags=["Cadre stratégique"]
)
def detail_objectif(request: HttpRequest, slug: str, numero: str):
    objectif = selectors.objectif(_contrat(slug), numero)
    return {
        "numero": objectif.numero,
        "intitule": objectif.intitule,
        "description": objectif.description,
        "pilier": objectif.domaine.pilier.intitule,
        "domaine": objectif.domaine.intitule,
        "actions": [a.intitule for a in selectors.actions_de_l_objectif(objectif)],
    }


@api.get("/contrats/{slug}/plan-actions", response=PlanOut, tags=["Plan d'actions"])
def plan(request: HttpRequest, slug: str, pilier: str = "", domaine: str = "", objectif: str = ""):
    filtres = selectors.FiltresPlan(pilier=pilier, domaine=domaine, objectif=objectif)
    actions = [
        {
            "intitule": a.intitule,
            "groupe": a.groupe,
            "fiche_page": a.fiche_page,
            "pilier": a.ligne.pilier.intitule,
            "domaine": a.ligne.domaine.intitule,
            "objectifs_operationnels": [o.numero for o in a.ligne.objectifs_operationnels.all()],
        }
        for a in selectors.actions_du_plan(_contrat(slug), filtres)
    ]
    return {"nombre": len(actions), "actions": actions}


@api.get("/contrats/{slug}/diagnostic", response=list[DiagnosticOut], tags=["Territoires"])
def diagnostic_contrat(request: HttpRequest, slug: str):
    resultats = []
    for quartier in _contrat(slug).quartiers.prefetch_related("communes"):
        diag = diagnostic(quartier.communes.first(), quartier)
        lignes = [
            {
                "code": ligne.indicateur.code,
                "rubrique": ligne.indicateur.rubrique,
                "libelle": ligne.indicateur.libelle,
                "unite": ligne.indicateur.unite,
                "ville": _case(ligne.ville),
                "qpv": _case(ligne.qpv),
            }
            for rubrique in diag.rubriques
            for ligne in rubrique.lignes
        ]
        resultats.append(
            {
                "commune": diag.commune.nom,
                "quartier": quartier.nom,
                "date": diag.date,
                "lignes": lignes,
            }
        )
    return resultats


def _case(observation) -> dict | None:
    if observation is None:
        return None
    return {"valeur": observation.valeur, "texte": observation.valeur_texte}


@api.get("/contrats/{slug}/signataires", response=list[SignataireOut], tags=["Signataires"])
def liste_signataires(request: HttpRequest, slug: str):
    return [
        {
            "organisation": s.organisation.nom,
            "organisation_code": s.organisation.code,
            "representant": s.representant,
            "qualite": s.qualite,
            "role": s.role,
        }
        for s in selectors.signataires(_contrat(slug))
    ]


@api.get("/contrats/{slug}/engagements", response=list[SectionOut], tags=["Signataires"])
def liste_engagements(request: HttpRequest, slug: str):
    sections = _contrat(slug).sections_engagements.prefetch_related("organisations", "engagements")
    return [
        {
            "numero": s.numero,
            "titre": s.titre,
            "organisations": [o.code for o in s.organisations.all()],
            "introduction": s.introduction,
            "engagements": list(s.engagements.all()),
        }
        for s in sections
    ]


@api.get("/contrats/{slug}/gouvernance", response=GouvernanceOut, tags=["Gouvernance"])
def gouvernance(request: HttpRequest, slug: str):
    contrat = _contrat(slug)
    instances = [
        {
            **{f: getattr(i, f) for f in InstanceOut.model_fields if f != "organisations"},
            "organisations": [o.code for o in i.organisations.all()],
        }
        for i in selectors.instances(contrat)
    ]
    articulations = [
        {
            "lettre": a.lettre,
            "porteur": a.porteur,
            "mesures": [
                {"texte": m.texte, "dispositifs": [d.sigle for d in m.dispositifs.all()]}
                for m in a.mesures.all()
            ],
        }
        for a in selectors.articulations(contrat)
    ]
    return {
        "instances": instances,
        "plateformes": list(contrat.plateformes.all()),
        "dispositifs": list(contrat.dispositifs.all()),
        "articulations": articulations,
        "regles_modification": list(contrat.regles_modification.all()),
    }


@api.get("/quartiers/{slug}", response=QuartierOut, tags=["Territoires"])
def detail_quartier(request: HttpRequest, slug: str):
    quartier = quartier_par_slug(slug)
    return {
        "slug": quartier.slug,
        "code": quartier.code,
        "nom": quartier.nom,
        "decret": quartier.decret,
        "description_perimetre": quartier.description_perimetre,
        "communes": list(quartier.communes.all()),
        "secteurs": list(quartier.secteurs.all()),
        "contrats": [c.slug for c in quartier.contrats.all()],
    }


@api.get(
    "/recherche",
    response={200: PageRechercheOut, 404: ErreurOut, 422: ErreurOut},
    tags=["Recherche"],
    summary="Rechercher dans les contrats",
    description=(
        "Tous les mots sont requis, dans n'importe quel ordre, sans tenir compte des "
        "accents ni de la casse ; le dernier mot vaut aussi comme début de mot. "
        f"Résultats les plus pertinents d'abord, {PAR_PAGE} par page. "
        "404 : contrat ou page introuvable ; 422 : recherche de plus de 200 caractères "
        "ou paramètre invalide."
    ),
)
def recherche(
    request: HttpRequest,
    q: str,
    page: int = Query(1, ge=1, description="Numéro de la page de résultats"),
    contrat: str = Query("", description="Identifiant (slug) d'un contrat où chercher"),
):
    if len(q) > 200:
        raise HttpError(422, "La recherche est limitée à 200 caractères.")
    if contrat:
        contrats = Contrat.objects.filter(pk=_contrat(contrat).pk)
    else:
        contrats = selectors.contrats_publies()
    try:
        resultats = paginer(rechercher(q, contrats), page, strict=True)
    except InvalidPage:
        raise HttpError(404, f"Page {page} introuvable pour cette recherche.") from None
    return {
        "nombre": resultats.paginator.count,
        "page": resultats.number,
        "pages": resultats.paginator.num_pages,
        "par_page": PAR_PAGE,
        "resultats": [{**r.__dict__, "contrat": r.contrat.slug} for r in resultats],
    }
