"""Pages of the evaluations: the list and its opening form, the workspace, and the writes
(findings, sections, decisions, closing) the pilotage posts from it.

Reading is for the pilotage and the contract's financeurs, writing for the pilotage
(403 otherwise); a refusal of a service becomes a French message and changes nothing.
A decision posted by htmx gets its table row back; without JavaScript, the workspace.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug, droits
from programmation.services.erreurs import ErreurProgrammation
from suivi import permissions
from suivi.forms_evaluations import (
    ConstatForm,
    DecisionForm,
    OuvrirEvaluationForm,
    SectionsEvaluationForm,
)
from suivi.models import Evaluation
from suivi.selectors import evaluations as selecteurs
from suivi.services import evaluations as services

TEMPLATES = "suivi/evaluations/"


def _contrat_lisible(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_lire_evaluations(request.user, contrat):
        raise PermissionDenied("Les évaluations sont lues par le pilotage et les financeurs.")
    return contrat


def _a_rediger(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = selecteurs.evaluation_par_pk(pk)
    if not permissions.peut_rediger_evaluations(request.user, evaluation.contrat):
        raise PermissionDenied("Seul le pilotage du contrat rédige ses évaluations.")
    return evaluation


def _liste(
    request: HttpRequest, contrat: Contrat, form: OuvrirEvaluationForm | None, erreur=None
) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "liste.html",
        {
            "contrat": contrat,
            "lignes": selecteurs.evaluations_du_contrat(request.user, contrat),
            "form": form,
            "erreur": erreur,
        },
    )


@require_safe
@login_required
def evaluations(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_lisible(request, slug)
    peut_ouvrir = permissions.peut_rediger_evaluations(request.user, contrat)
    return _liste(request, contrat, OuvrirEvaluationForm(contrat=contrat) if peut_ouvrir else None)


@login_required
@require_POST
def evaluation_ouvrir(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_rediger_evaluations(request.user, contrat):
        raise PermissionDenied("Seul le pilotage du contrat ouvre ses évaluations.")
    form = OuvrirEvaluationForm(request.POST, contrat=contrat)
    erreur = None
    if form.is_valid():
        try:
            evaluation = services.ouvrir_evaluation(
                contrat=contrat, acteur=request.user, **form.cleaned_data
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, f"{evaluation} est ouverte : rédigez-la.")
            return redirect("suivi:evaluation", pk=evaluation.pk)
    return _liste(request, contrat, form, erreur)


@require_safe
@login_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selecteurs.evaluation_par_pk(pk)
    if not permissions.peut_lire_evaluation(request.user, evaluation):
        raise PermissionDenied("Les évaluations sont lues par le pilotage et les financeurs.")
    fiche = selecteurs.fiche_evaluation(evaluation, droits(request.user, evaluation.contrat))
    sections = SectionsEvaluationForm(evaluation=evaluation) if fiche.modifiable else None
    return render(
        request,
        TEMPLATES + "evaluation.html",
        {
            "contrat": evaluation.contrat,
            "fiche": fiche,
            "sections": [(s, sections[s.champ] if sections else None) for s in fiche.sections],
            "actions": [(ligne, _form_decision(ligne)) for ligne in fiche.actions],
            "evaluation": evaluation,
        },
    )


def _form_decision(ligne: selecteurs.LigneAction, donnees=None) -> DecisionForm | None:
    if not ligne.peut_decider:
        return None
    return DecisionForm(
        donnees, numero=ligne.numero, initial={"decision": ligne.decision, "motif": ligne.motif}
    )


@login_required
@require_POST
def evaluation_constat(request: HttpRequest, pk: int, objectif_pk: int) -> HttpResponse:
    evaluation = _a_rediger(request, pk)
    objectif = selecteurs.objectif_du_contrat(evaluation.contrat, objectif_pk)
    form = ConstatForm(request.POST)
    form.is_valid()
    try:
        constat = services.enregistrer_constat(
            evaluation=evaluation,
            objectif=objectif,
            texte=form.cleaned_data.get("texte", ""),
            acteur=request.user,
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        fait = "enregistré" if constat else "effacé"
        messages.success(request, f"Le constat sur l'objectif {objectif.numero} est {fait}.")
    return redirect(selecteurs.url_evaluation(evaluation, f"objectif-{objectif.pk}"))


@login_required
@require_POST
def evaluation_sections(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _a_rediger(request, pk)
    form = SectionsEvaluationForm(request.POST, evaluation=evaluation)
    form.is_valid()
    # Only the sections posted: a partial form never erases the others.
    postees = {champ: texte for champ, texte in form.cleaned_data.items() if champ in request.POST}
    try:
        services.enregistrer_sections(evaluation=evaluation, sections=postees, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(request, "Les sections de l'évaluation sont enregistrées.")
    return redirect(selecteurs.url_evaluation(evaluation, "sections"))


@login_required
@require_POST
def evaluation_decision(request: HttpRequest, pk: int, dossier_pk: int) -> HttpResponse:
    evaluation = _a_rediger(request, pk)
    dossier = selecteurs.dossier_du_contrat(evaluation.contrat, dossier_pk)
    form = DecisionForm(request.POST, numero=dossier.numero)
    erreur = ""
    if form.is_valid():
        try:
            services.decider_sur_action(
                evaluation=evaluation, dossier=dossier, acteur=request.user, **form.cleaned_data
            )
        except ErreurProgrammation as e:
            erreur = e.texte
    else:
        erreur = " ".join(message for messages_ in form.errors.values() for message in messages_)
    ancre = selecteurs.url_evaluation(evaluation, f"action-{dossier.pk}")
    if request.htmx:
        return _ligne_htmx(request, evaluation, dossier, form, erreur, ancre)
    if erreur:
        messages.error(request, f"Rien n'a été enregistré : {erreur}")
    else:
        messages.success(request, f"La décision sur le dossier {dossier.numero} est enregistrée.")
    return redirect(ancre)


def _ligne_htmx(request, evaluation, dossier, form, erreur: str, ancre: str) -> HttpResponse:
    """The action's row again: the decision taken, or the form with what went wrong."""
    d = droits(request.user, evaluation.contrat)
    modifiable = selecteurs.est_modifiable(evaluation, d)
    lignes = selecteurs.lignes_actions(evaluation, d, modifiable, dossier)
    if not lignes:
        messages.error(request, f"Rien n'a été enregistré : {erreur}")
        return HttpResponseClientRedirect(ancre)
    ligne = lignes[0]
    if form.errors:
        erreur = "corrigez les champs signalés."
    return render(
        request,
        TEMPLATES + "_action.html",
        {
            "ligne": ligne,
            "form": form if erreur and ligne.peut_decider else _form_decision(ligne),
            "erreur": erreur,
            "annonce": "" if erreur else f"Décision sur le dossier {dossier.numero} enregistrée.",
            "evaluation": evaluation,
            "modifiable": modifiable,
        },
    )


@login_required
@require_POST
def evaluation_arreter(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _a_rediger(request, pk)
    try:
        arretee = services.arreter_evaluation(evaluation=evaluation, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(request, f"{arretee} est arrêtée : elle ne se modifie plus.")
    return redirect("suivi:evaluation", pk=evaluation.pk)
