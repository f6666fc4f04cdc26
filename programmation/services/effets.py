"""What transitions check before and do after a change of statut (declared in etats.py).

Each function takes the locked dossier and the actor; a refusal raises an
ErreurProgrammation whose French message reaches the user unchanged.
"""

from django.db.models import F, Sum

from comptes.models import Utilisateur
from historique.horloge import aujourdhui, maintenant
from programmation.models import (
    CompteBudget,
    Convention,
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    VersionDossier,
)
from programmation.services.dossiers import erreurs_de_completude, instantane
from programmation.services.erreurs import DonneesInvalides, TransitionInterdite


def verifier_depot(dossier: Dossier, acteur: Utilisateur) -> None:
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


def figer_version(dossier: Dossier, acteur: Utilisateur) -> None:
    numero = dossier.versions.count() + 1
    VersionDossier.objects.create(
        dossier=dossier, numero=numero, contenu=instantane(dossier), acteur=acteur
    )
    dossier.depose_le = maintenant()


def ouvrir_financements(dossier: Dossier, acteur: Utilisateur) -> None:
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


def verifier_avis_rendus(dossier: Dossier, acteur: Utilisateur) -> None:
    en_attente = dossier.financements.filter(avis=Financement.Avis.EN_ATTENTE).select_related(
        "financeur"
    )
    if en_attente:
        noms = ", ".join(sorted({f.financeur.nom for f in en_attente}))
        raise TransitionInterdite(f"Avis attendu de : {noms}. Le dossier reste en instruction.")


def accorder_montants_proposes(dossier: Dossier, acteur: Utilisateur) -> None:
    """The COPIL grants what the instruction proposed, unless a financeur already set it."""
    dossier.financements.filter(montant_accorde__isnull=True).update(
        montant_accorde=F("montant_propose")
    )


def etablir_conventions(dossier: Dossier, acteur: Utilisateur) -> None:
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


def verifier_soldes(dossier: Dossier, acteur: Utilisateur) -> None:
    for convention in Convention.objects.filter(financement__dossier=dossier):
        if not convention.paiements.filter(nature=Paiement.Nature.SOLDE).exists():
            raise TransitionInterdite(
                f"La convention {convention.numero} n'a pas encore reçu son solde."
            )
