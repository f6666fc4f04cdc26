"""Demo avis of the conseil citoyen on each demo call's programming, through the services.

Each year the pilote sends the proposed programming to the conseil citoyen on the day the
dossiers are proposed to the COPIL (programmation.demo, which calls this at the end of its
run, gives that moment from its calendar); the conseil answers within the month,
favourably or with réserves, except in 2018, when it did not answer: the daily command
reputes that avis favourable the day after its échéance. Every step is replayed at its
date (`rejouer_a`). Idempotent: a call that already has its avis is left as it is; real
calls are never touched.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from comptes.models import Role
from contrats.models import Contrat
from contrats.selectors import premiere_personne
from historique.horloge import rejouer_a
from programmation.models import AppelAProjets, AvisProgrammation
from programmation.services.avis_conseil_citoyen import (
    STATUTS_SOUMIS,
    constater_les_silences,
    consulter_le_conseil_citoyen,
    saisir_avis_programmation,
)

Sens = AvisProgrammation.Sens


@dataclass(frozen=True)
class AvisDemo:
    sens: str
    apres_jours: int  # received that many days after the consultation
    texte: str


# None: no answer within the month, the avis is reputed favourable.
AVIS_PAR_ANNEE: dict[int, AvisDemo | None] = {
    2015: AvisDemo(
        Sens.FAVORABLE,
        12,
        "Le conseil citoyen salue une première programmation qui fait une large place au "
        "soutien scolaire et à la parentalité.",
    ),
    2016: AvisDemo(
        Sens.RESERVES,
        18,
        "Avis favorable. Le conseil regrette que peu d'actions touchent les jeunes de 16 à "
        "25 ans du quartier et demande qu'une priorité leur soit donnée l'an prochain.",
    ),
    2017: AvisDemo(
        Sens.FAVORABLE,
        20,
        "Les actions d'insertion et de lien social répondent aux attentes exprimées par les "
        "habitants lors des réunions publiques.",
    ),
    2018: None,
    2019: AvisDemo(
        Sens.RESERVES,
        25,
        "Avis favorable sous réserve que les associations du quartier soient davantage "
        "associées à la conception des actions de tranquillité publique.",
    ),
    2020: AvisDemo(
        Sens.FAVORABLE,
        15,
        "Le conseil souhaite que les actions suspendues pendant le confinement soient "
        "reconduites dès que possible.",
    ),
}


def _le(jour: date, heure: int) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure)))


def _avis_de_l_annee(appel: AppelAProjets, pilote, consultation: datetime) -> None:
    with rejouer_a(consultation):
        avis = consulter_le_conseil_citoyen(appel=appel, acteur=pilote, est_demo=True)
    voulu = AVIS_PAR_ANNEE.get(appel.annee)
    if voulu is None:
        with rejouer_a(_le(avis.echeance + timedelta(days=1), 6)):
            constater_les_silences()
        return
    recu_le = avis.consulte_le + timedelta(days=voulu.apres_jours)
    with rejouer_a(_le(recu_le, 18)):
        saisir_avis_programmation(
            avis=avis, sens=voulu.sens, texte=voulu.texte, recu_le=recu_le, acteur=pilote
        )


def generer_avis_demo(contrat: Contrat, consultation: Callable[[AppelAProjets], datetime]) -> int:
    """The avis of every demo call with a programming and no avis yet, the programming
    sent at `consultation(appel)`; how many created."""
    pilote = premiere_personne(contrat, Role.PILOTE)
    if pilote is None:
        return 0
    appels = (
        AppelAProjets.objects.filter(
            contrat=contrat,
            est_demo=True,
            avis_conseil_citoyen__isnull=True,
            dossiers__statut__in=STATUTS_SOUMIS,
        )
        .distinct()
        .order_by("annee")
    )
    crees = 0
    with transaction.atomic():
        for appel in appels:
            _avis_de_l_annee(appel, pilote, consultation(appel))
            crees += 1
    return crees
