"""A porteur registers and keeps up to date the structure it acts for."""

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Organisation
from contrats.selectors import droits
from contrats.services import attribuer_habilitation
from historique.services import differences, enregistrer_evenement
from programmation import permissions
from programmation.actions import ActionProgrammation
from programmation.models import Structure
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant


class StructureDejaEnregistree(DonneesInvalides):
    """One structure per SIRET: the newcomer asks its référent to join instead."""

    def __init__(self, structure: Structure):
        referent = structure.referent or "un porteur de la structure"
        super().__init__(
            f"La structure « {structure.organisation.nom} » (SIRET {structure.siret}) est déjà "
            f"enregistrée ; son référent est {referent}. Demandez-lui à la rejoindre."
        )
        self.structure_existante = structure


TYPES_ORGANISATION = {
    Structure.Type.ASSOCIATION: Organisation.Type.ASSOCIATION,
    Structure.Type.SERVICE_MUNICIPAL: Organisation.Type.COMMUNE,
    Structure.Type.BAILLEUR: Organisation.Type.BAILLEUR,
    Structure.Type.ETABLISSEMENT_PUBLIC: Organisation.Type.OPERATEUR_PUBLIC,
    Structure.Type.ENTREPRISE: Organisation.Type.AUTRE,
}
CHAMPS = (
    "type",
    "siret",
    "rna",
    "adresse",
    "code_postal",
    "commune",
    "representant_nom",
    "representant_qualite",
    "salaries",
    "benevoles",
)


def creer_structure(
    *,
    contrat: Contrat,
    nom: str,
    valeurs: dict[str, Any],
    acteur: Utilisateur,
    est_demo: bool = False,
) -> Structure:
    """Register the structure a porteur acts for; a newcomer becomes its porteur and its
    référent. A SIRET already registered is refused: its référent is named, to ask him."""
    existantes = permissions.organisations_porteuses(droits(acteur, contrat))
    with transaction.atomic():
        _verifier_siret_libre(valeurs.get("siret", ""))
        if existantes:
            organisation = Organisation.objects.select_for_update().get(pk=min(existantes))
            if Structure.objects.filter(organisation=organisation).exists():
                raise DonneesInvalides("Votre structure est déjà enregistrée : modifiez-la.")
            organisation.nom = nom
            organisation.type = TYPES_ORGANISATION[valeurs["type"]]
            organisation.save(update_fields=["nom", "type"])
        else:
            organisation = Organisation.objects.create(
                code=_code_libre(nom), nom=nom, type=TYPES_ORGANISATION[valeurs["type"]]
            )
            attribuer_habilitation(
                utilisateur=acteur,
                contrat=contrat,
                role=Role.PORTEUR,
                organisation=organisation,
                acteur=acteur,
            )
        structure = Structure.objects.create(
            organisation=organisation, est_demo=est_demo, referent=acteur, **valeurs
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=structure,
            action=ActionProgrammation.STRUCTURE_CREATION,
            changements={champ: str(valeurs.get(champ, "")) for champ in CHAMPS},
        )
    return structure


def _verifier_siret_libre(siret: str, sauf: Structure | None = None) -> None:
    if not siret:
        return
    existante = (
        Structure.objects.select_related("organisation", "referent")
        .filter(siret=siret)
        .exclude(pk=sauf.pk if sauf else None)
        .first()
    )
    if existante is not None:
        raise StructureDejaEnregistree(existante)


def _code_libre(nom: str) -> str:
    base = slugify(nom)[:50] or "structure"
    code, rang = base, 1
    while Organisation.objects.filter(code=code).exists():
        rang += 1
        code = f"{base}-{rang}"
    return code


def modifier_structure(
    *, structure: Structure, contrat: Contrat, valeurs: dict[str, Any], acteur: Utilisateur
) -> Structure:
    if not permissions.peut_agir_pour_structure(droits(acteur, contrat), structure.organisation_id):
        raise DroitInsuffisant("Vous ne pouvez modifier que votre structure.")
    with transaction.atomic():
        _verifier_siret_libre(valeurs.get("siret", ""), sauf=structure)
        avant = {champ: str(getattr(structure, champ)) for champ in CHAMPS}
        for champ, valeur in valeurs.items():
            setattr(structure, champ, valeur)
        structure.save()
        enregistrer_evenement(
            acteur=acteur,
            objet=structure,
            action=ActionProgrammation.STRUCTURE_MODIFICATION,
            changements=differences(avant, {c: str(getattr(structure, c)) for c in CHAMPS}),
        )
    return structure
