"""Pages of the conventions pluriannuelles d'objectifs (CPO): the contract's list, where the
pilotage signs new ones, and the choice of the CPO a dossier is carried by.

Each view checks the reader's rights (403 otherwise), parses its form and calls one
service; a refusal shows the service's French message and saves nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from contrats.selectors import contrat_par_slug
from programmation import permissions
from programmation.forms.conventions_pluriannuelles import (
    ConventionDuDossierForm,
    SignatureConventionForm,
)
from programmation.selectors import conventions_pluriannuelles as selecteurs
from programmation.selectors.dossiers import dossier_par_pk
from programmation.services.conventions_pluriannuelles import (
    rattacher_convention_pluriannuelle,
    signer_convention_pluriannuelle,
)
from programmation.services.erreurs import ErreurProgrammation

TEMPLATES = "programmation/conventions_pluriannuelles/"


@login_required
def conventions_pluriannuelles(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if not permissions.voit_les_conventions_pluriannuelles(request.user, contrat):
        raise PermissionDenied("Réservé au pilotage, aux financeurs et aux porteurs du contrat.")
    peut_signer = permissions.peut_signer_convention_pluriannuelle(request.user, contrat)
    if request.method == "POST" and not peut_signer:
        raise PermissionDenied("Seuls le pilote et l'État enregistrent ces conventions.")
    form = (
        SignatureConventionForm(request.POST if request.method == "POST" else None, contrat=contrat)
        if peut_signer
        else None
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            convention = signer_convention_pluriannuelle(
                contrat=contrat,
                structure=donnees["structure"],
                financeur=donnees["financeur"],
                numero=donnees["numero"],
                intitule=donnees["intitule"],
                annee_debut=donnees["annee_debut"],
                annee_fin=donnees["annee_fin"],
                montant_annuel=donnees["montant_annuel"],
                signee_le=donnees["signee_le"],
                acteur=request.user,
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"La convention pluriannuelle d'objectifs {convention.numero} est enregistrée.",
            )
            return redirect("programmation:conventions_pluriannuelles", slug=contrat.slug)
    return render(
        request,
        TEMPLATES + "liste.html",
        {
            "contrat": contrat,
            "conventions": selecteurs.conventions_du_contrat(contrat, request.user),
            "form": form,
            "erreur": erreur,
        },
    )


@login_required
def dossier_convention_pluriannuelle(request: HttpRequest, pk: int) -> HttpResponse:
    courant = dossier_par_pk(pk)
    if not permissions.peut_rattacher_convention_pluriannuelle(request.user, courant):
        if permissions.peut_lire_dossier(request.user, courant) and (
            permissions.est_porteur_du_dossier(
                permissions.droits_de(request.user, courant.appel.contrat), courant
            )
        ):
            messages.error(
                request,
                f"Ce dossier est « {courant.get_statut_display()} » : sa convention "
                "pluriannuelle d'objectifs ne peut plus changer.",
            )
            return redirect("programmation:dossier", pk=courant.pk)
        raise PermissionDenied
    form = ConventionDuDossierForm(
        request.POST if request.method == "POST" else None, dossier=courant
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            resultat = rattacher_convention_pluriannuelle(
                dossier=courant,
                convention=form.cleaned_data["convention"],
                acteur=request.user,
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"Le dossier {resultat.numero} est rattaché à la convention "
                f"{resultat.convention_pluriannuelle.numero}."
                if resultat.convention_pluriannuelle
                else f"Le dossier {resultat.numero} n'est plus rattaché à une convention "
                "pluriannuelle d'objectifs.",
            )
            return redirect("programmation:dossier", pk=resultat.pk)
    return render(
        request,
        TEMPLATES + "dossier.html",
        {
            "contrat": courant.appel.contrat,
            "dossier": courant,
            "cpo": selecteurs.convention_du_dossier(courant, request.user),
            "form": form,
            "erreur": erreur,
        },
    )
