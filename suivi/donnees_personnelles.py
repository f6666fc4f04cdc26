"""What suivi holds about a person (comptes.donnees_personnelles): the bilans they signed,
the changes, decisions, follow-ups, measures and rapports they recorded.

A bilan (compte rendu financier) is a subsidy record, kept ten years: erasure keeps it
and replaces the person's name as its signatory by the pseudonym; everything else keeps
its author, the pseudonymised account.
"""

from django.db.models import QuerySet

from comptes.donnees_personnelles import Declaration, Personne, Rubriques, lignes
from programmation.donnees_personnelles import structures_de
from suivi.models import (
    AvisRapport,
    Bilan,
    DecisionAction,
    GenerationRapport,
    MesureIndicateur,
    OrdreDeReversement,
    ReportDeDates,
    SuiviEngagement,
    TransitionBilan,
    TransitionRapport,
)

BILAN = {"Dossier": "bilan__dossier__numero", "Exercice": "bilan__annee"}
RAPPORT = {"Contrat": "rapport__contrat__titre", "Année": "rapport__annee"}
ENGAGEMENT = {"Contrat": "engagement__section__contrat__titre", "Année": "annee"}


def _bilans_signes(personne: Personne) -> QuerySet[Bilan]:
    """The bilans of the person's structures that name them as signatory."""
    bilans = Bilan.objects.filter(dossier__structure__in=structures_de(personne))
    return personne.nommee_dans(bilans.order_by("annee", "pk"), "signataire")


def exporter(personne: Personne) -> Rubriques:
    compte = personne.compte
    return {
        "Bilans signés": lignes(
            _bilans_signes(personne),
            {
                "Dossier": "dossier__numero",
                "Exercice": "annee",
                "Signataire": "signataire",
                "Déposé le": "depose_le",
            },
        ),
        "Changements de statut des bilans": lignes(
            TransitionBilan.objects.filter(acteur=compte).order_by("horodatage", "pk"),
            {**BILAN, "Transition": "transition", "Le": "horodatage"},
        ),
        "Reports de dates demandés": lignes(
            ReportDeDates.objects.filter(demande_par=compte).order_by("demande_le"),
            {**BILAN, "Motif": "motif", "Statut": "statut", "Demandé le": "demande_le"},
        ),
        "Reports de dates décidés": lignes(
            ReportDeDates.objects.filter(decide_par=compte).order_by("decide_le"),
            {**BILAN, "Statut": "statut", "Décidé le": "decide_le"},
        ),
        "Ordres de reversement": lignes(
            OrdreDeReversement.objects.filter(acteur=compte).order_by("date", "pk"),
            {**BILAN, "Montant": "montant", "Date": "date"},
        ),
        "Suivis d'engagements proposés": lignes(
            SuiviEngagement.objects.filter(propose_par=compte).order_by("propose_le"),
            {**ENGAGEMENT, "Proposé le": "propose_le"},
        ),
        "Suivis d'engagements examinés": lignes(
            SuiviEngagement.objects.filter(examine_par=compte).order_by("examine_le"),
            {**ENGAGEMENT, "Examen": "proposition", "Examiné le": "examine_le"},
        ),
        "Décisions sur les actions évaluées": lignes(
            DecisionAction.objects.filter(decide_par=compte).order_by("decide_le"),
            {"Dossier": "dossier__numero", "Décision": "decision", "Le": "decide_le"},
        ),
        "Mesures d'indicateurs saisies": lignes(
            MesureIndicateur.objects.filter(saisie_par=compte).order_by("saisie_le"),
            {"Indicateur": "indicateur__libelle", "Date": "date", "Saisie le": "saisie_le"},
        ),
        "Changements de statut des rapports annuels": lignes(
            TransitionRapport.objects.filter(acteur=compte).order_by("horodatage", "pk"),
            {**RAPPORT, "Transition": "transition", "Le": "horodatage"},
        ),
        "Avis sur les rapports annuels saisis": lignes(
            AvisRapport.objects.filter(saisi_par=compte).order_by("pk"),
            {**RAPPORT, "Organe": "nom", "Avis": "sens", "Reçu le": "recu_le"},
        ),
        "Générations de rapports annuels demandées": lignes(
            GenerationRapport.objects.filter(demandee_par=compte).order_by("demandee_le"),
            {**RAPPORT, "Demandée le": "demandee_le"},
        ),
    }


def effacer(personne: Personne) -> dict[str, int]:
    signes = personne.pseudonymiser(_bilans_signes(personne), "signataire")
    return {"Signataires de bilans pseudonymisés": signes}


DECLARATION = Declaration(application="suivi", exporter=exporter, effacer=effacer)
