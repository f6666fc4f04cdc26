"""Reads of the pilotage pages: instruction board, co-financing, committees, conventions.

Every function here runs a fixed number of queries whatever the number of dossiers
(sums are computed by the database, grouped by dossier or by financeur and nature).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from math import ceil
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import get_object_or_404
from django.urls import reverse

from contrats.models import Contrat, Organisation, Pilier, Signataire
from contrats.selectors import Droits, cle_numero, droits
from programmation import permissions
from programmation.etats import BADGES
from programmation.models import (
    AppelAProjets,
    CompteBudget,
    Convention,
    Dossier,
    Enveloppe,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
)

ZERO = Decimal("0.00")
MONTANT = DecimalField(max_digits=14, decimal_places=2)
# Proposals of these dossiers no longer take money from an envelope.
STATUTS_SANS_ENGAGEMENT = (Statut.BROUILLON, Statut.IRRECEVABLE, Statut.REFUSE, Statut.RETIRE)
STATUTS_INSTRUCTION = (Statut.EN_INSTRUCTION, Statut.VALIDE)


# --- The call ------------------------------------------------------------------------------


def appel_du_contrat(slug: str, annee: int) -> AppelAProjets:
    return get_object_or_404(
        AppelAProjets.objects.select_related("contrat"), contrat__slug=slug, annee=annee
    )


def financeurs_du_contrat(contrat: Contrat) -> list[Organisation]:
    """Organisations that signed the contract, in the order of its signatures."""
    return [
        s.organisation
        for s in Signataire.objects.filter(contrat=contrat)
        .select_related("organisation")
        .order_by("ordre")
    ]


def enveloppes_existantes(appel: AppelAProjets) -> dict[tuple[int, str], Decimal]:
    return {
        (e.financeur_id, e.nature): e.montant
        for e in Enveloppe.objects.filter(appel=appel).only("financeur_id", "nature", "montant")
    }


# --- Instruction board -----------------------------------------------------------------------


@dataclass(frozen=True)
class Montants:
    demande: Decimal = ZERO
    propose: Decimal | None = None
    accorde: Decimal | None = None


@dataclass(frozen=True)
class ActionFinancement:
    """A financement the reader may act on from the board (avis or granted amount)."""

    pk: int
    libelle: str
    url_nom: str


@dataclass(frozen=True)
class MontantsTableau:
    """The board's four figures for a dossier, in one nature of credits or in total.

    Asked: the subventions of its budget (compte 74); proposed: what the financeurs
    proposed at the instruction; granted: what they granted after the COPIL; paid: the
    advances and balances paid on its conventions (net of cancellations). None: nothing
    proposed, granted or paid yet.
    """

    demande: Decimal = ZERO
    propose: Decimal | None = None
    accorde: Decimal | None = None
    paye: Decimal | None = None


@dataclass(frozen=True)
class LigneTableau:
    dossier: Dossier
    droit_commun: MontantsTableau
    credits_specifiques: MontantsTableau
    total: MontantsTableau
    actions: list[ActionFinancement] = field(default_factory=list)

    @property
    def pilier(self) -> str:
        pilier = self.dossier.pilier
        return f"Pilier {pilier.numero} · {pilier.intitule}" if pilier else "Non renseigné"

    @property
    def badge(self) -> str:
        return BADGES.get(self.dossier.statut, "")


@dataclass(frozen=True)
class Espaces:
    """Which working spaces a logged-in person reaches from the public call pages."""

    tableau: bool
    pilotage: bool
    porteur: bool


def espaces(utilisateur, contrat) -> Espaces:
    d = droits(utilisateur, contrat)
    return Espaces(
        tableau=permissions.voit_le_tableau(d, contrat),
        pilotage=permissions.pilote(d),
        porteur=permissions.accede_a_l_espace_porteur(utilisateur, d),
    )


def montants_par_dossier(dossiers: list[Dossier]) -> dict[int, dict[str, Montants]]:
    """Asked (budget, compte 74), proposed and granted amounts per dossier and nature."""
    ids = [d.pk for d in dossiers]
    demandes: dict[tuple[int, str], Decimal] = {
        (r["dossier_id"], r["nature"]): r["total"]
        for r in LigneBudget.objects.filter(
            dossier_id__in=ids,
            compte=CompteBudget.C74,
            nature__in=NatureCredit.financees(),
        )
        .values("dossier_id", "nature")
        .annotate(total=Sum("montant"))
        .order_by()
    }
    instruits = {
        (r["dossier_id"], r["nature"]): r
        for r in Financement.objects.filter(dossier_id__in=ids)
        .values("dossier_id", "nature")
        .annotate(
            demande=Sum("montant_demande"),
            propose=Sum("montant_propose"),
            accorde=Sum("montant_accorde"),
        )
        .order_by()
    }
    resultat: dict[int, dict[str, Montants]] = {}
    for pk in ids:
        resultat[pk] = {}
        for nature in (NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES):
            instruit = instruits.get((pk, nature), {})
            resultat[pk][nature] = Montants(
                demande=instruit.get("demande") or demandes.get((pk, nature), ZERO),
                propose=instruit.get("propose"),
                accorde=instruit.get("accorde"),
            )
    return resultat


def _actions(dossiers: list[Dossier], d: Droits) -> dict[int, list[ActionFinancement]]:
    """The reader's avis and granted amounts to give on these dossiers (one query, always:
    the page's query count does not depend on the statuts it shows)."""
    actions: dict[int, list[ActionFinancement]] = defaultdict(list)
    if not dossiers:
        return actions
    for f in (
        Financement.objects.filter(
            dossier_id__in=[x.pk for x in dossiers], dossier__statut__in=STATUTS_INSTRUCTION
        )
        .filter(permissions.filtre_financements_instruits(d))
        .select_related("financeur", "dossier")
        .only("pk", "nature", "dossier__statut", "financeur__nom")
        .order_by("dossier_id", "nature", "financeur__nom")
    ):
        en_instruction = f.dossier.statut == Statut.EN_INSTRUCTION
        actions[f.dossier_id].append(
            ActionFinancement(
                pk=f.pk,
                libelle=(
                    f"{'Avis' if en_instruction else 'Montant accordé'} · {f.financeur.nom} "
                    f"({f.get_nature_display().lower()})"
                ),
                url_nom=(
                    "programmation:financement_avis"
                    if en_instruction
                    else "programmation:financement_accord"
                ),
            )
        )
    return actions


PAR_PAGE = 50
NATURES_TABLEAU = (NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES)
# The figures of MontantsTableau, each one a sum the database computes per dossier.
MESURES = ("demande", "propose", "accorde", "paye")
# Sort keys of the board and what they sort by; "-" before a key sorts descending.
TRIS: dict[str, str] = {
    "numero": "numéro",
    "structure": "structure",
    "statut": "statut",
    "demande": "montant demandé",
    "propose": "montant proposé",
    "accorde": "montant accordé",
    "paye": "montant payé",
}
TRI_PAR_DEFAUT = "numero"


def choix_de_tri() -> list[str]:
    return [sens + cle for cle in TRIS for sens in ("", "-")]


@dataclass(frozen=True)
class CriteresTableau:
    """What the reader asked of the board (filters, sort, page), as in its query string."""

    statut: str = ""
    structure: str = ""
    pilier: int | None = None
    financeur: int | None = None
    nature: str = ""
    tri: str = TRI_PAR_DEFAUT
    page: int = 1

    @property
    def filtre(self) -> bool:
        """Whether a filter narrows the list."""
        return any((self.statut, self.structure, self.pilier, self.financeur, self.nature))

    def parametres(self, **changements) -> str:
        """The query string of these criteria ("?statut=…&tri=-accorde"), defaults left out.

        `page=None` leaves the page out (the exports hold every page).
        """
        valeurs = {**asdict(self), **changements}
        defauts = asdict(CriteresTableau())
        paires = [
            (cle, valeur)
            for cle, valeur in valeurs.items()
            if valeur not in (None, "") and valeur != defauts[cle]
        ]
        return f"?{urlencode(paires)}" if paires else ""


@dataclass(frozen=True)
class OptionsTableau:
    """The choices of the board's filters: (pk, label) of piliers and of financeurs."""

    piliers: list[tuple[int, str]]
    financeurs: list[tuple[int, str]]


def options_du_tableau(appel: AppelAProjets, d: Droits) -> OptionsTableau:
    """The contract's piliers and the financeurs the reader sees solicited, in one query.

    Those financeurs: the ones the dossiers of the board ask (subventions of their
    budget) and the ones whose envelopes the reader sees, as the co-financing summary.
    """
    texte = CharField()
    piliers = Pilier.objects.filter(contrat=appel.contrat).values_list(
        Value("pilier", output_field=texte), "pk", "numero", "intitule"
    )
    subventions = LigneBudget.objects.filter(
        dossier__in=permissions.dossiers_instruits(d, appel).values("pk"), compte=CompteBudget.C74
    )
    financeurs = Organisation.objects.filter(
        Q(pk__in=subventions.values("financeur_id"))
        | Q(pk__in=permissions.enveloppes_lisibles(d, appel).values("financeur_id"))
    ).values_list(
        Value("financeur", output_field=texte), "pk", Value("", output_field=texte), "nom"
    )
    rangees = list(piliers.order_by().union(financeurs.order_by(), all=True))
    return OptionsTableau(
        piliers=[
            (pk, f"Pilier {numero} · {intitule}")
            for _, pk, numero, intitule in sorted(
                (r for r in rangees if r[0] == "pilier"), key=lambda r: cle_numero(r[2])
            )
        ],
        financeurs=sorted(
            ((pk, nom) for genre, pk, _, nom in rangees if genre == "financeur"),
            key=lambda choix: choix[1].lower(),
        ),
    )


def _somme(lignes: QuerySet, groupe: str, champ: str) -> Subquery:
    return Subquery(
        lignes.order_by().values(groupe).annotate(total=Sum(champ)).values("total"),
        output_field=MONTANT,
    )


def _montant(mesure: str, natures: Sequence[str]) -> Subquery:
    """One figure of the outer dossier (see MontantsTableau), summed over these natures."""
    if mesure == "demande":
        subventions = LigneBudget.objects.filter(
            dossier=OuterRef("pk"), compte=CompteBudget.C74, nature__in=natures
        )
        return _somme(subventions, "dossier", "montant")
    if mesure == "paye":
        paiements = Paiement.objects.filter(
            convention__financement__dossier=OuterRef("pk"),
            convention__financement__nature__in=natures,
        )
        return _somme(paiements, "convention__financement__dossier", "montant")
    financements = Financement.objects.filter(dossier=OuterRef("pk"), nature__in=natures)
    return _somme(financements, "dossier", f"montant_{mesure}")


def _cle_de_tri(cle: str):
    if cle == "structure":
        return Lower("structure__organisation__nom")
    if cle == "statut":
        # The order of the state machine's statuts, not the alphabet.
        return Case(
            *(When(statut=s, then=Value(rang)) for rang, s in enumerate(Statut.values)),
            output_field=IntegerField(),
        )
    if cle in MESURES:
        return Coalesce(_montant(cle, NATURES_TABLEAU), Value(ZERO), output_field=MONTANT)
    return F("numero")


def _ordre(tri: str) -> list:
    cle = tri.removeprefix("-")
    expression = _cle_de_tri(cle if cle in TRIS else TRI_PAR_DEFAUT)
    ordre = expression.desc() if tri.startswith("-") else expression.asc()
    return [ordre] if cle == "numero" else [ordre, "numero"]


def _filtrer(dossiers: QuerySet[Dossier], criteres: CriteresTableau) -> QuerySet[Dossier]:
    if criteres.statut:
        dossiers = dossiers.filter(statut=criteres.statut)
    if criteres.structure:
        dossiers = dossiers.filter(structure__organisation__nom__icontains=criteres.structure)
    if criteres.pilier:
        dossiers = dossiers.filter(pilier_id=criteres.pilier)
    if criteres.financeur or criteres.nature:
        # A dossier asks a financeur, or a nature, through the subventions of its budget.
        subventions = LigneBudget.objects.filter(dossier=OuterRef("pk"), compte=CompteBudget.C74)
        if criteres.financeur:
            subventions = subventions.filter(financeur_id=criteres.financeur)
        if criteres.nature:
            subventions = subventions.filter(nature=criteres.nature)
        dossiers = dossiers.filter(Exists(subventions))
    return dossiers


def dossiers_du_tableau(
    appel: AppelAProjets, d: Droits, criteres: CriteresTableau
) -> QuerySet[Dossier]:
    """The dossiers the board lists for these filters, every page, in the order asked."""
    return (
        _filtrer(permissions.dossiers_instruits(d, appel), criteres)
        .select_related("structure__organisation", "pilier")
        .only(
            "numero",
            "intitule",
            "statut",
            "est_demo",
            "structure__organisation__nom",
            "pilier__numero",
            "pilier__intitule",
        )
        .order_by(*_ordre(criteres.tri))
    )


def montants_du_tableau(dossiers: QuerySet[Dossier]) -> dict[int, dict[str, MontantsTableau]]:
    """The figures of these dossiers per nature of credits, in one query."""
    colonnes = {
        f"{mesure}_{nature}": _montant(mesure, [nature])
        for mesure in MESURES
        for nature in NATURES_TABLEAU
    }
    resultat: dict[int, dict[str, MontantsTableau]] = {}
    for rangee in dossiers.order_by().values("pk", **colonnes):
        resultat[rangee["pk"]] = {
            nature: MontantsTableau(
                demande=rangee[f"demande_{nature}"] or ZERO,
                propose=rangee[f"propose_{nature}"],
                accorde=rangee[f"accorde_{nature}"],
                paye=rangee[f"paye_{nature}"],
            )
            for nature in NATURES_TABLEAU
        }
    return resultat


def _total(parties: Sequence[MontantsTableau]) -> MontantsTableau:
    def somme(valeurs: list[Decimal | None]) -> Decimal | None:
        connues = [v for v in valeurs if v is not None]
        return sum(connues, ZERO) if connues else None

    return MontantsTableau(
        demande=sum((p.demande for p in parties), ZERO),
        propose=somme([p.propose for p in parties]),
        accorde=somme([p.accorde for p in parties]),
        paye=somme([p.paye for p in parties]),
    )


def _lignes(
    dossiers: list[Dossier],
    montants: dict[int, dict[str, MontantsTableau]],
    actions: dict[int, list[ActionFinancement]],
) -> list[LigneTableau]:
    vide = {nature: MontantsTableau() for nature in NATURES_TABLEAU}
    lignes = []
    for dossier in dossiers:
        parties = montants.get(dossier.pk, vide)
        lignes.append(
            LigneTableau(
                dossier=dossier,
                droit_commun=parties[NatureCredit.DROIT_COMMUN],
                credits_specifiques=parties[NatureCredit.CREDITS_SPECIFIQUES],
                total=_total(list(parties.values())),
                actions=actions.get(dossier.pk, []),
            )
        )
    return lignes


def lignes_du_tableau(
    appel: AppelAProjets, d: Droits, criteres: CriteresTableau
) -> list[LigneTableau]:
    """Every line the board lists for these criteria, all pages, in its order (exports)."""
    dossiers = dossiers_du_tableau(appel, d, criteres)
    montants = montants_du_tableau(Dossier.objects.filter(pk__in=dossiers.order_by().values("pk")))
    return _lignes(list(dossiers), montants, {})


@dataclass(frozen=True)
class LienPage:
    libelle: str
    url: str | None  # None: the current page, or "…" for pages left out
    courante: bool = False


@dataclass(frozen=True)
class Pagination:
    numero: int
    nombre_pages: int
    # Links to the first, previous, next and last pages; None where there is none.
    premiere: str | None
    precedente: str | None
    suivante: str | None
    derniere: str | None
    pages: list[LienPage]


@dataclass(frozen=True)
class EnteteTri:
    """A sortable column header: the link that sorts on it, and how it sorts now."""

    url: str
    aria_sort: str  # "ascending", "descending", or "" when the board is not sorted on it
    indicateur: str  # "↑", "↓" or ""
    consigne: str  # what following the link does, for screen readers


@dataclass(frozen=True)
class TableauInstruction:
    lignes: list[LigneTableau]
    nombre: int  # dossiers matching the filters, on every page
    criteres: CriteresTableau
    pagination: Pagination
    tris: dict[str, EnteteTri]
    parametres_export: str  # the filters and sort, without the page, for the exports
    adresse: str  # the board's address in this state (filters, sort, page)
    annonce: str  # the state of the board in one sentence (read out after an update)


def _une_page(dossiers: QuerySet[Dossier], demandee: int) -> tuple[int, int, list[Dossier]]:
    """(page, total, its dossiers): the total comes with the rows (a window count).

    A page past the end shows the last one, at the cost of two more queries.
    """
    debut = (demandee - 1) * PAR_PAGE
    rangees = list(dossiers.annotate(nombre_total=Window(Count("pk")))[debut : debut + PAR_PAGE])
    if rangees:
        return demandee, rangees[0].nombre_total, rangees
    nombre = dossiers.count() if demandee > 1 else 0
    if not nombre:
        return 1, 0, []
    derniere = ceil(nombre / PAR_PAGE)
    return derniere, nombre, list(dossiers[(derniere - 1) * PAR_PAGE : derniere * PAR_PAGE])


def _pagination(url: str, criteres: CriteresTableau, nombre: int) -> Pagination:
    courante, nombre_pages = criteres.page, max(1, ceil(nombre / PAR_PAGE))

    def lien(page: int) -> str:
        return url + criteres.parametres(page=page)

    # The first and last pages, and two on each side of the current one.
    montrees = sorted(
        {1, nombre_pages, *range(courante - 2, courante + 3)} & set(range(1, nombre_pages + 1))
    )
    pages, precedente = [], 0
    for page in montrees:
        if page - precedente == 2:
            pages.append(LienPage(str(page - 1), lien(page - 1)))
        elif page - precedente > 2:
            pages.append(LienPage("…", None))
        pages.append(
            LienPage(str(page), None if page == courante else lien(page), page == courante)
        )
        precedente = page
    premiere = courante > 1
    derniere = courante < nombre_pages
    return Pagination(
        numero=courante,
        nombre_pages=nombre_pages,
        premiere=lien(1) if premiere else None,
        precedente=lien(courante - 1) if premiere else None,
        suivante=lien(courante + 1) if derniere else None,
        derniere=lien(nombre_pages) if derniere else None,
        pages=pages,
    )


def _sens(tri: str) -> str:
    return "décroissant" if tri.startswith("-") else "croissant"


def _tris(url: str, criteres: CriteresTableau) -> dict[str, EnteteTri]:
    actuel = criteres.tri.removeprefix("-")
    descendant = criteres.tri.startswith("-")
    entetes = {}
    for cle, libelle in TRIS.items():
        if cle == actuel:
            suivant = cle if descendant else f"-{cle}"
            aria_sort, indicateur = ("descending", "↓") if descendant else ("ascending", "↑")
        else:
            # Amounts sort from the largest first, names and numbers from the start.
            suivant = f"-{cle}" if cle in MESURES else cle
            aria_sort, indicateur = "", ""
        entetes[cle] = EnteteTri(
            url=url + criteres.parametres(tri=suivant, page=1),
            aria_sort=aria_sort,
            indicateur=indicateur,
            consigne=f"trier par {libelle}, ordre {_sens(suivant)}",
        )
    return entetes


def _annonce(nombre: int, criteres: CriteresTableau, pagination: Pagination) -> str:
    pluriel = "s" if nombre > 1 else ""
    filtres = " correspondant aux filtres" if criteres.filtre else ""
    tri = TRIS.get(criteres.tri.removeprefix("-"), TRIS[TRI_PAR_DEFAUT])
    return (
        f"{nombre} dossier{pluriel}{filtres}, page {pagination.numero} sur "
        f"{pagination.nombre_pages}, triés par {tri}, ordre {_sens(criteres.tri)}."
    )


def tableau_instruction(
    appel: AppelAProjets, d: Droits, criteres: CriteresTableau | None = None
) -> TableauInstruction:
    """One page of the board: its lines, how many match, links to sort and to other pages.

    Queries: the page with the total, the figures of its dossiers, the reader's
    actions on them; as many for 40 dossiers as for 4 000.
    """
    criteres = criteres or CriteresTableau()
    url = reverse("programmation:dossiers_appel", args=[appel.contrat.slug, appel.annee])
    page, nombre, dossiers = _une_page(dossiers_du_tableau(appel, d, criteres), criteres.page)
    criteres = replace(criteres, page=page)
    montants = montants_du_tableau(Dossier.objects.filter(pk__in=[x.pk for x in dossiers]))
    pagination = _pagination(url, criteres, nombre)
    return TableauInstruction(
        lignes=_lignes(dossiers, montants, _actions(dossiers, d)),
        nombre=nombre,
        criteres=criteres,
        pagination=pagination,
        tris=_tris(url, criteres),
        parametres_export=criteres.parametres(page=None),
        adresse=url + criteres.parametres(),
        annonce=_annonce(nombre, criteres, pagination),
    )


@dataclass(frozen=True)
class Compteurs:
    deposes: int
    recevables: int
    en_instruction: int
    proposes: int
    programmes: int


def compteurs(appel: AppelAProjets, d: Droits) -> Compteurs:
    par_statut = dict(
        permissions.dossiers_instruits(d, appel)
        .values("statut")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("statut", "n")
    )
    return Compteurs(
        deposes=par_statut.get(Statut.DEPOSE, 0),
        recevables=par_statut.get(Statut.RECEVABLE, 0),
        en_instruction=par_statut.get(Statut.EN_INSTRUCTION, 0),
        proposes=par_statut.get(Statut.PROPOSE, 0),
        programmes=sum(
            par_statut.get(s, 0) for s in (Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE)
        ),
    )


# --- Co-financing summary --------------------------------------------------------------------


@dataclass(frozen=True)
class LigneCofinancement:
    financeur: str
    nature: str
    nature_libelle: str
    enveloppe: Decimal | None
    propose: Decimal
    accorde: Decimal
    engage: Decimal
    reste: Decimal | None

    @property
    def depasse(self) -> bool:
        return self.reste is not None and self.reste < 0


@dataclass(frozen=True)
class SyntheseCofinancement:
    lignes: list[LigneCofinancement]
    droit_commun: Decimal
    credits_specifiques: Decimal
    part_droit_commun: int | None
    droit_commun_d_abord: bool


def synthese_cofinancement(appel: AppelAProjets, d: Droits) -> SyntheseCofinancement:
    """Per financeur and nature: envelope, proposed, granted and what remains.

    What a dossier takes from an envelope is its granted amount, or its proposed amount
    while nothing is granted yet. A financeur who is not pilote, État or membre sees
    only its own organisations.
    """
    enveloppes = permissions.enveloppes_lisibles(d, appel)
    financements = permissions.financements_lisibles(d, appel).exclude(
        dossier__statut__in=STATUTS_SANS_ENGAGEMENT
    )
    cles: dict[tuple[str, str], dict] = {}
    for e in enveloppes.values("financeur__nom", "nature", "montant"):
        cles[(e["financeur__nom"], e["nature"])] = {"enveloppe": e["montant"]}
    zero = Value(ZERO, output_field=MONTANT)
    for f in (
        financements.values("financeur__nom", "nature")
        .annotate(
            propose=Coalesce(Sum("montant_propose"), zero),
            accorde=Coalesce(Sum("montant_accorde"), zero),
            engage=Coalesce(
                Sum(Coalesce("montant_accorde", "montant_propose", output_field=MONTANT)), zero
            ),
        )
        .order_by()
    ):
        cles.setdefault((f["financeur__nom"], f["nature"]), {}).update(f)
    libelles = dict(NatureCredit.choices)
    lignes = []
    for (financeur, nature), valeurs in sorted(cles.items(), key=lambda c: (c[0][0], c[0][1])):
        enveloppe = valeurs.get("enveloppe")
        engage = valeurs.get("engage", ZERO)
        lignes.append(
            LigneCofinancement(
                financeur=financeur,
                nature=nature,
                nature_libelle=libelles.get(nature, nature),
                enveloppe=enveloppe,
                propose=valeurs.get("propose", ZERO),
                accorde=valeurs.get("accorde", ZERO),
                engage=engage,
                reste=None if enveloppe is None else enveloppe - engage,
            )
        )
    droit_commun = sum(
        (ligne.engage for ligne in lignes if ligne.nature == NatureCredit.DROIT_COMMUN), ZERO
    )
    specifiques = sum(
        (ligne.engage for ligne in lignes if ligne.nature == NatureCredit.CREDITS_SPECIFIQUES),
        ZERO,
    )
    total = droit_commun + specifiques
    return SyntheseCofinancement(
        lignes=lignes,
        droit_commun=droit_commun,
        credits_specifiques=specifiques,
        part_droit_commun=round(droit_commun * 100 / total) if total else None,
        droit_commun_d_abord=droit_commun >= specifiques,
    )


# --- Committees ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierAuComite:
    dossier: Dossier
    droit_commun: Montants
    credits_specifiques: Montants


def dossiers_en_attente(appel: AppelAProjets, statut: str) -> list[DossierAuComite]:
    dossiers = list(
        Dossier.objects.filter(appel=appel, statut=statut)
        .select_related("structure__organisation")
        .order_by("numero")
    )
    montants = montants_par_dossier(dossiers)
    return [
        DossierAuComite(
            dossier=dossier,
            droit_commun=montants[dossier.pk][NatureCredit.DROIT_COMMUN],
            credits_specifiques=montants[dossier.pk][NatureCredit.CREDITS_SPECIFIQUES],
        )
        for dossier in dossiers
    ]


# --- Conventions and payments ----------------------------------------------------------------


def convention_detail(pk: int) -> Convention:
    return get_object_or_404(
        Convention.objects.select_related(
            "financement__financeur",
            "financement__dossier__appel__contrat",
            "financement__dossier__structure__organisation",
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class LignePaiement:
    paiement: Paiement
    # Whether this reader may cancel it: a payment still standing, shown to its financeur.
    annulable: bool


@dataclass(frozen=True)
class EtatPaiements:
    paiements: list[LignePaiement]
    total_paye: Decimal
    reste: Decimal
    solde: bool


def etat_paiements(convention: Convention, peut_payer: bool = False) -> EtatPaiements:
    """Payments and their counter-entries, oldest first; totals count both (net amounts)."""
    paiements = list(
        convention.paiements.select_related("acteur", "contre_passation_de").order_by("date", "id")
    )
    paye = sum((p.montant for p in paiements), ZERO)
    return EtatPaiements(
        paiements=[
            LignePaiement(
                p,
                annulable=peut_payer and not p.annule and p.nature != Paiement.Nature.ANNULATION,
            )
            for p in paiements
        ],
        total_paye=paye,
        reste=convention.montant - paye,
        solde=any(p.nature == Paiement.Nature.SOLDE and not p.annule for p in paiements),
    )
