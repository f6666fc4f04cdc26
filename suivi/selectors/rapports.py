"""Reads behind the rapport annuel: what its documents print, and its pages.

`contenu_du_rapport(rapport)` gathers, in a fixed number of queries whatever the number
of dossiers, bilans and observations, everything the regulation asks the rapport to hold
(décret n° 2015-1118, art. 1): (a) the contract's main orientations, (b) the evolution of
the situation of the quartier prioritaire against its objectives, (c) the actions carried
out over the year, (d) the means mobilised, (e) the perspectives, (f) figures by sex; and,
once adopted, the avis annexed and the délibération. The figures are the platform's own:
programmed actions are those of `programmation.etats.STATUTS_PROGRAMMES`, the amounts
those of the tableau de bord for the year, the real beneficiaries those of the validated
bilans. Who may see what is asked of suivi.permissions; nothing here looks at a role.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse

from contrats.models import Contrat, Domaine, Pilier
from contrats.selectors import Droits, cle_numero
from historique.horloge import aujourdhui, maintenant
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import Beneficiaires, Dossier, Financement
from programmation.selectors.espace import Tache
from programmation.selectors.plan import format_pourcentage, pourcentage
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.etats_rapports import BADGES, TRANSITIONS, Transition, transitions_depuis
from suivi.models import (
    AvisRapport,
    BeneficiairesBilan,
    Bilan,
    CodeTransitionRapport,
    DecisionAction,
    GenerationRapport,
    RapportAnnuel,
    StatutBilan,
    StatutRapport,
    TransitionRapport,
)
from suivi.selectors import tableau_de_bord as tableau
from suivi.selectors.referentiel import situation_des_indicateurs
from territoires.models import Observation
from territoires.nombres import nombre_lisible
from territoires.selectors import diagnostic

# The titles of the rapport's parts, in the order of the regulation's list.
TITRES = {
    "orientations": "1. Les orientations du contrat de ville",
    "situation": "2. L'évolution de la situation du quartier prioritaire",
    "actions": "3. Les actions menées",
    "moyens": "4. Les moyens mobilisés",
    "perspectives": "5. Les perspectives",
    "beneficiaires": "6. Les bénéficiaires par sexe",
    "annexes": "Annexes : avis des instances consultées et délibération",
}
SANS_PILIER = "Sans pilier"
CENTIME = Decimal("0.01")
ADOPTES = frozenset({StatutRapport.ADOPTE, StatutRapport.PUBLIE})
EN_COURS = (GenerationRapport.Etat.EN_ATTENTE, GenerationRapport.Etat.EN_COURS)


def _date(jour: date | None) -> str:
    return f"{jour:%d/%m/%Y}" if jour else "—"


def _cents(valeur) -> Decimal:
    # SQLite sums decimals as floats.
    return Decimal(str(valeur or 0)).quantize(CENTIME, ROUND_HALF_UP)


# ---------------------------------------------------------------- (a) orientations


@dataclass(frozen=True)
class DomaineOrientations:
    numero: str
    intitule: str
    orientations: list[str]


@dataclass(frozen=True)
class PilierOrientations:
    numero: str
    intitule: str
    domaines: list[DomaineOrientations]


@dataclass(frozen=True)
class AxeOrientations:
    numero: str
    intitule: str
    description: str


def _piliers(contrat: Contrat) -> list[Pilier]:
    """The pillars with their domains and orientations, in three queries."""
    return sorted(
        Pilier.objects.filter(contrat=contrat).prefetch_related(
            Prefetch("domaines", queryset=Domaine.objects.prefetch_related("orientations"))
        ),
        key=lambda p: cle_numero(p.numero),
    )


def _orientations(piliers: list[Pilier]) -> list[PilierOrientations]:
    return [
        PilierOrientations(
            p.numero,
            p.intitule,
            [
                DomaineOrientations(d.numero, d.intitule, [o.texte for o in d.orientations.all()])
                for d in sorted(p.domaines.all(), key=lambda d: cle_numero(d.numero))
            ],
        )
        for p in piliers
    ]


# ---------------------------------------------------------------- (b) situation


@dataclass(frozen=True)
class LigneSituation:
    """One indicator of the diagnostic: the contract's figures, then the latest observed
    up to the rapport's year, for the town and the quartier prioritaire."""

    rubrique: str
    libelle: str
    unite: str
    ville_diagnostic: str
    qpv_diagnostic: str
    ville_recente: str
    qpv_recente: str
    # The gap of the quartier to the town, in the indicator's unit ("—" without both).
    ecart_recent: str


@dataclass(frozen=True)
class SituationQuartier:
    quartier: str
    commune: str
    date_diagnostic: str
    lignes: list[LigneSituation]
    sources: list[str]


@dataclass(frozen=True)
class LigneIndicateur:
    code: str
    libelle: str
    reference: str
    cible: str
    derniere: str
    ecart: str
    avancement: str
    atteinte: str


def _valeur(observation: Observation | None, avec_annee: bool = False) -> str:
    if observation is None:
        return "—"
    texte = (
        observation.valeur_texte
        if observation.valeur is None
        else nombre_lisible(observation.valeur)
    )
    return f"{texte} ({observation.date.year})" if avec_annee else texte


def _ecart(ville: Observation | None, qpv: Observation | None) -> str:
    if ville is None or qpv is None or ville.valeur is None or qpv.valeur is None:
        return "—"
    ecart = qpv.valeur - ville.valeur
    return f"{'+' if ecart > 0 else ''}{nombre_lisible(ecart)}"


def _recentes(indicateurs: list[int], commune, quartier, annee: int) -> dict:
    """{(indicator id, "ville" or "qpv"): the latest observation up to the year}: one query."""
    recentes = {}
    for o in Observation.objects.filter(
        Q(commune=commune) | Q(quartier=quartier),
        indicateur_id__in=indicateurs,
        date__year__lte=annee,
    ).order_by("date", "pk"):
        recentes[(o.indicateur_id, "ville" if o.commune_id else "qpv")] = o
    return recentes


def _situation_du_quartier(quartier, annee: int) -> SituationQuartier:
    commune = next(iter(quartier.communes.all()), None)
    diag = diagnostic(commune, quartier)
    lignes = [ligne for rubrique in diag.rubriques for ligne in rubrique.lignes]
    recentes = _recentes([ligne.indicateur.pk for ligne in lignes], commune, quartier, annee)
    return SituationQuartier(
        quartier=quartier.nom,
        commune=commune.nom if commune else "",
        date_diagnostic=_date(diag.date),
        lignes=[
            LigneSituation(
                rubrique=ligne.indicateur.rubrique,
                libelle=ligne.indicateur.libelle,
                unite=ligne.indicateur.unite,
                ville_diagnostic=_valeur(ligne.ville),
                qpv_diagnostic=_valeur(ligne.qpv),
                ville_recente=_valeur(recentes.get((ligne.indicateur.pk, "ville")), True),
                qpv_recente=_valeur(recentes.get((ligne.indicateur.pk, "qpv")), True),
                ecart_recent=_ecart(
                    recentes.get((ligne.indicateur.pk, "ville")),
                    recentes.get((ligne.indicateur.pk, "qpv")),
                ),
            )
            for ligne in lignes
        ],
        sources=diag.sources,
    )


def _indicateurs(contrat: Contrat, annee: int) -> list[LigneIndicateur]:
    lignes = []
    for s in situation_des_indicateurs(contrat, annee_max=annee):
        unite = s.indicateur.unite
        lignes.append(
            LigneIndicateur(
                code=s.indicateur.code,
                libelle=s.indicateur.libelle,
                reference=s.reference_affichee,
                cible=f"{s.cible_affichee} ({s.indicateur.date_cible.year})",
                derniere=f"{s.derniere.valeur_affichee} {unite} ({_date(s.derniere.date)})"
                if s.derniere
                else "Aucune mesure",
                ecart=s.ecart_affiche,
                avancement=s.avancement_affiche,
                atteinte={True: "Atteinte", False: "Non atteinte"}.get(s.cible_atteinte, "—"),
            )
        )
    return lignes


# ---------------------------------------------------------------- (c) actions


@dataclass(frozen=True)
class LigneAction:
    numero: str
    intitule: str
    structure: str
    accorde: Decimal
    bilan: str


@dataclass(frozen=True)
class ActionsDuPilier:
    pilier: str
    programmees: int
    realisees: int
    non_realisees: int
    bilans_attendus: int
    actions: list[LigneAction]


@dataclass(frozen=True)
class ActionsDeLAnnee:
    nombre: int
    # "En 2019, 41 actions ont été programmées." — read as is from the documents.
    phrase: str
    realisees: int
    non_realisees: int
    bilans_attendus: int
    piliers: list[ActionsDuPilier]


def phrase_des_actions(annee: int, nombre: int) -> str:
    if nombre == 0:
        return f"En {annee}, aucune action n'a été programmée."
    if nombre == 1:
        return f"En {annee}, 1 action a été programmée."
    return f"En {annee}, {nombre} actions ont été programmées."


def programmes_de(contrat: Contrat, annee: int):
    """The actions programmed that year: its call's dossiers the comité de pilotage validated."""
    return Dossier.objects.filter(
        appel__contrat=contrat, appel__annee=annee, statut__in=STATUTS_PROGRAMMES
    )


def _etat_du_bilan(statut: str | None, nature: str) -> str:
    if statut == StatutBilan.VALIDE:
        if nature == Bilan.Nature.NON_REALISATION:
            return "Non réalisée (attestation validée)"
        return "Réalisée (bilan validé)"
    return {
        StatutBilan.DEPOSE: "Bilan déposé, en cours d'examen",
        StatutBilan.A_CORRIGER: "Bilan à corriger par le porteur",
    }.get(statut, "Bilan attendu")


def _actions(contrat: Contrat, annee: int, piliers: list[Pilier]) -> ActionsDeLAnnee:
    """The year's programmed actions per pillar with their bilans: two queries."""
    programmes = programmes_de(contrat, annee)
    accordes = {
        r["dossier"]: r["accorde"]
        for r in Financement.objects.filter(dossier__in=programmes.values("pk"))
        .values("dossier")
        .annotate(accorde=Sum("montant_accorde"))
        .order_by()
    }
    par_pilier: dict[int | None, list[tuple[LigneAction, str | None, str]]] = defaultdict(list)
    for d in programmes.values(
        "pk",
        "numero",
        "intitule",
        "pilier_id",
        "structure__organisation__nom",
        "bilan__statut",
        "bilan__nature",
    ).order_by("numero"):
        ligne = LigneAction(
            d["numero"],
            d["intitule"],
            d["structure__organisation__nom"],
            _cents(accordes.get(d["pk"])),
            _etat_du_bilan(d["bilan__statut"], d["bilan__nature"] or ""),
        )
        par_pilier[d["pilier_id"]].append((ligne, d["bilan__statut"], d["bilan__nature"]))
    libelles = [(p.pk, f"Pilier {p.numero} · {p.intitule}") for p in piliers]
    if None in par_pilier:
        libelles.append((None, SANS_PILIER))
    blocs = [_bloc(libelle, par_pilier[pk]) for pk, libelle in libelles if pk in par_pilier]
    nombre = sum(b.programmees for b in blocs)
    return ActionsDeLAnnee(
        nombre=nombre,
        phrase=phrase_des_actions(annee, nombre),
        realisees=sum(b.realisees for b in blocs),
        non_realisees=sum(b.non_realisees for b in blocs),
        bilans_attendus=sum(b.bilans_attendus for b in blocs),
        piliers=blocs,
    )


def _bloc(libelle: str, lignes: list[tuple[LigneAction, str | None, str]]) -> ActionsDuPilier:
    valides = [nature for _, statut, nature in lignes if statut == StatutBilan.VALIDE]
    non_realisees = valides.count(Bilan.Nature.NON_REALISATION)
    return ActionsDuPilier(
        pilier=libelle,
        programmees=len(lignes),
        realisees=len(valides) - non_realisees,
        non_realisees=non_realisees,
        bilans_attendus=len(lignes) - len(valides),
        actions=[ligne for ligne, _, _ in lignes],
    )


# ---------------------------------------------------------------- (d) means


@dataclass(frozen=True)
class LigneMoyens:
    libelle: str
    accorde: Decimal
    paye: Decimal
    part_droit_commun: str = ""


@dataclass(frozen=True)
class Moyens:
    demande: Decimal
    accorde: Decimal
    paye: Decimal
    accorde_droit_commun: Decimal
    part_droit_commun: str
    par_nature: list[LigneMoyens]
    par_financeur: list[LigneMoyens]


def _moyens(contrat: Contrat, annee: int) -> Moyens:
    """The tableau de bord of the year, as the pilotage reads it on its page."""
    bord = tableau.tableau_de_bord(contrat, tableau.Filtres(annee=annee), tableau.options(contrat))
    total = bord.totaux
    return Moyens(
        demande=total.demande,
        accorde=total.accorde,
        paye=total.paye,
        accorde_droit_commun=total.accorde_droit_commun,
        part_droit_commun=total.part_droit_commun_texte,
        par_nature=[
            LigneMoyens(ligne.libelle, ligne.chiffres.accorde, ligne.chiffres.paye)
            for ligne in bord.tableaux["natures"].lignes
        ],
        par_financeur=[
            LigneMoyens(
                ligne.libelle,
                ligne.chiffres.accorde,
                ligne.chiffres.paye,
                ligne.part_droit_commun_financeur_texte,
            )
            for ligne in bord.tableaux["financements"].lignes
        ],
    )


# ---------------------------------------------------------------- (e) perspectives


@dataclass(frozen=True)
class LigneDecision:
    decision: str
    nombre: int


@dataclass(frozen=True)
class Perspectives:
    paragraphes: list[str]
    decisions: list[LigneDecision]


def _perspectives(rapport: RapportAnnuel) -> Perspectives:
    """The pilote's text and what evaluations decided for the year's actions."""
    comptes = dict(
        DecisionAction.objects.filter(
            dossier__appel__contrat=rapport.contrat_id, dossier__appel__annee=rapport.annee
        )
        .values_list("decision")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Perspectives(
        paragraphes=[p.strip() for p in rapport.perspectives.split("\n\n") if p.strip()],
        decisions=[
            LigneDecision(libelle, comptes[code])
            for code, libelle in Bilan.Recommandation.choices
            if code in comptes
        ],
    )


# ---------------------------------------------------------------- (f) beneficiaries


@dataclass(frozen=True)
class LigneBeneficiaires:
    source: str
    actions: int
    femmes: int
    hommes: int
    total: int
    part_femmes: str
    part_qpv: str


def _beneficiaires(contrat: Contrat, annee: int) -> list[LigneBeneficiaires]:
    """Real people of the validated bilans, then those planned by the programmed actions
    whose bilan is not validated yet: two queries."""
    reels = BeneficiairesBilan.objects.filter(
        bilan__dossier__appel__contrat=contrat,
        bilan__annee=annee,
        bilan__statut=StatutBilan.VALIDE,
        bilan__nature=Bilan.Nature.COMPLET,
    ).aggregate(
        actions=Count("bilan", distinct=True),
        f=Sum("femmes"),
        h=Sum("hommes"),
        q=Sum("residents_qpv"),
    )
    sans_bilan = programmes_de(contrat, annee).exclude(bilan__statut=StatutBilan.VALIDE)
    part = F("dossier__part_residents_qpv")
    renseigne = Q(dossier__part_residents_qpv__isnull=False)
    prevus = Beneficiaires.objects.filter(dossier__in=sans_bilan.values("pk")).aggregate(
        actions=Count("dossier", distinct=True),
        f=Sum("femmes"),
        h=Sum("hommes"),
        q=Sum((F("femmes") + F("hommes")) * part),
        renseignes=Sum(F("femmes") + F("hommes"), filter=renseigne),
    )
    femmes, hommes = reels["f"] or 0, reels["h"] or 0
    lignes = [
        LigneBeneficiaires(
            "Bénéficiaires réels (bilans validés)",
            reels["actions"],
            femmes,
            hommes,
            femmes + hommes,
            format_pourcentage(pourcentage(femmes, femmes + hommes)),
            format_pourcentage(pourcentage(reels["q"] or 0, femmes + hommes)),
        )
    ]
    femmes, hommes = prevus["f"] or 0, prevus["h"] or 0
    # Percent of people times percent: the shares are in hundredths of a person.
    qpv = Decimal(prevus["q"] or 0) / 100
    lignes.append(
        LigneBeneficiaires(
            "Bénéficiaires prévus (actions sans bilan validé)",
            prevus["actions"],
            femmes,
            hommes,
            femmes + hommes,
            format_pourcentage(pourcentage(femmes, femmes + hommes)),
            format_pourcentage(pourcentage(qpv, prevus["renseignes"] or 0)),
        )
    )
    return lignes


# ---------------------------------------------------------------- annexes


@dataclass(frozen=True)
class LigneAvis:
    pk: int
    organe: str
    nom: str
    sens: str
    code_sens: str
    texte: str
    recu_le: str  # empty while none was received


@dataclass(frozen=True)
class Adoption:
    date_deliberation: str
    reference: str


def _ligne_avis(a: AvisRapport) -> LigneAvis:
    return LigneAvis(
        a.pk,
        a.get_organe_display(),
        a.nom,
        a.get_sens_display(),
        a.sens,
        a.texte,
        f"{a.recu_le:%d/%m/%Y}" if a.recu_le else "",
    )


def avis_du_rapport(rapport: RapportAnnuel) -> list[LigneAvis]:
    return [_ligne_avis(a) for a in AvisRapport.objects.filter(rapport=rapport)]


# ---------------------------------------------------------------- the whole rapport


@dataclass(frozen=True)
class ContenuRapport:
    rapport: RapportAnnuel
    contrat: str
    annee: int
    titre: str
    communes: list[str]
    quartiers: list[str]
    statut: str
    genere_le: datetime
    titres: dict[str, str]
    orientations: list[PilierOrientations]
    axes: list[AxeOrientations]
    situations: list[SituationQuartier]
    indicateurs: list[LigneIndicateur]
    actions: ActionsDeLAnnee
    moyens: Moyens
    perspectives: Perspectives
    beneficiaires: list[LigneBeneficiaires]
    # Once adopted: the avis of the consulted bodies, annexed, and the délibération.
    avis: list[LigneAvis]
    adoption: Adoption | None


def contenu_du_rapport(rapport: RapportAnnuel) -> ContenuRapport:
    """Everything the rapport's documents print, in a fixed number of queries."""
    contrat = rapport.contrat
    annee = rapport.annee
    piliers = _piliers(contrat)
    quartiers = list(contrat.quartiers.prefetch_related("communes").order_by("nom"))
    adopte = rapport.statut in ADOPTES
    return ContenuRapport(
        rapport=rapport,
        contrat=contrat.titre,
        annee=annee,
        titre=f"Rapport annuel {annee} sur la politique de la ville",
        communes=list(contrat.communes.order_by("nom").values_list("nom", flat=True)),
        quartiers=[q.nom for q in quartiers],
        statut=rapport.get_statut_display(),
        genere_le=maintenant(),
        titres={**TITRES, "actions": f"{TITRES['actions']} en {annee}"},
        orientations=_orientations(piliers),
        axes=[
            AxeOrientations(a.numero, a.intitule, a.description)
            for a in contrat.axes.order_by("numero")
        ],
        situations=[_situation_du_quartier(q, annee) for q in quartiers],
        indicateurs=_indicateurs(contrat, annee),
        actions=_actions(contrat, annee, piliers),
        moyens=_moyens(contrat, annee),
        perspectives=_perspectives(rapport),
        beneficiaires=_beneficiaires(contrat, annee),
        avis=avis_du_rapport(rapport) if adopte else [],
        adoption=Adoption(_date(rapport.date_deliberation), rapport.reference_deliberation)
        if adopte
        else None,
    )


# ---------------------------------------------------------------- pages


def rapport_par_annee(contrat: Contrat, annee: int) -> RapportAnnuel:
    return get_object_or_404(
        RapportAnnuel.objects.select_related("contrat"), contrat=contrat, annee=annee
    )


def generation_du_rapport(rapport: RapportAnnuel, pk: int) -> GenerationRapport:
    return get_object_or_404(GenerationRapport, rapport=rapport, pk=pk)


def derniere_generation_terminee(rapport: RapportAnnuel) -> GenerationRapport | None:
    return (
        GenerationRapport.objects.filter(rapport=rapport, etat=GenerationRapport.Etat.TERMINEE)
        .order_by("-terminee_le", "-pk")
        .first()
    )


def url_document(rapport: RapportAnnuel, format: str, public: bool = False) -> str:
    nom = "suivi:rapport_publie_document" if public else "suivi:rapport_document"
    return reverse(nom, args=[rapport.contrat.slug, rapport.annee, format])


def base_du_nom(rapport: RapportAnnuel) -> str:
    """The name of its files, without extension: "rapport-annuel-2019-<contract>"."""
    return f"rapport-annuel-{rapport.annee}-{rapport.contrat.slug}"


@dataclass(frozen=True)
class EtatGeneration:
    pk: int
    etat: str
    libelle: str
    progression: int
    etape: str
    erreur: str
    demandee_le: datetime
    demandee_par: str
    terminee_le: datetime | None
    url_suivi: str
    en_cours: bool
    # The documents' addresses, for the latest finished generation only.
    url_pdf: str = ""
    url_odt: str = ""


def etat_generation(
    generation: GenerationRapport, rapport: RapportAnnuel, derniere: bool
) -> EtatGeneration:
    termine = generation.etat == GenerationRapport.Etat.TERMINEE
    # Its worker stopped in the middle: shown as abandoned, a new one may be asked for (the
    # request records the abandonment, suivi.services.rapports.demander_generation).
    perdue = generation.est_perdue(maintenant())
    return EtatGeneration(
        pk=generation.pk,
        etat=generation.etat,
        libelle=generation.get_etat_display(),
        progression=generation.progression,
        etape=generation.etape,
        erreur=generation.motif_d_abandon() if perdue else generation.erreur,
        demandee_le=generation.demandee_le,
        demandee_par=str(generation.demandee_par) if generation.demandee_par else "",
        terminee_le=generation.terminee_le,
        url_suivi=reverse(
            "suivi:rapport_generation", args=[rapport.contrat.slug, rapport.annee, generation.pk]
        ),
        en_cours=generation.etat in EN_COURS and not perdue,
        url_pdf=url_document(rapport, "pdf") if termine and derniere else "",
        url_odt=url_document(rapport, "odt") if termine and derniere else "",
    )


def suivi_de_generation(rapport: RapportAnnuel, generation: GenerationRapport) -> EtatGeneration:
    """What the page polls: the generation's progress, its documents once finished."""
    derniere = derniere_generation_terminee(rapport)
    return etat_generation(
        generation, rapport, derniere is not None and derniere.pk == generation.pk
    )


@dataclass(frozen=True)
class EntreeFrise:
    horodatage: datetime
    acteur: str
    libelle: str
    motif: str
    badge: str = ""


def _libelle_evenement(evenement: Evenement) -> str:
    libelle = ActionSuivi(evenement.action).label
    changements = evenement.changements or {}
    if evenement.action == ActionSuivi.RAPPORT_AVIS:
        sens = dict(AvisRapport.Sens.choices).get(changements.get("sens", [None, ""])[-1], "")
        return f"{libelle} : {changements.get('nom', '')} — {sens}"
    return libelle


def frise_du_rapport(rapport: RapportAnnuel) -> list[EntreeFrise]:
    """The rapport's life, oldest first: its transitions from the typed log, then the other
    events (creation, perspectives, avis, generations) from the history."""
    datees = [
        (
            t.horodatage,
            1,
            t.pk,
            EntreeFrise(
                t.horodatage,
                str(t.acteur),
                TRANSITIONS[CodeTransitionRapport(t.transition)].libelle_passe,
                t.motif,
                TRANSITIONS[CodeTransitionRapport(t.transition)].badge,
            ),
        )
        for t in TransitionRapport.objects.filter(rapport=rapport).select_related("acteur")
    ]
    actions_de_transition = {t.action for t in TRANSITIONS.values()}
    datees += [
        (
            e.horodatage,
            0,
            e.pk,
            EntreeFrise(
                e.horodatage,
                str(e.acteur) if e.acteur else "Système",
                _libelle_evenement(e),
                e.motif,
            ),
        )
        for e in historique_de(rapport)
        if e.action not in actions_de_transition
    ]
    return [entree for *_, entree in sorted(datees, key=lambda x: x[:3])]


@dataclass(frozen=True)
class EspaceRapport:
    rapport: RapportAnnuel
    statut: str
    badge: str
    frise: list[EntreeFrise]
    contenu: ContenuRapport
    transitions: list[Transition]
    generations: list[EtatGeneration]
    generation_en_cours: EtatGeneration | None
    derniere_terminee: EtatGeneration | None
    avis: list[LigneAvis]
    avis_attendus: int
    peut_modifier_perspectives: bool
    peut_generer: bool
    peut_saisir_avis: bool
    # Consultation dates and, once adopted, the délibération, in words.
    soumis_le: str
    fin_consultation: str
    date_deliberation: str


def espace_du_rapport(rapport: RapportAnnuel, d: Droits) -> EspaceRapport:
    """Everything the rapport's workspace shows, for the person described by `d`."""
    prepare = permissions.peut_preparer_rapport_annuel(d, rapport.contrat)
    generations = list(
        GenerationRapport.objects.filter(rapport=rapport).select_related("demandee_par")
    )
    terminees = [g for g in generations if g.etat == GenerationRapport.Etat.TERMINEE]
    derniere = max(terminees, key=lambda g: (g.terminee_le, g.pk), default=None)
    etats = [etat_generation(g, rapport, g is derniere) for g in generations]
    en_cours = next((e for e in etats if e.en_cours), None)
    avis = avis_du_rapport(rapport)
    consultation = rapport.statut == StatutRapport.EN_CONSULTATION
    return EspaceRapport(
        rapport=rapport,
        statut=rapport.get_statut_display(),
        badge=BADGES[rapport.statut],
        frise=frise_du_rapport(rapport),
        contenu=contenu_du_rapport(rapport),
        transitions=[
            t
            for t in transitions_depuis(rapport.statut)
            if permissions.peut_transitionner_rapport(d, t.roles)
        ],
        generations=etats,
        generation_en_cours=en_cours,
        derniere_terminee=next((e for e in etats if e.url_pdf), None),
        avis=avis,
        avis_attendus=sum(1 for a in avis if a.code_sens == AvisRapport.Sens.ATTENDU),
        peut_modifier_perspectives=prepare and rapport.statut == StatutRapport.BROUILLON,
        peut_generer=prepare and rapport.statut != StatutRapport.PUBLIE and en_cours is None,
        peut_saisir_avis=prepare and consultation,
        soumis_le=_date(rapport.soumis_le),
        fin_consultation=_date(rapport.fin_consultation),
        date_deliberation=_date(rapport.date_deliberation),
    )


@dataclass(frozen=True)
class LigneRapport:
    annee: int
    statut: str
    badge: str
    url: str
    soumis_le: str
    date_deliberation: str
    avis_attendus: int


def rapports_du_contrat(contrat: Contrat) -> list[LigneRapport]:
    """The contract's rapports, the latest year first, in one query."""
    rapports = RapportAnnuel.objects.filter(contrat=contrat).annotate(
        attendus=Count("avis", filter=Q(avis__sens=AvisRapport.Sens.ATTENDU))
    )
    return [
        LigneRapport(
            r.annee,
            r.get_statut_display(),
            BADGES[r.statut],
            reverse("suivi:rapport_annuel", args=[contrat.slug, r.annee]),
            _date(r.soumis_le),
            _date(r.date_deliberation),
            r.attendus,
        )
        for r in rapports.order_by("-annee")
    ]


def annees_possibles(contrat: Contrat) -> list[int]:
    """The contract's years already begun that have no rapport yet, the latest first."""
    derniere = min(contrat.date_fin.year, aujourdhui().year)
    prises = set(RapportAnnuel.objects.filter(contrat=contrat).values_list("annee", flat=True))
    return [a for a in range(derniere, contrat.date_debut.year - 1, -1) if a not in prises]


@dataclass(frozen=True)
class RapportPublie:
    annee: int
    publie_le: datetime
    date_deliberation: str
    reference_deliberation: str
    avis: list[LigneAvis]
    url_pdf: str
    url_odt: str


def rapports_publies(contrat: Contrat) -> list[RapportPublie]:
    """The published rapports with their délibération and avis, in two queries."""
    rapports = list(
        permissions.rapports_publics(contrat)
        .select_related("contrat")
        .prefetch_related("avis")
        .order_by("-annee")
    )
    return [
        RapportPublie(
            r.annee,
            r.publie_le,
            _date(r.date_deliberation),
            r.reference_deliberation,
            [_ligne_avis(a) for a in r.avis.all()],
            url_document(r, "pdf", public=True),
            url_document(r, "odt", public=True),
        )
        for r in rapports
    ]


# ---------------------------------------------------------------- "Mon espace"


def annee_a_rapporter(contrat: Contrat) -> int | None:
    """The year whose rapport is due now: the last one over, within the contract."""
    annee = min(aujourdhui().year - 1, contrat.date_fin.year)
    return annee if annee >= contrat.date_debut.year else None


def tache_du_rapport_annuel(utilisateur, d: Droits, contrat: Contrat) -> list[Tache]:
    """The tile of "Mon espace" (registered in programmation.extensions)."""
    annee = annee_a_rapporter(contrat)
    if annee is None or not permissions.suit_le_rapport_annuel(d):
        return []
    rapport = (
        RapportAnnuel.objects.filter(contrat=contrat, annee=annee)
        .annotate(attendus=Count("avis", filter=Q(avis__sens=AvisRapport.Sens.ATTENDU)))
        .first()
    )
    if rapport is None:
        return [
            Tache(
                f"Rapport annuel {annee}",
                0,
                reverse("suivi:rapports_annuels", args=[contrat.slug]),
                "À établir : créez-le, générez-le puis soumettez-le pour avis.",
            )
        ]
    detail = f"{rapport.get_statut_display()}."
    if rapport.statut == StatutRapport.EN_CONSULTATION:
        detail += f" Avis attendus jusqu'au {_date(rapport.fin_consultation)}."
    return [
        Tache(
            f"Rapport annuel {annee} : avis attendus",
            rapport.attendus,
            reverse("suivi:rapport_annuel", args=[contrat.slug, annee]),
            detail,
        )
    ]
