"""A contract created from the one of the previous generation.

The new contract takes over what outlives a generation: its territory (communes and
quartiers prioritaires), its signatories, its bodies, its platforms and dispositifs, its
transversal themes, its rules of modification and the people who pilot it (pilotes and
State agents). It does not take the cadre stratégique, the plan d'actions nor the
engagements: each generation sets its own (the 2024-2030 one, priorities set locally and
measurable engagements). The pilote then completes it, by the contract's data files or the
administration.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.actions import ActionContrat
from contrats.models import (
    REGLES_GENERATION,
    AxeTransversal,
    Contrat,
    Dispositif,
    Habilitation,
    Instance,
    PlateformeCollaborative,
    RegleModification,
    Signataire,
)
from historique.erreurs import DonneesInvalides
from historique.services import enregistrer_evenement

REFUS_CREATION = (
    "Seuls les pilotes du contrat créent le contrat de la génération suivante à partir de lui."
)


@dataclass(frozen=True)
class ContratSuivant:
    slug: str
    titre: str
    generation: str
    date_debut: date
    date_fin: date


def valeurs_proposees(precedent: Contrat, generation: str) -> dict[str, object]:
    """What the creation form offers for a generation: its years and its revoyure."""
    regle = REGLES_GENERATION[generation]
    debut = regle.premiere_annee or precedent.fin_effective.year + 1
    fin = regle.derniere_annee or debut + 5
    commune = precedent.communes.order_by("code_insee").first()
    nom = commune.nom if commune else precedent.titre
    return {
        "slug": f"{precedent.slug.rsplit('-', 2)[0]}-{debut}-{fin}",
        "titre": f"Contrat de ville de {nom} {debut}-{fin}",
        "date_debut": date(debut, 1, 1),
        "date_fin": date(fin, 12, 31),
    }


def _verifier(precedent: Contrat, suivant: ContratSuivant) -> None:
    regle = REGLES_GENERATION.get(suivant.generation)
    if regle is None:
        raise DonneesInvalides("Génération de contrat inconnue.")
    if Contrat.objects.filter(slug=suivant.slug).exists():
        raise DonneesInvalides(
            f"L'identifiant « {suivant.slug} » est déjà celui d'un autre contrat."
        )
    if suivant.date_fin < suivant.date_debut:
        raise DonneesInvalides("La fin du contrat ne peut pas précéder son début.")
    if suivant.date_debut <= precedent.date_debut:
        raise DonneesInvalides(
            f"Le nouveau contrat doit commencer après le début du contrat précédent "
            f"({precedent.date_debut:%d/%m/%Y})."
        )
    if regle.premiere_annee and not (
        regle.premiere_annee <= suivant.date_debut.year
        and suivant.date_fin.year <= (regle.derniere_annee or suivant.date_fin.year)
    ):
        raise DonneesInvalides(
            f"Un contrat de la génération « {suivant.generation} » court de "
            f"{regle.premiere_annee} à {regle.derniere_annee} : ajustez ses dates."
        )
    if precedent.suivants.filter(generation=suivant.generation).exists():
        raise DonneesInvalides(
            "Ce contrat a déjà un contrat de cette génération créé à partir de lui."
        )


def _date_de_revoyure(suivant: ContratSuivant) -> date | None:
    annee = REGLES_GENERATION[suivant.generation].annee_revoyure
    return date(annee, 6, 30) if annee else None


def creer_contrat_suivant(
    *, precedent: Contrat, suivant: ContratSuivant, acteur: Utilisateur
) -> Contrat:
    """Create the next generation's contract from `precedent`, in one transaction."""
    _verifier(precedent, suivant)
    with transaction.atomic():
        contrat = Contrat.objects.create(
            slug=suivant.slug,
            titre=suivant.titre,
            generation=suivant.generation,
            date_debut=suivant.date_debut,
            date_fin=suivant.date_fin,
            date_revoyure=_date_de_revoyure(suivant),
            precedent=precedent,
        )
        contrat.communes.set(precedent.communes.all())
        contrat.quartiers.set(precedent.quartiers.all())
        repris = {
            "signataires": _reprendre_signataires(precedent, contrat),
            "instances": _reprendre_instances(precedent, contrat),
            "plateformes": _reprendre(PlateformeCollaborative, precedent, contrat),
            "dispositifs": _reprendre(Dispositif, precedent, contrat),
            "axes transversaux": _reprendre(AxeTransversal, precedent, contrat),
            "règles de modification": _reprendre(RegleModification, precedent, contrat),
            "habilitations": _reprendre_pilotage(precedent, contrat),
        }
        enregistrer_evenement(
            acteur=acteur,
            objet=contrat,
            action=ActionContrat.CREATION_DEPUIS_PRECEDENT,
            changements={"contrat précédent": precedent.slug, **repris},
            motif=f"Créé à partir du {precedent.titre}",
        )
    return contrat


def _copier(objet, **remplacements):
    objet.pk = None
    objet._state.adding = True
    # The copy's relations start empty: the original's prefetched ones must not pass for them.
    objet.__dict__.pop("_prefetched_objects_cache", None)
    for nom, valeur in remplacements.items():
        setattr(objet, nom, valeur)
    objet.save()
    return objet


def _reprendre(modele, precedent: Contrat, contrat: Contrat) -> int:
    objets = list(modele.objects.filter(contrat=precedent))
    for objet in objets:
        _copier(objet, contrat=contrat)
    return len(objets)


def _reprendre_signataires(precedent: Contrat, contrat: Contrat) -> int:
    signataires = list(Signataire.objects.filter(contrat=precedent).order_by("ordre", "pk"))
    # Those who joined by avenant come last in the old list: the new one numbers them on.
    for ordre, signataire in enumerate(signataires, 1):
        _copier(signataire, contrat=contrat, ordre=ordre)
    return len(signataires)


def _reprendre_instances(precedent: Contrat, contrat: Contrat) -> int:
    instances = list(Instance.objects.filter(contrat=precedent).prefetch_related("organisations"))
    for instance in instances:
        organisations = list(instance.organisations.all())
        _copier(instance, contrat=contrat).organisations.set(organisations)
    return len(instances)


def _reprendre_pilotage(precedent: Contrat, contrat: Contrat) -> int:
    habilitations = Habilitation.objects.filter(
        contrat=precedent, role__in=[Role.PILOTE, Role.ETAT]
    )
    Habilitation.objects.bulk_create(
        Habilitation(utilisateur_id=h.utilisateur_id, contrat=contrat, role=h.role)
        for h in habilitations
    )
    return habilitations.count()
