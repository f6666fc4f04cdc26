"""The referential's services: who may write, what they check, what the history keeps.

Every refusal leaves the database as it was (no indicator, no measure, no event).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from comptes.models import Role
from contrats.services import attribuer_habilitation
from contrats.tests.factories import ContratFactory
from historique.horloge import aujourdhui
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant
from programmation.tests.outils import actions_de
from suivi.actions import ActionSuivi
from suivi.models import IndicateurResultat, MesureIndicateur
from suivi.services.referentiel import (
    creer_indicateur,
    enregistrer_mesure,
    modifier_indicateur,
    supprimer_mesure,
)
from suivi.tests import outils_referentiel as r
from suivi.tests.outils_referentiel import Calcul, Sens

D = Decimal
pytestmark = pytest.mark.django_db


def _inchange(fonction, erreur, message: str) -> None:
    """The call is refused with this French message, and nothing was written."""
    avant = (
        IndicateurResultat.objects.count(),
        MesureIndicateur.objects.count(),
        Evenement.objects.count(),
    )
    with pytest.raises(erreur) as refus:
        fonction()
    assert message in refus.value.message
    apres = (
        IndicateurResultat.objects.count(),
        MesureIndicateur.objects.count(),
        Evenement.objects.count(),
    )
    assert apres == avant


# --- Indicators ---------------------------------------------------------------------------


def test_the_pilote_creates_an_indicator_and_the_history_says_it(villiers, pilote):
    indicateur = creer_indicateur(contrat=villiers, donnees=r.donnees(villiers), acteur=pilote)
    assert (indicateur.code, indicateur.valeur_cible, indicateur.objectif.numero) == (
        "chomage-qpv",
        D("7.5"),
        "3.2.2",
    )
    assert indicateur.est_demo is False
    (evenement,) = historique_de(indicateur)
    assert (evenement.action, evenement.acteur) == (ActionSuivi.INDICATEUR_CREATION, pilote)
    assert evenement.changements["date_reference"] == "12/03/2015"
    assert evenement.changements["objectif"].startswith("3.2.2 ")


def test_the_etat_creates_an_indicator_of_an_action_of_the_plan(villiers, etat):
    action = r.action(villiers, 54)
    indicateur = creer_indicateur(
        contrat=villiers, donnees=r.donnees(villiers, objectif=None, action=action), acteur=etat
    )
    assert (indicateur.action, indicateur.objectif) == (action, None)


@pytest.mark.parametrize("nom", ["financeur", "porteur", "membre", "sans_role"])
def test_only_the_pilotage_defines_indicators(villiers, personne, nom):
    _inchange(
        lambda: creer_indicateur(
            contrat=villiers, donnees=r.donnees(villiers), acteur=personne(nom)
        ),
        DroitInsuffisant,
        "Seuls le pilote et l'État définissent les indicateurs",
    )


@pytest.mark.parametrize(
    ("modifs", "message"),
    [
        ({"action": "fiche"}, "pas les deux"),
        ({"objectif": None}, "Choisissez l'objectif opérationnel ou l'action du plan"),
        ({"code": "Chômage QPV"}, "minuscules sans accents"),
        ({"code": ""}, "minuscules sans accents"),
        ({"libelle": "  "}, "Indiquez le libellé et l'unité"),
        ({"sens": "stable"}, "Choisissez le sens attendu"),
        ({"valeur_reference": None}, "avec sa date"),
        ({"date_reference": None}, "avec sa date"),
        ({"date_cible": date(2015, 1, 1)}, "suit la date de la valeur de référence (12/03/2015)"),
        ({"valeur_cible": D("10")}, "Un indicateur à réduire a une cible inférieure"),
        ({"sens": Sens.HAUSSE}, "Un indicateur à augmenter a une cible supérieure"),
        ({"valeur_cible": D("7.505")}, "Cible : deux décimales au plus"),
        ({"valeur_reference": D("1e13")}, "moins de 13 chiffres"),
    ],
)
def test_an_invalid_indicator_is_refused_and_nothing_is_written(villiers, pilote, modifs, message):
    if modifs.get("action") == "fiche":
        modifs["action"] = r.action(villiers, 54)
    _inchange(
        lambda: creer_indicateur(
            contrat=villiers, donnees=r.donnees(villiers, **modifs), acteur=pilote
        ),
        DonneesInvalides,
        message,
    )


def test_an_objective_of_another_contract_is_refused(villiers, pilote):
    autre = ContratFactory()
    _inchange(
        lambda: creer_indicateur(contrat=autre, donnees=r.donnees(villiers), acteur=pilote),
        DroitInsuffisant,
        "Seuls le pilote et l'État",
    )
    attribuer_habilitation(utilisateur=pilote, contrat=autre, role=Role.PILOTE)
    _inchange(
        lambda: creer_indicateur(contrat=autre, donnees=r.donnees(villiers), acteur=pilote),
        DonneesInvalides,
        "n'est pas celui de ce contrat",
    )


def test_the_code_is_unique_in_the_contract(villiers, pilote):
    r.indicateur(villiers)
    _inchange(
        lambda: creer_indicateur(contrat=villiers, donnees=r.donnees(villiers), acteur=pilote),
        DonneesInvalides,
        "Le code « chomage-qpv » est déjà celui d'un indicateur.",
    )


def test_a_modification_writes_its_changes_old_and_new(villiers, etat):
    indicateur = r.indicateur(villiers)
    modifie = modifier_indicateur(
        indicateur=indicateur,
        donnees=r.donnees(villiers, valeur_cible=D("7"), source="Pôle emploi, catégorie A"),
        acteur=etat,
    )
    assert modifie.valeur_cible == D("7")
    dernier = historique_de(indicateur).first()
    assert dernier.action == ActionSuivi.INDICATEUR_MODIFICATION
    assert dernier.changements == {
        "valeur_cible": ["7.5", "7"],
        "source": ["Pôle emploi", "Pôle emploi, catégorie A"],
    }
    # Nothing changed: no event.
    modifier_indicateur(
        indicateur=modifie,
        donnees=r.donnees(villiers, valeur_cible=D("7"), source="Pôle emploi, catégorie A"),
        acteur=etat,
    )
    assert actions_de(indicateur).count(ActionSuivi.INDICATEUR_MODIFICATION) == 1


def test_a_modification_is_checked_like_a_creation(villiers, pilote, financeur):
    indicateur = r.indicateur(villiers)
    r.indicateur(villiers, code="autre")
    _inchange(
        lambda: modifier_indicateur(
            indicateur=indicateur, donnees=r.donnees(villiers, code="autre"), acteur=pilote
        ),
        DonneesInvalides,
        "déjà celui d'un indicateur",
    )
    _inchange(
        lambda: modifier_indicateur(
            indicateur=indicateur, donnees=r.donnees(villiers), acteur=financeur
        ),
        DroitInsuffisant,
        "Seuls le pilote et l'État",
    )
    assert IndicateurResultat.objects.get(pk=indicateur.pk).code == "chomage-qpv"


def test_an_indicator_with_entered_measures_stays_entered(villiers, pilote):
    indicateur = r.indicateur(villiers)
    r.mesurer(indicateur, date(2016, 12, 31), "8.9")
    _inchange(
        lambda: modifier_indicateur(
            indicateur=indicateur,
            donnees=r.donnees(villiers, calcul=Calcul.ACTIONS_REALISEES),
            acteur=pilote,
        ),
        DonneesInvalides,
        "Cet indicateur a des mesures saisies",
    )


# --- Measures -----------------------------------------------------------------------------


def test_a_measure_is_entered_then_replaced_at_the_same_date(villiers, pilote, etat):
    indicateur = r.indicateur(villiers)
    mesure = r.mesurer(indicateur, date(2016, 12, 31), "8.9", "Catégorie A")
    assert (mesure.valeur, mesure.saisie_par, mesure.commentaire) == (
        D("8.9"),
        pilote,
        "Catégorie A",
    )
    remplacee = enregistrer_mesure(
        indicateur=indicateur, date=date(2016, 12, 31), valeur=D("8.7"), acteur=etat
    )
    assert remplacee.pk == mesure.pk
    assert MesureIndicateur.objects.get(indicateur=indicateur).valeur == D("8.7")
    remplacement, saisie, _creation = historique_de(indicateur)
    assert (saisie.action, saisie.changements) == (
        ActionSuivi.MESURE_SAISIE,
        {"date": "31/12/2016", "valeur": "8.9"},
    )
    assert (remplacement.action, remplacement.acteur) == (ActionSuivi.MESURE_REMPLACEE, etat)
    assert remplacement.changements == {
        "date": "31/12/2016",
        "valeur": ["8.9", "8.7"],
        "commentaire": ["Catégorie A", ""],
    }


def test_the_same_measure_again_writes_nothing(villiers):
    indicateur = r.indicateur(villiers)
    r.mesurer(indicateur, date(2016, 12, 31), "8.9")
    avant = Evenement.objects.count()
    r.mesurer(indicateur, date(2016, 12, 31), "8.90")
    assert Evenement.objects.count() == avant


@pytest.mark.parametrize(
    ("jour", "valeur", "message"),
    [
        (None, "8", "Indiquez la date et la valeur"),
        (date(2016, 12, 31), None, "Indiquez la date et la valeur"),
        ("demain", "8", "datée d'aujourd'hui au plus tard"),
        (date(2015, 3, 11), "8", "suit la date de la valeur de référence (12/03/2015)"),
        (date(2016, 12, 31), "8.125", "Valeur : deux décimales au plus"),
    ],
)
def test_an_invalid_measure_is_refused_and_nothing_is_written(
    villiers, pilote, jour, valeur, message
):
    indicateur = r.indicateur(villiers)
    jour = aujourdhui() + timedelta(days=1) if jour == "demain" else jour
    _inchange(
        lambda: enregistrer_mesure(
            indicateur=indicateur,
            date=jour,
            valeur=None if valeur is None else D(valeur),
            acteur=pilote,
        ),
        DonneesInvalides,
        message,
    )


def test_a_computed_indicator_takes_no_entered_measure(villiers, pilote):
    indicateur = r.indicateur(
        villiers,
        calcul=Calcul.BENEFICIAIRES,
        sens=Sens.HAUSSE,
        valeur_cible=D("300"),
        valeur_reference=D("120"),
    )
    _inchange(
        lambda: enregistrer_mesure(
            indicateur=indicateur, date=date(2016, 12, 31), valeur=D("150"), acteur=pilote
        ),
        DonneesInvalides,
        "calculées depuis les bilans validés",
    )


@pytest.mark.parametrize("nom", ["financeur", "porteur", "membre", "sans_role"])
def test_only_the_pilotage_enters_and_deletes_measures(villiers, personne, nom):
    indicateur = r.indicateur(villiers)
    mesure = r.mesurer(indicateur, date(2016, 12, 31), "8.9")
    _inchange(
        lambda: enregistrer_mesure(
            indicateur=indicateur, date=date(2017, 12, 31), valeur=D("8"), acteur=personne(nom)
        ),
        DroitInsuffisant,
        "Seuls le pilote et l'État saisissent",
    )
    _inchange(
        lambda: supprimer_mesure(mesure=mesure, acteur=personne(nom)),
        DroitInsuffisant,
        "Seuls le pilote et l'État saisissent",
    )


def test_a_deleted_measure_stays_in_the_history(villiers, etat):
    indicateur = r.indicateur(villiers)
    mesure = r.mesurer(indicateur, date(2016, 12, 31), "8.9")
    assert supprimer_mesure(mesure=mesure, acteur=etat) == indicateur
    assert not MesureIndicateur.objects.filter(indicateur=indicateur).exists()
    dernier = historique_de(indicateur).first()
    assert (dernier.action, dernier.acteur, dernier.changements) == (
        ActionSuivi.MESURE_SUPPRESSION,
        etat,
        {"date": "31/12/2016", "valeur": ["8.9", ""]},
    )
