"""The meetings' pages: thin views over gouvernance's services, selectors and permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from contrats.selectors import contrat_par_slug
from gouvernance import calendrier as ical
from gouvernance import forms, permissions, selectors, services
from gouvernance.models import DocumentSeance, PointOrdreDuJour, Presence, Seance
from historique.erreurs import ErreurMetier
from historique.pdf import en_pdf


@require_safe
def calendrier(request: HttpRequest, slug: str) -> HttpResponse:
    """The public calendar of the contract's meetings, for any calendar application."""
    contrat = contrat_par_slug(slug)
    seances = (
        permissions.seances_publiques(contrat)
        .select_related("instance__contrat")
        .prefetch_related("points")
        .order_by("date", "id")
    )
    reponse = HttpResponse(
        ical.calendrier_public(f"Réunions — {contrat.titre}", seances),
        content_type="text/calendar; charset=utf-8",
    )
    reponse["Content-Disposition"] = f'inline; filename="reunions-{contrat.slug}.ics"'
    return reponse


@require_safe
def frequences(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    return render(
        request,
        "gouvernance/frequences.html",
        {"contrat": contrat, "donnees": selectors.section_des_frequences(contrat).donnees},
    )


# ---------------------------------------------------------------- meetings


def _seance_lisible(request: HttpRequest, pk: int) -> Seance:
    seance = selectors.seance_detail(pk)
    if not permissions.peut_lire_seance(request.user, seance):
        raise PermissionDenied("Les séances de cette instance sont réservées à ses membres.")
    return seance


def _seance_pilotee(request: HttpRequest, pk: int) -> Seance:
    seance = _seance_lisible(request, pk)
    if not permissions.peut_convoquer(request.user, seance.instance.contrat):
        raise PermissionDenied(
            "Seuls l'équipe projet de la ville et l'État réunissent les instances."
        )
    return seance


def _retour(seance: Seance, ancre: str = "") -> HttpResponse:
    return redirect(
        reverse("gouvernance:seance", args=[seance.pk]) + (f"#{ancre}" if ancre else "")
    )


def agir(request: HttpRequest, action, succes: str, retour: HttpResponse) -> HttpResponse:
    """Run one service; its French refusal becomes the page's message, then go back."""
    try:
        action()
    except ErreurMetier as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(request, succes)
    return retour


def _agir(request: HttpRequest, seance: Seance, action, succes: str, ancre: str = ""):
    return agir(request, action, succes, _retour(seance, ancre))


@login_required
@require_safe
def reunions(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if not permissions.voit_les_seances(request.user, contrat):
        raise PermissionDenied("Les réunions des instances sont réservées à leurs membres.")
    return render(
        request,
        "gouvernance/reunions.html",
        {
            "contrat": contrat,
            "seances": selectors.seances_du_contrat(
                permissions.seances_lisibles(request.user, contrat)
            ),
            "peut_convoquer": permissions.peut_convoquer(request.user, contrat),
        },
    )


@login_required
def nouvelle_reunion(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    if not permissions.peut_convoquer(request.user, contrat):
        raise PermissionDenied(
            "Seuls l'équipe projet de la ville et l'État réunissent les instances."
        )
    form = forms.SeanceForm(request.POST or None, contrat=contrat)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            seance = services.preparer_seance(
                instance=donnees["instance"],
                date=donnees["date"],
                titre=donnees["titre"],
                horaire=form.horaire(),
                lieu=donnees["lieu"],
                lien_visio=donnees["lien_visio"],
                ordre_du_jour=donnees["ordre_du_jour"],
                acteur=request.user,
            )
        except ErreurMetier as erreur:
            form.add_error(None, erreur.message)
        else:
            messages.success(request, "Séance créée : composez son ordre du jour, puis convoquez.")
            return _retour(seance)
    return render(request, "gouvernance/nouvelle_reunion.html", {"contrat": contrat, "form": form})


@login_required
@require_safe
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_lisible(request, pk)
    contrat = seance.instance.contrat
    pilote = permissions.peut_convoquer(request.user, contrat)
    return render(
        request,
        "gouvernance/seance.html",
        {
            "contrat": contrat,
            "page": selectors.page_seance(seance),
            "seance": seance,
            "actions": selectors.actions_possibles(seance, pilote),
            "choix_de_points": selectors.choix_de_points(seance) if pilote else [],
            "etats_de_presence": Presence.Etat.choices,
            "form_document": forms.DocumentForm(),
        },
    )


@login_required
@require_POST
def ajouter_point(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    form = forms.PointForm(request.POST)
    form.is_valid()
    cle = form.cleaned_data.get("objet", "")
    examinable = selectors.objet_examinable(seance, cle) if cle else None
    if cle and examinable is None:
        messages.error(request, "Cet objet n'est plus proposé pour l'ordre du jour.")
        return _retour(seance, "ordre-du-jour")
    return _agir(
        request,
        seance,
        lambda: services.ajouter_point(
            seance=seance,
            acteur=request.user,
            intitule=form.cleaned_data.get("intitule", ""),
            objet=examinable.objet if examinable else None,
        ),
        "Point ajouté à l'ordre du jour.",
        "ordre-du-jour",
    )


@login_required
@require_POST
def retirer_point(request: HttpRequest, pk: int, point: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    point_ = get_object_or_404(PointOrdreDuJour, pk=point, seance=seance)
    return _agir(
        request,
        seance,
        lambda: services.retirer_point(point=point_, acteur=request.user),
        "Point retiré de l'ordre du jour.",
        "ordre-du-jour",
    )


@login_required
@require_POST
def convoquer(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    try:
        adresses = services.convoquer(
            seance=seance, acteur=request.user, adresse_site=request.build_absolute_uri("/")
        )
    except ErreurMetier as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(
            request,
            f"Convocation envoyée à {len(adresses)} destinataire{pluralize(len(adresses))}.",
        )
    return _retour(seance)


@login_required
@require_POST
def tenir(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    return _agir(
        request,
        seance,
        lambda: services.tenir_seance(seance=seance, acteur=request.user),
        "La séance est enregistrée comme tenue : saisissez présences et décisions.",
    )


@login_required
@require_POST
def annuler(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    form = forms.AnnulationForm(request.POST)
    motif = form.cleaned_data["motif"] if form.is_valid() else ""
    return _agir(
        request,
        seance,
        lambda: services.annuler_seance(seance=seance, acteur=request.user, motif=motif),
        "Séance annulée.",
    )


@login_required
@require_POST
def presences(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    return _agir(
        request,
        seance,
        lambda: services.enregistrer_presences(
            seance=seance,
            acteur=request.user,
            presences=forms.presences_postees(request.POST),
            version=_version_postee(request),
        ),
        "Présences enregistrées.",
        "presences",
    )


def _version_postee(request: HttpRequest) -> int | None:
    valeur = request.POST.get("version", "")
    return int(valeur) if valeur.isdigit() else None


@login_required
@require_POST
def decider(request: HttpRequest, pk: int, point: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    point_ = get_object_or_404(PointOrdreDuJour, pk=point, seance=seance)
    form = forms.DecisionPointForm(request.POST)
    donnees = form.cleaned_data if form.is_valid() else {"decision": "", "motif": ""}
    return _agir(
        request,
        seance,
        lambda: services.decider_sur_un_point(
            point=point_,
            decision_libelle=donnees["decision"],
            motif=donnees.get("motif", ""),
            acteur=request.user,
        ),
        "Décision enregistrée.",
        f"point-{point_.pk}",
    )


@login_required
@require_POST
def publier_releve(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    return _agir(
        request,
        seance,
        lambda: services.publier_releve(seance=seance, acteur=request.user),
        "Relevé de décisions publié.",
    )


@login_required
@require_safe
def releve_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_lisible(request, pk)
    page = selectors.page_seance(seance)
    html = render_to_string("gouvernance/releve.html", {"page": page, "seance": seance})
    reponse = HttpResponse(en_pdf(html), content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="releve-de-decisions-{seance.pk}.pdf"'
    return reponse


@login_required
@require_POST
def joindre_document(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance_pilotee(request, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for erreurs in form.errors.values():
            messages.error(request, erreurs[0])
        return _retour(seance, "documents")
    return _agir(
        request,
        seance,
        lambda: services.joindre_document(
            seance=seance,
            acteur=request.user,
            titre=form.cleaned_data["titre"],
            fichier=form.cleaned_data["fichier"],
        ),
        "Document joint à la séance.",
        "documents",
    )


@login_required
@require_safe
def document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(DocumentSeance.objects.select_related("seance__instance"), pk=pk)
    if not permissions.peut_lire_document(request.user, document):
        raise PermissionDenied("Ce document est réservé aux membres de l'instance.")
    return FileResponse(
        document.fichier.open("rb"), as_attachment=True, filename=document.nom_original
    )
