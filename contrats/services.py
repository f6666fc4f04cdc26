from pathlib import Path

from django.db import transaction

from comptes.models import ROLES_AVEC_ORGANISATION, Role, Utilisateur
from contrats.actions import ActionContrat
from contrats.chargement.ecriture import Bilan, ecrire
from contrats.chargement.lecture import ErreurChargement, lire_dossier
from contrats.models import Contrat, Habilitation, Instance, Organisation
from historique.journal import consigner
from historique.services import enregistrer_evenement


def charger_contrat(*, dossier: Path, acteur: Utilisateur | None = None) -> tuple[Contrat, Bilan]:
    """Load a contract folder in one transaction: all of it or, on any error, nothing."""
    donnees = lire_dossier(dossier)
    with transaction.atomic():
        contrat, bilan = ecrire(donnees)
        enregistrer_evenement(
            acteur=acteur,
            objet=contrat,
            action=ActionContrat.CHARGEMENT,
            changements=bilan.en_dict(),
            motif=f"Chargement des données du dossier {dossier.name}",
        )
    return contrat, bilan


def attribuer_habilitation(
    *,
    utilisateur: Utilisateur,
    contrat: Contrat,
    role: Role,
    organisation: Organisation | None = None,
    instance: Instance | None = None,
    acteur: Utilisateur | None = None,
) -> Habilitation:
    """Give a person a role in a contract; financeurs and porteurs act for an organisation,
    a membre sits in one of the contract's bodies."""
    if role in ROLES_AVEC_ORGANISATION and organisation is None:
        raise ErreurHabilitation(f"Le rôle « {role.label} » exige une organisation.")
    if role not in ROLES_AVEC_ORGANISATION and organisation is not None:
        raise ErreurHabilitation(f"Le rôle « {role.label} » ne se rattache à aucune organisation.")
    if (role == Role.MEMBRE) != (instance is not None) or (
        instance is not None and instance.contrat_id != contrat.pk
    ):
        raise ErreurHabilitation("Un membre siège dans une instance du contrat, et lui seul.")
    with transaction.atomic():
        habilitation, creee = Habilitation.objects.get_or_create(
            utilisateur=utilisateur,
            contrat=contrat,
            role=role,
            defaults={"organisation": organisation, "instance": instance},
        )
        if creee:
            consigner(
                "role.attribution",
                utilisateur=utilisateur.pk,
                contrat=contrat.slug,
                role=role.value,
                par=acteur.pk if acteur else None,
            )
            enregistrer_evenement(
                acteur=acteur,
                objet=habilitation,
                action=ActionContrat.HABILITATION_ATTRIBUTION,
                changements={
                    "rôle": role.value,
                    "organisation": str(organisation or ""),
                    "instance": str(instance or ""),
                },
            )
    return habilitation


class ErreurHabilitation(ValueError):
    pass


__all__ = ["ErreurChargement", "ErreurHabilitation", "attribuer_habilitation", "charger_contrat"]
