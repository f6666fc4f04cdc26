"""Helpers of the avenants' tests: propose, open, and answer an avenant through the services.

Not a test module: nothing here is collected.
"""

from datetime import date

from comptes.models import Utilisateur
from contrats.avenants import (
    accords_requis,
    enregistrer_accord,
    ouvrir_le_recueil,
    proposer_avenant,
)
from contrats.models import AccordAvenant, Avenant, Contrat, Organisation
from contrats.tests.factories import OrganisationFactory
from historique.horloge import aujourdhui

REPRESENTANT = "Madame Alice NOUVELLE"
QUALITE = "Présidente"


def nouvelle_organisation(code: str = "ept-essai") -> Organisation:
    """An organisation that is not a signatory of the contract yet."""
    return Organisation.objects.filter(code=code).first() or OrganisationFactory(
        code=code,
        nom="Établissement public territorial d'essai",
        type=Organisation.Type.COLLECTIVITE,
    )


def proposer(
    contrat: Contrat, acteur: Utilisateur, nature: str = Avenant.Nature.ADHESION, **champs
) -> Avenant:
    valeurs = {
        "objet": f"Avenant d'essai ({nature})",
        "expose": "Ce que l'avenant change.",
        **champs,
    }
    if nature == Avenant.Nature.ADHESION:
        valeurs.setdefault("organisation_entrante", nouvelle_organisation())
        valeurs.setdefault("representant", REPRESENTANT)
        valeurs.setdefault("qualite", QUALITE)
    return proposer_avenant(contrat=contrat, nature=nature, acteur=acteur, **valeurs)


def proposer_et_ouvrir(
    contrat: Contrat, acteur: Utilisateur, nature: str = Avenant.Nature.ADHESION, **champs
) -> Avenant:
    return ouvrir_le_recueil(avenant=proposer(contrat, acteur, nature, **champs), acteur=acteur)


def repondre(
    avenant: Avenant,
    code: str,
    acteur: Utilisateur,
    sens: str = AccordAvenant.Sens.ACCORD,
    jour: date | None = None,
    **champs,
) -> AccordAvenant:
    return enregistrer_accord(
        avenant=avenant,
        organisation=Organisation.objects.get(code=code),
        sens=sens,
        date=jour or aujourdhui(),
        acteur=acteur,
        **champs,
    )


def tout_accepter(avenant: Avenant, acteur: Utilisateur, **champs) -> Avenant:
    """Every required accord, in the order of the signatures; the avenant as it ends."""
    for organisation in accords_requis(avenant):
        repondre(avenant, organisation.code, acteur, **champs)
    avenant.refresh_from_db()
    return avenant
