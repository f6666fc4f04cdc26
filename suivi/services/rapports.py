"""The rapport annuel politique de la ville: created for a year, its perspectives written,
its documents generated in the background, the avis of the consulted bodies entered, and
its life through one state machine (suivi/etats_rapports.py).

Every function checks the person (suivi.permissions), writes in one transaction and
leaves one history event per change; `transitionner_rapport` is the only writer of
RapportAnnuel.statut, with a line of the typed log `TransitionRapport`.
"""

from datetime import date

from django.db import IntegrityError, transaction

from comptes.models import Utilisateur
from contrats.models import Contrat
from contrats.selectors import droits
from historique.horloge import aujourdhui, maintenant
from historique.services import enregistrer_evenement
from programmation.machine import journaliser
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.etats_rapports import MACHINE, Transition
from suivi.models import (
    AvisRapport,
    GenerationRapport,
    RapportAnnuel,
    StatutRapport,
    TransitionRapport,
)
from suivi.models.rapports import DELAI_GENERATION
from suivi.services.effets_rapports import Decision
from suivi.tasks import generer_rapport

REFUS = "Seuls le pilote et l'État du contrat préparent son rapport annuel."
SENS_SAISIS = (AvisRapport.Sens.FAVORABLE, AvisRapport.Sens.RESERVES, AvisRapport.Sens.DEFAVORABLE)
Etat = GenerationRapport.Etat


def _verrouiller(rapport: RapportAnnuel) -> RapportAnnuel:
    return (
        RapportAnnuel.objects.select_for_update(of=("self",))
        .select_related("contrat")
        .get(pk=rapport.pk)
    )


def _exiger_preparation(acteur: Utilisateur, contrat: Contrat) -> None:
    if not permissions.peut_preparer_rapport_annuel(acteur, contrat):
        raise DroitInsuffisant(REFUS)


# ---------------------------------------------------------------- the rapport of a year


def creer_rapport(
    *, contrat: Contrat, annee: int, acteur: Utilisateur, est_demo: bool = False
) -> RapportAnnuel:
    _exiger_preparation(acteur, contrat)
    premiere, derniere = contrat.date_debut.year, contrat.date_fin.year
    if annee is None or not premiere <= annee <= derniere:
        raise DonneesInvalides(
            f"Le rapport annuel porte sur une année du contrat, de {premiere} à {derniere}."
        )
    if annee > aujourdhui().year:
        raise DonneesInvalides(f"L'année {annee} n'a pas commencé : pas encore de rapport.")
    try:
        with transaction.atomic():
            rapport = RapportAnnuel.objects.create(contrat=contrat, annee=annee, est_demo=est_demo)
            enregistrer_evenement(
                acteur=acteur,
                objet=rapport,
                action=ActionSuivi.RAPPORT_CREATION,
                changements={"annee": annee},
            )
    except IntegrityError:
        raise DonneesInvalides(f"Le rapport annuel {annee} existe déjà.") from None
    return rapport


def modifier_perspectives(
    *, rapport: RapportAnnuel, perspectives: str, acteur: Utilisateur
) -> RapportAnnuel:
    """The one part the data cannot write, while the rapport is a projet."""
    texte = perspectives.strip()
    with transaction.atomic():
        courant = _verrouiller(rapport)
        _exiger_preparation(acteur, courant.contrat)
        if courant.statut != StatutRapport.BROUILLON:
            raise TransitionInterdite(
                f"Les perspectives ne se modifient que sur le projet ; ce rapport est "
                f"« {courant.get_statut_display()} »."
            )
        if texte == courant.perspectives:
            return courant
        avant = courant.perspectives
        courant.perspectives = texte
        courant.save(update_fields=["perspectives"])
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionSuivi.RAPPORT_PERSPECTIVES,
            changements={"perspectives": [avant, texte]},
        )
    return courant


# ---------------------------------------------------------------- the avis of the bodies


def saisir_avis(
    *,
    avis: AvisRapport,
    sens: str,
    texte: str,
    recu_le: date | None,
    acteur: Utilisateur,
) -> AvisRapport:
    """The avis a consulted body sent, while the rapport is under consultation."""
    texte = texte.strip()
    with transaction.atomic():
        rapport = _verrouiller(RapportAnnuel(pk=avis.rapport_id))
        courant = AvisRapport.objects.select_for_update(of=("self",)).get(pk=avis.pk)
        _exiger_preparation(acteur, rapport.contrat)
        _verifier_avis(rapport, sens, texte, recu_le)
        avant = courant.sens
        courant.sens, courant.texte, courant.recu_le = sens, texte, recu_le
        courant.saisi_par = acteur
        courant.save()
        enregistrer_evenement(
            acteur=acteur,
            objet=rapport,
            action=ActionSuivi.RAPPORT_AVIS,
            changements={
                "nom": courant.nom,
                "sens": [avant, sens],
                "recu_le": recu_le.isoformat(),
                "texte": texte,
            },
        )
    return courant


def _verifier_avis(rapport: RapportAnnuel, sens: str, texte: str, recu_le: date | None) -> None:
    if rapport.statut != StatutRapport.EN_CONSULTATION:
        raise TransitionInterdite(
            f"Un avis se saisit pendant la consultation ; ce rapport est "
            f"« {rapport.get_statut_display()} »."
        )
    if sens not in SENS_SAISIS:
        raise DonneesInvalides(
            "Choisissez le sens de l'avis : favorable, favorable avec réserves ou défavorable."
        )
    if sens != AvisRapport.Sens.FAVORABLE and not texte:
        raise DonneesInvalides("Recopiez le texte de l'avis : ses réserves ou ses motifs.")
    if recu_le is None:
        raise DonneesInvalides("Indiquez la date de réception de l'avis.")
    if not rapport.soumis_le <= recu_le <= aujourdhui():
        raise DonneesInvalides(
            f"Un avis est reçu entre la soumission du rapport, le {rapport.soumis_le:%d/%m/%Y}, "
            "et aujourd'hui."
        )


# ---------------------------------------------------------------- generating the documents


def demander_generation(*, rapport: RapportAnnuel, acteur: Utilisateur) -> GenerationRapport:
    """Queue the production of the rapport's PDF and ODT (suivi.tasks.generer_rapport)."""
    with transaction.atomic():
        courant = _verrouiller(rapport)
        _exiger_preparation(acteur, courant.contrat)
        if courant.statut == StatutRapport.PUBLIE:
            raise TransitionInterdite(
                "Un rapport publié ne se génère plus : ses documents sont ceux que le public "
                "télécharge."
            )
        _abandonner_les_perdues(courant)
        if courant.generations.filter(etat__in=(Etat.EN_ATTENTE, Etat.EN_COURS)).exists():
            raise TransitionInterdite("Une génération de ce rapport est déjà en cours.")
        generation = GenerationRapport.objects.create(
            rapport=courant, demandee_par=acteur, etape="En attente de traitement"
        )
        # The queue is a table of the same database: the task exists only if this commits.
        generation.tache = str(generer_rapport.enqueue(generation.pk).id)
        generation.save(update_fields=["tache"])
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionSuivi.RAPPORT_GENERATION_DEMANDEE,
            changements={"generation": generation.pk},
        )
    return generation


def _abandonner_les_perdues(rapport: RapportAnnuel) -> None:
    perdues = rapport.generations.filter(
        etat__in=(Etat.EN_ATTENTE, Etat.EN_COURS), demandee_le__lt=maintenant() - DELAI_GENERATION
    )
    for generation in perdues:
        generation.etat = Etat.ECHEC
        generation.erreur = GenerationRapport.motif_d_abandon()
        generation.save(update_fields=["etat", "erreur"])
        enregistrer_evenement(
            acteur=None,
            objet=rapport,
            action=ActionSuivi.RAPPORT_GENERATION_ECHOUEE,
            changements={"generation": generation.pk},
            motif=generation.erreur,
        )


# ---------------------------------------------------------------- the state machine


def transitionner_rapport(
    *,
    rapport: RapportAnnuel,
    transition: str,
    acteur: Utilisateur,
    motif: str = "",
    date_deliberation: date | None = None,
    reference_deliberation: str = "",
) -> RapportAnnuel:
    """The only writer of RapportAnnuel.statut: checks, effect, typed log, history."""
    regle = MACHINE.exiger(transition)
    decision = Decision(motif.strip(), date_deliberation, reference_deliberation)
    with transaction.atomic():
        courant = _verrouiller(rapport)
        _verifier(courant, regle, acteur, decision.motif)
        depuis = courant.statut
        regle.precondition(courant, acteur, decision)
        regle.effet(courant, acteur, decision)
        courant.statut = regle.vers
        courant.motif_decision = decision.motif
        courant.save()
        journaliser(
            journal=TransitionRapport,
            objet=courant,
            regle=regle,
            depuis=depuis,
            vers=courant.statut,
            acteur=acteur,
            motif=decision.motif,
            rapport=courant,
        )
    return courant


def _verifier(rapport: RapportAnnuel, regle: Transition, acteur: Utilisateur, motif: str) -> None:
    MACHINE.verifier_depart(regle, rapport.statut, rapport.get_statut_display())
    if not permissions.peut_transitionner_rapport(droits(acteur, rapport.contrat), regle.roles):
        raise DroitInsuffisant(f"Vous n'avez pas le droit de « {regle.libelle.lower()} ».")
    MACHINE.verifier_motif(regle, motif)
