"""Bilans of funded actions: expected, entered, moved in time, through one state machine.

A bilan exists for every funded dossier (conventionné, then soldé). Rather than a hook in
programmation's transitions, rows are created lazily and idempotently (`bilans_attendus`,
`bilan_du_dossier`): every reader (pages, "Mon espace", reminders, API) materialises the
missing ones first, one unique row per dossier, so that no dossier conventionned by any
path (service, correction, import) ever lacks its bilan. Its due date is six months
after the end of the financial year, the call's year (Article 3 §1.5: yearly bilans).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet

from comptes.models import Utilisateur
from contrats.models import Contrat
from contrats.selectors import droits
from historique.horloge import maintenant
from historique.services import differences, enregistrer_evenement
from programmation.machine import journaliser
from programmation.models import Dossier, Statut
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    TransitionInterdite,
)
from programmation.services.notifications import courriels_autorises, destinataires
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.etats import MACHINE, Transition
from suivi.models import (
    BeneficiairesBilan,
    Bilan,
    LigneBilan,
    ReportDeDates,
    StatutBilan,
    TransitionBilan,
)
from suivi.services.ecarts import sens_du_compte

# A bilan is expected once the dossier is funded (its conventions are established).
STATUTS_FINANCES = frozenset({Statut.CONVENTIONNE, Statut.SOLDE})
CHAMPS_BILAN = (
    "realisation",
    "dates_et_lieux",
    "resultats",
    "partenaires",
    "difficultes",
    "recommandation",
    "signataire",
    "atteste",
)


def echeance(annee: int) -> date:
    """Six months after the end of the financial year `annee`."""
    return date(annee + 1, 6, 30)


# ---------------------------------------------------------------- expected bilans


def _creer(dossier: Dossier) -> Bilan:
    with transaction.atomic():
        bilan, cree = Bilan.objects.get_or_create(
            dossier=dossier,
            defaults={
                "annee": dossier.appel.annee,
                "date_limite": echeance(dossier.appel.annee),
                "est_demo": dossier.est_demo,
            },
        )
        if cree:
            enregistrer_evenement(
                acteur=None,
                objet=bilan,
                action=ActionSuivi.BILAN_CREATION,
                changements={"date_limite": bilan.date_limite.isoformat()},
            )
    return bilan


def bilans_attendus(contrat: Contrat) -> QuerySet[Bilan]:
    """The contract's bilans, after creating "attendu" those of funded dossiers lacking one."""
    manquants = Dossier.objects.filter(
        appel__contrat=contrat, statut__in=STATUTS_FINANCES, bilan__isnull=True
    ).select_related("appel")
    for dossier in manquants:
        _creer(dossier)
    return Bilan.objects.filter(dossier__appel__contrat=contrat)


def bilan_du_dossier(dossier: Dossier) -> Bilan | None:
    """The dossier's bilan; None while it is not funded (nothing to report on yet)."""
    existant = Bilan.objects.filter(dossier=dossier).first()
    if existant is not None or dossier.statut not in STATUTS_FINANCES:
        return existant
    return _creer(dossier)


# ---------------------------------------------------------------- entering the three sheets


@dataclass(frozen=True)
class SaisieBilan:
    """What the porteur typed: qualitative fields and attestation, beneficiaries per age
    band (femmes, hommes, résidents du QPV), real amount and explanation per account;
    `empreinte`: that of the bilan the form was filled from (None: not checked)."""

    valeurs: dict
    beneficiaires: dict[str, tuple[int, int, int]]
    lignes: dict[str, tuple]
    empreinte: str | None = None


def empreinte_du_bilan(bilan: Bilan) -> str:
    """A digest of the three sheets as stored: two people of the structure saving the same
    bilan from two pages would otherwise lose the first one's work without a word."""
    contenu = {
        "champs": [str(getattr(bilan, champ)) for champ in CHAMPS_BILAN],
        "beneficiaires": sorted(
            bilan.beneficiaires.values_list("tranche", "femmes", "hommes", "residents_qpv")
        ),
        "lignes": sorted(
            (compte, str(realise), explication)
            for compte, realise, explication in bilan.lignes.values_list(
                "compte", "realise", "explication"
            )
        ),
    }
    return hashlib.sha256(json.dumps(contenu).encode()).hexdigest()[:32]


def enregistrer_bilan(*, bilan: Bilan, saisie: SaisieBilan, acteur: Utilisateur) -> Bilan:
    with transaction.atomic():
        courant = Bilan.objects.select_for_update(of=("self",)).get(pk=bilan.pk)
        if saisie.empreinte is not None and saisie.empreinte != empreinte_du_bilan(courant):
            raise ConflitDeModification(
                "Ce bilan a été modifié par une autre personne pendant votre saisie. "
                "Rechargez la page : rien n'a été enregistré."
            )
        if not permissions.peut_saisir_bilan(acteur, courant):
            if courant.statut not in (StatutBilan.ATTENDU, StatutBilan.A_CORRIGER):
                raise TransitionInterdite(
                    f"Un bilan « {courant.get_statut_display()} » ne se modifie plus."
                )
            raise DroitInsuffisant("Seul le porteur du dossier saisit son bilan.")
        _verifier_beneficiaires(saisie.beneficiaires)
        avant = {champ: getattr(courant, champ) for champ in CHAMPS_BILAN}
        for champ in CHAMPS_BILAN:
            setattr(courant, champ, saisie.valeurs.get(champ, avant[champ]))
        courant.save(update_fields=list(CHAMPS_BILAN))
        _remplacer_beneficiaires(courant, saisie.beneficiaires)
        _remplacer_lignes(courant, saisie.lignes)
        apres = {champ: getattr(courant, champ) for champ in CHAMPS_BILAN}
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionSuivi.BILAN_SAISIE,
            changements={k: [str(a), str(b)] for k, (a, b) in differences(avant, apres).items()},
        )
    return courant


def _verifier_beneficiaires(beneficiaires: dict[str, tuple[int, int, int]]) -> None:
    for tranche, (femmes, hommes, qpv) in beneficiaires.items():
        if min(femmes, hommes, qpv) < 0:
            raise DonneesInvalides("Les nombres de bénéficiaires sont positifs ou nuls.")
        if qpv > femmes + hommes:
            libelle = BeneficiairesBilan.Tranche(tranche).label
            raise DonneesInvalides(
                f"{libelle} : {qpv} résidents du quartier prioritaire pour "
                f"{femmes + hommes} bénéficiaires ; ils en font partie."
            )


def _remplacer_beneficiaires(bilan: Bilan, beneficiaires: dict) -> None:
    bilan.beneficiaires.all().delete()
    BeneficiairesBilan.objects.bulk_create(
        BeneficiairesBilan(bilan=bilan, tranche=t, femmes=f, hommes=h, residents_qpv=q)
        for t, (f, h, q) in beneficiaires.items()
        if f or h
    )


def _remplacer_lignes(bilan: Bilan, lignes: dict) -> None:
    bilan.lignes.all().delete()
    LigneBilan.objects.bulk_create(
        LigneBilan(
            bilan=bilan,
            sens=sens_du_compte(compte),
            compte=compte,
            realise=realise,
            explication=explication.strip(),
        )
        for compte, (realise, explication) in lignes.items()
        if realise is not None
    )


# ---------------------------------------------------------------- the state machine


def transitionner_bilan(
    *, bilan: Bilan, transition: str, acteur: Utilisateur, motif: str = ""
) -> Bilan:
    """The only writer of Bilan.statut: checks, effect, typed log, history, e-mail."""
    regle = MACHINE.exiger(transition)
    motif = motif.strip()
    with transaction.atomic():
        courant = (
            Bilan.objects.select_for_update(of=("self",))
            .select_related("dossier__appel__contrat", "dossier__structure__organisation")
            .get(pk=bilan.pk)
        )
        _verifier(courant, regle, acteur, motif)
        depuis = courant.statut
        regle.precondition(courant, acteur, motif)
        regle.effet(courant, acteur, motif)
        courant.statut = regle.vers
        courant.motif_decision = motif
        courant.save()
        journaliser(
            journal=TransitionBilan,
            objet=courant,
            regle=regle,
            depuis=depuis,
            vers=courant.statut,
            acteur=acteur,
            motif=motif,
            bilan=courant,
        )
        _notifier(courant, regle, motif)
    return courant


def _verifier(bilan: Bilan, regle: Transition, acteur: Utilisateur, motif: str) -> None:
    MACHINE.verifier_depart(regle, bilan.statut, bilan.get_statut_display())
    d = droits(acteur, bilan.dossier.appel.contrat)
    if permissions.deporte_pour_transitionner_bilan(d, regle.roles, bilan):
        raise DroitInsuffisant(permissions.MOTIF_DEPORT_BILAN)
    if not permissions.peut_transitionner_bilan(d, regle.roles, bilan):
        raise DroitInsuffisant(f"Vous n'avez pas le droit de « {regle.libelle.lower()} ».")
    MACHINE.verifier_motif(regle, motif)


def _notifier(bilan: Bilan, regle: Transition, motif: str) -> None:
    """E-mail the dossier's porteurs once the transaction has committed."""
    if not courriels_autorises():
        return
    dossier = bilan.dossier
    adresses = destinataires(dossier)
    if not adresses:
        return
    objet = regle.objet_courriel.format(numero=dossier.numero)
    corps = (
        f"Bonjour,\n\nLe bilan {bilan.annee} de l'action « {dossier.intitule} » "
        f"({dossier.numero}) est désormais : {bilan.get_statut_display()}.\n"
        + (f"\nMotif : {motif}\n" if motif else "")
        + "\nVous pouvez le consulter sur la plateforme Contrat de ville.\n"
    )
    transaction.on_commit(lambda: send_mail(objet, corps, settings.DEFAULT_FROM_EMAIL, adresses))


# ---------------------------------------------------------------- moving the action's dates


def demander_report(
    *, bilan: Bilan, date_debut: date, date_fin: date, motif: str, acteur: Utilisateur
) -> ReportDeDates:
    motif = motif.strip()
    with transaction.atomic():
        courant = Bilan.objects.select_for_update(of=("self",)).get(pk=bilan.pk)
        if not permissions.peut_demander_report(acteur, courant):
            raise DroitInsuffisant(
                "Seul le porteur du dossier demande un report, tant que le bilan est attendu."
            )
        if courant.reports.filter(statut=ReportDeDates.Statut.EN_ATTENTE).exists():
            raise TransitionInterdite("Une demande de report attend déjà la décision du pilote.")
        if date_debut is None or date_fin is None or date_fin < date_debut:
            raise DonneesInvalides("La nouvelle fin de l'action suit son nouveau début.")
        if not motif:
            raise DonneesInvalides("Indiquez le motif de la demande de report.")
        report = ReportDeDates.objects.create(
            bilan=courant, date_debut=date_debut, date_fin=date_fin, motif=motif, demande_par=acteur
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionSuivi.REPORT_DEMANDE,
            changements={"dates": [date_debut.isoformat(), date_fin.isoformat()]},
            motif=motif,
        )
    return report


def statuer_report(
    *, report: ReportDeDates, accepte: bool, motif: str, acteur: Utilisateur
) -> ReportDeDates:
    """Accepted, the bilan is due six months after the financial year of the new end."""
    motif = motif.strip()
    with transaction.atomic():
        courant = ReportDeDates.objects.select_for_update(of=("self",)).get(pk=report.pk)
        bilan = Bilan.objects.select_for_update(of=("self",)).get(pk=courant.bilan_id)
        if not permissions.peut_statuer_report(acteur, bilan):
            raise DroitInsuffisant("Seul le pilotage du contrat statue sur un report de dates.")
        if courant.statut != ReportDeDates.Statut.EN_ATTENTE:
            raise TransitionInterdite("Cette demande de report a déjà reçu une décision.")
        if not accepte and not motif:
            raise DonneesInvalides("Indiquez le motif du refus du report.")
        courant.statut = ReportDeDates.Statut.ACCEPTE if accepte else ReportDeDates.Statut.REFUSE
        courant.decide_par, courant.decide_le, courant.motif_decision = acteur, maintenant(), motif
        courant.save()
        changements = {}
        if accepte:
            nouvelle = max(bilan.date_limite, echeance(courant.date_fin.year))
            changements["date_limite"] = [bilan.date_limite.isoformat(), nouvelle.isoformat()]
            bilan.date_limite = nouvelle
            bilan.save(update_fields=["date_limite"])
        enregistrer_evenement(
            acteur=acteur,
            objet=bilan,
            action=ActionSuivi.REPORT_ACCEPTE if accepte else ActionSuivi.REPORT_REFUSE,
            changements=changements,
            motif=motif,
        )
    return courant


# ---------------------------------------------------------------- the balance lock


def refus_du_solde(convention) -> str | None:
    """Registered in programmation.extensions: no balance before the bilan is validated."""
    bilan = Bilan.objects.filter(dossier_id=convention.financement.dossier_id).first()
    if bilan is None or bilan.statut != StatutBilan.VALIDE:
        statut = bilan.get_statut_display() if bilan else StatutBilan.ATTENDU.label
        return (
            "Le solde ne peut être versé qu'après validation du bilan de l'action "
            f"(bilan actuellement « {statut} »)."
        )
    if bilan.nature == Bilan.Nature.NON_REALISATION:
        return (
            "L'action n'a pas été réalisée (attestation validée) : aucun solde n'est versé, "
            "l'avance fait l'objet d'un ordre de reversement."
        )
    return None
