"""Pages of the signatories' engagements follow-up: the summary table and its exports, a
signatory's page, the proposal and review an agent posts from it, the document.

The two pages are public: the public reads the validated follow-ups (statut and comment),
anyone habilitated on the contract reads them all with their evidence. Proposing is for
the signatory's agents, reviewing for the COPIL technique (403 otherwise); a refusal of
a service becomes a French message and changes nothing. A form posted by htmx gets its
engagement's block back; without JavaScript, the page.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from contrats.models import Contrat, Engagement, Organisation
from contrats.selectors import contrat_par_slug
from programmation import exports
from programmation.services.erreurs import ErreurProgrammation
from suivi import permissions
from suivi.forms_engagements import (
    ACTION_BROUILLON,
    AnneeForm,
    ExamenSuiviForm,
    PageForm,
    PropositionSuiviForm,
)
from suivi.selectors import engagements as selecteurs
from suivi.selectors.engagements import BlocEngagement, PageSignataire
from suivi.services import engagements as services

TEMPLATES = "suivi/engagements/"


@require_safe
def suivi_engagements(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        TEMPLATES + "tableau.html",
        {"contrat": contrat, "tableau": selecteurs.tableau_des_suivis(request.user, contrat)},
    )


@require_safe
def suivi_engagements_export(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    if format not in exports.FORMATS:
        raise Http404("Format d'export inconnu : csv, xlsx ou ods.")
    contrat = contrat_par_slug(slug)
    tableau = selecteurs.tableau_des_suivis(request.user, contrat)
    return exports.reponse_export(
        colonnes=selecteurs.colonnes_export(tableau),
        objets=tableau.lignes_export,
        format=format,
        nom=selecteurs.nom_export(contrat),
        titre=selecteurs.TITRE_EXPORT,
    )


# ---------------------------------------------------------------- a signatory's page


class Choix:
    """The choices of the page's forms, read once for all of them, when first needed."""

    def __init__(self, page: PageSignataire):
        self.page = page

    @cached_property
    def dossiers(self) -> list[tuple[int, str]]:
        return selecteurs.choix_dossiers(self.page.contrat, self.page.annee_de_saisie)

    @cached_property
    def seances(self) -> list[tuple[int, str]]:
        return selecteurs.choix_seances(self.page.contrat)


def _formulaires(
    page: PageSignataire, bloc: BlocEngagement, choix: Choix, lies: dict | None = None
) -> tuple[PropositionSuiviForm | None, ExamenSuiviForm | None]:
    """The block's forms, for those who may use them; `lies`: those posted, bound."""
    lies = lies or {}
    proposition = lies.get("proposition") if page.annee_de_saisie is not None else None
    if proposition is None and bloc.proposable:
        proposition = PropositionSuiviForm(
            bloc=bloc, annee=page.annee_de_saisie, dossiers=choix.dossiers
        )
    examen = lies.get("examen")
    if examen is None and bloc.examinable:
        examen = ExamenSuiviForm(bloc=bloc, seances=choix.seances)
    return proposition, examen


def _page(request: HttpRequest, page: PageSignataire, lies: dict[int, dict] | None = None):
    """The signatory's page; `lies`: per engagement, the forms posted and the refusal."""
    lies = lies or {}
    choix = Choix(page)
    sections = [
        (
            section,
            [
                (
                    bloc,
                    *_formulaires(page, bloc, choix, lies.get(bloc.pk)),
                    lies.get(bloc.pk, {}).get("erreur"),
                )
                for bloc in section.blocs
            ],
        )
        for section in page.sections
    ]
    refuse = next((bloc for bloc in page.blocs if bloc.pk in lies), None)
    return render(
        request,
        TEMPLATES + "signataire.html",
        {
            "contrat": page.contrat,
            "page": page,
            "filtre": AnneeForm(initial={"annee": page.annee}, annees=page.annees),
            "sections": sections,
            "refuse": refuse,
        },
    )


@require_safe
def suivi_engagements_signataire(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    organisation = selecteurs.organisation_engagee(contrat, code)
    annee = AnneeForm(request.GET or None, annees=selecteurs.annees(contrat)).annee()
    return _page(request, selecteurs.page_signataire(request.user, contrat, organisation, annee))


@dataclass(frozen=True)
class Contexte:
    """Where a form was posted from: the signatory's page, its year, the block's year."""

    contrat: Contrat
    engagement: Engagement
    organisation: Organisation
    filtre: int | None
    annee: int

    def page(self, utilisateur) -> PageSignataire:
        """The block alone, as the page shows it now."""
        return selecteurs.page_signataire(
            utilisateur,
            self.contrat,
            self.organisation,
            self.filtre,
            saisie=self.annee,
            seulement=self.engagement,
        )


def _contexte(request: HttpRequest, contrat: Contrat, engagement: Engagement, annee: int):
    code, filtre = PageForm(request.POST).page()
    organisation = selecteurs.signataire_de_la_page(contrat, engagement, code)
    return Contexte(contrat, engagement, organisation, filtre, annee)


def _reponse(
    request: HttpRequest,
    contexte: Contexte,
    lie: dict | None,
    erreur: ErreurProgrammation | None,
    succes: str,
) -> HttpResponse:
    """After a post: the block again (htmx), or the page, with the posted form and what
    went wrong (`lie`), or fresh with the success message."""
    if request.htmx:
        page = contexte.page(request.user)
        bloc = page.blocs[0]
        proposition, examen = _formulaires(page, bloc, Choix(page), lie)
        return render(
            request,
            TEMPLATES + "_engagement.html",
            {
                "page": page,
                "bloc": bloc,
                "proposition": proposition,
                "examen": examen,
                "erreur": erreur,
                "annonce": "" if lie else succes,
            },
        )
    if lie:
        page = selecteurs.page_signataire(
            request.user,
            contexte.contrat,
            contexte.organisation,
            contexte.filtre,
            saisie=contexte.annee,
        )
        return _page(request, page, {contexte.engagement.pk: {**lie, "erreur": erreur}})
    messages.success(request, succes)
    return redirect(
        selecteurs.url_signataire(
            contexte.contrat,
            contexte.organisation.code,
            contexte.filtre,
            f"engagement-{contexte.engagement.pk}",
        )
    )


@login_required
@require_POST
def suivi_engagement_proposer(request: HttpRequest, slug: str, pk: int, annee: int):
    contrat = contrat_par_slug(slug)
    engagement = selecteurs.engagement_du_contrat(contrat, pk)
    if not permissions.peut_proposer_suivi_engagement(request.user, engagement):
        raise PermissionDenied("Seuls les signataires de l'engagement proposent son suivi.")
    contexte = _contexte(request, contrat, engagement, annee)
    page = contexte.page(request.user)
    bloc = page.blocs[0]
    form = PropositionSuiviForm(
        request.POST, request.FILES, bloc=bloc, annee=annee, dossiers=Choix(page).dossiers
    )
    brouillon = request.POST.get("action") == ACTION_BROUILLON
    erreur = None
    if form.is_valid():
        try:
            services.proposer_suivi_engagement(
                engagement=engagement, annee=annee, acteur=request.user, **form.donnees(brouillon)
            )
        except ErreurProgrammation as e:
            erreur = e
    fait = "enregistré en brouillon" if brouillon else "proposé au comité de pilotage technique"
    lie = {"proposition": form} if erreur or form.errors else None
    succes = f"Le suivi {annee} de l'engagement {bloc.numero} est {fait}."
    return _reponse(request, contexte, lie, erreur, succes)


@login_required
@require_POST
def suivi_engagement_examiner(request: HttpRequest, slug: str, pk: int):
    contrat = contrat_par_slug(slug)
    suivi = selecteurs.suivi_du_contrat(contrat, pk)
    if not permissions.examine_les_suivis_engagements(request.user, contrat):
        raise PermissionDenied(services.REFUS_EXAMEN)
    contexte = _contexte(request, contrat, suivi.engagement, suivi.annee)
    page = contexte.page(request.user)
    bloc = page.blocs[0]
    form = ExamenSuiviForm(request.POST, bloc=bloc, seances=Choix(page).seances)
    erreur = None
    succes = ""
    if form.is_valid():
        try:
            examine = services.examiner_suivi_engagement(
                suivi=suivi, acteur=request.user, **form.donnees()
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            succes = (
                f"Le suivi {suivi.annee} de l'engagement {bloc.numero} est "
                f"{examine.get_proposition_display().lower()}."
            )
    lie = {"examen": form} if erreur or form.errors else None
    return _reponse(request, contexte, lie, erreur, succes)


@login_required
@require_safe
def suivi_engagement_document(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    contrat = contrat_par_slug(slug)
    suivi = selecteurs.suivi_du_contrat(contrat, pk)
    if not permissions.peut_lire_document_suivi_engagement(request.user, suivi):
        raise PermissionDenied("Les documents des suivis sont lus par les personnes habilitées.")
    if not suivi.document:
        raise Http404("Ce suivi n'a pas de document.")
    try:
        fichier = suivi.document.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de ce document est introuvable.") from None
    return FileResponse(
        fichier, as_attachment=True, filename=suivi.document_nom, content_type="application/pdf"
    )
