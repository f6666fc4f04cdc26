from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug, contrats_publies
from publication.recherche import numeros_de_pages, paginer, rechercher

LONGUEUR_MAX_REQUETE = 200


def recherche(request: HttpRequest) -> HttpResponse:
    """Search all contracts, or one (`?contrat=<slug>`): then the page keeps its menu."""
    requete = request.GET.get("q", "").strip()
    slug = request.GET.get("contrat", "")
    contrat = contrat_par_slug(slug) if slug else None
    erreur = ""
    if len(requete) > LONGUEUR_MAX_REQUETE:
        erreur = f"La recherche est limitée à {LONGUEUR_MAX_REQUETE} caractères."
        requete = ""
    page = None
    if requete:
        perimetre = Contrat.objects.filter(pk=contrat.pk) if contrat else contrats_publies()
        page = paginer(rechercher(requete, perimetre), request.GET.get("page"))
    return render(
        request,
        "publication/recherche.html",
        {
            "requete": requete,
            "page": page,
            "resultats": page.object_list if page else [],
            "numeros": numeros_de_pages(page) if page else [],
            "erreur": erreur,
            # The contract in context gives the page that contract's menu and breadcrumb.
            "contrat": contrat,
            "contrats": Contrat.objects.order_by("titre").only("slug", "titre"),
        },
    )
