"""Pages of a contract's team: its pilote invites, changes and revokes roles; invitees accept.

Each view resolves the contract, checks the reader's rights (403 otherwise), parses a
form and calls one service of `contrats.equipe`; a refused change shows the service's
French message and changes nothing.
"""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from comptes.selectors import a_l_adresse_verifiee
from contrats import equipe
from contrats.forms import InvitationForm, RattachementForm
from contrats.models import Contrat, Habilitation
from contrats.permissions import peut_gerer_equipe
from contrats.selectors import contrat_par_slug

TEMPLATES = "contrats/"


def _contrat_du_pilote(request: HttpRequest, slug: str) -> Contrat:
    contrat = contrat_par_slug(slug)
    if not peut_gerer_equipe(request.user, contrat):
        raise PermissionDenied(equipe.REFUS_DROIT)
    return contrat


def _habilitation(contrat: Contrat, pk: int) -> Habilitation:
    return get_object_or_404(
        Habilitation.objects.select_related("utilisateur", "organisation", "instance"),
        pk=pk,
        contrat=contrat,
    )


def _url_equipe(contrat: Contrat) -> str:
    return reverse("contrats:equipe", args=[contrat.slug])


@login_required
def equipe_du_contrat(request: HttpRequest, slug: str) -> HttpResponse:
    """The team, its pending invitations, and the invitation form (POST sends one)."""
    contrat = _contrat_du_pilote(request, slug)
    form = InvitationForm(request.POST or None, contrat=contrat)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation = equipe.inviter(
                contrat=contrat,
                acteur=request.user,
                adresse_site=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except equipe.ErreurEquipe as e:
            erreur = str(e)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} : {equipe.libelle_de(invitation)}.",
            )
            return redirect(_url_equipe(contrat))
    return render(
        request,
        TEMPLATES + "equipe.html",
        {
            "contrat": contrat,
            "form": form,
            "erreur": erreur,
            "membres": equipe.equipe(contrat, request.user),
            "invitations": equipe.invitations_en_attente(contrat),
            "duree_validite": equipe.DUREE_DE_VALIDITE.days,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def modifier_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contrat = _contrat_du_pilote(request, slug)
    habilitation = _habilitation(contrat, pk)
    initial = {
        "role": habilitation.role,
        "organisation": habilitation.organisation,
        "instance": habilitation.instance,
    }
    form = RattachementForm(request.POST or None, contrat=contrat, initial=initial)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            habilitation = equipe.modifier_habilitation(
                habilitation=habilitation, acteur=request.user, **form.cleaned_data
            )
        except equipe.ErreurEquipe as e:
            erreur = str(e)
        else:
            messages.success(
                request,
                f"{habilitation.utilisateur} a désormais le rôle "
                f"{equipe.libelle_de(habilitation)}.",
            )
            return redirect(_url_equipe(contrat))
    return render(
        request,
        TEMPLATES + "equipe_modifier.html",
        {
            "contrat": contrat,
            "habilitation": habilitation,
            "role_actuel": equipe.libelle_de(habilitation),
            "form": form,
            "erreur": erreur,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def retirer_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    contrat = _contrat_du_pilote(request, slug)
    habilitation = _habilitation(contrat, pk)
    role = equipe.libelle_de(habilitation)
    erreur = None
    if request.method == "POST":
        try:
            equipe.retirer_habilitation(habilitation=habilitation, acteur=request.user)
        except equipe.ErreurEquipe as e:
            erreur = str(e)
        else:
            messages.success(request, f"Le rôle {role} de {habilitation.utilisateur} est retiré.")
            return redirect(_url_equipe(contrat))
    return render(
        request,
        TEMPLATES + "equipe_retirer.html",
        {"contrat": contrat, "habilitation": habilitation, "role": role, "erreur": erreur},
        status=400 if request.method == "POST" else 200,
    )


def invitation(request: HttpRequest, slug: str, jeton: str) -> HttpResponse:
    """The page the invitation e-mail links to: create an account or log in, then accept."""
    contrat = contrat_par_slug(slug)
    trouvee = equipe.invitation_par_jeton(contrat, jeton)
    refus = equipe.refus_de_l_invitation(trouvee)
    if refus is not None:
        return render(
            request,
            TEMPLATES + "equipe_invitation.html",
            {"contrat": contrat, "refus": refus},
            status=404 if trouvee is None else 410,
        )
    erreur = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(_avec_suite(reverse("comptes:connexion"), request.path))
        try:
            habilitation = equipe.accepter_invitation(
                contrat=contrat, jeton=jeton, utilisateur=request.user
            )
        except equipe.ErreurEquipe as e:
            erreur = str(e)
        else:
            role = equipe.libelle_de(habilitation)
            messages.success(
                request, f"Invitation acceptée : vous êtes désormais {role} ({contrat.titre})."
            )
            return redirect("comptes:mon_compte")
    if not request.user.is_authenticated:
        # Following the link proves the address: an account created with it from this
        # browser needs no confirmation link (allauth reads the stashed address).
        get_adapter(request).stash_verified_email(request, trouvee.email)
    return render(
        request,
        TEMPLATES + "equipe_invitation.html",
        {
            "contrat": contrat,
            "refus": None,
            "erreur": erreur,
            "invitation": trouvee,
            "role": equipe.libelle_de(trouvee),
            "compte_invite": request.user.is_authenticated
            and a_l_adresse_verifiee(request.user, trouvee.email),
            "url_inscription": _avec_suite(
                reverse("account_signup"), request.path, email=trouvee.email
            ),
            "url_connexion": _avec_suite(reverse("comptes:connexion"), request.path),
        },
        status=400 if erreur else 200,
    )


def _avec_suite(url: str, suite: str, **parametres: str) -> str:
    """`url` with the page to come back to after login or sign-up."""
    return f"{url}?{urlencode({'next': suite, **parametres})}"
