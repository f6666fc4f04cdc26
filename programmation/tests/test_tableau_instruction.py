"""The instruction board of a call of any size: pages, sort, filters, htmx, exports, links.

Small calls are shown five dossiers a page (PAR_PAGE is lowered), so that a dozen
dossiers span three pages; the query count is checked on the real pages of 50, with
40 and 400 dossiers. Calls are built by `bench.tableau.remplir_appel`: drafts written
in bulk, deposited by their porteurs, some driven further through the services.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from odf import opendocument
from odf.namespaces import OFFICENS
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook

from bench.tableau import remplir_appel
from contrats.models import Organisation
from contrats.selectors import droits
from programmation.exports import COLONNES_TABLEAU
from programmation.models import (
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
)
from programmation.selectors import instruction
from programmation.selectors.instruction import (
    CriteresTableau,
    choix_de_tri,
    lignes_du_tableau,
    tableau_instruction,
)
from programmation.templatetags.fichiers import format_taille
from programmation.templatetags.montants import format_euros
from programmation.tests.factories import AppelFactory
from programmation.tests.outils import (
    client_de,
    dossier_au_statut,
    dossier_conventionne,
    html_brut,
    piece_de,
    porteur_du,
    texte,
    url_tableau,
    verifier_refus,
)

pytestmark = pytest.mark.django_db

# Where the dossiers of a small call end: every figure of the board differs somewhere.
PARCOURS = (
    Statut.DEPOSE,
    Statut.PROPOSE,
    Statut.CONVENTIONNE,
    Statut.EN_INSTRUCTION,
    Statut.DEPOSE,
    Statut.CONVENTIONNE,
)
PAR_PAGE = 5
ENTETE_EXPORT = [
    "Numéro",
    "Intitulé de l'action",
    "Structure porteuse",
    "Pilier",
    "Statut",
    "Demandé droit commun (€)",
    "Proposé droit commun (€)",
    "Accordé droit commun (€)",
    "Payé droit commun (€)",
    "Demandé crédits spécifiques (€)",
    "Proposé crédits spécifiques (€)",
    "Accordé crédits spécifiques (€)",
    "Payé crédits spécifiques (€)",
    "Total demandé (€)",
    "Total proposé (€)",
    "Total accordé (€)",
    "Total payé (€)",
    "Donnée de démonstration",
]
COLONNES_MONTANTS = range(5, 17)


@pytest.fixture
def pages_de_cinq(monkeypatch):
    monkeypatch.setattr(instruction, "PAR_PAGE", PAR_PAGE)


@pytest.fixture
def appel(pages_de_cinq):
    """A call of 12 dossiers: deposited, in instruction, proposed, conventioned, paid."""
    appel = AppelFactory()
    remplir_appel(appel, 12, parcours=PARCOURS)
    return appel


# --- Reading the board ----------------------------------------------------------------------


def numeros(reponse) -> list[str]:
    """The dossiers of a page of the board, as their row headers list them."""
    return re.findall(
        r'<th scope="row" class="fr-cell--fixed"><a href="[^"]+">([^<]+)</a>', texte(reponse)
    )


def page(client, appel, parametres: str = "", **entetes):
    reponse = client.get(url_tableau(appel) + parametres, **entetes)
    assert reponse.status_code == 200
    html_brut(reponse)
    return reponse


def toutes_les_pages(client, appel, parametres: str = "") -> list[str]:
    """The dossiers of every page, following the board's own "Page suivante" links."""
    vus, adresse = [], url_tableau(appel) + parametres
    while adresse:
        reponse = client.get(adresse)
        vus += numeros(reponse)
        suivante = re.search(r'id="page-suivante" href="([^"]+)"', texte(reponse))
        adresse = suivante.group(1) if suivante else None
    return vus


def figures(appel) -> dict[str, dict[str, Decimal | None]]:
    """Each dossier's four figures, summed here from the database (not by the selector)."""
    resultat = {}
    for dossier in Dossier.objects.filter(appel=appel).exclude(statut=Statut.BROUILLON):
        financements = Financement.objects.filter(dossier=dossier)
        resultat[dossier.numero] = {
            "demande": LigneBudget.objects.filter(dossier=dossier, compte="74").aggregate(
                s=Sum("montant")
            )["s"],
            "propose": financements.aggregate(s=Sum("montant_propose"))["s"],
            "accorde": financements.aggregate(s=Sum("montant_accorde"))["s"],
            "paye": Paiement.objects.filter(convention__financement__dossier=dossier).aggregate(
                s=Sum("montant")
            )["s"],
        }
    return resultat


def ordre_attendu(appel, tri: str) -> list[str]:
    dossiers = {
        d.numero: d
        for d in Dossier.objects.filter(appel=appel)
        .exclude(statut=Statut.BROUILLON)
        .select_related("structure__organisation")
    }
    montants = figures(appel)
    cle = tri.removeprefix("-")
    rangs = list(Statut.values)

    def valeur(numero: str):
        if cle == "numero":
            return numero
        if cle == "structure":
            return dossiers[numero].structure.organisation.nom.lower()
        if cle == "statut":
            return rangs.index(dossiers[numero].statut)
        return montants[numero][cle] or Decimal(0)

    # Ties keep the order of the numbers, whichever the direction.
    return sorted(sorted(dossiers), key=valeur, reverse=tri.startswith("-"))


# --- Pages ----------------------------------------------------------------------------------


def test_first_page_lists_the_first_dossiers_with_a_french_dsfr_pagination(appel, pilote):
    reponse = page(client_de(pilote), appel)

    tous = sorted(Dossier.objects.filter(appel=appel).values_list("numero", flat=True))
    assert numeros(reponse) == tous[:PAR_PAGE]
    html = texte(reponse)
    assert f"Dossiers de l'appel à projets {appel.annee}, page 1 sur 3</caption>" in html
    assert '<nav role="navigation" class="fr-pagination"' in html
    base = url_tableau(appel)
    assert f'fr-pagination__link--lg-label" id="page-suivante" href="{base}?page=2"' in html
    assert (
        f'id="page-derniere" href="{base}?page=3" hx-get="{base}?page=3">Dernière page</a>' in html
    )
    assert 'aria-current="page" title="Page 1">1</a>' in html
    assert 'aria-disabled="true" role="link">Première page</a>' in html
    assert 'aria-disabled="true" role="link">Page précédente</a>' in html


def test_pages_split_the_call_and_the_last_one_holds_the_rest(appel, pilote):
    client = client_de(pilote)

    assert len(numeros(page(client, appel, "?page=3"))) == 12 - 2 * PAR_PAGE
    assert toutes_les_pages(client, appel) == ordre_attendu(appel, "numero")


def test_a_page_past_the_end_shows_the_last_page(appel, pilote):
    client = client_de(pilote)

    reponse = page(client, appel, "?page=40")

    assert numeros(reponse) == numeros(page(client, appel, "?page=3"))
    assert ", page 3 sur 3</caption>" in texte(reponse)


def test_a_call_of_one_page_shows_no_pagination(pilote):
    appel = AppelFactory()
    remplir_appel(appel, 3, parcours=(Statut.DEPOSE,))

    html = texte(page(client_de(pilote), appel))

    assert "fr-pagination" not in html
    assert f"Dossiers de l'appel à projets {appel.annee}</caption>" in html


# --- Sort -----------------------------------------------------------------------------------


def test_board_sorts_on_each_key_both_ways_across_its_pages(appel, pilote):
    client = client_de(pilote)

    for tri in choix_de_tri():
        assert toutes_les_pages(client, appel, f"?tri={tri}") == ordre_attendu(appel, tri), tri


def test_sort_headers_toggle_the_direction_and_state_the_current_sort(appel, pilote):
    base = url_tableau(appel)

    html = texte(page(client_de(pilote), appel, "?tri=-accorde&statut=conventionne"))

    assert (
        f'aria-sort="descending"><a id="tri-accorde" href="{base}?statut=conventionne&tri=accorde"'
        in html
    )
    assert "(trier par montant accordé, ordre croissant)" in html
    # Another column sorts from its largest amount, keeping the filter and leaving the page.
    assert f'<a id="tri-demande" href="{base}?statut=conventionne&tri=-demande"' in html
    assert f'<a id="tri-structure" href="{base}?statut=conventionne&tri=structure"' in html
    assert html.count("aria-sort=") == 1


def test_an_unknown_sort_or_page_is_ignored(appel, pilote):
    client = client_de(pilote)

    reponse = page(client, appel, "?tri=-intitule&page=zero")

    assert numeros(reponse) == numeros(page(client, appel))


# --- Filters --------------------------------------------------------------------------------


def test_statut_filter_keeps_its_dossiers_and_the_counters_stay_for_the_whole_call(appel, pilote):
    client = client_de(pilote)
    entier = texte(page(client, appel))
    compteurs = re.search(r"Pour tout l'appel : [^<]+", entier).group(0)

    html = texte(page(client, appel, "?statut=conventionne"))

    attendus = sorted(
        Dossier.objects.filter(appel=appel, statut=Statut.CONVENTIONNE).values_list(
            "numero", flat=True
        )
    )
    assert len(attendus) == 4
    assert toutes_les_pages(client, appel, "?statut=conventionne") == attendus
    assert compteurs in html
    assert "4 dossiers</strong>" not in html
    assert "<strong>4</strong> dossiers correspondant aux filtres" in html
    assert "Co-financement de l'appel" in html


def test_structure_search_pilier_financeur_and_nature_filters(appel, pilote):
    region = Organisation.objects.get(code="region-idf")
    seule_la_region = dossier_au_statut(
        Statut.DEPOSE,
        appel=appel,
        remplir__subventions=[("region-idf", NatureCredit.DROIT_COMMUN, "3000")],
    )
    client = client_de(pilote)
    lire = sorted(
        Dossier.objects.filter(
            appel=appel, structure__organisation__nom__startswith="Association Lire"
        ).values_list("numero", flat=True)
    )
    un_pilier = Dossier.objects.filter(appel=appel).exclude(pk=seule_la_region.pk).first().pilier
    du_pilier = sorted(
        Dossier.objects.filter(appel=appel, pilier=un_pilier)
        .exclude(statut=Statut.BROUILLON)
        .values_list("numero", flat=True)
    )
    autres = sorted(
        Dossier.objects.filter(appel=appel)
        .exclude(pk=seule_la_region.pk)
        .values_list("numero", flat=True)
    )

    assert toutes_les_pages(client, appel, "?structure=LIRE+et") == lire
    assert toutes_les_pages(client, appel, f"?pilier={un_pilier.pk}") == du_pilier
    assert toutes_les_pages(client, appel, f"?financeur={region.pk}") == [seule_la_region.numero]
    assert toutes_les_pages(client, appel, "?nature=credits_specifiques") == autres
    assert (
        toutes_les_pages(client, appel, f"?financeur={region.pk}&nature=credits_specifiques") == []
    )
    assert "Aucun dossier ne correspond à ces filtres." in texte(
        page(client, appel, f"?financeur={region.pk}&nature=credits_specifiques")
    )


def test_a_value_that_is_no_choice_is_ignored_alone(appel, pilote):
    client = client_de(pilote)

    reponse = page(client, appel, "?statut=inconnu&pilier=abc&structure=lire")

    html = texte(reponse)
    assert "Sélectionnez un choix valide" in html
    assert numeros(reponse) == toutes_les_pages(client, appel, "?structure=lire")[:PAR_PAGE]


def test_links_keep_the_filters_and_sort_across_pages_sorts_and_downloads(appel, pilote):
    base = url_tableau(appel)
    etat = "structure=a&tri=-demande"

    html = texte(page(client_de(pilote), appel, f"?{etat}&page=2"))

    assert f'id="page-suivante" href="{base}?{etat}&page=3"' in html
    assert f'id="page-precedente" href="{base}?{etat}"' in html
    assert f'<a id="tri-paye" href="{base}?structure=a&tri=-paye"' in html
    for format in ("csv", "xlsx", "ods"):
        export = reverse(
            "programmation:dossiers_appel_export", args=[appel.contrat.slug, appel.annee, format]
        )
        assert f'href="{export}?{etat}" download>' in html
    # The filter form submits the sort as well, without JavaScript.
    assert 'name="tri" value="-demande" id="filtre-tri"' in html
    assert f'<form method="get" action="{base}"' in html


# --- htmx -----------------------------------------------------------------------------------


def test_htmx_gets_the_table_alone_with_the_sort_and_a_sentence_out_of_band(appel, pilote):
    reponse = page(client_de(pilote), appel, "?tri=-paye&structure=&page=2", HTTP_HX_REQUEST="true")

    html = texte(reponse)
    assert "<html" not in html and "Co-financement" not in html
    assert 'id="tableau-instruction"' in html
    assert (
        '<input type="hidden" name="tri" value="-paye" id="filtre-tri" hx-swap-oob="true">' in html
    )
    assert (
        '<p id="annonce-tableau" hx-swap-oob="innerHTML">12 dossiers, page 2 sur 3, triés par '
        "montant payé, ordre décroissant.</p>"
    ) in html
    # The address shown is the board's own, without the empty filters htmx sends.
    assert reponse["HX-Push-Url"] == url_tableau(appel) + "?tri=-paye&page=2"
    assert "HX-Request" in reponse["Vary"]


def test_htmx_history_restore_gets_the_whole_page(appel, pilote):
    reponse = page(
        client_de(pilote),
        appel,
        "?page=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert "<html" in texte(reponse)
    assert "HX-Push-Url" not in reponse


# --- The page around the table --------------------------------------------------------------


def test_board_states_what_each_figure_means(appel, pilote):
    html = texte(page(client_de(pilote), appel))

    notice = re.search(
        r'<div class="fr-notice fr-notice--info[^"]*" id="definitions-montants">(.+?)</div>',
        html,
        re.S,
    ).group(1)
    for definition in (
        "<strong>Demandé</strong> : les subventions de son budget prévisionnel (compte 74)",
        "<strong>proposé</strong> : ce que les financeurs ont proposé à l'instruction",
        "<strong>accordé</strong> : ce qu'ils ont accordé après le comité de pilotage",
        "<strong>payé</strong> : les avances et soldes versés sur ses conventions",
    ):
        assert definition in notice
    assert 'aria-describedby="definitions-montants"' in html


def test_rows_show_totals_and_the_details_per_nature_of_credits(appel, pilote):
    conventionne = Dossier.objects.filter(appel=appel, statut=Statut.CONVENTIONNE).order_by(
        "numero"
    )[1]
    attendu = figures(appel)[conventionne.numero]

    reponse = page(client_de(pilote), appel, "?statut=conventionne")

    html = texte(reponse)
    ligne = re.search(rf">{conventionne.numero}</a></th>(.+?)</tr>", html, re.S).group(1)
    cellules = re.findall(r'<td class="fr-cell--right">([^<]*)</td>', ligne)
    assert cellules == [format_euros(attendu[m]) for m in ("demande", "propose", "accorde", "paye")]
    assert attendu["paye"] == attendu["accorde"] / 2
    droit_commun = LigneBudget.objects.get(dossier=conventionne, nature=NatureCredit.DROIT_COMMUN)
    assert f"Droit commun : demandé {format_euros(droit_commun.montant)}, proposé" in ligne
    assert f'<summary>Détails<span class="fr-sr-only"> du dossier {conventionne.numero}' in ligne


def test_amounts_are_right_aligned_and_never_cut(appel, pilote):
    html = texte(page(client_de(pilote), appel))

    tableau = html[html.index('<table id="tableau-instruction"') :]
    lignes = re.findall(r"<tr>\s*<th scope=\"row\".+?</tr>", tableau, re.S)
    assert len(lignes) == PAR_PAGE
    for ligne in lignes:
        assert (
            len(
                re.findall(
                    r'<td class="fr-cell--right">(?:[^<]*€|—)</td>',
                    ligne,
                )
            )
            == 4
        )
    # DSFR cells do not wrap unless told to; the board never tells the amounts to, nor cuts.
    assert "fr-table--multiline" not in html.split('id="tableau-instruction-conteneur"')[0][-200:]
    assert "text-overflow" not in html and "fr-cell--truncate" not in html
    assert '<th scope="col" class="fr-cell--fixed"' in html


# --- Query count ----------------------------------------------------------------------------


# Session, user, call, rights; filter choices; the page with its total; the figures of its
# dossiers; the reader's actions on them; the call's counters; co-financing (2).
REQUETES_PAGE = 11
# Without the counters and co-financing the htmx update does not replace.
REQUETES_HTMX = 8
# Session, user, call, rights; filter choices; the dossiers; their figures.
REQUETES_EXPORT = 7


def _compter(client, appel, django_assert_num_queries) -> None:
    export = reverse(
        "programmation:dossiers_appel_export", args=[appel.contrat.slug, appel.annee, "csv"]
    )
    for parametres, nombre, entetes in (
        ("", REQUETES_PAGE, {}),
        ("?tri=-accorde&nature=droit_commun&structure=a", REQUETES_PAGE, {}),
        ("?tri=-demande&statut=depose", REQUETES_HTMX, {"HTTP_HX_REQUEST": "true"}),
    ):
        with django_assert_num_queries(nombre):
            assert client.get(url_tableau(appel) + parametres, **entetes).status_code == 200
    with django_assert_num_queries(REQUETES_EXPORT):
        assert client.get(export + "?tri=-paye").status_code == 200


def test_query_count_is_the_same_for_40_and_400_dossiers(
    pilote, financeur, django_assert_num_queries
):
    appel = AppelFactory()
    remplir_appel(
        appel,
        40,
        parcours=(Statut.DEPOSE, Statut.EN_INSTRUCTION, Statut.CONVENTIONNE, Statut.DEPOSE),
    )
    lecteurs = [client_de(pilote), client_de(financeur)]
    for client in lecteurs:
        _compter(client, appel, django_assert_num_queries)

    remplir_appel(appel, 400, parcours=(Statut.DEPOSE,))

    assert Dossier.objects.filter(appel=appel).exclude(statut=Statut.BROUILLON).count() == 400
    for client in lecteurs:
        _compter(client, appel, django_assert_num_queries)


# --- Who reads what -------------------------------------------------------------------------


def test_financeur_board_and_export_hold_only_the_dossiers_asking_it(
    appel, financeur, autre_financeur
):
    seule_la_region = dossier_au_statut(
        Statut.DEPOSE,
        appel=appel,
        remplir__subventions=[("region-idf", NatureCredit.DROIT_COMMUN, "3000")],
    )
    caf, region = client_de(financeur), client_de(autre_financeur)

    vus_par_la_caf = toutes_les_pages(caf, appel)
    assert seule_la_region.numero not in vus_par_la_caf
    assert len(vus_par_la_caf) == 12
    assert [r[0] for r in _lire_csv(_export(caf, appel, "csv"))[1:]] == vus_par_la_caf
    assert toutes_les_pages(region, appel) == [seule_la_region.numero]
    assert [r[0] for r in _lire_csv(_export(region, appel, "csv"))[1:]] == [seule_la_region.numero]


@pytest.mark.parametrize("nom", ["porteur", "anonyme"])
def test_board_and_its_exports_are_refused_to_a_porteur_and_the_anonymous(appel, nom):
    dossier = Dossier.objects.filter(appel=appel).first()
    client = client_de(porteur_du(dossier) if nom == "porteur" else None)

    verifier_refus(client.get(url_tableau(appel)), nom)
    for format in ("csv", "xlsx", "ods"):
        verifier_refus(_export(client, appel, format), nom)


def test_an_unknown_export_format_is_not_found(appel, pilote):
    assert _export(client_de(pilote), appel, "pdf").status_code == 404


# --- Exports --------------------------------------------------------------------------------


def _export(client, appel, format: str, parametres: str = ""):
    return client.get(
        reverse(
            "programmation:dossiers_appel_export", args=[appel.contrat.slug, appel.annee, format]
        )
        + parametres
    )


def _lire_csv(reponse) -> list[list[str]]:
    assert reponse.status_code == 200
    contenu = reponse.content
    assert contenu.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def _lire_xlsx(reponse) -> list[list]:
    return [
        list(r)
        for r in load_workbook(io.BytesIO(reponse.content)).active.iter_rows(values_only=True)
    ]


def _lire_ods(reponse) -> list[list]:
    table = opendocument.load(io.BytesIO(reponse.content)).spreadsheet.getElementsByType(Table)[0]
    rangees = []
    for ligne in table.getElementsByType(TableRow):
        cellules = []
        for cellule in ligne.getElementsByType(TableCell):
            if cellule.getAttrNS(OFFICENS, "value-type") == "float":
                cellules.append(cellule.getAttrNS(OFFICENS, "value"))
            else:
                cellules.append("".join(str(p) for p in cellule.getElementsByType(P)) or None)
        rangees.append(cellules)
    return rangees


def _normaliser(rangee: list, depuis_csv: bool = False) -> list:
    """Cells as comparable values: Decimal for amounts (None when empty), str otherwise."""
    resultat = []
    for rang, valeur in enumerate(rangee):
        if valeur in (None, ""):
            resultat.append(None)
        elif rang in COLONNES_MONTANTS:
            texte_valeur = str(valeur).replace(",", ".") if depuis_csv else str(valeur)
            resultat.append(Decimal(texte_valeur).quantize(Decimal("0.01")))
        else:
            resultat.append(str(valeur))
    return resultat


def test_the_three_exports_hold_every_row_of_the_board_in_its_order(appel, pilote):
    client = client_de(pilote)
    etat = "?structure=a&tri=-accorde"
    au_tableau = toutes_les_pages(client, appel, etat)
    assert len(au_tableau) > PAR_PAGE  # the board spreads them over pages

    rangees_csv = _lire_csv(_export(client, appel, "csv", etat))
    rangees_xlsx = _lire_xlsx(_export(client, appel, "xlsx", etat))
    rangees_ods = _lire_ods(_export(client, appel, "ods", etat))

    assert [c.entete for c in COLONNES_TABLEAU] == ENTETE_EXPORT
    assert rangees_csv[0] == rangees_xlsx[0] == rangees_ods[0] == ENTETE_EXPORT
    attendues = [_normaliser(r, depuis_csv=True) for r in rangees_csv[1:]]
    assert [_normaliser(r) for r in rangees_xlsx[1:]] == attendues
    assert [_normaliser(r) for r in rangees_ods[1:]] == attendues
    assert [r[0] for r in attendues] == au_tableau
    montants = figures(appel)
    for rangee in attendues:
        assert rangee[13:17] == [
            montants[rangee[0]][m] for m in ("demande", "propose", "accorde", "paye")
        ]


def test_csv_export_reads_in_a_french_spreadsheet(appel, pilote):
    reponse = _export(client_de(pilote), appel, "csv", "?statut=conventionne")

    lignes = reponse.content.decode("utf-8-sig").split("\r\n")
    assert reponse["Content-Disposition"] == (
        f'attachment; filename="dossiers-{appel.contrat.slug}-{appel.annee}.csv"'
    )
    assert lignes[0].startswith("Numéro;Intitulé de l'action;Structure porteuse;")
    premiere = lignes[1].split(";")
    assert re.fullmatch(r"\d+,\d\d", premiere[13])  # decimal comma, no thousands separator
    assert premiere[4] == "Conventionné"


def test_export_follows_the_selector_that_the_board_pages(appel, pilote):
    d = droits(pilote, appel.contrat)
    criteres = CriteresTableau(tri="-demande")
    pages = [
        ligne.dossier.numero
        for numero in (1, 2, 3)
        for ligne in tableau_instruction(
            appel, d, CriteresTableau(tri="-demande", page=numero)
        ).lignes
    ]

    assert [ligne.dossier.numero for ligne in lignes_du_tableau(appel, d, criteres)] == pages


# --- Download links and sizes ---------------------------------------------------------------


def test_board_downloads_are_dsfr_download_links_with_their_format(appel, pilote):
    html = texte(page(client_de(pilote), appel, "?statut=depose"))

    for format in ("CSV", "XLSX", "ODS"):
        assert re.search(
            rf'<a class="fr-link fr-link--download" href="[^"]+\.{format.lower()}\?statut=depose"'
            rf' download>Télécharger ces 4 dossiers <span class="fr-link__detail">{format}</span>'
            "</a>",
            html,
        )


def test_plan_downloads_are_dsfr_download_links_with_their_format(appel, client):
    html = texte(
        client.get(reverse("programmation:plan_annuel", args=[appel.contrat.slug, appel.annee]))
    )

    for format in ("CSV", "XLSX", "ODS"):
        assert (
            f"download>Télécharger le plan d'actions {appel.annee} "
            f'<span class="fr-link__detail">{format}</span></a>'
        ) in html


def test_pieces_and_conventions_are_linked_with_format_and_real_size(settings, tmp_path, pilote):
    settings.MEDIA_ROOT = tmp_path
    dossier = dossier_conventionne()
    porteur = porteur_du(dossier)
    piece = piece_de(
        Dossier.objects.create(
            appel=dossier.appel, structure=dossier.structure, numero="P-1", intitule="Brouillon"
        )
    )

    page_pieces = texte(
        client_de(porteur).get(reverse("programmation:dossier_pieces", args=[piece.dossier.pk]))
    )
    page_dossier = texte(
        client_de(porteur).get(reverse("programmation:dossier", args=[piece.dossier.pk]))
    )
    page_conventionne = texte(
        client_de(pilote).get(reverse("programmation:dossier", args=[dossier.pk]))
    )

    detail = f'<span class="fr-link__detail">PDF – {format_taille(piece.taille)}</span></a>'
    assert f"{piece.nom_original} {detail}" in page_pieces
    assert f"{piece.nom_original} {detail}" in page_dossier
    assert f"PDF – {piece.taille}\u00a0octets" in page_dossier
    assert re.search(
        r'<a class="fr-link fr-link--download" href="[^"]+/pdf/" download>'
        r'Télécharger la convention [^<]+ <span class="fr-link__detail">PDF</span></a>',
        page_conventionne,
    )


@pytest.mark.parametrize(
    "octets, lu",
    [
        (1, "1\u00a0octet"),
        (850, "850\u00a0octets"),
        (12_345, "12\u00a0ko"),
        (999_499, "999\u00a0ko"),
        (999_500, "1,0\u00a0Mo"),
        (1_234_567, "1,2\u00a0Mo"),
        (2_500_000_000, "2,5\u00a0Go"),
    ],
)
def test_sizes_read_in_french_units_of_a_thousand(octets, lu):
    assert format_taille(octets) == lu
