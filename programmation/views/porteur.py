"""Pages of the porteur (structure, porte-documents, dossiers, sections, deposit) and the
dossier page shared by all."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from contrats.models import Contrat
from contrats.selectors import contrat_par_slug, droits
from historique.horloge import aujourdhui
from programmation.documents import recepisse_pdf
from programmation.etats import TRANSITIONS, Transition, transition_par_code
from programmation.forms.porteur import (
    ConfirmationDepotForm,
    DocumentForm,
    NouveauDossierForm,
    PieceForm,
    PublicForm,
    RemplacementDocumentForm,
    SectionActionForm,
    StructureForm,
    TransitionForm,
    VersionForm,
    formset_budget,
)
from programmation.models import (
    CodeTransition,
    DocumentStructure,
    Dossier,
    SectionDossier,
    Statut,
    Structure,
    VersionDossier,
)
from programmation.permissions import (
    adhesions_a_traiter,
    est_porteur_du_dossier,
    gere_les_membres_de,
    peut_gerer_porte_documents,
    peut_lire_document_du_dossier,
    peut_lire_dossier,
    peut_lire_recepisse,
    peut_modifier_dossier,
)
from programmation.selectors import dossiers as selecteurs
from programmation.selectors import pieces as selecteurs_pieces
from programmation.selectors.conventions_pluriannuelles import convention_du_dossier
from programmation.selectors.depot import recapitulatif_depot
from programmation.selectors.structures import invitations_en_attente, membres_de_la_structure
from programmation.services import adhesions as services_adhesions
from programmation.services.dossiers import (
    ajouter_piece,
    creer_dossier,
    enregistrer_beneficiaires,
    enregistrer_budget,
    modifier_action,
    refus_de_modification,
    supprimer_piece,
)
from programmation.services.erreurs import ErreurProgrammation
from programmation.services.pieces import ajouter_document, remplacer_document, retirer_document
from programmation.services.structures import creer_structure, modifier_structure
from programmation.services.transitions import transitionner

# ---------------------------------------------------------------- the porteur's structure


@login_required
def structure(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    d = droits(request.user, contrat)
    existante = selecteurs.structure_du_porteur(d)
    form = StructureForm(
        request.POST if request.method == "POST" else None,
        structure=existante,
        nom="" if existante else selecteurs.nom_organisation(d),
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            if existante is None:
                creer_structure(
                    contrat=contrat,
                    nom=form.cleaned_data["nom"],
                    valeurs=form.valeurs(),
                    acteur=request.user,
                )
            else:
                modifier_structure(
                    structure=existante,
                    contrat=contrat,
                    valeurs=form.valeurs(),
                    acteur=request.user,
                )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                "Votre structure est enregistrée."
                if existante is None
                else "Les informations de votre structure sont mises à jour.",
            )
            return redirect("programmation:mes_dossiers", slug=contrat.slug)
    return _page_structure(
        request,
        contrat,
        existante,
        form,
        erreur=erreur,
        # A SIRET already registered: the page offers to ask its référent to join.
        structure_existante=getattr(erreur, "structure_existante", None),
    )


@login_required
@require_POST
def inviter_collegue(request: HttpRequest, slug: str) -> HttpResponse:
    """The référent invites a colleague by e-mail; a refusal keeps the address typed."""
    contrat = contrat_par_slug(slug)
    existante = selecteurs.structure_du_porteur(droits(request.user, contrat))
    if existante is None:
        raise PermissionDenied("Enregistrez d'abord votre structure.")
    email = request.POST.get("email", "")
    try:
        invitation = services_adhesions.inviter_collegue(
            structure=existante,
            contrat=contrat,
            email=email,
            acteur=request.user,
            adresse_site=request.build_absolute_uri("/"),
        )
    except ErreurProgrammation as e:
        return _page_structure(
            request,
            contrat,
            existante,
            StructureForm(structure=existante, nom=""),
            erreur_invitation=e.message,
            email_invite=email,
            status=400,
        )
    messages.success(
        request,
        f"Une invitation est envoyée à {invitation.email} : elle est valable jusqu'au "
        f"{timezone.localtime(invitation.expire_le):%d/%m/%Y}.",
    )
    return redirect("programmation:structure", slug=contrat.slug)


def _page_structure(
    request: HttpRequest,
    contrat: Contrat,
    existante: Structure | None,
    form: StructureForm,
    *,
    erreur: ErreurProgrammation | None = None,
    structure_existante: Structure | None = None,
    erreur_invitation: str = "",
    email_invite: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programmation/porteur/structure.html",
        {
            "contrat": contrat,
            "form": form,
            "structure": existante,
            "erreur": erreur,
            "adhesions": adhesions_a_traiter(request.user, contrat),
            "structure_existante": structure_existante,
            "membres": membres_de_la_structure(existante, contrat) if existante else [],
            "invitations": invitations_en_attente(existante, contrat) if existante else [],
            "peut_inviter": bool(existante)
            and gere_les_membres_de(request.user, existante, contrat),
            "erreur_invitation": erreur_invitation,
            "email_invite": email_invite,
        },
        status=status,
    )


# ---------------------------------------------------------------- the porteur's dossiers


@login_required
def mes_dossiers(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    d = droits(request.user, contrat)
    return render(
        request,
        "programmation/porteur/mes_dossiers.html",
        {
            "contrat": contrat,
            "structure": selecteurs.structure_du_porteur(d),
            "dossiers": selecteurs.dossiers_du_porteur(contrat, d),
            "appels": [
                (appel, NouveauDossierForm(auto_id=f"id_appel_{appel.annee}_%s"))
                for appel in selecteurs.appels_ouverts(contrat)
            ],
        },
    )


@login_required
@require_POST
def nouveau_dossier(request: HttpRequest, slug: str, annee: int) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    appel = get_object_or_404(contrat.appels, annee=annee)
    structure_porteuse = selecteurs.structure_du_porteur(droits(request.user, contrat))
    if structure_porteuse is None:
        messages.error(request, "Enregistrez d'abord votre structure pour déposer un dossier.")
        return redirect("programmation:structure", slug=contrat.slug)
    form = NouveauDossierForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["intitule"]))
        return redirect("programmation:mes_dossiers", slug=contrat.slug)
    try:
        dossier = creer_dossier(
            appel=appel,
            structure=structure_porteuse,
            intitule=form.cleaned_data["intitule"],
            acteur=request.user,
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
        return redirect("programmation:mes_dossiers", slug=contrat.slug)
    messages.success(
        request,
        f"Le dossier {dossier.numero} est créé en brouillon : complétez-le puis déposez-le.",
    )
    return redirect("programmation:dossier", pk=dossier.pk)


# ---------------------------------------------------------------- the dossier page


@login_required
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    courant = selecteurs.dossier_complet(pk)
    if not peut_lire_dossier(request.user, courant):
        raise PermissionDenied
    contrat = courant.appel.contrat
    fiche = selecteurs.fiche_dossier(courant, droits(request.user, contrat))
    transitions = [
        (
            t,
            TransitionForm(
                initial={"version": courant.version}, auto_id=f"id_{t.code}_%s", transition=t
            ),
        )
        for t in _depot_par_sa_confirmation(fiche.transitions)
    ]
    return render(
        request,
        "programmation/dossier.html",
        {
            "contrat": contrat,
            "fiche": fiche,
            "dossier": courant,
            "transitions": transitions,
            "pieces": selecteurs_pieces.pieces_de_la_fiche(courant, aujourdhui()),
            "convention_pluriannuelle": convention_du_dossier(courant, request.user),
        },
    )


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, nom: str) -> HttpResponse:
    courant = selecteurs.dossier_par_pk(pk)
    if not peut_lire_dossier(request.user, courant):
        raise PermissionDenied
    regle = transition_par_code(nom)
    if regle is not None and (not regle.proposee or regle.formulaire):
        # Those go through their own page, which gathers what they need beyond a motif.
        messages.error(request, "Cette action ne se fait pas depuis ce bouton.")
        return redirect("programmation:dossier", pk=courant.pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Le formulaire est incomplet : rechargez la page et recommencez.")
        return redirect("programmation:dossier", pk=courant.pk)
    try:
        resultat = transitionner(
            dossier=courant,
            transition=nom,
            acteur=request.user,
            motif=form.cleaned_data["motif"],
            version=form.cleaned_data["version"],
        )
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        messages.success(
            request,
            f"{transition_par_code(nom).libelle} : c'est fait. Le dossier {resultat.numero} "
            f"est désormais « {resultat.get_statut_display()} ».",
        )
    return redirect("programmation:dossier", pk=courant.pk)


# ---------------------------------------------------------------- sections of a draft


def _brouillon_du_porteur(
    request: HttpRequest, pk: int, section: SectionDossier
) -> Dossier | HttpResponse:
    """The porteur's dossier while this section may change (a draft, or a correction asked);
    otherwise a redirection with a message."""
    courant = selecteurs.dossier_par_pk(pk)
    if not est_porteur_du_dossier(droits(request.user, courant.appel.contrat), courant):
        raise PermissionDenied
    if not peut_modifier_dossier(request.user, courant, section):
        messages.error(
            request,
            refus_de_modification(courant, section)
            if courant.statut == Statut.A_COMPLETER
            else f"Ce dossier est « {courant.get_statut_display()} » : il ne peut plus être "
            "modifié.",
        )
        return redirect("programmation:dossier", pk=courant.pk)
    return courant


def _page_section(request, template: str, courant: Dossier, **contexte) -> HttpResponse:
    return render(
        request,
        f"programmation/porteur/{template}",
        {"contrat": courant.appel.contrat, "dossier": courant, **contexte},
    )


@login_required
def dossier_action(request: HttpRequest, pk: int) -> HttpResponse:
    courant = _brouillon_du_porteur(request, pk, SectionDossier.ACTION)
    if isinstance(courant, HttpResponse):
        return courant
    form = SectionActionForm(request.POST if request.method == "POST" else None, dossier=courant)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            modifier_action(
                dossier=courant,
                section=form.section(),
                acteur=request.user,
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "La description de l'action est enregistrée.")
            return redirect("programmation:dossier", pk=courant.pk)
    return _page_section(request, "action.html", courant, form=form, erreur=erreur)


@login_required
def dossier_public(request: HttpRequest, pk: int) -> HttpResponse:
    courant = _brouillon_du_porteur(request, pk, SectionDossier.PUBLIC)
    if isinstance(courant, HttpResponse):
        return courant
    form = PublicForm(request.POST if request.method == "POST" else None, dossier=courant)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_beneficiaires(
                dossier=courant,
                effectifs=form.effectifs(),
                acteur=request.user,
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "Le public visé est enregistré.")
            return redirect("programmation:dossier", pk=courant.pk)
    return _page_section(request, "public.html", courant, form=form, erreur=erreur)


def _lignes_en_plus(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("lignes", 3)), 1), 30)
    except ValueError:
        return 3


@login_required
def dossier_budget(request: HttpRequest, pk: int) -> HttpResponse:
    courant = _brouillon_du_porteur(request, pk, SectionDossier.BUDGET)
    if isinstance(courant, HttpResponse):
        return courant
    en_plus = _lignes_en_plus(request)
    donnees = request.POST if request.method == "POST" else None
    formset = formset_budget(courant, donnees, lignes_en_plus=en_plus)
    version = _formulaire_version(courant, donnees)
    if request.method == "POST" and request.htmx and "apercu" in request.GET:
        # Live totals while typing: computed from the lines already valid, nothing saved.
        return render(
            request,
            "programmation/porteur/_budget_totaux.html",
            {"bilan": selecteurs.bilan_budget(formset.lignes_valides())},
        )
    erreur = None
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        try:
            enregistrer_budget(
                dossier=courant,
                lignes=formset.lignes(),
                acteur=request.user,
                version=version.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, "Le budget prévisionnel est enregistré.")
            return redirect("programmation:dossier", pk=courant.pk)
    bilan = selecteurs.bilan_budget(
        formset.lignes_valides() if donnees is not None else courant.lignes_budget.all()
    )
    return _page_section(
        request,
        "budget.html",
        courant,
        formset=formset,
        version_form=version,
        bilan=bilan,
        erreur=erreur,
        lignes_suivantes=en_plus + 3,
    )


def _formulaire_version(courant: Dossier, donnees) -> VersionForm:
    """The hidden version field beside the budget formset."""
    return VersionForm(donnees, initial={"version": courant.version}, prefix="dossier")


# ---------------------------------------------------------------- attached documents


@login_required
def dossier_pieces(request: HttpRequest, pk: int) -> HttpResponse:
    courant = _brouillon_du_porteur(request, pk, SectionDossier.PIECES)
    if isinstance(courant, HttpResponse):
        return courant
    form = PieceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"nature": request.GET.get("nature", "")},
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            piece = ajouter_piece(
                dossier=courant,
                nature=form.cleaned_data["nature"],
                fichier=form.cleaned_data["fichier"],
                acteur=request.user,
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(request, f"La pièce « {piece.nom_original} » est ajoutée.")
            return redirect("programmation:dossier_pieces", pk=courant.pk)
    return _page_section(
        request,
        "pieces.html",
        courant,
        form=form,
        erreur=erreur,
        pieces=courant.pieces.select_related("deposee_par"),
        requises=selecteurs_pieces.liste_de_controle(courant, aujourdhui()),
    )


@login_required
def piece(request: HttpRequest, pk: int) -> FileResponse:
    piece_jointe = selecteurs.piece_par_pk(pk)
    if not peut_lire_dossier(request.user, piece_jointe.dossier):
        raise PermissionDenied
    try:
        fichier = piece_jointe.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de cette pièce est introuvable.") from None
    return FileResponse(
        fichier,
        as_attachment=True,
        filename=piece_jointe.nom_original,
        content_type="application/pdf",
    )


@login_required
@require_POST
def piece_supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    piece_jointe = selecteurs.piece_par_pk(pk)
    courant = piece_jointe.dossier
    if not est_porteur_du_dossier(droits(request.user, courant.appel.contrat), courant):
        raise PermissionDenied
    try:
        supprimer_piece(piece=piece_jointe, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
        return redirect("programmation:dossier", pk=courant.pk)
    messages.success(request, f"La pièce « {piece_jointe.nom_original} » est supprimée.")
    return redirect("programmation:dossier_pieces", pk=courant.pk)


# ---------------------------------------------------------------- the deposit and its receipt


def _depot_par_sa_confirmation(transitions: list[Transition]) -> list[Transition]:
    """The deposit is irreversible: its button leads to its confirmation page."""
    return [
        replace(t, formulaire="programmation:dossier_depot")
        if t.code == CodeTransition.DEPOSER
        else t
        for t in transitions
    ]


@login_required
def dossier_depot(request: HttpRequest, pk: int) -> HttpResponse:
    """What the porteur is about to submit, and the box it ticks to submit it."""
    courant = selecteurs.dossier_complet(pk)
    if not est_porteur_du_dossier(droits(request.user, courant.appel.contrat), courant):
        raise PermissionDenied
    if courant.statut not in TRANSITIONS[CodeTransition.DEPOSER].depuis:
        messages.error(
            request, f"Ce dossier est « {courant.get_statut_display()} » : il n'est plus à déposer."
        )
        return redirect("programmation:dossier", pk=courant.pk)
    form = ConfirmationDepotForm(
        request.POST if request.method == "POST" else None,
        initial={"version": courant.version},
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            resultat = transitionner(
                dossier=courant,
                transition=CodeTransition.DEPOSER,
                acteur=request.user,
                version=form.cleaned_data["version"],
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"{TRANSITIONS[CodeTransition.DEPOSER].libelle} : c'est fait. Le dossier "
                f"{resultat.numero} est désormais « {resultat.get_statut_display()} ». Son "
                "récépissé de dépôt vous est envoyé par courriel ; il se télécharge aussi depuis "
                "cette page.",
            )
            return redirect("programmation:dossier", pk=resultat.pk)
    return _page_section(
        request,
        "depot.html",
        courant,
        form=form,
        erreur=erreur,
        recapitulatif=recapitulatif_depot(courant, aujourdhui()),
    )


@login_required
def recepisse(request: HttpRequest, pk: int, numero: int) -> HttpResponse:
    courant = selecteurs.dossier_par_pk(pk)
    if not peut_lire_recepisse(request.user, courant):
        raise PermissionDenied
    version = get_object_or_404(
        VersionDossier.objects.select_related("acteur"), dossier=courant, numero=numero
    )
    version.dossier = courant
    reponse = HttpResponse(recepisse_pdf(version), content_type="application/pdf")
    nom = f"recepisse-depot-{courant.numero}-v{version.numero}.pdf"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


# ---------------------------------------------------------------- the structure's porte-documents


def _fichier_pdf(champ: FieldFile, nom: str) -> FileResponse:
    try:
        fichier = champ.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de cette pièce est introuvable.") from None
    return FileResponse(fichier, as_attachment=True, filename=nom, content_type="application/pdf")


def _structure_geree(request: HttpRequest, contrat: Contrat) -> Structure:
    structure = selecteurs.structure_du_porteur(droits(request.user, contrat))
    if not peut_gerer_porte_documents(request.user, contrat, structure):
        raise PermissionDenied
    return structure


def _document_gere(request: HttpRequest, slug: str, pk: int) -> tuple[Contrat, DocumentStructure]:
    contrat = contrat_par_slug(slug)
    document = selecteurs_pieces.document_par_pk(pk)
    if not peut_gerer_porte_documents(request.user, contrat, document.structure):
        raise PermissionDenied
    return contrat, document


@login_required
def porte_documents(request: HttpRequest, slug: str) -> HttpResponse:
    contrat = contrat_par_slug(slug)
    structure = _structure_geree(request, contrat)
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"nature": request.GET.get("nature", "")},
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            document = ajouter_document(
                structure=structure,
                contrat=contrat,
                nature=form.cleaned_data["nature"],
                fichier=form.cleaned_data["fichier"],
                valide_du=form.cleaned_data["valide_du"],
                valide_au=form.cleaned_data["valide_au"],
                acteur=request.user,
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request, f"La pièce « {document.nom_original} » est ajoutée au porte-documents."
            )
            return redirect("programmation:porte_documents", slug=contrat.slug)
    return render(
        request,
        "programmation/porteur/porte_documents.html",
        {
            "contrat": contrat,
            "structure": structure,
            "form": form,
            "erreur": erreur,
            "documents": selecteurs_pieces.porte_documents(structure, aujourdhui()),
        },
    )


@login_required
def document(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    _, piece_gardee = _document_gere(request, slug, pk)
    return _fichier_pdf(piece_gardee.fichier, piece_gardee.nom_original)


@login_required
def document_remplacer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contrat, ancien = _document_gere(request, slug, pk)
    form = RemplacementDocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"valide_du": ancien.valide_du, "valide_au": ancien.valide_au},
    )
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            nouveau = remplacer_document(
                document=ancien,
                contrat=contrat,
                fichier=form.cleaned_data["fichier"],
                valide_du=form.cleaned_data["valide_du"],
                valide_au=form.cleaned_data["valide_au"],
                acteur=request.user,
            )
        except ErreurProgrammation as e:
            erreur = e
        else:
            messages.success(
                request,
                f"« {ancien.nom_original} » est remplacée par « {nouveau.nom_original} ».",
            )
            return redirect("programmation:porte_documents", slug=contrat.slug)
    return render(
        request,
        "programmation/porteur/document_remplacer.html",
        {"contrat": contrat, "document": ancien, "form": form, "erreur": erreur},
    )


@login_required
@require_POST
def document_retirer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contrat, piece_gardee = _document_gere(request, slug, pk)
    try:
        gardee = retirer_document(document=piece_gardee, contrat=contrat, acteur=request.user)
    except ErreurProgrammation as e:
        messages.error(request, e.texte)
    else:
        suite = " Les dossiers déposés avec elle la gardent." if gardee else ""
        messages.success(
            request,
            f"La pièce « {piece_gardee.nom_original} » est retirée du porte-documents.{suite}",
        )
    return redirect("programmation:porte_documents", slug=contrat.slug)


@login_required
def document_du_dossier(request: HttpRequest, pk: int, document: int) -> FileResponse:
    """A porte-documents piece, for the readers of a dossier that uses it."""
    courant = selecteurs.dossier_par_pk(pk)
    piece_gardee = selecteurs_pieces.document_par_pk(document)
    if not peut_lire_document_du_dossier(request.user, courant, piece_gardee):
        raise PermissionDenied
    return _fichier_pdf(piece_gardee.fichier, piece_gardee.nom_original)
