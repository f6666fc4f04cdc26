"""Full-text search over everything a contract publishes, on a database index.

The texts live in `DocumentRecherche`, kept in sync with the contract tables by
database triggers (publication/migrations/0001_index_recherche.py) and indexed by
SQLite FTS5 or a PostgreSQL tsvector column with a GIN index. Texts are compared
without accents or case, so that « education » finds « Éducation »; a result
contains every word of the query, in any order, the last word being matched as a
prefix (« educat » finds « Éducation »).

A page of results costs three SQL queries whatever the number of contracts: the
count, the identifiers of the page in rank order, and their documents.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse

from contrats.models import Contrat
from publication.models import DocumentRecherche

PAR_PAGE = 20
LONGUEUR_EXTRAIT = 220
TABLE = DocumentRecherche._meta.db_table
FTS = f"{TABLE}_fts"
# A word is searched only if it holds a letter or a digit: the tokenizers of both
# databases drop everything else, and a word of punctuation alone would match nothing.
LETTRE_OU_CHIFFRE = re.compile(r"[^\W_]")

Nature = DocumentRecherche.Nature


@dataclass(frozen=True)
class Resultat:
    nature: str
    titre: str
    extrait: str
    url: str
    contrat: Contrat


def normaliser(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def mots_de(requete: str) -> list[str]:
    # Slashes separate words, as in the PostgreSQL index (see the migration).
    texte = unicodedata.normalize("NFC", requete).replace("/", " ")
    return [mot for mot in texte.split() if LETTRE_OU_CHIFFRE.search(mot)]


def rechercher(requete: str, contrats: QuerySet[Contrat]) -> "Correspondances":
    """The documents of `contrats` holding every word of `requete`, best first.

    Nothing is read until the result is counted or sliced: hand it to `paginer`.
    """
    return Correspondances(mots_de(requete), contrats)


def paginer(
    correspondances: "Correspondances", numero: int | str | None, *, strict: bool = False
) -> Page:
    """One page of results. Lenient by default (the page of a web link that went stale
    is the nearest one); strict raises InvalidPage for the API to answer 404."""
    paginator = Paginator(correspondances, PAR_PAGE)
    return paginator.page(numero or 1) if strict else paginator.get_page(numero)


def numeros_de_pages(page: Page) -> list[int | str]:
    """The page numbers a pagination shows around the current one, "…" for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


class Correspondances:
    """The matches of one query, read lazily: Django's Paginator counts, then slices."""

    def __init__(self, mots: list[str], contrats: QuerySet[Contrat]) -> None:
        self.mots = mots
        self.connexion = connections[contrats.db]
        self.perimetre = _perimetre(contrats)
        self._nombre: int | None = None

    def count(self) -> int:
        if self._nombre is None:
            self._nombre = self._compter() if self.mots else 0
        return self._nombre

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, tranche: slice) -> list[Resultat]:
        if not isinstance(tranche, slice):
            raise TypeError("Correspondances se lit par tranches (pagination).")
        debut, fin = tranche.start or 0, tranche.stop
        if not self.mots or (fin is not None and fin <= debut):
            return []
        limite = (fin - debut) if fin is not None else self.count()
        identifiants = self._identifiants(limite, debut)
        documents = (
            DocumentRecherche.objects.using(self.connexion.alias)
            .select_related("contrat")
            .in_bulk(identifiants)
        )
        return [_resultat(documents[i], self.mots) for i in identifiants if i in documents]

    def _compter(self) -> int:
        correspondance, params = self._correspondance()
        with self.connexion.cursor() as curseur:
            curseur.execute(f"SELECT count(*) {correspondance}", params)
            return curseur.fetchone()[0]

    def _identifiants(self, limite: int, decalage: int) -> list[int]:
        correspondance, params = self._correspondance()
        # The id breaks ties: pages never overlap nor skip a result.
        sql = f"SELECT d.id {correspondance} ORDER BY {self._rang()}, d.id LIMIT %s OFFSET %s"
        with self.connexion.cursor() as curseur:
            curseur.execute(sql, [*params, limite, decalage])
            return [ligne[0] for ligne in curseur.fetchall()]

    def _correspondance(self) -> tuple[str, list]:
        """FROM … WHERE … of the documents matching every word, within the contracts."""
        perimetre, params_perimetre = self.perimetre
        if self.connexion.vendor == "postgresql":
            requete, params = _tsquery(self.mots)
            return (
                f"FROM {TABLE} d, (SELECT {requete} AS requete) q"
                f" WHERE d.vecteur @@ q.requete AND {perimetre}",
                [*params, *params_perimetre],
            )
        return (
            f"FROM {FTS} JOIN {TABLE} d ON d.id = {FTS}.rowid WHERE {FTS} MATCH %s AND {perimetre}",
            [_requete_fts5(self.mots), *params_perimetre],
        )

    def _rang(self) -> str:
        if self.connexion.vendor == "postgresql":
            # Normalisation 1: a long text is not favoured for being long.
            return "ts_rank(d.vecteur, q.requete, 1) DESC"
        # bm25 is lower for better matches; a word in the title counts three times.
        return f"bm25({FTS}, 3.0, 1.0)"


def _perimetre(contrats: QuerySet[Contrat]) -> tuple[str, list]:
    """The contracts as a subquery: no query to list them, whatever their number."""
    try:
        sql, params = contrats.order_by().values("pk").query.get_compiler(contrats.db).as_sql()
    except EmptyResultSet:
        return "1 = 0", []
    return f"d.contrat_id IN ({sql})", list(params)


def _requete_fts5(mots: list[str]) -> str:
    """An FTS5 query requiring every word, the last one as a prefix.

    Each word is a quoted string (its quotes doubled): NEAR, AND, OR, NOT, *, -, ^,
    colons and parentheses typed by the user stay plain text, never FTS5 syntax.
    """
    phrases = ['"' + mot.replace('"', '""') + '"' for mot in mots]
    phrases[-1] += "*"
    return " ".join(phrases)


def _tsquery(mots: list[str]) -> tuple[str, list[str]]:
    """A tsquery requiring every word (stemmed), the last one stemmed or as a prefix.

    plainto_tsquery reads each word as plain text: operators typed by the user
    (&, |, !, <->, :*, quotes, parentheses) never become tsquery syntax.
    """
    entier = "plainto_tsquery('fr_unaccent', %s)"
    prefixe = "plainto_tsquery('fr_unaccent_prefixe', %s)"
    # A prefix of nothing (a word without lexeme) must stay empty, not become ":*".
    dernier = (
        f"({entier} || CASE WHEN numnode({prefixe}) = 0 THEN ''::tsquery"
        f" ELSE ({prefixe}::text || ':*')::tsquery END)"
    )
    *premiers, fin = mots
    sql = " && ".join([entier] * len(premiers) + [dernier])
    return sql, [*premiers, fin, fin, fin]


def _resultat(document: DocumentRecherche, mots: list[str]) -> Resultat:
    nature = document.get_nature_display()
    if document.nature == Nature.ENGAGEMENT:
        nature = f"{nature} ({document.contexte})"
    return Resultat(
        nature=nature,
        titre=document.titre,
        extrait=_extrait(document.texte, mots),
        url=ADRESSES[document.nature](document.contrat.slug, document.cle),
        contrat=document.contrat,
    )


def _extrait(original: str, mots: list[str]) -> str:
    # NFKD then dropping combining marks keeps one character per original letter
    # for French text, so positions in the normalised text match the original.
    normalise = normaliser(original)
    positions = [p for p in (normalise.find(normaliser(m)) for m in mots) if p >= 0]
    position = min(positions, default=0)
    debut = max(position - LONGUEUR_EXTRAIT // 3, 0)
    extrait = " ".join(original[debut : debut + LONGUEUR_EXTRAIT].split())
    return (
        ("…" if debut else "") + extrait + ("…" if debut + LONGUEUR_EXTRAIT < len(original) else "")
    )


def _gouvernance(slug: str, ancre: str = "") -> str:
    return reverse("contrats:gouvernance", args=[slug]) + ancre


# Where each nature of document is read on the site, from (contract slug, key).
ADRESSES: dict[str, Callable[[str, str], str]] = {
    Nature.AXE: lambda slug, cle: reverse("contrats:axe", args=[slug, cle]),
    Nature.OBJECTIF: lambda slug, cle: reverse("contrats:objectif", args=[slug, cle]),
    Nature.ACTION: lambda slug, cle: f"{reverse('contrats:plan', args=[slug])}?domaine={cle}",
    Nature.ENGAGEMENT: lambda slug, cle: reverse("contrats:engagements", args=[slug, cle]),
    Nature.SIGNATAIRE: lambda slug, cle: reverse("contrats:signataires", args=[slug]),
    Nature.INSTANCE: lambda slug, cle: _gouvernance(slug, f"#instance-{cle}"),
    Nature.PLATEFORME: lambda slug, cle: _gouvernance(slug),
    Nature.DISPOSITIF: lambda slug, cle: _gouvernance(slug),
}
