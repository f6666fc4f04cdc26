from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from comptes.models import Utilisateur
from contrats.models import Instance
from gouvernance.actions import ActionGouvernance
from gouvernance.models import Decision, Seance
from historique.services import enregistrer_evenement


def creer_seance(
    *,
    instance: Instance,
    date: date,
    titre: str,
    acteur: Utilisateur,
    ordre_du_jour: str = "",
    est_demo: bool = False,
) -> Seance:
    with transaction.atomic():
        seance = Seance.objects.create(
            instance=instance,
            date=date,
            titre=titre,
            ordre_du_jour=ordre_du_jour,
            est_demo=est_demo,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_CREATION,
            changements={"instance": instance.nom, "date": date.isoformat()},
        )
    return seance


def enregistrer_decision(
    *,
    seance: Seance,
    objet: models.Model,
    decision: str,
    decision_libelle: str,
    acteur: Utilisateur,
    motif: str = "",
) -> Decision:
    """Record one decision of a meeting; callers run it inside their own transaction."""
    resultat = Decision.objects.create(
        seance=seance,
        content_type=ContentType.objects.get_for_model(objet),
        object_id=str(objet.pk),
        objet_libelle=str(objet)[:300],
        decision=decision,
        decision_libelle=decision_libelle,
        motif=motif,
        acteur=acteur,
    )
    enregistrer_evenement(
        acteur=acteur,
        objet=seance,
        action=ActionGouvernance.SEANCE_DECISION,
        changements={"objet": resultat.objet_libelle, "décision": decision_libelle},
        motif=motif,
    )
    return resultat
