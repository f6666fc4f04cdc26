"""Pages of the pilotage: calls, instruction board, avis, committees, conventions, payments.

Each view resolves its object, checks the reader's rights (403 otherwise), parses a
form and calls one service; a refused operation shows the service's French message
and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import push_url

from contrats.models import Instance
from contrats.selectors import Droits, contrat_par_slug, droits
from programmation import documents, exports, permissions
from programmation.etats import decisions_du_comite
from programmation.forms.pilotage import (
    AccordForm,
    AppelForm,
    AvisForm,
    ComiteForm,
    EnveloppesForm,
    FiltreTableauForm,
    PaiementForm,
)
from programmation.models import AppelAProjets, Convention, Financement
from programmation.selectors import instruction as selecteurs
from programmation.services.appels import (
    creer_appel,
    fixer_enveloppe,
    modifier_appel,
    publier_appel,
)
from programmation.services.erreurs import ErreurProgrammation
from programmation.services.instruction import donner_avis, fixer_montant_accorde
from programmation.services.paiements import enregistrer_paiement
from programmation.services.seances import lancer_instruction, tenir_comite

TEMPLATES = "programmation/pilotage/"


def _exiger_pilotage(request: HttpRequest, contrat) -> None:
    if not permissions.peut_piloter(request.user, contrat):
        raise PermissionDenied("Réservé au pilote et à l'État.")


def _url_tableau(appel: AppelAProjets) -> str:
    return reverse("programmation:dossiers_appel", args=[appel.contrat.slug, appel.annee])


# --- Calls ----------------------------------------------------------------------------------


@login_required
def appel_nouveau(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    _exiger_pilotage(request, contrat)
    form = AppelForm(request.POST or None, contrat=contrat)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            appel = creer_appel(contrat=contrat, donnees=form.donnees(), acteur=request.user)
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, f"L'appel à projets {appel.annee} est créé.")
            return redirect(_url_tableau(appel))
    return render(
        request,
        TEMPLATES + "appel_form.html",
        {"contrat": contrat, "form": form, "erreur": erreur, "appel": None},
    )


@login_required
def appel_modifier(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel = selecteurs.appel_du_contrat(slug, annee)
    _exiger_pilotage(request, appel.contrat)
    form = AppelForm(request.POST or None, contrat=appel.contrat, appel=appel)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            modifier_appel(appel=appel, donnees=form.donnees(), acteur=request.user)
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, f"L'appel à projets {appel.annee} est modifié.")
            return redirect(_url_tableau(appel))
    return render(
        request,
        TEMPLATES + "appel_form.html",
        {"contrat": appel.contrat, "form": form, "erreur": erreur, "appel": appel},
    )


@login_required
def appel_enveloppes(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel = selecteurs.appel_du_contrat(slug, annee)
    _exiger_pilotage(request, appel.contrat)
    form = EnveloppesForm(
        request.POST or None,
        financeurs=selecteurs.financeurs_du_contrat(appel.contrat),
        existantes=selecteurs.enveloppes_existantes(appel),
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        changements = form.changements()
        try:
            # Several envelopes typed in one grid are recorded together or not at all.
            with transaction.atomic():
                for c in changements:
                    fixer_enveloppe(
                        appel=appel,
                        financeur=c.financeur,
                        nature=c.nature,
                        montant=c.montant,
                        acteur=request.user,
                    )
        except ErreurProgrammation as e:
            erreur = e
        else:
            if changements:
                messages.success(request, f"{len(changements)} enveloppe(s) enregistrée(s).")
            else:
                messages.info(request, "Aucune enveloppe n'a changé.")
            return redirect(_url_tableau(appel))
    return render(
        request,
        TEMPLATES + "appel_enveloppes.html",
        {"contrat": appel.contrat, "appel": appel, "form": form, "erreur": erreur},
    )


@require_POST
@login_required
def appel_publier(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel = selecteurs.appel_du_contrat(slug, annee)
    _exiger_pilotage(request, appel.contrat)
    try:
        publier_appel(appel=appel, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"L'appel à projets {appel.annee} est publié.")
    return redirect(_url_tableau(appel))


# --- Instruction board ----------------------------------------------------------------------


def _tableau_lisible(request: HttpRequest, slug: str, annee: int) -> tuple[AppelAProjets, Droits]:
    appel = selecteurs.appel_du_contrat(slug, annee)
    d = droits(request.user, appel.contrat)
    if not permissions.voit_le_tableau(d, appel.contrat):
        raise PermissionDenied("Ce tableau est réservé aux partenaires de l'instruction.")
    return appel, d


def _filtre_du_tableau(request: HttpRequest, appel: AppelAProjets, d: Droits) -> FiltreTableauForm:
    return FiltreTableauForm(request.GET or None, options=selecteurs.options_du_tableau(appel, d))


@login_required
def dossiers_appel(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel, d = _tableau_lisible(request, slug, annee)
    filtre = _filtre_du_tableau(request, appel, d)
    tableau = selecteurs.tableau_instruction(appel, d, filtre.criteres())
    contexte = {
        "contrat": appel.contrat,
        "appel": appel,
        "filtre": filtre,
        "tableau": tableau,
        "formats": list(exports.FORMATS),
    }
    # htmx replaces the table alone (and shows the board's own address, without empty
    # filters); restoring a page from the browser's history needs all of it.
    if request.htmx and not request.htmx.history_restore_request:
        reponse = push_url(
            render(request, TEMPLATES + "_tableau_htmx.html", contexte), tableau.adresse
        )
    else:
        reponse = render(
            request,
            TEMPLATES + "dossiers_appel.html",
            {
                **contexte,
                "synthese": selecteurs.synthese_cofinancement(appel, d),
                "compteurs": selecteurs.compteurs(appel, d),
                "pilotage": permissions.pilote(d),
            },
        )
    patch_vary_headers(reponse, ("HX-Request",))
    return reponse


@require_safe
@login_required
def dossiers_appel_export(request: HttpRequest, slug: str, annee: int, format: str) -> HttpResponse:
    """The board as a file: every dossier its filters and sort list, not only one page."""
    if format not in exports.FORMATS:
        raise Http404("Format d'export inconnu : csv, xlsx ou ods.")
    appel, d = _tableau_lisible(request, slug, annee)
    criteres = _filtre_du_tableau(request, appel, d).criteres()
    return exports.exporter_tableau(
        selecteurs.lignes_du_tableau(appel, d, criteres),
        format=format,
        nom=f"dossiers-{appel.contrat.slug}-{appel.annee}",
        titre=f"Dossiers {appel.annee}",
    )


@require_POST
@login_required
def mettre_en_instruction_lot(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    appel = selecteurs.appel_du_contrat(slug, annee)
    _exiger_pilotage(request, appel.contrat)
    try:
        dossiers = lancer_instruction(appel=appel, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, f"{e.message} Aucun dossier n'a changé de statut.")
    else:
        messages.success(request, f"{len(dossiers)} dossier(s) mis en instruction.")
    return redirect(_url_tableau(appel))


# --- Avis and granted amounts ----------------------------------------------------------------


def _financement(request: HttpRequest, pk: int) -> Financement:
    financement = get_object_or_404(
        Financement.objects.select_related(
            "financeur", "avis_par", "dossier__appel__contrat", "dossier__structure__organisation"
        ),
        pk=pk,
    )
    if not permissions.peut_donner_avis(request.user, financement):
        raise PermissionDenied("Seul le financeur concerné instruit ce financement.")
    return financement


@login_required
def financement_avis(request: HttpRequest, pk: int) -> HttpResponse:
    financement = _financement(request, pk)
    initial = {
        "avis": None if financement.avis == Financement.Avis.EN_ATTENTE else financement.avis,
        "montant_propose": financement.montant_propose,
        "commentaire": financement.commentaire,
        "version": financement.version,
    }
    form = AvisForm(request.POST or None, initial=initial)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            donner_avis(
                financement=financement,
                acteur=request.user,
                avis=form.cleaned_data["avis"],
                montant_propose=form.cleaned_data["montant_propose"],
                commentaire=form.cleaned_data["commentaire"].strip(),
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"Avis de {financement.financeur.nom} enregistré sur le dossier "
                f"{financement.dossier.numero}.",
            )
            return redirect(_url_tableau(financement.dossier.appel))
    return _page_financement(request, "financement_avis.html", financement, form, erreur)


@login_required
def financement_accord(request: HttpRequest, pk: int) -> HttpResponse:
    financement = _financement(request, pk)
    initial = {
        "montant": financement.montant_accorde
        if financement.montant_accorde is not None
        else financement.montant_propose,
        "version": financement.version,
    }
    form = AccordForm(request.POST or None, initial=initial)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            fixer_montant_accorde(
                financement=financement,
                acteur=request.user,
                montant=form.cleaned_data["montant"],
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"Montant accordé par {financement.financeur.nom} enregistré sur le dossier "
                f"{financement.dossier.numero}.",
            )
            return redirect(_url_tableau(financement.dossier.appel))
    return _page_financement(request, "financement_accord.html", financement, form, erreur)


def _page_financement(request, template, financement, form, erreur) -> HttpResponse:
    appel = financement.dossier.appel
    return render(
        request,
        TEMPLATES + template,
        {
            "contrat": appel.contrat,
            "appel": appel,
            "financement": financement,
            "dossier": financement.dossier,
            "form": form,
            "erreur": erreur,
        },
    )


# --- Committees -----------------------------------------------------------------------------

COMITES = {
    "recevabilite": {
        "nature": Instance.Nature.COMITE_RECEVABILITE,
        "titre": "Comité de recevabilité",
        "attente": "déposés, en attente de l'avis de recevabilité",
    },
    "pilotage": {
        "nature": Instance.Nature.COPIL_POLITIQUE,
        "titre": "Comité de pilotage politique",
        "attente": "proposés au comité de pilotage après instruction",
    },
}


def _comite(request: HttpRequest, slug: str, annee: int, genre: str) -> HttpResponse:
    regle = COMITES[genre]
    appel = selecteurs.appel_du_contrat(slug, annee)
    _exiger_pilotage(request, appel.contrat)
    instance = appel.contrat.instances.filter(nature=regle["nature"]).order_by("ordre").first()
    decisions = decisions_du_comite(regle["nature"])
    # A committee examines the dossiers its decisions start from (all its decisions share it).
    (statut,) = {depuis for decision in decisions for depuis in decision.depuis}
    dossiers = selecteurs.dossiers_en_attente(appel, statut)
    form = ComiteForm(
        request.POST or None,
        appel=appel,
        dossiers=dossiers,
        decisions=decisions,
        initial={"titre": f"{regle['titre']} — appel à projets {appel.annee}"},
    )
    erreur = None
    if request.method == "POST" and instance is not None and form.is_valid():
        try:
            seance = tenir_comite(
                instance=instance,
                date=form.cleaned_data["date"],
                titre=form.cleaned_data["titre"],
                decisions=form.decisions(),
                versions=form.versions(),
                acteur=request.user,
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"Séance du {seance.date:%d/%m/%Y} enregistrée : "
                f"{seance.decisions.count()} décision(s).",
            )
            return redirect("gouvernance:seance", pk=seance.pk)
    return render(
        request,
        TEMPLATES + "comite.html",
        {
            "contrat": appel.contrat,
            "appel": appel,
            "instance": instance,
            "form": form,
            "lignes": form.lignes(),
            "erreur": erreur,
            "titre_page": regle["titre"],
            "attente": regle["attente"],
        },
    )


@login_required
def comite_recevabilite(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    return _comite(request, slug, annee, "recevabilite")


@login_required
def comite_pilotage(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    return _comite(request, slug, annee, "pilotage")


# --- Conventions and payments ----------------------------------------------------------------


def _convention_lisible(request: HttpRequest, pk: int) -> tuple[Convention, Droits]:
    convention = selecteurs.convention_detail(pk)
    financement = convention.financement
    d = droits(request.user, financement.dossier.appel.contrat)
    if not permissions.peut_lire_convention(d, convention):
        raise PermissionDenied("Cette convention ne vous concerne pas.")
    return convention, d


@login_required
def convention_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    convention, _ = _convention_lisible(request, pk)
    reponse = HttpResponse(documents.convention_pdf(convention), content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="convention-{convention.numero}.pdf"'
    return reponse


@login_required
def convention_paiements(request: HttpRequest, pk: int) -> HttpResponse:
    convention, d = _convention_lisible(request, pk)
    peut_payer = permissions.peut_payer(d, convention)
    if request.method == "POST" and not peut_payer:
        raise PermissionDenied("Seul le financeur de la convention enregistre ses paiements.")
    form = PaiementForm(request.POST or None) if peut_payer else None
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_paiement(
                convention=convention,
                nature=form.cleaned_data["nature"],
                montant=form.cleaned_data["montant"],
                date=form.cleaned_data["date"],
                acteur=request.user,
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "Le paiement est enregistré.")
            return redirect("programmation:convention_paiements", pk=convention.pk)
    dossier = convention.financement.dossier
    return render(
        request,
        TEMPLATES + "convention_paiements.html",
        {
            "contrat": dossier.appel.contrat,
            "convention": convention,
            "financement": convention.financement,
            "dossier": dossier,
            "etat": selecteurs.etat_paiements(convention, peut_payer),
            "form": form,
            "erreur": erreur,
            "peut_payer": peut_payer,
        },
    )
