"""Reads of the meetings: a meeting's whole page, who sits in a body on a day, and how many
meetings each body held each year against its minimum (Article 3 §1)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date as Date

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.urls import reverse

from contrats.extensions import SectionDePage
from contrats.models import Contrat, Engagement, Instance, Organisation
from gouvernance import extensions
from gouvernance.extensions import ObjetExaminable
from gouvernance.models import Decision, MembreInstance, PointOrdreDuJour, Presence, Seance
from historique.horloge import aujourdhui


def membres_en_fonction(instance: Instance, jour: Date) -> QuerySet[MembreInstance]:
    return (
        MembreInstance.objects.filter(instance=instance, date_debut__lte=jour)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .select_related("organisation")
    )


def quorum_atteint(seance: Seance) -> bool:
    """A body without a quorum decides whoever attends."""
    quorum = seance.instance.quorum
    if not quorum:
        return True
    presents = seance.presences.filter(
        etat__in=[Presence.Etat.PRESENT, Presence.Etat.REPRESENTE]
    ).count()
    return presents >= quorum


def seance_detail(pk: int) -> Seance:
    return get_object_or_404(Seance.objects.select_related("instance__contrat"), pk=pk)


@dataclass(frozen=True)
class LignePoint:
    point: PointOrdreDuJour
    url: str
    decisions: list[Decision]


def _objets_lies() -> GenericPrefetch:
    """The objects of agenda items and decisions, engagements with what their link reads."""
    return GenericPrefetch("objet", [Engagement.objects.select_related("section__contrat")])


def points_de_seance(seance: Seance) -> list[LignePoint]:
    points = seance.points.prefetch_related(
        _objets_lies(), Prefetch("decisions", queryset=Decision.objects.order_by("id"))
    )
    return [
        LignePoint(p, extensions.lien_de(p.objet) if p.objet else "", list(p.decisions.all()))
        for p in points
    ]


def decisions_hors_points(seance: Seance) -> QuerySet[Decision]:
    """Decisions taken on objects directly (a committee's list of dossiers)."""
    return seance.decisions.filter(point__isnull=True).order_by("id")


@dataclass(frozen=True)
class LignePresence:
    membre: MembreInstance
    etat: str
    etat_libelle: str
    represente_par: str


def presences_de_seance(seance: Seance) -> list[LignePresence]:
    """Every member in office that day, with their recorded attendance (or none yet)."""
    enregistrees = {p.membre_id: p for p in seance.presences.all()}
    lignes = []
    for membre in membres_en_fonction(seance.instance, seance.date):
        presence = enregistrees.get(membre.pk)
        lignes.append(
            LignePresence(
                membre,
                presence.etat if presence else "",
                presence.get_etat_display() if presence else "Non renseignée",
                presence.represente_par if presence else "",
            )
        )
    return lignes


def decompte_des_presences(seance: Seance) -> dict[str, int]:
    nombres = Counter(seance.presences.values_list("etat", flat=True))
    return {libelle: nombres.get(code, 0) for code, libelle in Presence.Etat.choices}


def points_possibles(seance: Seance) -> dict[str, list[ObjetExaminable]]:
    """What the agenda builder offers, by group: the later apps' objects (dossiers, bilans,
    evaluations…) and the contract's engagements, minus what is already on the agenda."""
    deja = set(seance.points.exclude(content_type=None).values_list("content_type_id", "object_id"))
    offerts = extensions.objets_examinables(seance.instance, seance) + _engagements(seance)
    groupes: dict[str, list[ObjetExaminable]] = {}
    for objet in offerts:
        cle = (_type_id(objet.objet), str(objet.objet.pk))
        if cle not in deja:
            groupes.setdefault(objet.groupe, []).append(objet)
    return groupes


def _type_id(objet) -> int:
    return ContentType.objects.get_for_model(objet).pk


def _engagements(seance: Seance) -> list[ObjetExaminable]:
    """The COPIL technique checks the parties keep their commitments (Article 3 §1.2)."""
    if seance.instance.nature != Instance.Nature.COPIL_TECHNIQUE:
        return []
    engagements = Engagement.objects.filter(
        section__contrat=seance.instance.contrat
    ).select_related("section")
    return [
        ObjetExaminable("Engagements des signataires", e, f"{e.section.numero} · {e}")
        for e in engagements
    ]


# ---------------------------------------------------------------- frequency compliance


@dataclass(frozen=True)
class Frequence:
    annee: int
    tenues: int
    minimum: int | None
    en_cours: bool  # the year is not over yet

    @property
    def en_retard(self) -> bool:
        return self.minimum is not None and self.tenues < self.minimum and not self.en_cours

    @property
    def manquantes(self) -> int:
        return max((self.minimum or 0) - self.tenues, 0)


@dataclass(frozen=True)
class FrequenceInstance:
    instance: Instance
    annees: list[Frequence]

    @property
    def annees_en_retard(self) -> list[int]:
        return [f.annee for f in self.annees if f.en_retard]

    @property
    def tenues_par_annee(self) -> dict[str, int]:
        return {str(f.annee): f.tenues for f in self.annees}

    @property
    def url(self) -> str:
        """The body's page; the conseil citoyen's has its colleges and charter."""
        return url_de_l_instance(self.instance)


def url_de_l_instance(instance: Instance) -> str:
    if instance.nature == Instance.Nature.CONSEIL_CITOYEN:
        return reverse("gouvernance:conseil_citoyen", args=[instance.contrat.slug])
    return reverse("gouvernance:instance", args=[instance.contrat.slug, instance.code])


def annees_du_contrat(contrat: Contrat) -> list[int]:
    """The years the contract states, and those of its prolongation as far as they came."""
    derniere = min(contrat.fin_effective.year, max(contrat.date_fin.year, aujourdhui().year))
    return list(range(contrat.date_debut.year, derniere + 1))


def frequences(contrat: Contrat) -> list[FrequenceInstance]:
    """Meetings held per body and year against the contract's minimum, in two queries."""
    instances = list(contrat.instances.select_related("contrat").order_by("ordre"))
    comptes = {
        (ligne["instance"], ligne["annee"]): ligne["n"]
        for ligne in Seance.objects.filter(instance__contrat=contrat, statut=Seance.Statut.TENUE)
        .annotate(annee=ExtractYear("date"))
        .values("instance", "annee")
        .annotate(n=Count("pk"))
    }
    annee_courante = aujourdhui().year
    return [
        FrequenceInstance(
            instance,
            [
                Frequence(
                    annee,
                    comptes.get((instance.pk, annee), 0),
                    instance.reunions_min_par_an,
                    annee >= annee_courante,
                )
                for annee in annees_du_contrat(contrat)
            ],
        )
        for instance in instances
    ]


@dataclass(frozen=True)
class RetardInstance:
    instance: Instance
    annees: list[Frequence]


def instances_en_retard(contrat: Contrat) -> list[RetardInstance]:
    """The bodies with a minimum that held fewer meetings than it in some past year."""
    retards = []
    for ligne in frequences(contrat):
        annees = [f for f in ligne.annees if f.en_retard]
        if annees:
            retards.append(RetardInstance(ligne.instance, annees))
    return retards


def seances_a_venir(seances: QuerySet[Seance]) -> QuerySet[Seance]:
    return seances.filter(
        date__gte=aujourdhui(), statut__in=[Seance.Statut.PREVUE, Seance.Statut.CONVOQUEE]
    ).order_by("date", "heure_debut")


# ---------------------------------------------------------------- a meeting's page


@dataclass(frozen=True)
class DecisionDirecte:
    decision: Decision
    url: str


@dataclass(frozen=True)
class PageSeance:
    seance: Seance
    points: list[LignePoint]
    decisions_directes: list[DecisionDirecte]
    presences: list[LignePresence]
    decompte: dict[str, int]
    documents: list
    quorum_atteint: bool
    nb_decisions: int


def page_seance(seance: Seance) -> PageSeance:
    """All a meeting's page shows, read once: agenda, decisions, attendance, documents."""
    directes = list(
        decisions_hors_points(seance).prefetch_related(_objets_lies()).select_related("acteur")
    )
    points = points_de_seance(seance)
    return PageSeance(
        seance=seance,
        points=points,
        decisions_directes=[
            DecisionDirecte(d, extensions.lien_de(d.objet) if d.objet else "") for d in directes
        ],
        presences=presences_de_seance(seance),
        decompte=decompte_des_presences(seance),
        documents=list(seance.documents.select_related("ajoute_par")),
        quorum_atteint=quorum_atteint(seance),
        nb_decisions=len(directes) + sum(len(p.decisions) for p in points),
    )


def seances_du_contrat(seances: QuerySet[Seance]) -> QuerySet[Seance]:
    """The meetings of a list, most recent first, with what their line shows."""
    return seances.select_related("instance").annotate(
        nb_points=Count("points", distinct=True), nb_decisions=Count("decisions", distinct=True)
    )


def objet_examinable(seance: Seance, cle: str) -> ObjetExaminable | None:
    """The object the agenda builder offered under `cle` ("content type id:object id")."""
    for groupe in points_possibles(seance).values():
        for objet in groupe:
            if cle_de(objet) == cle:
                return objet
    return None


def cle_de(objet: ObjetExaminable) -> str:
    return f"{_type_id(objet.objet)}:{objet.objet.pk}"


def choix_de_points(seance: Seance) -> list[tuple[str, list[tuple[str, str]]]]:
    """The agenda builder's options, by group: (key, label) pairs for a select."""
    return [
        (groupe, [(cle_de(o), o.libelle) for o in objets])
        for groupe, objets in points_possibles(seance).items()
    ]


@dataclass(frozen=True)
class ActionsSeance:
    """What the pilotage may do on the meeting now, for the page's buttons (the services
    check again)."""

    composer: bool = False
    convoquer: bool = False
    tenir: bool = False
    annuler: bool = False
    presences: bool = False
    decider: bool = False
    publier: bool = False


def actions_possibles(seance: Seance, pilote: bool) -> ActionsSeance:
    if not pilote:
        return ActionsSeance()
    a_venir = seance.statut in (Seance.Statut.PREVUE, Seance.Statut.CONVOQUEE)
    passee = seance.date <= aujourdhui()
    decidable = seance.tenue and seance.releve_publie_le is None
    return ActionsSeance(
        composer=a_venir,
        convoquer=a_venir and seance.date >= aujourdhui(),
        tenir=a_venir and passee,
        annuler=a_venir,
        presences=seance.statut != Seance.Statut.ANNULEE and passee,
        decider=decidable,
        publier=decidable and seance.decisions.exists(),
    )


def section_des_frequences(contrat: Contrat) -> SectionDePage:
    """The block of the contract's governance page: meetings held against the minimum."""
    return SectionDePage(
        "gouvernance/_frequences.html",
        {"contrat": contrat, "lignes": frequences(contrat), "annees": annees_du_contrat(contrat)},
    )


# ---------------------------------------------------------------- a body and its members


@dataclass(frozen=True)
class PageInstance:
    instance: Instance
    jour: Date
    en_fonction: list[MembreInstance]
    anciens: list[MembreInstance]
    tenues_par_annee: list[Frequence]
    organisations: list[tuple[int, str]]  # what the form offers to add (gestion only)
    gestion: bool

    @property
    def est_conseil_citoyen(self) -> bool:
        return self.instance.nature == Instance.Nature.CONSEIL_CITOYEN


def organisations_pour_l_instance(instance: Instance) -> QuerySet[Organisation]:
    """Who may sit for an organisation: the contract's signatories and the organisations
    the contract names in the body."""
    return Organisation.objects.filter(
        Q(signatures__contrat=instance.contrat_id) | Q(instances=instance)
    ).distinct()


def instance_du_contrat(contrat: Contrat, code: str) -> Instance:
    return get_object_or_404(contrat.instances.select_related("contrat"), code=code)


def page_de_l_instance(instance: Instance, gestion: bool) -> PageInstance:
    """A body of Article 3 §1: who sits in it today and who sat before, the meetings it
    held each year against its minimum, and for the pilotage the organisations it may add."""
    jour = aujourdhui()
    membres = list(
        MembreInstance.objects.filter(instance=instance)
        .select_related("organisation")
        .order_by("role", "organisation__nom", "nom", "date_debut")
    )
    en_fonction = [m for m in membres if m.date_debut <= jour and (m.date_fin or jour) >= jour]
    ligne = next(f for f in frequences(instance.contrat) if f.instance.pk == instance.pk)
    organisations = []
    if gestion:
        organisations = list(
            organisations_pour_l_instance(instance).values_list("pk", "nom").order_by("nom")
        )
    return PageInstance(
        instance=instance,
        jour=jour,
        en_fonction=en_fonction,
        anciens=[m for m in membres if m not in en_fonction],
        tenues_par_annee=ligne.annees,
        organisations=organisations,
        gestion=gestion,
    )
