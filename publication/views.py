from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contrats.selectors import contrats_publies
from publication.recherche import rechercher

LONGUEUR_MAX_REQUETE = 200


def recherche(request: HttpRequest) -> HttpResponse:
    requete = request.GET.get("q", "").strip()
    erreur = ""
    if len(requete) > LONGUEUR_MAX_REQUETE:
        erreur = f"La recherche est limitée à {LONGUEUR_MAX_REQUETE} caractères."
        requete = ""
    resultats = rechercher(requete, contrats_publies()) if requete else []
    return render(
        request,
        "publication/recherche.html",
        {"requete": requete, "resultats": resultats, "erreur": erreur},
    )
