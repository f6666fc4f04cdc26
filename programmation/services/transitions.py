"""The one way a dossier changes state: checks, side effects, history, e-mail."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from comptes.models import Utilisateur
from contrats.selectors import droits
from historique.services import enregistrer_evenement
from programmation.etats import TRANSITIONS, Transition
from programmation.models import (
    Convention,
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    VersionDossier,
)
from programmation.permissions import peut_transitionner
from programmation.services.dossiers import erreurs_de_completude, instantane
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    TransitionInterdite,
)
from programmation.services.notifications import notifier_porteur


def transitionner(
    *,
    dossier: Dossier,
    transition: str,
    acteur: Utilisateur,
    motif: str = "",
    version: int | None = None,
) -> Dossier:
    """Apply a named transition of the state machine, or refuse it with a French reason."""
    regle = TRANSITIONS.get(transition)
    if regle is None:
        raise TransitionInterdite(f"Action inconnue : « {transition} ».")
    with transaction.atomic():
        courant = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("appel__contrat")
            .get(pk=dossier.pk)
        )
        _verifier(courant, regle, acteur, motif.strip(), version)
        depuis = courant.statut
        PRECONDITIONS.get(transition, _rien)(courant, acteur)
        EFFETS.get(transition, _rien)(courant, acteur)
        courant.statut = regle.vers
        courant.motif_decision = motif.strip()
        courant.version = F("version") + 1
        courant.save(update_fields=["statut", "motif_decision", "version", "depose_le"])
        courant.refresh_from_db()
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=f"dossier.{transition}",
            changements={"statut": [depuis, regle.vers]},
            motif=motif.strip(),
        )
        notifier_porteur(courant, transition, motif.strip())
    return courant


def _verifier(
    dossier: Dossier, regle: Transition, acteur: Utilisateur, motif: str, version: int | None
) -> None:
    if version is not None and version != dossier.version:
        raise ConflitDeModification(
            "Ce dossier a changé pendant votre saisie (nouvelle décision ou modification). "
            "Rechargez la page : rien n'a été enregistré."
        )
    if dossier.statut not in regle.depuis:
        raise TransitionInterdite(
            f"Impossible de « {regle.libelle.lower()} » un dossier au statut "
            f"« {dossier.get_statut_display()} »."
        )
    if not peut_transitionner(droits(acteur, dossier.appel.contrat), regle.roles, dossier):
        raise DroitInsuffisant(
            f"Vous n'avez pas le droit de « {regle.libelle.lower()} » ce dossier."
        )
    if regle.motif_obligatoire and not motif:
        raise DonneesInvalides(f"Indiquez le motif de la décision « {regle.libelle} ».")


def _rien(dossier: Dossier, acteur: Utilisateur) -> None:
    return None


def _avant_depot(dossier: Dossier, acteur: Utilisateur) -> None:
    appel = dossier.appel
    aujourd_hui = timezone.localdate()
    if aujourd_hui < appel.date_ouverture:
        raise TransitionInterdite(
            f"Les dépôts ouvrent le {appel.date_ouverture:%d/%m/%Y} : "
            "le dossier reste en brouillon."
        )
    if aujourd_hui > appel.date_cloture:
        raise TransitionInterdite(
            f"Les dépôts sont clos depuis le {appel.date_cloture:%d/%m/%Y} : "
            "le dossier ne peut plus être déposé."
        )
    erreurs = erreurs_de_completude(dossier)
    if erreurs:
        raise DonneesInvalides("Le dossier est incomplet et ne peut pas être déposé.", erreurs)


def _deposer(dossier: Dossier, acteur: Utilisateur) -> None:
    numero = dossier.versions.count() + 1
    VersionDossier.objects.create(
        dossier=dossier, numero=numero, contenu=instantane(dossier), acteur=acteur
    )
    dossier.depose_le = timezone.now()


def _ouvrir_financements(dossier: Dossier, acteur: Utilisateur) -> None:
    """One line of instruction per financeur and nature asked for in the budget."""
    demandes = (
        LigneBudget.objects.filter(
            dossier=dossier,
            compte="74",
            financeur__isnull=False,
            nature__in=[NatureCredit.CREDITS_SPECIFIQUES, NatureCredit.DROIT_COMMUN],
        )
        .values("financeur", "nature")
        .annotate(total=Sum("montant"))
    )
    for demande in demandes:
        Financement.objects.get_or_create(
            dossier=dossier,
            financeur_id=demande["financeur"],
            nature=demande["nature"],
            defaults={"montant_demande": demande["total"]},
        )


def _avant_proposition(dossier: Dossier, acteur: Utilisateur) -> None:
    en_attente = dossier.financements.filter(avis=Financement.Avis.EN_ATTENTE).select_related(
        "financeur"
    )
    if en_attente:
        noms = ", ".join(sorted({f.financeur.nom for f in en_attente}))
        raise TransitionInterdite(f"Avis attendu de : {noms}. Le dossier reste en instruction.")


def _accorder(dossier: Dossier, acteur: Utilisateur) -> None:
    """The COPIL grants what the instruction proposed, unless a financeur already set it."""
    dossier.financements.filter(montant_accorde__isnull=True).update(
        montant_accorde=F("montant_propose")
    )


def _etablir_conventions(dossier: Dossier, acteur: Utilisateur) -> None:
    accordes = dossier.financements.filter(montant_accorde__gt=0).select_related("financeur")
    if not accordes:
        raise TransitionInterdite("Aucun financement accordé : pas de convention à établir.")
    for financement in accordes:
        Convention.objects.get_or_create(
            financement=financement,
            defaults={
                "numero": f"{dossier.numero}-{financement.financeur.code}-{financement.nature[:2]}",
                "date": timezone.localdate(),
                "montant": financement.montant_accorde,
            },
        )


def _avant_solde(dossier: Dossier, acteur: Utilisateur) -> None:
    for convention in Convention.objects.filter(financement__dossier=dossier):
        if not convention.paiements.filter(nature="solde").exists():
            raise TransitionInterdite(
                f"La convention {convention.numero} n'a pas encore reçu son solde."
            )


PRECONDITIONS: dict[str, Callable[[Dossier, Utilisateur], None]] = {
    "deposer": _avant_depot,
    "proposer": _avant_proposition,
    "solder": _avant_solde,
}
EFFETS: dict[str, Callable[[Dossier, Utilisateur], None]] = {
    "deposer": _deposer,
    "mettre_en_instruction": _ouvrir_financements,
    "valider": _accorder,
    "conventionner": _etablir_conventions,
}
