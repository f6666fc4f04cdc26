"""Pages of a contract's avenants and versions: public reading; the pilotage proposes and
gathers the accords, a financeur's agent records his own organisation's letter.

Each view resolves the contract, asks `contrats.permissions`, parses a form and calls one
service of `contrats.avenants`; a refusal shows the service's French message and changes
nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from contrats import avenants as services
from contrats import permissions
from contrats import selectors_avenants as selectors
from contrats.forms_avenants import AccordForm, AvenantForm, ComparaisonForm
from contrats.models import Avenant, Contrat, Organisation
from contrats.selectors import contrat_par_slug
from historique.erreurs import ErreurMetier

TEMPLATES = "contrats/avenants/"


def _url_avenant(avenant: Avenant) -> str:
    return reverse("contrats:avenant", args=[avenant.contrat.slug, avenant.numero])


def _version_postee(request: HttpRequest) -> int | None:
    valeur = request.POST.get("version", "")
    return int(valeur) if valeur.isdigit() else None


@require_safe
def avenants(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        TEMPLATES + "liste.html",
        {
            "contrat": contrat,
            "avenants": selectors.avenants_du_contrat(contrat),
            "versions": selectors.lignes_des_versions(contrat),
            "regles": contrat.regles_modification.all(),
            "peut_proposer": permissions.peut_proposer_avenant(request.user, contrat),
        },
    )


def _contrat_pilote(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_proposer_avenant(request.user, contrat):
        raise PermissionDenied(services.REFUS_PROPOSITION)
    return contrat


@login_required
def avenant_nouveau(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = _contrat_pilote(request, slug)
    form = AvenantForm(request.POST or None, contrat=contrat)
    erreur = None
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            avenant = services.proposer_avenant(
                contrat=contrat,
                nature=services.nature_de_la_regle(donnees["regle"]) or "",
                regle=donnees["regle"],
                objet=donnees["objet"],
                expose=donnees["expose"],
                organisation_entrante=donnees["organisation_entrante"],
                representant=donnees["representant"],
                qualite=donnees["qualite"],
                organisations_obligees=donnees["organisations_obligees"],
                prolongation_jusquau=donnees["prolongation_jusquau"],
                acteur=request.user,
            )
        except ErreurMetier as refus:
            erreur = refus.texte
        else:
            messages.success(
                request,
                f"Avenant n° {avenant.numero} proposé : ouvrez le recueil des accords quand "
                "le projet est prêt.",
            )
            return redirect(_url_avenant(avenant))
    return render(
        request,
        TEMPLATES + "nouveau.html",
        {"contrat": contrat, "form": form, "erreur": erreur},
        status=400 if request.method == "POST" else 200,
    )


def _page_avenant(
    request: HttpRequest,
    contrat: Contrat,
    avenant: Avenant,
    form: AccordForm | None = None,
    erreur: str | None = None,
    status: int = 200,
) -> HttpResponse:
    organisations = selectors.organisations_a_enregistrer(request.user, avenant)
    if not organisations.exists():  # no letter left for this person to record
        if form is not None and erreur is None:
            erreur = "Aucune lettre n'est attendue de vous pour cet avenant."
        form = None
    elif form is None:
        form = AccordForm(organisations=organisations)
    version_issue = selectors.version_issue(avenant)
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "contrat": contrat,
            "avenant": avenant,
            "badge": selectors.BADGES[avenant.statut],
            "accords": selectors.tableau_des_accords(avenant),
            "requis": services.accords_requis(avenant),
            "version_issue": version_issue,
            "precedente": version_issue.numero - 1 if version_issue else None,
            "form": form,
            "erreur": erreur,
            "peut_ouvrir": avenant.statut == Avenant.Statut.PROJET
            and permissions.peut_ouvrir_le_recueil(request.user, contrat),
        },
        status=status,
    )


@require_safe
def avenant(request: HttpRequest, slug: str, numero: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return _page_avenant(request, contrat, selectors.avenant_du_contrat(contrat, numero))


@login_required
@require_POST
def avenant_recueil(request: HttpRequest, slug: str, numero: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_ouvrir_le_recueil(request.user, contrat):
        raise PermissionDenied(services.REFUS_RECUEIL)
    avenant = selectors.avenant_du_contrat(contrat, numero)
    try:
        services.ouvrir_le_recueil(
            avenant=avenant, acteur=request.user, version=_version_postee(request)
        )
    except ErreurMetier as refus:
        messages.error(request, refus.texte)
    else:
        messages.success(
            request,
            f"Le recueil des accords de l'avenant n° {avenant.numero} est ouvert : "
            "enregistrez les lettres au fur et à mesure.",
        )
    return redirect(_url_avenant(avenant))


@login_required
@require_POST
def avenant_accord(request: HttpRequest, slug: str, numero: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_enregistrer_des_accords(request.user, contrat):
        raise PermissionDenied(services.REFUS_ACCORD)
    avenant = selectors.avenant_du_contrat(contrat, numero)
    # Any organisation reads as typed: the service says why it may not answer.
    form = AccordForm(request.POST, organisations=Organisation.objects.all())
    valide = form.is_valid()
    form.fields["organisation"].queryset = selectors.organisations_a_enregistrer(
        request.user, avenant
    )
    if not valide:
        return _page_avenant(request, contrat, avenant, form=form, status=400)
    donnees = form.cleaned_data
    try:
        accord = services.enregistrer_accord(
            avenant=avenant,
            organisation=donnees["organisation"],
            sens=donnees["sens"],
            date=donnees["date"],
            commentaire=donnees["commentaire"],
            acteur=request.user,
            version=_version_postee(request),
            adresse_site=request.build_absolute_uri("/"),
        )
    except ErreurMetier as refus:
        avenant = selectors.avenant_du_contrat(contrat, numero)
        return _page_avenant(request, contrat, avenant, form=form, erreur=refus.texte, status=400)
    avenant = selectors.avenant_du_contrat(contrat, numero)
    messages.success(request, selectors.message_apres_accord(accord, avenant))
    return redirect(_url_avenant(avenant))


@require_safe
def version(request: HttpRequest, slug: str, numero: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    version = selectors.version_du_contrat(contrat, numero)
    return render(
        request,
        TEMPLATES + "version.html",
        {
            "contrat": contrat,
            "version": version,
            "titre_version": f"Version {version.numero}",
            "lignes": selectors.contenu_affiche(version),
            "precedente": version.numero - 1 if version.numero > 1 else None,
        },
    )


@require_safe
def versions_comparer(request: HttpRequest, slug: str) -> HttpResponse:
    """Two versions field by field: ?de=1&a=2, by default the last two."""
    contrat = contrat_par_slug(slug)
    demandees = "de" in request.GET or "a" in request.GET
    par_defaut = selectors.versions_par_defaut(contrat)
    if demandees:
        form = ComparaisonForm(request.GET)
    else:
        initial = {"de": par_defaut[0], "a": par_defaut[1]} if par_defaut else None
        form = ComparaisonForm(initial or None)
    comparaison = None
    if form.is_bound and form.is_valid():
        comparaison = selectors.comparaison(
            contrat, form.cleaned_data["de"], form.cleaned_data["a"]
        )
    return render(
        request,
        TEMPLATES + "comparer.html",
        {
            "contrat": contrat,
            "form": form,
            "comparaison": comparaison,
            "versions": selectors.versions_du_contrat(contrat),
        },
    )
