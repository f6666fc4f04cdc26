"""Preconditions and effects of the bilan's transitions (declared in suivi/etats.py).

Each runs inside transitionner_bilan's transaction, on the locked bilan, before its new
statut is written: a precondition refuses with a French message, an effect writes.
"""

from django.db.models import Sum

from comptes.models import Utilisateur
from historique.horloge import aujourdhui, maintenant
from historique.services import enregistrer_evenement
from programmation.models import Convention
from programmation.services.erreurs import DonneesInvalides
from programmation.templatetags.montants import format_euros
from suivi.actions import ActionSuivi
from suivi.models import Bilan, OrdreDeReversement
from suivi.services.ecarts import SEUIL_ECART, tableau_financier


def erreurs_du_bilan(bilan: Bilan) -> list[str]:
    """What a full bilan still lacks before its deposit, in French, one line each."""
    erreurs = []
    if not bilan.realisation.strip():
        erreurs.append("Bilan qualitatif : décrivez ce qui a été réalisé.")
    if not bilan.dates_et_lieux.strip():
        erreurs.append("Bilan qualitatif : indiquez les dates et les lieux de réalisation.")
    if not bilan.resultats.strip():
        erreurs.append(
            "Bilan qualitatif : indiquez les résultats au regard des indicateurs de l'action."
        )
    if not bilan.recommandation:
        erreurs.append(
            "Bilan qualitatif : indiquez votre recommandation (poursuivre, réorienter ou "
            "arrêter l'action)."
        )
    totaux = bilan.beneficiaires.aggregate(femmes=Sum("femmes"), hommes=Sum("hommes"))
    if not (totaux["femmes"] or 0) + (totaux["hommes"] or 0):
        erreurs.append("Bilan qualitatif : indiquez les bénéficiaires réels de l'action.")
    tableau = tableau_financier(bilan)
    if not tableau.charges_realisees:
        erreurs.append("Données chiffrées : indiquez les charges réelles de l'action.")
    for ligne in tableau.lignes:
        if ligne.manque_explication:
            part = f"{ligne.pourcentage} %" if ligne.pourcentage is not None else "non prévu"
            erreurs.append(
                f"Compte « {ligne.libelle} » : écart de {format_euros(ligne.ecart)} ({part}) "
                f"avec le budget prévisionnel, au-delà de {SEUIL_ECART} % : expliquez-le "
                "dans l'annexe explicative."
            )
    if not (bilan.atteste and bilan.signataire.strip()):
        erreurs.append(
            "Attestation : cochez l'attestation sur l'honneur et indiquez le nom et la "
            "qualité du signataire."
        )
    return erreurs


def verifier_bilan_complet(bilan: Bilan, acteur: Utilisateur, motif: str) -> None:
    erreurs = erreurs_du_bilan(bilan)
    if erreurs:
        raise DonneesInvalides(
            "Le bilan ne peut pas être déposé : complétez d'abord les points suivants.", erreurs
        )


def marquer_complet(bilan: Bilan, acteur: Utilisateur, motif: str) -> None:
    bilan.nature = Bilan.Nature.COMPLET
    bilan.depose_le = maintenant()


def marquer_non_realisation(bilan: Bilan, acteur: Utilisateur, motif: str) -> None:
    bilan.nature = Bilan.Nature.NON_REALISATION
    bilan.depose_le = maintenant()


def valider(bilan: Bilan, acteur: Utilisateur, motif: str) -> None:
    """A validated non-réalisation turns what each convention paid into an ordre de
    reversement: the structure gives back the advance of an action that did not happen."""
    bilan.valide_le = maintenant()
    if bilan.nature == Bilan.Nature.NON_REALISATION:
        emettre_ordres_de_reversement(bilan, acteur)


def emettre_ordres_de_reversement(bilan: Bilan, acteur: Utilisateur) -> list[OrdreDeReversement]:
    conventions = Convention.objects.filter(financement__dossier_id=bilan.dossier_id).annotate(
        paye=Sum("paiements__montant")
    )
    ordres = []
    for convention in conventions.order_by("pk"):
        if not convention.paye or convention.paye <= 0:
            continue
        ordre = OrdreDeReversement.objects.create(
            convention=convention,
            bilan=bilan,
            montant=convention.paye,
            date=aujourdhui(),
            motif=f"Action non réalisée : {bilan.motif_decision}".strip(),
            acteur=acteur,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=bilan,
            action=ActionSuivi.ORDRE_DE_REVERSEMENT,
            changements={"convention": convention.numero, "montant": str(ordre.montant)},
            motif=ordre.motif,
        )
        ordres.append(ordre)
    return ordres
