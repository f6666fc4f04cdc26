"""The page where a contract's pilote creates the next generation's contract from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from contrats import generations as services
from contrats import permissions
from contrats.forms_generations import ContratSuivantForm, generations_suivantes
from contrats.selectors import contrat_par_slug
from historique.erreurs import ErreurMetier


@login_required
def contrat_suivant(request: HttpRequest, slug: str) -> HttpResponse:
    precedent = contrat_par_slug(slug)
    if not permissions.peut_creer_contrat_suivant(request.user, precedent):
        raise PermissionDenied(services.REFUS_CREATION)
    choix = generations_suivantes(precedent)
    initial = (
        {"generation": choix[-1][0], **services.valeurs_proposees(precedent, choix[-1][0])}
        if choix
        else {}
    )
    form = ContratSuivantForm(request.POST or None, initial=initial, precedent=precedent)
    erreur = None
    if request.method == "POST" and form.is_valid():
        try:
            contrat = services.creer_contrat_suivant(
                precedent=precedent,
                suivant=services.ContratSuivant(**form.cleaned_data),
                acteur=request.user,
            )
        except ErreurMetier as refus:
            erreur = refus.texte
        else:
            messages.success(
                request,
                f"{contrat.titre} créé à partir du {precedent.titre} : territoire, signataires, "
                "instances et pilotes repris. Fixez maintenant ses priorités et ses engagements.",
            )
            return redirect("contrats:apercu", contrat.slug)
    return render(
        request,
        "contrats/contrat_suivant.html",
        {"contrat": precedent, "form": form, "erreur": erreur, "aucune_generation": not choix},
        status=400 if request.method == "POST" else 200,
    )
