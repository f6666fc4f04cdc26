"""Helpers shared by the suivi tests (not a test module: nothing here is collected).

The bilan builders bring a funded dossier's bilan to any statut the way real work does:
its porteur fills it in and deposits it, the pilote asks corrections or validates, each
through the services (no statut is written by hand).
"""

from decimal import Decimal

from comptes.models import Utilisateur
from historique.horloge import aujourdhui
from programmation.models import Convention, Dossier, Paiement
from programmation.services.paiements import enregistrer_paiement
from programmation.tests.outils import (
    dossier_conventionne,
    instructeur_de,
    pilote_du,
    porteur_du,
)
from suivi.demo import saisie_conforme
from suivi.models import Bilan, CodeTransitionBilan, StatutBilan
from suivi.services.bilans import (
    SaisieBilan,
    bilan_du_dossier,
    enregistrer_bilan,
    transitionner_bilan,
)

MOTIF = "Précisez les résultats obtenus."


def dossier_finance(avances: bool = True) -> Dossier:
    """Conventionned (CAF 3 500 €, État 5 000 €), half of each convention paid as advance."""
    dossier = dossier_conventionne()
    if avances:
        for convention in Convention.objects.filter(financement__dossier=dossier).order_by("pk"):
            enregistrer_paiement(
                convention=convention,
                nature=Paiement.Nature.AVANCE,
                montant=convention.montant / 2,
                date=aujourdhui(),
                acteur=instructeur_de(convention.financement),
            )
    return Dossier.objects.get(pk=dossier.pk)


def bilan_attendu(dossier: Dossier | None = None) -> Bilan:
    return bilan_du_dossier(dossier or dossier_finance())


def remplir(bilan: Bilan, acteur: Utilisateur | None = None, **modifs) -> Bilan:
    """The porteur enters the bilan as planned; `lignes`, `valeurs`, `beneficiaires` amend it."""
    saisie = saisie_conforme(bilan)
    saisie = SaisieBilan(
        valeurs={**saisie.valeurs, **modifs.get("valeurs", {})},
        beneficiaires={**saisie.beneficiaires, **modifs.get("beneficiaires", {})},
        lignes={**saisie.lignes, **modifs.get("lignes", {})},
    )
    return enregistrer_bilan(bilan=bilan, saisie=saisie, acteur=acteur or porteur_du(bilan.dossier))


def deposer(bilan: Bilan) -> Bilan:
    return transitionner_bilan(
        bilan=bilan, transition=CodeTransitionBilan.DEPOSER, acteur=porteur_du(bilan.dossier)
    )


def bilan_depose(dossier: Dossier | None = None) -> Bilan:
    bilan = bilan_attendu(dossier)
    remplir(bilan)
    return deposer(bilan)


def bilan_a_corriger(dossier: Dossier | None = None) -> Bilan:
    bilan = bilan_depose(dossier)
    return transitionner_bilan(
        bilan=bilan,
        transition=CodeTransitionBilan.DEMANDER_CORRECTIONS,
        acteur=pilote_du(bilan.dossier.appel.contrat),
        motif=MOTIF,
    )


def bilan_valide(dossier: Dossier | None = None) -> Bilan:
    bilan = bilan_depose(dossier)
    return transitionner_bilan(
        bilan=bilan,
        transition=CodeTransitionBilan.VALIDER,
        acteur=pilote_du(bilan.dossier.appel.contrat),
    )


BUILDERS = {
    StatutBilan.ATTENDU: bilan_attendu,
    StatutBilan.DEPOSE: bilan_depose,
    StatutBilan.A_CORRIGER: bilan_a_corriger,
    StatutBilan.VALIDE: bilan_valide,
}


def bilan_au_statut(statut: str, dossier: Dossier | None = None) -> Bilan:
    return BUILDERS[statut](dossier)


def relire(bilan: Bilan) -> Bilan:
    return Bilan.objects.get(pk=bilan.pk)


def total_paye_du_dossier(dossier: Dossier) -> Decimal:
    return sum(
        (p.montant for p in Paiement.objects.filter(convention__financement__dossier=dossier)),
        Decimal(0),
    )
