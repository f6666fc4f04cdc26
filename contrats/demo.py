"""Demo accounts: one person per role on each loaded contract, for trying the platform."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from comptes.models import Role, Utilisateur
from comptes.services import marquer_adresse_verifiee
from contrats.models import Contrat, Organisation
from contrats.services import attribuer_habilitation

MOT_DE_PASSE_DEMO = "demo-contrat-de-ville"
GROUPE_PILOTES = "Pilotes"
# The territories (communes, quartiers, indicators, observations) are national references
# shared by every contract, loaded with the contract and imported: only a superuser
# changes them by hand.
APPS_ADMINISTREES_PAR_LES_PILOTES = ("contrats",)


@dataclass(frozen=True)
class CompteDemo:
    identifiant: str
    prenom: str
    nom: str
    role: Role
    organisation: str | None = None
    organisation_nom: str = ""
    organisation_type: str = ""
    instance: str | None = None  # a membre sits in one body


COMPTES_DEMO = (
    CompteDemo("pilote", "Camille", "Martin", Role.PILOTE),
    CompteDemo("etat", "Nadia", "Benali", Role.ETAT),
    CompteDemo("financeur", "Julien", "Moreau", Role.FINANCEUR, "caf"),
    # A second funding organisation, so that avis and payments are not the CAF's alone.
    CompteDemo("financeur2", "Claire", "Rousseau", Role.FINANCEUR, "region-idf"),
    CompteDemo(
        "porteur",
        "Sophie",
        "Leroy",
        Role.PORTEUR,
        "demo-association-clefs-avenir",
        "Association Les Clefs de l'avenir (démo)",
        Organisation.Type.ASSOCIATION,
    ),
    # A second structure: a porteur sees only its own dossiers, never the other's.
    CompteDemo(
        "porteur2",
        "Mehdi",
        "Benkacem",
        Role.PORTEUR,
        "demo-association-horizons-partages",
        "Association Horizons partagés (démo)",
        Organisation.Type.ASSOCIATION,
    ),
    # He sits in the comité de recevabilité: he reads the dossiers it examines, no other.
    CompteDemo("membre", "Karim", "Diallo", Role.MEMBRE, instance="comite-recevabilite"),
)


def groupe_pilotes() -> Group:
    """Model permissions the Django admin needs for pilotes to edit contract data."""
    groupe, _ = Group.objects.get_or_create(name=GROUPE_PILOTES)
    groupe.permissions.set(
        Permission.objects.filter(content_type__app_label__in=APPS_ADMINISTREES_PAR_LES_PILOTES)
    )
    return groupe


@transaction.atomic
def creer_comptes_demo(contrat: Contrat) -> list[CompteDemo]:
    for compte in COMPTES_DEMO:
        utilisateur = _utilisateur(compte)
        organisation = _organisation(compte)
        attribuer_habilitation(
            utilisateur=utilisateur,
            contrat=contrat,
            role=compte.role,
            organisation=organisation,
            instance=contrat.instances.get(code=compte.instance) if compte.instance else None,
        )
        if compte.role == Role.PILOTE:
            utilisateur.is_staff = True
            utilisateur.save(update_fields=["is_staff"])
            utilisateur.groups.add(groupe_pilotes())
    return list(COMPTES_DEMO)


def _utilisateur(compte: CompteDemo) -> Utilisateur:
    utilisateur, cree = Utilisateur.objects.get_or_create(
        username=compte.identifiant,
        defaults={
            "first_name": compte.prenom,
            "last_name": compte.nom,
            "email": f"{compte.identifiant}@demo.contrat-de-ville.test",
        },
    )
    if cree:
        utilisateur.set_password(MOT_DE_PASSE_DEMO)
        utilisateur.save(update_fields=["password"])
    # Nobody reads the demo mailboxes: a confirmation link would lock the account out.
    marquer_adresse_verifiee(utilisateur=utilisateur)
    return utilisateur


def _organisation(compte: CompteDemo) -> Organisation | None:
    if compte.organisation is None:
        return None
    if compte.organisation_nom:
        organisation, _ = Organisation.objects.get_or_create(
            code=compte.organisation,
            defaults={"nom": compte.organisation_nom, "type": compte.organisation_type},
        )
        return organisation
    return Organisation.objects.get(code=compte.organisation)
