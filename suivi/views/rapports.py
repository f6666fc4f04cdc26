"""Pages of the rapport annuel: the list by year, the workspace of one (perspectives,
generation and its progress, avis, transitions), its documents, and the public page of
the published ones.

Each view resolves the contract and the rapport, asks suivi.permissions (403, or 404
for a document the public may not read), calls one service and says what happened.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug, droits
from programmation.services.erreurs import ErreurProgrammation
from suivi import permissions
from suivi.etats_rapports import transition_par_code
from suivi.forms_rapports import (
    AvisForm,
    CreationRapportForm,
    PerspectivesForm,
    TransitionRapportForm,
)
from suivi.models import AvisRapport, RapportAnnuel
from suivi.selectors import rapports as selecteurs
from suivi.services import rapports as services

TEMPLATES = "suivi/rapports/"
REFUS = "Le rapport annuel se prépare par le pilote et l'État du contrat."
TYPES = {"pdf": "application/pdf", "odt": "application/vnd.oasis.opendocument.text"}


def _contrat_du_pilotage(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_preparer_rapport_annuel(request.user, contrat):
        raise PermissionDenied(REFUS)
    return contrat


def _rapport_du_pilotage(request: HttpRequest, slug: str, annee: int) -> RapportAnnuel:
    return selecteurs.rapport_par_annee(_contrat_du_pilotage(request, slug), annee)


def _vers_le_rapport(rapport: RapportAnnuel) -> HttpResponse:
    return redirect("suivi:rapport_annuel", rapport.contrat.slug, rapport.annee)


def _erreurs(form) -> str:
    return " ".join(e for erreurs in form.errors.values() for e in erreurs)


@login_required
def rapports_annuels(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the rapports by year and the creation form; POST: create a year's rapport."""
    contrat = _contrat_du_pilotage(request, slug)
    form = CreationRapportForm(request.POST or None, annees=selecteurs.annees_possibles(contrat))
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            rapport = services.creer_rapport(
                contrat=contrat, annee=form.cleaned_data["annee"], acteur=request.user
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, f"Le rapport annuel {rapport.annee} est créé.")
            return _vers_le_rapport(rapport)
    return render(
        request,
        TEMPLATES + "liste.html",
        {
            "contrat": contrat,
            "lignes": selecteurs.rapports_du_contrat(contrat),
            "form": form,
            "erreur": erreur,
        },
    )


@require_safe
@login_required
def rapport_annuel(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    rapport = _rapport_du_pilotage(request, slug, annee)
    espace = selecteurs.espace_du_rapport(rapport, droits(request.user, rapport.contrat))
    return render(
        request,
        TEMPLATES + "rapport.html",
        {
            "contrat": rapport.contrat,
            "rapport": rapport,
            "espace": espace,
            "form_perspectives": PerspectivesForm(initial={"perspectives": rapport.perspectives}),
            "avis": [(a, AvisForm(pk=a.pk)) for a in espace.avis],
            "transitions": [
                (t, TransitionRapportForm(auto_id=f"id_{t.code}_%s")) for t in espace.transitions
            ],
        },
    )


@login_required
@require_POST
def rapport_perspectives(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    rapport = _rapport_du_pilotage(request, slug, annee)
    form = PerspectivesForm(request.POST)
    form.is_valid()
    try:
        services.modifier_perspectives(
            rapport=rapport,
            perspectives=form.cleaned_data.get("perspectives", ""),
            acteur=request.user,
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(
            request, "Les perspectives sont enregistrées. Générez le rapport pour les y voir."
        )
    return _vers_le_rapport(rapport)


@login_required
@require_POST
def rapport_generer(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    rapport = _rapport_du_pilotage(request, slug, annee)
    try:
        services.demander_generation(rapport=rapport, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(
            request,
            "La génération du rapport est lancée : sa progression s'affiche ci-dessous, les "
            "documents PDF et ODT apparaîtront à la fin.",
        )
    return _vers_le_rapport(rapport)


@require_safe
@login_required
def rapport_generation(request: HttpRequest, slug: str, annee: int, pk: int) -> HttpResponse:
    """The progress of one generation: the fragment the workspace polls (htmx)."""
    rapport = _rapport_du_pilotage(request, slug, annee)
    generation = selecteurs.generation_du_rapport(rapport, pk)
    return render(
        request,
        TEMPLATES + "_generation.html",
        {"g": selecteurs.suivi_de_generation(rapport, generation)},
    )


@login_required
@require_POST
def rapport_transition(request: HttpRequest, slug: str, annee: int, code: str) -> HttpResponse:
    rapport = _rapport_du_pilotage(request, slug, annee)
    form = TransitionRapportForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{_erreurs(form)} Rien n'a changé.")
        return _vers_le_rapport(rapport)
    try:
        resultat = services.transitionner_rapport(
            rapport=rapport, transition=code, acteur=request.user, **form.cleaned_data
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(
            request,
            f"{transition_par_code(code).libelle} : c'est fait. Le rapport est désormais "
            f"« {resultat.get_statut_display()} ».",
        )
    return _vers_le_rapport(rapport)


@login_required
@require_POST
def rapport_avis(request: HttpRequest, slug: str, annee: int, pk: int) -> HttpResponse:
    rapport = _rapport_du_pilotage(request, slug, annee)
    avis = get_object_or_404(AvisRapport, rapport=rapport, pk=pk)
    form = AvisForm(request.POST, pk=avis.pk)
    if not form.is_valid():
        messages.error(request, f"{_erreurs(form)} L'avis n'est pas enregistré.")
        return _vers_le_rapport(rapport)
    try:
        services.saisir_avis(avis=avis, acteur=request.user, **form.cleaned_data)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(request, f"L'avis « {avis.nom} » est enregistré.")
    return _vers_le_rapport(rapport)


def _document(rapport: RapportAnnuel, format: str) -> FileResponse:
    if format not in TYPES:
        raise Http404("Format inconnu : pdf ou odt.")
    generation = selecteurs.derniere_generation_terminee(rapport)
    if generation is None:
        raise Http404("Ce rapport n'a pas encore été généré.")
    fichier = generation.pdf if format == "pdf" else generation.odt
    return FileResponse(
        fichier.open("rb"),
        content_type=TYPES[format],
        as_attachment=True,
        filename=f"{selecteurs.base_du_nom(rapport)}.{format}",
    )


@require_safe
@login_required
def rapport_document(request: HttpRequest, slug: str, annee: int, format: str) -> FileResponse:
    """The latest generated documents, for the pilotage at any stage."""
    return _document(_rapport_du_pilotage(request, slug, annee), format)


# ---------------------------------------------------------------- public


@require_safe
def rapports_publies(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        TEMPLATES + "publies.html",
        {"contrat": contrat, "rapports": selecteurs.rapports_publies(contrat)},
    )


@require_safe
def rapport_publie_document(
    request: HttpRequest, slug: str, annee: int, format: str
) -> FileResponse:
    """A published rapport's documents, for anyone; any other rapport does not exist here."""
    rapport = selecteurs.rapport_par_annee(contrat_par_slug(slug), annee)
    if not permissions.rapport_public(rapport):
        raise Http404("Ce rapport annuel n'est pas publié.")
    return _document(rapport, format)
