"""Pages of the corrections: compléments asked of the porteur, versions compared, a decision
reversed, a payment cancelled. Each checks its reader's rights and calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from contrats.selectors import droits
from programmation import permissions
from programmation.etats import TRANSITIONS
from programmation.forms.corrections import (
    AnnulationPaiementForm,
    DemandeComplementsForm,
    MotifForm,
)
from programmation.models import CodeTransition, Paiement
from programmation.selectors import dossiers as selecteurs
from programmation.selectors.versions import comparer_versions
from programmation.services.complements import demander_complements
from programmation.services.corrections import revenir_sur_decision
from programmation.services.effets import derniere_decision_de_comite
from programmation.services.erreurs import ErreurProgrammation
from programmation.services.paiements import annuler_paiement

TEMPLATES = "programmation/corrections/"


def _dossier_pour(request: HttpRequest, pk: int, code: CodeTransition):
    """The dossier, if this person holds the transition's role on it (403 otherwise)."""
    dossier = selecteurs.dossier_par_pk(pk)
    d = droits(request.user, dossier.appel.contrat)
    if not permissions.peut_transitionner(d, TRANSITIONS[code].roles, dossier):
        raise PermissionDenied("Cette correction ne vous revient pas.")
    return dossier


@login_required
@require_http_methods(["GET", "POST"])
def demande_complements(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_pour(request, pk, CodeTransition.DEMANDER_COMPLEMENTS)
    form = DemandeComplementsForm(request.POST or None, initial={"version": dossier.version})
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            demande = demander_complements(
                dossier=dossier,
                acteur=request.user,
                message=form.cleaned_data["message"],
                sections=form.cleaned_data["sections"],
                echeance=form.cleaned_data["echeance"],
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"Compléments demandés au porteur, à apporter avant le "
                f"{demande.echeance:%d/%m/%Y}. Le dossier est « à compléter ».",
            )
            return redirect("programmation:dossier", pk=dossier.pk)
    return render(
        request,
        TEMPLATES + "demande_complements.html",
        {"contrat": dossier.appel.contrat, "dossier": dossier, "form": form, "erreur": erreur},
    )


@login_required
@require_http_methods(["GET", "POST"])
def revenir_sur_la_decision(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_pour(request, pk, CodeTransition.REVENIR_SUR_DECISION)
    form = MotifForm(request.POST or None, initial={"version": dossier.version})
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            resultat = revenir_sur_decision(
                dossier=dossier,
                motif=form.cleaned_data["motif"],
                acteur=request.user,
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"La décision est annulée : le dossier {resultat.numero} est de nouveau "
                f"« {resultat.get_statut_display()} ».",
            )
            return redirect("programmation:dossier", pk=dossier.pk)
    return render(
        request,
        TEMPLATES + "revenir_sur_decision.html",
        {
            "contrat": dossier.appel.contrat,
            "dossier": dossier,
            "decision": derniere_decision_de_comite(dossier),
            "form": form,
            "erreur": erreur,
        },
    )


def _numero(request: HttpRequest, cle: str) -> int | None:
    valeur = request.GET.get(cle, "")
    return int(valeur) if valeur.isdigit() else None


@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selecteurs.dossier_par_pk(pk)
    if not permissions.peut_lire_dossier(request.user, dossier):
        raise PermissionDenied
    comparaison = comparer_versions(dossier, _numero(request, "de"), _numero(request, "a"))
    return render(
        request,
        TEMPLATES + "versions.html",
        {"contrat": dossier.appel.contrat, "dossier": dossier, "comparaison": comparaison},
    )


@login_required
@require_http_methods(["GET", "POST"])
def annulation_paiement(request: HttpRequest, pk: int) -> HttpResponse:
    paiement = get_object_or_404(
        Paiement.objects.select_related(
            "convention__financement__dossier__appel__contrat",
            "convention__financement__financeur",
        ),
        pk=pk,
    )
    convention = paiement.convention
    d = droits(request.user, convention.financement.dossier.appel.contrat)
    if not permissions.peut_payer(d, convention):
        raise PermissionDenied("Seul le financeur de la convention annule ses paiements.")
    form = AnnulationPaiementForm(request.POST or None)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            annuler_paiement(
                paiement=paiement, motif=form.cleaned_data["motif"], acteur=request.user
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "Le paiement est annulé par une contre-passation.")
            return redirect("programmation:convention_paiements", pk=convention.pk)
    return render(
        request,
        TEMPLATES + "annulation_paiement.html",
        {
            "contrat": convention.financement.dossier.appel.contrat,
            "paiement": paiement,
            "convention": convention,
            "form": form,
            "erreur": erreur,
        },
    )
