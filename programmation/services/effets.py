"""What transitions check before and do after a change of statut (declared in etats.py).

Each check and effect takes the locked dossier, the actor and the transition's context
(motif, séance); a refusal raises an ErreurProgrammation whose French message reaches the
user unchanged. A destination tells where a transition that goes back leads.
"""

from dataclasses import dataclass

from django.db.models import F, Sum

from comptes.models import Utilisateur
from gouvernance.models import Seance
from historique.horloge import aujourdhui, maintenant
from programmation.models import (
    CompteBudget,
    Convention,
    DemandeComplements,
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
    TransitionDossier,
    VersionDossier,
)
from programmation.services.dossiers import erreurs_de_completude, instantane
from programmation.services.erreurs import DonneesInvalides, TransitionInterdite


@dataclass(frozen=True)
class Contexte:
    motif: str = ""
    seance: Seance | None = None


def verifier_depot(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    appel = dossier.appel
    jour = aujourdhui()
    if jour < appel.date_ouverture:
        raise TransitionInterdite(
            f"Les dépôts ouvrent le {appel.date_ouverture:%d/%m/%Y} : "
            "le dossier reste en brouillon."
        )
    if jour > appel.date_cloture:
        raise TransitionInterdite(
            f"Les dépôts sont clos depuis le {appel.date_cloture:%d/%m/%Y} : "
            "le dossier ne peut plus être déposé."
        )
    # Required pieces included (services.pieces.pieces_manquantes), valid on the day of deposit.
    erreurs = erreurs_de_completude(dossier, jour=jour)
    if erreurs:
        raise DonneesInvalides("Le dossier est incomplet et ne peut pas être déposé.", erreurs)


def figer_version(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    _nouvelle_version_figee(dossier, acteur)
    dossier.depose_le = maintenant()


def _nouvelle_version_figee(dossier: Dossier, acteur: Utilisateur) -> None:
    numero = dossier.versions.count() + 1
    VersionDossier.objects.create(
        dossier=dossier, numero=numero, contenu=instantane(dossier), acteur=acteur
    )


def ouvrir_financements(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    """One line of instruction per financeur and nature asked for in the budget."""
    demandes = (
        LigneBudget.objects.filter(
            dossier=dossier,
            compte=CompteBudget.C74,
            financeur__isnull=False,
            nature__in=NatureCredit.financees(),
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


def verifier_avis_rendus(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    en_attente = dossier.financements.filter(avis=Financement.Avis.EN_ATTENTE).select_related(
        "financeur"
    )
    if en_attente:
        noms = ", ".join(sorted({f.financeur.nom for f in en_attente}))
        raise TransitionInterdite(f"Avis attendu de : {noms}. Le dossier reste en instruction.")


def accorder_montants_proposes(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    """The COPIL grants what the instruction proposed, unless a financeur already set it."""
    dossier.financements.filter(montant_accorde__isnull=True).update(
        montant_accorde=F("montant_propose")
    )


def etablir_conventions(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    accordes = dossier.financements.filter(montant_accorde__gt=0).select_related("financeur")
    if not accordes:
        raise TransitionInterdite("Aucun financement accordé : pas de convention à établir.")
    for financement in accordes:
        Convention.objects.get_or_create(
            financement=financement,
            defaults={
                "numero": f"{dossier.numero}-{financement.financeur.code}-{financement.nature[:2]}",
                "date": aujourdhui(),
                "montant": financement.montant_accorde,
            },
        )


def demande_ouverte(dossier: Dossier) -> DemandeComplements | None:
    return dossier.demandes_complements.filter(satisfaite_le__isnull=True).first()


def verifier_demande_ouverte(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    # services.complements writes the request (sections, deadline) before the transition.
    if demande_ouverte(dossier) is None:
        raise TransitionInterdite(
            "Précisez les sections à compléter et l'échéance : passez par le formulaire de "
            "demande de compléments."
        )


def statut_avant_complements(dossier: Dossier) -> Statut:
    return Statut(demande_ouverte(dossier).statut_precedent)


def verifier_redepot(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    erreurs = erreurs_de_completude(dossier)
    if erreurs:
        raise DonneesInvalides("Le dossier est incomplet et ne peut pas être redéposé.", erreurs)


def clore_demande_et_figer(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    """The completed dossier is frozen again: committees examine what it now says."""
    demande = demande_ouverte(dossier)
    demande.satisfaite_le = maintenant()
    demande.save(update_fields=["satisfaite_le"])
    _nouvelle_version_figee(dossier, acteur)


def derniere_decision_de_comite(dossier: Dossier) -> TransitionDossier | None:
    """The last change of statut, if a committee took it (the one a reversal undoes)."""
    derniere = dossier.transitions.order_by("-horodatage", "-id").first()
    return derniere if derniere is not None and derniere.seance_id else None


def verifier_decision_a_annuler(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    decision = derniere_decision_de_comite(dossier)
    if decision is None:
        raise TransitionInterdite(
            "La dernière décision sur ce dossier n'a pas été prise en comité : rien à annuler."
        )
    if contexte.seance is None or contexte.seance.pk != decision.seance_id:
        raise TransitionInterdite(
            "L'annulation d'une décision s'inscrit dans la séance qui l'a prise."
        )


def statut_avant_decision(dossier: Dossier) -> Statut:
    return Statut(derniere_decision_de_comite(dossier).de)


def annuler_accords(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    """Amounts granted by a validation cancelled by mistake are granted no more."""
    if dossier.statut == Statut.VALIDE:
        dossier.financements.update(montant_accorde=None)


def verifier_reouverture(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    soldes_valides = Paiement.objects.filter(
        convention__financement__dossier=dossier, nature=Paiement.Nature.SOLDE, annule=False
    ).count()
    if soldes_valides == Convention.objects.filter(financement__dossier=dossier).count():
        raise TransitionInterdite(
            "Toutes les conventions sont soldées : annulez d'abord le paiement d'un solde."
        )


def verifier_soldes(dossier: Dossier, acteur: Utilisateur, contexte: Contexte) -> None:
    for convention in Convention.objects.filter(financement__dossier=dossier):
        if not convention.paiements.filter(nature=Paiement.Nature.SOLDE, annule=False).exists():
            raise TransitionInterdite(
                f"La convention {convention.numero} n'a pas encore reçu son solde."
            )
