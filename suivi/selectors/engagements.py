"""Reads behind the pages of the signatories' engagements follow-up, prepared for
templates: the summary table (signatories × years, counts by statut) and its exports, and
each signatory's page (its engagements by section, their follow-up year by year).

Every read runs a fixed number of queries whatever the number of engagements and
follow-ups: counts are grouped in the database, follow-ups and their dossiers are read in
one go. Who may see what is asked of suivi.permissions; nothing here looks at a role.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from contrats.models import Contrat, Engagement, Instance, Organisation, Signataire
from contrats.selectors import Droits, cle_numero, droits
from gouvernance.models import Seance
from historique.horloge import aujourdhui
from programmation import permissions as programmation
from programmation.etats import STATUTS_PROGRAMMES
from programmation.exports import FORMATS, Colonne
from programmation.models import Dossier
from programmation.selectors.espace import Tache
from suivi import permissions
from suivi.models import PropositionSuivi, StatutEngagement, SuiviEngagement
from suivi.selectors.tableau_de_bord import LienExport
from suivi.services.evaluations import annees_du_contrat
from territoires.nombres import nombre_lisible

Statut = StatutEngagement
Proposition = PropositionSuivi
BADGES = {
    Statut.PAS_COMMENCE: "fr-badge--new",
    Statut.EN_COURS: "fr-badge--info",
    Statut.TENU: "fr-badge--success",
    Statut.NON_TENU: "fr-badge--error",
    Statut.SANS_OBJET: "",
}
BADGES_PROPOSITION = {
    Proposition.BROUILLON: "",
    Proposition.PROPOSE: "fr-badge--info",
    Proposition.VALIDE: "fr-badge--success",
    Proposition.A_REVOIR: "fr-badge--warning",
}
# How a count of follow-ups reads in a cell: "1 tenu", "3 tenus", "2 en cours".
PLURIELS = {
    Statut.PAS_COMMENCE: ("pas commencé", "pas commencés"),
    Statut.EN_COURS: ("en cours", "en cours"),
    Statut.TENU: ("tenu", "tenus"),
    Statut.NON_TENU: ("non tenu", "non tenus"),
    Statut.SANS_OBJET: ("sans objet", "sans objet"),
}
TITRE_EXPORT = "Suivi des engagements"


def _jour(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


def _compte(nombre: int, singulier: str, pluriel: str) -> str:
    return f"{nombre} {singulier if nombre == 1 else pluriel}"


def url_tableau(contrat: Contrat) -> str:
    return reverse("suivi:suivi_engagements", args=[contrat.slug])


def url_signataire(contrat: Contrat, code: str, annee: int | None = None, ancre: str = "") -> str:
    url = reverse("suivi:suivi_engagements_signataire", args=[contrat.slug, code])
    if annee is not None:
        url += f"?annee={annee}"
    return f"{url}#{ancre}" if ancre else url


def organisations_engagees(contrat: Contrat) -> QuerySet[Organisation]:
    """The organisations of the contract's sections of engagements, in the order of the
    contract's signatories."""
    rang = Signataire.objects.filter(contrat=contrat, organisation=OuterRef("pk")).values("ordre")
    return (
        Organisation.objects.filter(sections_engagements__contrat=contrat)
        .distinct()
        .annotate(rang=Coalesce(Subquery(rang[:1]), 10_000))
        .order_by("rang", "nom")
    )


def organisation_engagee(contrat: Contrat, code: str) -> Organisation:
    return get_object_or_404(organisations_engagees(contrat), code=code)


def engagement_du_contrat(contrat: Contrat, pk: int) -> Engagement:
    return get_object_or_404(
        Engagement.objects.select_related("section__contrat"), pk=pk, section__contrat=contrat
    )


def suivi_du_contrat(contrat: Contrat, pk: int) -> SuiviEngagement:
    return get_object_or_404(
        SuiviEngagement.objects.select_related("engagement__section__contrat"),
        pk=pk,
        engagement__section__contrat=contrat,
    )


def signataire_de_la_page(contrat: Contrat, engagement: Engagement, code: str) -> Organisation:
    """The signatory whose page a form on the engagement came from, else its section's
    first one."""
    signataires = organisations_engagees(contrat).filter(sections_engagements=engagement.section_id)
    return signataires.filter(code=code).first() or signataires.first()


def annees(contrat: Contrat) -> list[int]:
    return list(annees_du_contrat(contrat))


def annee_de_saisie(contrat: Contrat, annee: int | None) -> int | None:
    """The year whose follow-up the forms propose: the one asked, else the last year of
    the contract already begun; None before the contract begins."""
    commencees = [a for a in annees_du_contrat(contrat) if a <= aujourdhui().year]
    if annee is not None:
        return annee if annee in commencees else None
    return commencees[-1] if commencees else None


def _libelle_dossier(dossier: Dossier) -> str:
    return f"{dossier.numero} · {dossier.intitule}"


def choix_dossiers(contrat: Contrat, annee: int | None) -> list[tuple[int, str]]:
    """What a follow-up of `annee` is offered to cite: the funded dossiers of that year's
    call (read once for every form of the page)."""
    return [
        (dossier.pk, _libelle_dossier(dossier))
        for dossier in Dossier.objects.filter(
            appel__contrat=contrat, appel__annee=annee, statut__in=STATUTS_PROGRAMMES
        ).order_by("numero")
    ]


def dossiers_choisis(pks: list[int]) -> list[Dossier]:
    """The dossiers a form names (the service checks they may serve as evidence)."""
    return list(Dossier.objects.filter(pk__in=pks).select_related("appel").order_by("numero"))


def seances_du_copil_technique(contrat: Contrat) -> QuerySet[Seance]:
    """The séances a review may be recorded at: the COPIL technique's, held by today."""
    return Seance.objects.filter(
        instance__contrat=contrat,
        instance__nature=Instance.Nature.COPIL_TECHNIQUE,
        date__lte=aujourdhui(),
    ).order_by("-date", "-pk")


def choix_seances(contrat: Contrat) -> list[tuple[int, str]]:
    return [
        (seance.pk, f"{seance.date:%d/%m/%Y} · {seance.titre}")
        for seance in seances_du_copil_technique(contrat)
    ]


def seance_choisie(pk: int | None) -> Seance | None:
    """The séance a review names (the service checks it is the COPIL technique's)."""
    if pk is None:
        return None
    return Seance.objects.select_related("instance").filter(pk=pk).first()


# ---------------------------------------------------------------- the summary table


@dataclass(frozen=True)
class Cellule:
    annee: int
    comptes: dict[str, int]
    engagements: int
    non_valides: int
    url: str
    complet: bool  # whether the counts hold every follow-up, or the validated ones only

    @property
    def suivis(self) -> int:
        return sum(self.comptes.values())

    @property
    def sans_suivi(self) -> int:
        return self.engagements - self.suivis

    @property
    def texte(self) -> str:
        parties = [
            _compte(self.comptes[statut], *PLURIELS[statut])
            for statut in Statut
            if self.comptes.get(statut)
        ]
        return " · ".join(parties) or "Aucun suivi"

    @property
    def details(self) -> str:
        """What the counts leave out: the engagements without a follow-up, the follow-ups
        not validated yet (read only by those who read every follow-up)."""
        parties = []
        if self.sans_suivi and self.suivis:
            sans = "sans suivi" if self.complet else "sans suivi validé"
            parties.append(_compte(self.sans_suivi, sans, sans))
        if self.non_valides:
            parties.append(f"dont {_compte(self.non_valides, 'non validé', 'non validés')}")
        return " · ".join(parties)


@dataclass(frozen=True)
class LigneSignataire:
    code: str
    nom: str
    engagements: int
    url: str
    cellules: list[Cellule]


@dataclass(frozen=True)
class TableauSuivis:
    annees: list[int]
    lignes: list[LigneSignataire]
    complet: bool  # whether the reader reads every follow-up, or the validated ones only
    exports: list[LienExport]

    @property
    def lignes_export(self) -> list[tuple[LigneSignataire, Cellule]]:
        return [(ligne, cellule) for ligne in self.lignes for cellule in ligne.cellules]


def tableau_des_suivis(qui, contrat: Contrat) -> TableauSuivis:
    d = programmation.droits_de(qui, contrat)
    complet = permissions.lit_tous_les_suivis_engagements(d, contrat)
    colonnes = annees(contrat)
    engagements = dict(
        Engagement.objects.filter(section__contrat=contrat)
        .values("section__organisations")
        .annotate(n=Count("pk"))
        .values_list("section__organisations", "n")
    )
    comptes: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    non_valides: dict[tuple[int, int], int] = defaultdict(int)
    for organisation, annee, statut, n, a_valider in (
        permissions.suivis_engagements_lisibles(d, contrat)
        .values("engagement__section__organisations", "annee", "statut")
        .annotate(n=Count("pk"), a_valider=Count("pk", filter=~Q(proposition=Proposition.VALIDE)))
        .values_list("engagement__section__organisations", "annee", "statut", "n", "a_valider")
    ):
        comptes[organisation, annee][statut] = n
        non_valides[organisation, annee] += a_valider
    lignes = [
        LigneSignataire(
            code=organisation.code,
            nom=organisation.nom,
            engagements=engagements.get(organisation.pk, 0),
            url=url_signataire(contrat, organisation.code),
            cellules=[
                Cellule(
                    annee=annee,
                    comptes=comptes.get((organisation.pk, annee), {}),
                    engagements=engagements.get(organisation.pk, 0),
                    non_valides=non_valides.get((organisation.pk, annee), 0),
                    url=url_signataire(contrat, organisation.code, annee),
                    complet=complet,
                )
                for annee in colonnes
            ],
        )
        for organisation in organisations_engagees(contrat)
    ]
    exports = [
        LienExport(format, reverse("suivi:suivi_engagements_export", args=[contrat.slug, format]))
        for format in FORMATS
    ]
    return TableauSuivis(colonnes, lignes, complet, exports)


def colonnes_export(tableau: TableauSuivis) -> tuple[Colonne, ...]:
    """One row per signatory and year; numbers stay numbers. The follow-ups not validated
    yet are counted for those who read them only."""
    colonnes = [
        Colonne("Signataire", lambda rangee: rangee[0].nom),
        Colonne("Année", lambda rangee: rangee[1].annee),
        Colonne("Engagements", lambda rangee: rangee[1].engagements),
        *(
            Colonne(statut.label, lambda rangee, statut=statut: rangee[1].comptes.get(statut, 0))
            for statut in Statut
        ),
        Colonne(
            "Sans suivi" if tableau.complet else "Sans suivi validé",
            lambda rangee: rangee[1].sans_suivi,
        ),
    ]
    if tableau.complet:
        colonnes.append(Colonne("Dont non validés", lambda rangee: rangee[1].non_valides))
    return tuple(colonnes)


def nom_export(contrat: Contrat) -> str:
    return f"suivi-engagements-{contrat.slug}"


# ---------------------------------------------------------------- a signatory's page


@dataclass(frozen=True)
class Preuve:
    libelle: str
    url: str


@dataclass(frozen=True)
class LigneSuivi:
    """One year of one engagement, as this reader may see it."""

    pk: int
    annee: int
    version: int
    statut: str
    statut_libelle: str
    badge: str
    commentaire: str
    valeur_atteinte: object  # Decimal | None: the form's initial value
    valeur: str  # "45 enfants", "" when the engagement has no measured target
    proposition: str
    proposition_libelle: str
    badge_proposition: str
    est_demo: bool
    # What the public does not see: empty for it.
    lien: str = ""
    document: Preuve | None = None
    dossiers: list[Preuve] = field(default_factory=list)
    dossiers_cites: list[tuple[int, str]] = field(default_factory=list)
    propose: str = ""  # "Proposé le 30/11/2016 par …"
    examen: str = ""  # "Validé le 12/12/2016 par …, séance du …"
    motif: str = ""
    peut_examiner: bool = False
    motif_refus_examen: str = ""

    @property
    def a_examiner(self) -> bool:
        return self.proposition == Proposition.PROPOSE

    @property
    def valide(self) -> bool:
        return self.proposition == Proposition.VALIDE

    @property
    def a_revoir(self) -> bool:
        return self.proposition == Proposition.A_REVOIR


@dataclass(frozen=True)
class BlocEngagement:
    pk: int
    numero: str  # "2.7 n° 3"
    ordre: int
    rubrique: str
    texte: str
    # The measured target of the 2024-2030 generation's engagements ("" when none).
    indicateur: str
    unite: str
    cible: str
    suivis: list[LigneSuivi]
    colonnes: int  # of its table, for the row that says it has no follow-up
    # The follow-up of the year the forms are about, if any, and what the reader may do.
    suivi_de_l_annee: LigneSuivi | None
    peut_proposer: bool

    @property
    def ancre(self) -> str:
        return f"engagement-{self.pk}"

    @property
    def mesurable(self) -> bool:
        return bool(self.cible)

    @property
    def proposable(self) -> bool:
        """The reader proposes its follow-up of the year: not validated yet."""
        return self.peut_proposer and not (self.suivi_de_l_annee and self.suivi_de_l_annee.valide)

    @property
    def brouillon_possible(self) -> bool:
        """A follow-up already proposed never becomes a draft again."""
        suivi = self.suivi_de_l_annee
        return suivi is None or suivi.proposition == Proposition.BROUILLON

    @property
    def examinable(self) -> bool:
        return bool(
            self.suivi_de_l_annee
            and self.suivi_de_l_annee.a_examiner
            and self.suivi_de_l_annee.peut_examiner
        )


@dataclass(frozen=True)
class SectionSuivie:
    numero: str
    titre: str
    organisations: list[str]
    blocs: list[BlocEngagement]


@dataclass(frozen=True)
class PageSignataire:
    contrat: Contrat
    code: str
    nom: str
    annees: list[int]
    annee: int | None  # the year the page is filtered on, None: every year
    annee_de_saisie: int | None
    complet: bool
    examine: bool  # whether the reader sits in the COPIL technique
    sections: list[SectionSuivie]
    url_tableau: str

    @property
    def blocs(self) -> list[BlocEngagement]:
        return [bloc for section in self.sections for bloc in section.blocs]

    @property
    def engagements(self) -> int:
        return len(self.blocs)

    @property
    def interactive(self) -> bool:
        """Whether the reader has a form on the page (htmx is then loaded)."""
        return any(bloc.proposable or bloc.examinable for bloc in self.blocs)


def _ligne(
    suivi: SuiviEngagement,
    engagement: Engagement,
    contrat: Contrat,
    complet: bool,
    utilisateur,
    d: Droits,
) -> LigneSuivi:
    commun = {
        "pk": suivi.pk,
        "annee": suivi.annee,
        "version": suivi.version,
        "statut": suivi.statut,
        "statut_libelle": suivi.get_statut_display(),
        "badge": BADGES[suivi.statut],
        "commentaire": suivi.commentaire,
        "valeur_atteinte": suivi.valeur_atteinte,
        "valeur": _valeur(suivi, engagement),
        "proposition": suivi.proposition,
        "proposition_libelle": suivi.get_proposition_display(),
        "badge_proposition": BADGES_PROPOSITION[suivi.proposition],
        "est_demo": suivi.est_demo,
    }
    if not complet:
        return LigneSuivi(**commun, examen=f"Validé le {_jour(suivi.examine_le)}")
    peut_examiner = permissions.peut_examiner_suivi_engagement(utilisateur, suivi, d)
    propre = programmation.pilote(d) and permissions.a_propose_le_suivi(utilisateur, suivi)
    return LigneSuivi(
        **commun,
        lien=suivi.lien,
        document=Preuve(
            suivi.document_nom,
            reverse("suivi:suivi_engagement_document", args=[contrat.slug, suivi.pk]),
        )
        if suivi.document
        else None,
        dossiers=[
            Preuve(
                _libelle_dossier(dossier),
                reverse("programmation:plan_annuel", args=[contrat.slug, dossier.appel.annee]),
            )
            for dossier in suivi.dossiers.all()
        ],
        dossiers_cites=[(d.pk, _libelle_dossier(d)) for d in suivi.dossiers.all()],
        propose=_propose(suivi),
        examen=_examen(suivi),
        motif=suivi.motif_examen,
        peut_examiner=peut_examiner,
        motif_refus_examen=permissions.MOTIF_PROPRE_PROPOSITION if propre else "",
    )


def _valeur(suivi: SuiviEngagement, engagement: Engagement) -> str:
    if suivi.valeur_atteinte is None:
        return ""
    return f"{nombre_lisible(suivi.valeur_atteinte)} {engagement.unite}".strip()


def _propose(suivi: SuiviEngagement) -> str:
    if suivi.proposition == Proposition.BROUILLON:
        return f"Brouillon enregistré le {_jour(suivi.modifie_le)}"
    return f"Proposé le {_jour(suivi.propose_le)} par {suivi.propose_par}"


def _examen(suivi: SuiviEngagement) -> str:
    if suivi.examine_par is None:
        return ""
    verbe = {
        Proposition.VALIDE: "Validé",
        Proposition.A_REVOIR: "Renvoyé à revoir",
    }.get(suivi.proposition, "Précédemment renvoyé à revoir")
    texte = f"{verbe} le {_jour(suivi.examine_le)} par {suivi.examine_par}"
    if suivi.seance is not None:
        texte += f", séance du comité de pilotage technique du {suivi.seance.date:%d/%m/%Y}"
    return texte


def page_signataire(
    utilisateur,
    contrat: Contrat,
    organisation: Organisation,
    annee: int | None,
    *,
    saisie: int | None = None,
    seulement: Engagement | None = None,
) -> PageSignataire:
    """The organisation's engagements by section, each with the follow-ups this reader may
    read (of `annee` only, if given), and what they may do on those of the year `saisie`
    (by default the year asked, else the last year begun). `seulement`: that engagement
    alone (its block, sent back after a form posted on it)."""
    d = droits(utilisateur, contrat)
    complet = permissions.lit_tous_les_suivis_engagements(d, contrat)
    saisie = annee_de_saisie(contrat, annee if saisie is None else saisie)
    proposables = set(permissions.sections_proposables(d, contrat).values_list("pk", flat=True))
    suivis = permissions.suivis_engagements_lisibles(d, contrat).order_by("annee")
    if annee is not None:
        suivis = suivis.filter(annee=annee)
    if complet:
        suivis = suivis.select_related("propose_par", "examine_par", "seance").prefetch_related(
            Prefetch(
                "dossiers",
                queryset=Dossier.objects.select_related("appel").order_by("numero"),
            )
        )
    sections = organisation.sections_engagements.filter(contrat=contrat)
    engagements = Engagement.objects.order_by("ordre")
    if seulement is not None:
        sections = sections.filter(pk=seulement.section_id)
        engagements = engagements.filter(pk=seulement.pk)
    sections = sorted(
        sections.prefetch_related(
            "organisations",
            Prefetch("engagements", queryset=engagements),
            Prefetch("engagements__suivis_annuels", queryset=suivis, to_attr="lus"),
        ),
        key=lambda section: cle_numero(section.numero),
    )
    return PageSignataire(
        contrat=contrat,
        code=organisation.code,
        nom=organisation.nom,
        annees=annees(contrat),
        annee=annee,
        annee_de_saisie=saisie,
        complet=complet,
        examine=permissions.examine_les_suivis_engagements(d, contrat),
        sections=[
            SectionSuivie(
                numero=section.numero,
                titre=section.titre,
                organisations=[o.nom for o in section.organisations.all()],
                blocs=[
                    _bloc(
                        engagement,
                        section.pk in proposables,
                        saisie,
                        contrat,
                        complet,
                        utilisateur,
                        d,
                    )
                    for engagement in section.engagements.all()
                ],
            )
            for section in sections
        ],
        url_tableau=url_tableau(contrat),
    )


def _bloc(
    engagement: Engagement,
    peut_proposer: bool,
    saisie: int | None,
    contrat: Contrat,
    complet: bool,
    utilisateur,
    d: Droits,
) -> BlocEngagement:
    lignes = [
        _ligne(suivi, engagement, contrat, complet, utilisateur, d) for suivi in engagement.lus
    ]
    return BlocEngagement(
        pk=engagement.pk,
        numero=f"{engagement.section.numero} n° {engagement.ordre}",
        ordre=engagement.ordre,
        rubrique=engagement.rubrique or "",
        texte=engagement.texte,
        indicateur=engagement.indicateur if engagement.est_mesurable else "",
        unite=engagement.unite,
        cible=engagement.cible,
        suivis=lignes,
        # Année, statut, commentaire, examen; evidence for full readers; the value reached.
        colonnes=4 + complet + engagement.est_mesurable,
        suivi_de_l_annee=next((ligne for ligne in lignes if ligne.annee == saisie), None),
        peut_proposer=peut_proposer and saisie is not None,
    )


def taches_des_engagements(utilisateur, d: Droits, contrat: Contrat) -> list[Tache]:
    """The "Mon espace" tiles of the engagements' follow-up (registered in
    programmation.extensions): the reviews waiting at the COPIL technique, and the
    follow-ups a signatory's agents must take up again."""
    taches = []
    a_examiner = permissions.suivis_engagements_a_examiner(utilisateur, contrat).count()
    if permissions.examine_les_suivis_engagements(utilisateur, contrat):
        taches.append(
            Tache(
                "Suivis d'engagements à examiner",
                a_examiner,
                url_tableau(contrat),
                "Proposés par les signataires, examinés par le comité de pilotage technique.",
            )
        )
    sections = permissions.sections_proposables(utilisateur, contrat)
    if sections.exists():
        a_revoir = SuiviEngagement.objects.filter(
            engagement__section__in=sections, proposition=PropositionSuivi.A_REVOIR
        ).count()
        taches.append(
            Tache(
                "Suivis d'engagements à revoir",
                a_revoir,
                url_tableau(contrat),
                "Renvoyés par le comité de pilotage technique avec un motif.",
            )
        )
    return taches
