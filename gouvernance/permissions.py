"""Who may read and act on the meetings of the contract's bodies: the only module of this
app that looks at roles. The predicate and the queryset of each rule sit side by side.

The pilotage (the commune's project team and the State, Article 3 §1) convenes, records
and decides. A body's meetings are read by the pilotage, by the membres who sit in that
body and by the agents of the organisations that sit in it. A membre reads only what the
bodies they sit in examine (`filtre_examines_par`).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Instance
from contrats.selectors import Droits, droits
from gouvernance.models import Decision, DocumentSeance, PointOrdreDuJour, Seance

Qui = Utilisateur | Droits


def droits_de(qui: Qui, contrat: Contrat) -> Droits:
    return qui if isinstance(qui, Droits) else droits(qui, contrat)


def peut_convoquer(qui: Qui, contrat: Contrat) -> bool:
    """Only the pilotage convenes the bodies, records their meetings and their decisions."""
    return droits_de(qui, contrat).a(Role.PILOTE, Role.ETAT)


def _siege_dans(d: Droits, instance: Instance) -> bool:
    if instance.pk in d.instances:
        return True
    financeurs = d.organisations_pour(Role.FINANCEUR)
    return bool(financeurs) and instance.organisations.filter(pk__in=financeurs).exists()


def peut_lire_seance(qui: Qui, seance: Seance) -> bool:
    d = droits_de(qui, seance.instance.contrat)
    return d.a(Role.PILOTE, Role.ETAT) or _siege_dans(d, seance.instance)


def seances_lisibles(qui: Qui, contrat: Contrat) -> QuerySet[Seance]:
    """The contract's meetings this person may read: the same rule as peut_lire_seance."""
    d = droits_de(qui, contrat)
    seances = Seance.objects.filter(instance__contrat=contrat)
    if d.a(Role.PILOTE, Role.ETAT):
        return seances
    siege = Q(instance__in=d.instances) | Q(
        instance__organisations__in=d.organisations_pour(Role.FINANCEUR)
    )
    return seances.filter(pk__in=seances.filter(siege).values("pk"))


def voit_les_seances(qui: Qui, contrat: Contrat) -> bool:
    """Whether the meetings' pages have anything for this person."""
    d = droits_de(qui, contrat)
    return d.a(Role.PILOTE, Role.ETAT, Role.MEMBRE, Role.FINANCEUR)


def peut_lire_document(qui: Qui, document: DocumentSeance) -> bool:
    return peut_lire_seance(qui, document.seance)


def seances_publiques(contrat: Contrat) -> QuerySet[Seance]:
    """What the public calendar shows: every meeting once convened (held, cancelled too)."""
    return Seance.objects.filter(instance__contrat=contrat).exclude(statut=Seance.Statut.PREVUE)


def filtre_examines_par(instances: frozenset[int], modele: type[models.Model]) -> Q:
    """The objects of `modele` that a meeting of these bodies put on its agenda or decided
    on, as a filter on that model: what their membres may read."""
    type_ = ContentType.objects.get_for_model(modele)
    filtre = Q()
    for lien in (PointOrdreDuJour, Decision):
        ids = (
            lien.objects.filter(content_type=type_, seance__instance__in=instances)
            .annotate(id_objet=Cast("object_id", models.BigIntegerField()))
            .values("id_objet")
        )
        filtre |= Q(pk__in=ids)
    return filtre


def est_examine_par(instances: frozenset[int], objet: models.Model) -> bool:
    type_ = ContentType.objects.get_for_model(objet)
    lien = Q(content_type=type_, object_id=str(objet.pk), seance__instance__in=instances)
    return PointOrdreDuJour.objects.filter(lien).exists() or Decision.objects.filter(lien).exists()


def peut_gerer_les_membres(qui: Qui, contrat: Contrat) -> bool:
    """Who records the members of the bodies (the conseil citoyen's colleges, the end of a
    mandate) and the conseil citoyen's charter: the pilotage, as for the meetings."""
    return peut_convoquer(qui, contrat)
