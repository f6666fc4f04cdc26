"""The avis of the conseil citoyen on a year's programming.

The pilotage sends the programming (the dossiers proposed to the comité de pilotage or
validated) to the conseil citoyen, which has one calendar month to answer (loi n° 2014-173
du 21 février 2014, art. 7: the conseil citoyen is consulted). Its answer is entered by
the pilotage or by a membre of the conseil; without answer by the échéance, the avis is
"réputé favorable" (`constater_les_silences`, run daily by the command
`constater_silences_conseil_citoyen`), as the avis on the rapport annuel is.

Each function checks the person (programmation.permissions), writes in one transaction
and leaves one history event; a refusal is French and changes nothing.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from comptes.models import Utilisateur
from contrats.models import Instance
from historique.horloge import aujourdhui
from historique.services import enregistrer_evenement
from programmation import permissions
from programmation.actions import ActionProgrammation
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import AppelAProjets, AvisProgrammation, Statut
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
)

Sens = AvisProgrammation.Sens
SENS_SAISIS = (Sens.FAVORABLE, Sens.RESERVES, Sens.DEFAVORABLE)
# What the conseil citoyen is consulted on: proposed to the COPIL, or validated (and since
# conventionned or balanced).
STATUTS_SOUMIS = frozenset({Statut.PROPOSE}) | STATUTS_PROGRAMMES
# The shortest month: no échéance comes sooner after the consultation.
DELAI_MINIMAL = timedelta(days=28)


def _deja_consulte(appel: AppelAProjets, avis: AvisProgrammation) -> DonneesInvalides:
    return DonneesInvalides(
        f"Le conseil citoyen a déjà été consulté sur la programmation {appel.annee}, "
        f"le {avis.consulte_le:%d/%m/%Y}."
    )


def consulter_le_conseil_citoyen(
    *, appel: AppelAProjets, acteur: Utilisateur, est_demo: bool = False
) -> AvisProgrammation:
    """The programming is sent today: the avis is awaited until a month later."""
    contrat = appel.contrat
    if not permissions.peut_consulter_le_conseil_citoyen(acteur, contrat):
        raise DroitInsuffisant(
            "Seuls le pilote et l'État consultent le conseil citoyen sur la programmation."
        )
    conseil = (
        contrat.instances.filter(nature=Instance.Nature.CONSEIL_CITOYEN).order_by("ordre").first()
    )
    if conseil is None:
        raise DonneesInvalides("Ce contrat n'a pas de conseil citoyen à consulter.")
    if not appel.dossiers.filter(statut__in=STATUTS_SOUMIS).exists():
        raise DonneesInvalides(
            f"Aucun dossier de l'appel {appel.annee} n'est proposé au comité de pilotage ni "
            "validé : il n'y a pas encore de programmation à soumettre au conseil citoyen."
        )
    try:
        with transaction.atomic():
            AppelAProjets.objects.select_for_update().filter(pk=appel.pk).first()
            existant = AvisProgrammation.objects.filter(appel=appel).first()
            if existant is not None:
                raise _deja_consulte(appel, existant)
            avis = AvisProgrammation.objects.create(
                appel=appel, instance=conseil, consulte_le=aujourdhui(), est_demo=est_demo
            )
            enregistrer_evenement(
                acteur=acteur,
                objet=avis,
                action=ActionProgrammation.AVIS_CONSEIL_CONSULTATION,
                changements={
                    "consulté le": avis.consulte_le.isoformat(),
                    "échéance": avis.echeance.isoformat(),
                },
            )
    except IntegrityError:
        raise _deja_consulte(appel, AvisProgrammation.objects.get(appel=appel)) from None
    return avis


def _verifier_avis(avis: AvisProgrammation, sens: str, texte: str, recu_le: date | None) -> None:
    annee = avis.appel.annee
    if avis.sens == Sens.TACITE:
        raise DonneesInvalides(
            f"L'avis sur la programmation {annee} est réputé favorable : le conseil citoyen "
            f"n'a pas répondu avant l'échéance du {avis.echeance:%d/%m/%Y}."
        )
    if avis.sens != Sens.ATTENDU:
        raise DonneesInvalides(
            f"L'avis du conseil citoyen sur la programmation {annee} est déjà enregistré "
            f"(reçu le {avis.recu_le:%d/%m/%Y})."
        )
    if sens not in SENS_SAISIS:
        raise DonneesInvalides(
            "Choisissez le sens de l'avis : favorable, favorable avec réserves ou défavorable."
        )
    if sens != Sens.FAVORABLE and not texte:
        raise DonneesInvalides("Recopiez le texte de l'avis : ses réserves ou ses motifs.")
    if recu_le is None:
        raise DonneesInvalides("Indiquez la date de réception de l'avis.")
    if not avis.consulte_le <= recu_le <= aujourdhui():
        raise DonneesInvalides(
            "Un avis est reçu entre la transmission de la programmation au conseil citoyen, "
            f"le {avis.consulte_le:%d/%m/%Y}, et aujourd'hui."
        )
    if recu_le > avis.echeance:
        raise DonneesInvalides(
            f"Reçu le {recu_le:%d/%m/%Y}, l'avis arrive après l'échéance du "
            f"{avis.echeance:%d/%m/%Y} : passé ce délai d'un mois, l'avis du conseil citoyen "
            "est réputé favorable."
        )


def saisir_avis_programmation(
    *,
    avis: AvisProgrammation,
    sens: str,
    texte: str,
    recu_le: date | None,
    acteur: Utilisateur,
    version: int | None = None,
) -> AvisProgrammation:
    """The answer of the conseil citoyen, entered by the pilotage or by one of its membres."""
    texte = texte.strip()
    with transaction.atomic():
        courant = (
            AvisProgrammation.objects.select_for_update(of=("self",))
            .select_related("appel__contrat")
            .get(pk=avis.pk)
        )
        if not permissions.peut_saisir_avis_programmation(acteur, courant):
            raise DroitInsuffisant(
                "Seuls le pilote, l'État et les membres du conseil citoyen saisissent son avis."
            )
        if version is not None and courant.version != version:
            raise ConflitDeModification(
                "Cet avis a été modifié par une autre personne pendant votre saisie. "
                "Rechargez la page : rien n'a été enregistré."
            )
        _verifier_avis(courant, sens, texte, recu_le)
        avant = courant.sens
        AvisProgrammation.objects.filter(pk=courant.pk).update(
            sens=sens, texte=texte, recu_le=recu_le, saisi_par=acteur, version=F("version") + 1
        )
        courant.refresh_from_db()
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.AVIS_CONSEIL_SAISI,
            changements={
                "sens": [avant, sens],
                "reçu le": recu_le.isoformat(),
                "texte": texte,
            },
        )
    return courant


def constater_les_silences(jour: date | None = None) -> list[AvisProgrammation]:
    """Every avis still awaited past its échéance becomes "réputé favorable" (tacite),
    each with its event. Run daily; running it twice changes nothing."""
    jour = jour or aujourdhui()
    candidats = list(
        AvisProgrammation.objects.filter(
            sens=Sens.ATTENDU, consulte_le__lt=jour - DELAI_MINIMAL
        ).values_list("pk", flat=True)
    )
    constates = []
    for pk in candidats:
        with transaction.atomic():
            avis = (
                AvisProgrammation.objects.select_for_update(of=("self",))
                .select_related("appel")
                .get(pk=pk)
            )
            if avis.sens != Sens.ATTENDU or avis.echeance >= jour:
                continue
            AvisProgrammation.objects.filter(pk=avis.pk).update(
                sens=Sens.TACITE, version=F("version") + 1
            )
            avis.refresh_from_db()
            enregistrer_evenement(
                acteur=None,
                objet=avis,
                action=ActionProgrammation.AVIS_CONSEIL_TACITE,
                changements={
                    "sens": [Sens.ATTENDU, Sens.TACITE],
                    "échéance": avis.echeance.isoformat(),
                },
            )
            constates.append(avis)
    return constates
