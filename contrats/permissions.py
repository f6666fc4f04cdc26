"""Who may act on a contract's own data: one place, read by views and services."""

from collections.abc import Iterable

from django.db.models import QuerySet

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Organisation
from contrats.selectors import droits


def peut_gerer_equipe(utilisateur, contrat: Contrat) -> bool:
    """Only the contract's pilotes invite people and change or revoke their roles."""
    return droits(utilisateur, contrat).a(Role.PILOTE)


def peut_importer_observations(utilisateur, contrat: Contrat) -> bool:
    """The contract's pilotes and State agents import the observations of its territories.

    Everyone, without an account, reads the series they feed (like the diagnostic).
    """
    return droits(utilisateur, contrat).a(Role.PILOTE, Role.ETAT)


def peut_creer_contrat_suivant(utilisateur, precedent: Contrat) -> bool:
    """The pilotes of a contract create the next generation's contract from it."""
    return droits(utilisateur, precedent).a(Role.PILOTE)


# ---------------------------------------------------------------- avenants (Articles 4 and 5)
#
# A contract's avenants and versions are public acts: everyone reads them, without an
# account. The pilotage (the town's project team and the State) proposes an avenant, opens
# the gathering of the accords and records the letter of any organisation whose accord is
# required; a financeur's agent records only the letter of his own organisation.


def peut_proposer_avenant(utilisateur, contrat: Contrat) -> bool:
    return droits(utilisateur, contrat).a(Role.PILOTE, Role.ETAT)


def peut_ouvrir_le_recueil(utilisateur, contrat: Contrat) -> bool:
    return droits(utilisateur, contrat).a(Role.PILOTE, Role.ETAT)


def organisations_representees(utilisateur, contrat: Contrat) -> frozenset[int] | None:
    """The organisations whose accord this person may record: None means any of them (the
    pilotage); otherwise those a financeur acts for (often none)."""
    d = droits(utilisateur, contrat)
    if d.a(Role.PILOTE, Role.ETAT):
        return None
    return d.organisations_pour(Role.FINANCEUR)


def peut_enregistrer_des_accords(utilisateur, contrat: Contrat) -> bool:
    """Whether this person records any accord at all in the contract."""
    representees = organisations_representees(utilisateur, contrat)
    return representees is None or bool(representees)


def peut_enregistrer_accord(utilisateur, contrat: Contrat, organisation: Organisation) -> bool:
    representees = organisations_representees(utilisateur, contrat)
    return representees is None or organisation.pk in representees


def agents_des_organisations(
    contrat: Contrat, organisations: Iterable[Organisation]
) -> QuerySet[Utilisateur]:
    """The contract's financeur agents of these organisations: who is told of a change."""
    return (
        Utilisateur.objects.filter(
            habilitations__contrat=contrat,
            habilitations__role=Role.FINANCEUR,
            habilitations__organisation__in=list(organisations),
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
    )
