"""Who may read and act on programmation data: one place, used by views and services."""

from comptes.models import Role
from contrats.models import Organisation
from contrats.selectors import Droits, droits
from programmation.models import Dossier, Financement, LigneBudget, Statut


def financeurs_sollicites(dossier: Dossier) -> set[int]:
    """Organisations the dossier asks money from, in its budget or its instruction."""
    budget = LigneBudget.objects.filter(
        dossier=dossier, sens=LigneBudget.Sens.PRODUIT, financeur__isnull=False
    ).values_list("financeur_id", flat=True)
    instruits = Financement.objects.filter(dossier=dossier).values_list("financeur_id", flat=True)
    return set(budget) | set(instruits)


def est_porteur_du_dossier(d: Droits, dossier: Dossier) -> bool:
    return dossier.structure.organisation_id in d.organisations_pour(Role.PORTEUR)


def peut_transitionner(d: Droits, roles: frozenset[str], dossier: Dossier) -> bool:
    """Whether these rights hold one of a transition's roles *for this dossier*.

    A porteur acts only on its structure's dossiers, a financeur only on dossiers
    that ask its organisation; pilote and État act on every dossier of the contract.
    """
    if d.a(*(roles & {Role.PILOTE, Role.ETAT})):
        return True
    if Role.PORTEUR in roles and est_porteur_du_dossier(d, dossier):
        return True
    return Role.FINANCEUR in roles and bool(
        d.organisations_pour(Role.FINANCEUR) & financeurs_sollicites(dossier)
    )


def peut_lire_dossier(utilisateur, dossier: Dossier) -> bool:
    d = droits(utilisateur, dossier.appel.contrat)
    if d.a(Role.PILOTE, Role.ETAT) or est_porteur_du_dossier(d, dossier):
        return True
    if dossier.statut == Statut.BROUILLON:
        return False
    if d.a(Role.MEMBRE):
        return True
    return bool(d.organisations_pour(Role.FINANCEUR) & financeurs_sollicites(dossier))


def peut_modifier_dossier(utilisateur, dossier: Dossier) -> bool:
    d = droits(utilisateur, dossier.appel.contrat)
    return dossier.statut == Statut.BROUILLON and est_porteur_du_dossier(d, dossier)


def peut_instruire(d: Droits, financement: Financement) -> bool:
    """The financeur's own agents give its avis; the État and the commune through their roles."""
    if financement.financeur_id in d.organisations_pour(Role.FINANCEUR):
        return True
    type_financeur = financement.financeur.type
    if type_financeur == Organisation.Type.ETAT:
        return d.a(Role.ETAT)
    if type_financeur == Organisation.Type.COMMUNE:
        return d.a(Role.PILOTE)
    return False


def peut_donner_avis(utilisateur, financement: Financement) -> bool:
    return peut_instruire(droits(utilisateur, financement.dossier.appel.contrat), financement)


def peut_piloter(utilisateur, contrat) -> bool:
    return droits(utilisateur, contrat).a(Role.PILOTE, Role.ETAT)
