"""The page of the conseil citoyen's avis on a call's programming: the pilotage consults,
the pilotage or a membre of the conseil enters the avis, the public reads it once received
or reputed favourable. Thin views over services.avis_conseil_citoyen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from contrats.selectors import contrat_par_slug
from gouvernance.conseil_citoyen import conseil_citoyen_du_contrat
from historique.horloge import aujourdhui
from programmation import permissions
from programmation.forms.avis_conseil_citoyen import AvisConseilCitoyenForm
from programmation.models import AppelAProjets
from programmation.selectors import avis_conseil_citoyen as selecteurs
from programmation.selectors.plan import appel_visible
from programmation.services.avis_conseil_citoyen import (
    consulter_le_conseil_citoyen,
    saisir_avis_programmation,
)
from programmation.services.erreurs import ErreurProgrammation

RESERVE = (
    "L'avis du conseil citoyen est réservé au pilotage et aux membres du conseil jusqu'à "
    "sa réception ou l'échéance de la consultation."
)


def _appel(request: HttpRequest, slug: str, annee: int) -> AppelAProjets:
    return appel_visible(contrat_par_slug(slug), annee, request.user)


@require_http_methods(["GET", "HEAD", "POST"])
def avis(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel = _appel(request, slug, annee)
    conseil = conseil_citoyen_du_contrat(appel.contrat)
    avis_ = selecteurs.avis_de(appel)
    if not permissions.peut_lire_avis_programmation(request.user, appel, avis_):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(RESERVE)
    form = None
    erreur = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if avis_ is None or not permissions.peut_saisir_avis_programmation(request.user, avis_):
            raise PermissionDenied(
                "Seuls le pilote, l'État et les membres du conseil citoyen saisissent son avis."
            )
        form = AvisConseilCitoyenForm(request.POST)
        if form.is_valid():
            donnees = form.cleaned_data
            try:
                saisir_avis_programmation(
                    avis=avis_,
                    sens=donnees["sens"],
                    texte=donnees["texte"],
                    recu_le=donnees["recu_le"],
                    acteur=request.user,
                    version=donnees["version"],
                )
            except ErreurProgrammation as e:
                erreur = e
            else:
                messages.success(
                    request, f"Avis du conseil citoyen sur la programmation {annee} enregistré."
                )
                return redirect(selecteurs.url_de_l_avis(appel))
    page = selecteurs.page_avis(request.user, appel, conseil)
    if form is None and page.peut_saisir:
        form = AvisConseilCitoyenForm(
            initial={"version": page.avis.version, "recu_le": aujourdhui()}
        )
    return render(
        request,
        "programmation/avis_conseil_citoyen.html",
        {"contrat": appel.contrat, "page": page, "form": form, "erreur": erreur},
    )


@require_POST
@login_required
def consulter(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel = _appel(request, slug, annee)
    if not permissions.peut_consulter_le_conseil_citoyen(request.user, appel.contrat):
        raise PermissionDenied(
            "Seuls le pilote et l'État consultent le conseil citoyen sur la programmation."
        )
    try:
        avis_ = consulter_le_conseil_citoyen(appel=appel, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            f"Programmation {annee} transmise au conseil citoyen : son avis est attendu au plus "
            f"tard le {avis_.echeance:%d/%m/%Y}.",
        )
    return redirect(selecteurs.url_de_l_avis(appel))
