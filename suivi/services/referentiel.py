"""The evaluation referential: its indicators and their entered measures (Article 3 §1.5).

The pilotage (pilote and État) defines each result indicator of an operational objective
or of an action of the plan, with its baseline and target, and enters the measures of
the indicators that are not computed from the bilans. Every write checks its data and
its author first (nothing changes when refused), and leaves one history event on the
indicator.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from comptes.models import Utilisateur
from contrats.models import Contrat, FicheAction, ObjectifOperationnel
from historique.horloge import aujourdhui
from historique.services import differences, enregistrer_evenement
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.models import IndicateurResultat, MesureIndicateur

Calcul, Sens = IndicateurResultat.Calcul, IndicateurResultat.Sens
# What the model's DecimalFields hold: 14 digits, 2 of them decimals.
PLUS_GRAND = Decimal("999999999999.99")
CENTIEME = Decimal("0.01")
REFUS_DEFINITION = "Seuls le pilote et l'État définissent les indicateurs du référentiel."
REFUS_MESURE = "Seuls le pilote et l'État saisissent les mesures des indicateurs."
REFUS_LES_DEUX = (
    "Un indicateur mesure un objectif opérationnel ou une action du plan, pas les deux : "
    "choisissez l'un ou l'autre."
)
REFUS_NI_L_UN_NI_L_AUTRE = (
    "Choisissez l'objectif opérationnel ou l'action du plan que mesure l'indicateur."
)


@dataclass(frozen=True)
class DonneesIndicateur:
    """An indicator as typed: it measures `objectif` or `action`, exactly one of them."""

    code: str
    libelle: str
    unite: str
    objectif: ObjectifOperationnel | None
    action: FicheAction | None
    valeur_reference: Decimal | None
    date_reference: date | None
    valeur_cible: Decimal
    date_cible: date
    sens: str
    source: str = ""
    mesure_par: str = ""
    calcul: str = Calcul.SAISIE


CHAMPS = (
    "code",
    "libelle",
    "unite",
    "objectif",
    "action",
    "valeur_reference",
    "date_reference",
    "valeur_cible",
    "date_cible",
    "sens",
    "source",
    "mesure_par",
    "calcul",
)


def _jour(valeur: date | None) -> str:
    return f"{valeur:%d/%m/%Y}" if valeur else ""


def _texte(valeur) -> str:
    """How the history keeps a value: 7.50 and 7.5 alike as "7.5", nothing as ""."""
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return format(valeur.normalize(), "f")
    return str(valeur)


def _nombre_valide(valeur: Decimal | None, nom: str) -> None:
    if valeur is None:
        return
    if not valeur.is_finite() or abs(valeur) > PLUS_GRAND:
        raise DonneesInvalides(f"{nom} : saisissez un nombre de moins de 13 chiffres.")
    if valeur != valeur.quantize(CENTIEME):
        raise DonneesInvalides(f"{nom} : deux décimales au plus.")


def _verifier_rattachement(contrat: Contrat, donnees: DonneesIndicateur) -> None:
    if donnees.objectif and donnees.action:
        raise DonneesInvalides(REFUS_LES_DEUX)
    if donnees.objectif is None and donnees.action is None:
        raise DonneesInvalides(REFUS_NI_L_UN_NI_L_AUTRE)
    if donnees.objectif and donnees.objectif.domaine.pilier.contrat_id != contrat.pk:
        raise DonneesInvalides("Cet objectif opérationnel n'est pas celui de ce contrat.")
    if donnees.action and donnees.action.ligne.contrat_id != contrat.pk:
        raise DonneesInvalides("Cette action n'est pas celle du plan d'actions de ce contrat.")


def _verifier_valeurs(donnees: DonneesIndicateur) -> None:
    _nombre_valide(donnees.valeur_reference, "Valeur de référence")
    _nombre_valide(donnees.valeur_cible, "Cible")
    if (donnees.valeur_reference is None) != (donnees.date_reference is None):
        raise DonneesInvalides(
            "Une valeur de référence se donne avec sa date, et une date avec sa valeur."
        )
    if donnees.date_reference and donnees.date_cible <= donnees.date_reference:
        raise DonneesInvalides(
            f"L'échéance de la cible ({_jour(donnees.date_cible)}) suit la date de la valeur "
            f"de référence ({_jour(donnees.date_reference)})."
        )
    reference, cible = donnees.valeur_reference, donnees.valeur_cible
    if reference is not None and donnees.sens == Sens.HAUSSE and cible <= reference:
        raise DonneesInvalides(
            "Un indicateur à augmenter a une cible supérieure à sa valeur de référence."
        )
    if reference is not None and donnees.sens == Sens.BAISSE and cible >= reference:
        raise DonneesInvalides(
            "Un indicateur à réduire a une cible inférieure à sa valeur de référence."
        )


def _verifier(contrat: Contrat, donnees: DonneesIndicateur, pk: int | None = None) -> None:
    if not donnees.code or slugify(donnees.code) != donnees.code:
        raise DonneesInvalides(
            "Le code s'écrit en minuscules sans accents, chiffres et tirets (ex. : "
            "taux-chomage-qpv)."
        )
    if not donnees.libelle.strip() or not donnees.unite.strip():
        raise DonneesInvalides("Indiquez le libellé et l'unité de l'indicateur.")
    if donnees.sens not in Sens.values or donnees.calcul not in Calcul.values:
        raise DonneesInvalides("Choisissez le sens attendu et l'origine des mesures.")
    _verifier_rattachement(contrat, donnees)
    _verifier_valeurs(donnees)
    autres = IndicateurResultat.objects.filter(contrat=contrat, code=donnees.code).exclude(pk=pk)
    if autres.exists():
        raise DonneesInvalides(f"Le code « {donnees.code} » est déjà celui d'un indicateur.")


def _etat(indicateur: IndicateurResultat) -> dict[str, str]:
    """The indicator's fields as the history keeps them (text)."""
    valeurs = {champ: getattr(indicateur, champ) for champ in CHAMPS}
    valeurs["objectif"] = str(indicateur.objectif) if indicateur.objectif_id else ""
    valeurs["action"] = str(indicateur.action) if indicateur.action_id else ""
    valeurs["date_reference"] = _jour(indicateur.date_reference)
    valeurs["date_cible"] = _jour(indicateur.date_cible)
    valeurs["sens"] = indicateur.get_sens_display()
    valeurs["calcul"] = indicateur.get_calcul_display()
    return {champ: _texte(v) for champ, v in valeurs.items()}


def _ecrire(indicateur: IndicateurResultat, donnees: DonneesIndicateur) -> None:
    for champ in CHAMPS:
        valeur = getattr(donnees, champ)
        setattr(indicateur, champ, valeur.strip() if isinstance(valeur, str) else valeur)


def creer_indicateur(
    *, contrat: Contrat, donnees: DonneesIndicateur, acteur: Utilisateur, est_demo: bool = False
) -> IndicateurResultat:
    if not permissions.peut_definir_indicateur(acteur, contrat):
        raise DroitInsuffisant(REFUS_DEFINITION)
    _verifier(contrat, donnees)
    indicateur = IndicateurResultat(contrat=contrat, est_demo=est_demo)
    _ecrire(indicateur, donnees)
    try:
        with transaction.atomic():
            indicateur.save()
            enregistrer_evenement(
                acteur=acteur,
                objet=indicateur,
                action=ActionSuivi.INDICATEUR_CREATION,
                changements={k: v for k, v in _etat(indicateur).items() if v},
            )
    except IntegrityError:
        raise DonneesInvalides(
            f"Le code « {donnees.code} » est déjà celui d'un indicateur."
        ) from None
    return indicateur


def modifier_indicateur(
    *, indicateur: IndicateurResultat, donnees: DonneesIndicateur, acteur: Utilisateur
) -> IndicateurResultat:
    """The definition changes; an indicator with entered measures stays entered."""
    if not permissions.peut_definir_indicateur(acteur, indicateur.contrat):
        raise DroitInsuffisant(REFUS_DEFINITION)
    _verifier(indicateur.contrat, donnees, pk=indicateur.pk)
    with transaction.atomic():
        courant = IndicateurResultat.objects.select_for_update(of=("self",)).get(pk=indicateur.pk)
        if donnees.calcul != Calcul.SAISIE and courant.mesures.exists():
            raise DonneesInvalides(
                "Cet indicateur a des mesures saisies : ses mesures restent saisies. "
                "Supprimez-les d'abord pour les calculer depuis les bilans."
            )
        avant = _etat(courant)
        _ecrire(courant, donnees)
        courant.save()
        changements = differences(avant, _etat(courant))
        if changements:
            enregistrer_evenement(
                acteur=acteur,
                objet=courant,
                action=ActionSuivi.INDICATEUR_MODIFICATION,
                changements=changements,
            )
    return courant


def _verifier_mesure(indicateur: IndicateurResultat, jour: date | None, valeur) -> None:
    if indicateur.calcul != Calcul.SAISIE:
        raise DonneesInvalides(
            "Les mesures de cet indicateur sont calculées depuis les bilans validés : elles "
            "ne se saisissent pas."
        )
    if jour is None or valeur is None:
        raise DonneesInvalides("Indiquez la date et la valeur de la mesure.")
    _nombre_valide(valeur, "Valeur")
    if jour > aujourdhui():
        raise DonneesInvalides("Une mesure est datée d'aujourd'hui au plus tard.")
    if indicateur.date_reference and jour < indicateur.date_reference:
        raise DonneesInvalides(
            "Une mesure suit la date de la valeur de référence "
            f"({_jour(indicateur.date_reference)})."
        )


def enregistrer_mesure(
    *,
    indicateur: IndicateurResultat,
    date: date | None,
    valeur: Decimal | None,
    commentaire: str = "",
    acteur: Utilisateur,
    est_demo: bool = False,
) -> MesureIndicateur:
    """A new measure; at a date already measured, the new value replaces the old one."""
    if not permissions.peut_saisir_mesure(acteur, indicateur):
        raise DroitInsuffisant(REFUS_MESURE)
    commentaire = commentaire.strip()
    with transaction.atomic():
        courant = IndicateurResultat.objects.select_for_update(of=("self",)).get(pk=indicateur.pk)
        _verifier_mesure(courant, date, valeur)
        mesure = MesureIndicateur.objects.filter(indicateur=courant, date=date).first()
        if mesure is None:
            mesure = MesureIndicateur.objects.create(
                indicateur=courant,
                date=date,
                valeur=valeur,
                commentaire=commentaire,
                saisie_par=acteur,
                est_demo=est_demo,
            )
            action, changements = ActionSuivi.MESURE_SAISIE, {"valeur": _texte(valeur)}
        else:
            changements = {
                champ: [_texte(avant), _texte(apres)]
                for champ, (avant, apres) in differences(
                    {"valeur": mesure.valeur, "commentaire": mesure.commentaire},
                    {"valeur": valeur, "commentaire": commentaire},
                ).items()
            }
            if not changements:
                return mesure
            mesure.valeur, mesure.commentaire, mesure.saisie_par = valeur, commentaire, acteur
            mesure.save()
            action = ActionSuivi.MESURE_REMPLACEE
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=action,
            changements={"date": _jour(date), **changements},
        )
    return mesure


def supprimer_mesure(*, mesure: MesureIndicateur, acteur: Utilisateur) -> IndicateurResultat:
    indicateur = mesure.indicateur
    if not permissions.peut_saisir_mesure(acteur, indicateur):
        raise DroitInsuffisant(REFUS_MESURE)
    with transaction.atomic():
        courant = MesureIndicateur.objects.select_for_update(of=("self",)).get(pk=mesure.pk)
        changements = {"date": _jour(courant.date), "valeur": [_texte(courant.valeur), ""]}
        courant.delete()
        enregistrer_evenement(
            acteur=acteur,
            objet=indicateur,
            action=ActionSuivi.MESURE_SUPPRESSION,
            changements=changements,
        )
    return indicateur
