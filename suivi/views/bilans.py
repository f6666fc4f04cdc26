"""Pages of the bilans: read, fill in, deposit or attest, correct, validate, move dates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from contrats.selectors import contrat_par_slug, droits
from programmation.selectors.dossiers import dossier_par_pk
from programmation.services.erreurs import ErreurProgrammation
from suivi import permissions
from suivi.etats import transition_par_code
from suivi.forms import BilanForm, DecisionReportForm, MotifForm, ReportForm
from suivi.selectors import bilans as selecteurs
from suivi.services import bilans as services


def _vers_le_bilan(bilan) -> HttpResponse:
    return redirect("suivi:bilan_du_dossier", pk=bilan.dossier_id)


@login_required
def bilan_du_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_par_pk(pk)
    if not permissions.peut_lire_bilan_du_dossier(request.user, dossier):
        raise PermissionDenied
    bilan = services.bilan_du_dossier(dossier)
    if bilan is None:
        raise Http404("Ce dossier n'est pas financé : il n'a pas encore de bilan.")
    fiche = selecteurs.fiche_bilan(bilan, droits(request.user, dossier.appel.contrat))
    return render(
        request,
        "suivi/bilans/bilan.html",
        {
            "contrat": dossier.appel.contrat,
            "fiche": fiche,
            "bilan": bilan,
            "dossier": dossier,
            "transitions": [(t, MotifForm(auto_id=f"id_{t.code}_%s")) for t in fiche.transitions],
            "form_decision": DecisionReportForm(),
        },
    )


@login_required
def bilan_saisie(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = selecteurs.bilan_par_pk(pk)
    if not permissions.peut_saisir_bilan(request.user, bilan):
        raise PermissionDenied
    erreur = None
    form = BilanForm(request.POST or None, bilan=bilan)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_bilan(bilan=bilan, saisie=form.saisie(), acteur=request.user)
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "Le bilan est enregistré. Déposez-le quand il est complet.")
            return _vers_le_bilan(bilan)
    return render(
        request,
        "suivi/bilans/saisie.html",
        {"bilan": bilan, "dossier": bilan.dossier, "form": form, "erreur": erreur},
    )


@login_required
@require_POST
def bilan_transition(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    bilan = selecteurs.bilan_par_pk(pk)
    if not permissions.peut_lire_bilan(request.user, bilan):
        raise PermissionDenied
    form = MotifForm(request.POST)
    form.is_valid()
    try:
        resultat = services.transitionner_bilan(
            bilan=bilan,
            transition=code,
            acteur=request.user,
            motif=form.cleaned_data.get("motif", ""),
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(
            request,
            f"{transition_par_code(code).libelle} : c'est fait. Le bilan est désormais "
            f"« {resultat.get_statut_display()} ».",
        )
    return _vers_le_bilan(bilan)


@login_required
def bilan_report(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = selecteurs.bilan_par_pk(pk)
    if not permissions.peut_demander_report(request.user, bilan):
        raise PermissionDenied
    erreur = None
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demander_report(bilan=bilan, acteur=request.user, **form.cleaned_data)
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "La demande de report est transmise au pilote du contrat.")
            return _vers_le_bilan(bilan)
    return render(
        request,
        "suivi/bilans/report.html",
        {"bilan": bilan, "dossier": bilan.dossier, "form": form, "erreur": erreur},
    )


@login_required
@require_POST
def report_decision(request: HttpRequest, pk: int) -> HttpResponse:
    report = selecteurs.report_par_pk(pk)
    if not permissions.peut_statuer_report(request.user, report.bilan):
        raise PermissionDenied
    form = DecisionReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez d'accepter ou de refuser le report : rien n'a changé.")
        return _vers_le_bilan(report.bilan)
    try:
        services.statuer_report(
            report=report,
            accepte=form.cleaned_data["decision"] == "accepter",
            motif=form.cleaned_data["motif"],
            acteur=request.user,
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(request, "La décision sur le report est enregistrée.")
    return _vers_le_bilan(report.bilan)


@login_required
def bilans_du_contrat(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        "suivi/bilans/liste.html",
        {"contrat": contrat, "lignes": selecteurs.bilans_du_contrat(request.user, contrat)},
    )
