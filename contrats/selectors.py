"""Reads of contract data for pages and the API, with their queries counted."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from contrats.models import (
    Articulation,
    AxeTransversal,
    Contrat,
    Domaine,
    FicheAction,
    Habilitation,
    Instance,
    LignePlan,
    ObjectifOperationnel,
    Pilier,
    ProjetDeQuartier,
    SectionEngagements,
    Signataire,
)
from territoires.nombres import en_lettres


def cle_numero(numero: str) -> tuple[int, ...]:
    """Sort key so that 4.1.10 comes after 4.1.9."""
    return tuple(int(part) for part in numero.split("."))


def contrats_publies() -> QuerySet[Contrat]:
    return Contrat.objects.prefetch_related("quartiers", "communes").order_by("-date_debut")


def contrat_par_slug(slug: str) -> Contrat:
    return get_object_or_404(Contrat, slug=slug)


@dataclass(frozen=True)
class ChiffresCles:
    piliers: int
    objectifs: int
    actions: int
    signataires: int
    partenaires: int
    engagements: int
    instances: int


def chiffres_cles(contrat: Contrat) -> ChiffresCles:
    return ChiffresCles(
        piliers=contrat.piliers.count(),
        objectifs=ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).count(),
        actions=FicheAction.objects.filter(ligne__contrat=contrat).count(),
        signataires=contrat.signataires.count(),
        partenaires=contrat.signataires.filter(role=Signataire.Role.PARTENAIRE).count(),
        engagements=SectionEngagements.objects.filter(contrat=contrat).aggregate(
            n=Count("engagements")
        )["n"],
        instances=contrat.instances.count(),
    )


def parties(contrat: Contrat) -> QuerySet[Signataire]:
    return contrat.signataires.filter(role=Signataire.Role.PARTIE).select_related("organisation")


def cadre_strategique(contrat: Contrat) -> QuerySet[Pilier]:
    """Pillars with their domains, orientations and objectives in four queries."""
    return contrat.piliers.prefetch_related(
        Prefetch(
            "domaines",
            queryset=Domaine.objects.prefetch_related("orientations", "objectifs"),
        )
    )


@dataclass(frozen=True)
class PresentationCadre:
    """How the cadre stratégique page names its levels, as the contract's generation does."""

    resume: str
    titre_axes: str
    niveau: str  # "Pilier" or "Priorité locale", before a level's number


def presentation_du_cadre(contrat: Contrat, axes: int, niveaux: int) -> PresentationCadre:
    regle = contrat.regle
    pluriel = regle.niveau_pluriel if niveaux > 1 else regle.niveau
    resume = (
        f"{en_lettres(axes, feminin=True).capitalize()} thématiques transversales et "
        f"{en_lettres(niveaux, feminin=regle.priorites_locales)} {pluriel}"
    )
    if not niveaux:
        resume = (
            f"{en_lettres(axes, feminin=True).capitalize()} thématiques transversales ; les "
            f"{regle.niveau_pluriel} du contrat restent à fixer."
        )
    elif regle.priorites_locales:
        resume = (
            f"{resume} fixées localement, déclinées en domaines et objectifs "
            "opérationnels, et le projet de chaque quartier prioritaire."
        )
    else:
        resume = (
            f"{resume}, déclinés en domaines, orientations stratégiques et objectifs "
            "opérationnels numérotés comme dans le contrat."
        )
    if regle.priorites_locales:
        return PresentationCadre(
            resume=resume,
            titre_axes="Thématiques transversales",
            niveau=regle.niveau.capitalize(),
        )
    return PresentationCadre(
        resume=resume,
        titre_axes="1. Thématiques transversales",
        niveau="",
    )


def projets_de_quartier(contrat: Contrat) -> list[ProjetDeQuartier]:
    # Only the generations that have projets de quartier pay for the query.
    if not contrat.regle.projet_de_quartier_par_qpv:
        return []
    return list(
        contrat.projets_de_quartier.select_related("quartier").prefetch_related("priorites")
    )


def contrats_de_la_lignee(contrat: Contrat) -> dict[str, object]:
    """The contract it was created from and those created from it, for the overview."""
    return {
        "precedent": contrat.precedent,
        "suivants": list(contrat.suivants.order_by("date_debut")),
    }


def axes_transversaux(contrat: Contrat) -> QuerySet[AxeTransversal]:
    return contrat.axes.all()


def objectif(contrat: Contrat, numero: str) -> ObjectifOperationnel:
    return get_object_or_404(
        ObjectifOperationnel.objects.select_related("domaine__pilier").prefetch_related(
            "domaine__orientations"
        ),
        domaine__pilier__contrat=contrat,
        numero=numero,
    )


def objectifs_voisins(
    objectif: ObjectifOperationnel,
) -> tuple[ObjectifOperationnel | None, ObjectifOperationnel | None]:
    """The objectives before and after this one, in the contract's numbering order."""
    tous = sorted(
        ObjectifOperationnel.objects.filter(
            domaine__pilier__contrat=objectif.domaine.pilier.contrat_id
        ).only("numero", "intitule"),
        key=lambda o: cle_numero(o.numero),
    )
    rang = next(i for i, o in enumerate(tous) if o.pk == objectif.pk)
    precedent = tous[rang - 1] if rang > 0 else None
    suivant = tous[rang + 1] if rang + 1 < len(tous) else None
    return precedent, suivant


def actions_de_l_objectif(objectif: ObjectifOperationnel) -> QuerySet[FicheAction]:
    return FicheAction.objects.filter(ligne__objectifs_operationnels=objectif).select_related(
        "ligne"
    )


def axe(contrat: Contrat, numero: str) -> AxeTransversal:
    return get_object_or_404(AxeTransversal, contrat=contrat, numero=numero)


@dataclass(frozen=True)
class FiltresPlan:
    pilier: str = ""
    domaine: str = ""
    objectif: str = ""


def actions_du_plan(contrat: Contrat, filtres: FiltresPlan) -> QuerySet[FicheAction]:
    actions = FicheAction.objects.filter(ligne__contrat=contrat)
    if filtres.pilier:
        actions = actions.filter(ligne__pilier__numero=filtres.pilier)
    if filtres.domaine:
        actions = actions.filter(ligne__domaine__numero=filtres.domaine)
    if filtres.objectif:
        actions = actions.filter(ligne__objectifs_operationnels__numero=filtres.objectif)
    return (
        actions.select_related("ligne__pilier", "ligne__domaine")
        .prefetch_related(
            Prefetch(
                "ligne__objectifs_operationnels",
                queryset=ObjectifOperationnel.objects.only("numero", "intitule", "domaine_id"),
            )
        )
        .order_by("ligne__ordre", "ordre")
    )


def lignes_du_plan(contrat: Contrat) -> QuerySet[LignePlan]:
    return contrat.lignes_plan.select_related("pilier", "domaine").prefetch_related(
        "actions", "objectifs_operationnels"
    )


def signataires(contrat: Contrat) -> QuerySet[Signataire]:
    return contrat.signataires.select_related("organisation")


def sections_engagements(contrat: Contrat) -> QuerySet[SectionEngagements]:
    return contrat.sections_engagements.prefetch_related("organisations").annotate(
        nombre_engagements=Count("engagements")
    )


def section_engagements(contrat: Contrat, numero: str) -> SectionEngagements:
    return get_object_or_404(
        SectionEngagements.objects.prefetch_related("organisations", "engagements"),
        contrat=contrat,
        numero=numero,
    )


def instances(contrat: Contrat) -> QuerySet[Instance]:
    return contrat.instances.prefetch_related("organisations")


def articulations(contrat: Contrat) -> QuerySet[Articulation]:
    return contrat.articulations.prefetch_related("mesures__dispositifs")


@dataclass(frozen=True)
class Droits:
    """The roles one person holds in one contract, for which organisations, and, for a
    membre, the body they sit in."""

    roles: frozenset[str]
    organisations: dict[str, frozenset[int]]
    instances: frozenset[int] = frozenset()

    def a(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def organisations_pour(self, role: str) -> frozenset[int]:
        return self.organisations.get(role, frozenset())


def droits(utilisateur, contrat: Contrat) -> Droits:
    if not getattr(utilisateur, "is_authenticated", False):
        return Droits(frozenset(), {})
    habilitations = list(
        Habilitation.objects.filter(utilisateur=utilisateur, contrat=contrat).values_list(
            "role", "organisation_id", "instance_id"
        )
    )
    organisations: dict[str, set[int]] = {}
    for role, organisation, _ in habilitations:
        if organisation is not None:
            organisations.setdefault(role, set()).add(organisation)
    return Droits(
        frozenset(role for role, _, _ in habilitations),
        {role: frozenset(ids) for role, ids in organisations.items()},
        frozenset(instance for _, _, instance in habilitations if instance is not None),
    )


def premiere_personne(contrat: Contrat, role: str, **filtres):
    """The first person named to a role in the contract (the demos act through them)."""
    habilitation = (
        Habilitation.objects.filter(contrat=contrat, role=role, **filtres)
        .select_related("utilisateur")
        .order_by("pk")
        .first()
    )
    return habilitation.utilisateur if habilitation else None
