"""The tableau de bord of a contract: every figure against sums computed by hand.

The fixture (suivi/tests/outils_tableau.py) lives through the services, in two years;
amounts asked / proposed / granted / paid, CAF in droit commun, État in crédits
spécifiques:

- year 1, pillar 4, soldé: CAF 4 000 / 3 500 / 3 500 / 3 500, État 5 000 / 5 000 /
  5 000 / 5 000; public 6-11 ans, 10 F and 12 H, 50 % in the QPV;
- year 1, pillar 2, conventionné: CAF 2 000 / 2 000 / 2 000 / 1 000, État 3 000 / 3 000 /
  3 000 / 0 (500 paid, then cancelled); public 16-25 ans, 5 F and 5 H, QPV share unknown;
- year 1, pillar 4, refusé: CAF 1 000 / 1 000 / — / —; not programmed;
- year 2, pillar 4, validé (two objectives of domain 4.1): État 6 000 / 6 000 / 6 000 / 0;
  public 0-5 ans, 3 F and 1 H, 100 % in the QPV;
- year 2, a draft asking 9 999 €: never counted.

Bilans: the balanced dossier's complete bilan is validated (real public 6-11 ans 9 F and
12 H, 10 in the QPV; 26-64 ans 4 F, 1 in the QPV); the conventioned dossier attested its
non-réalisation, validated. Indicators (`indicateurs_du_petit_contrat`): objective a
computed (beneficiaries), objective c computed (realised actions), objective b entered
(45 then 28, from 50 to 30).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contrats.models import Organisation
from contrats.selectors import droits
from programmation.models import NatureCredit, Statut
from programmation.selectors.instruction import CriteresTableau, lignes_du_tableau
from programmation.tests import outils
from suivi import urls_tableau
from suivi.selectors.tableau_de_bord import Filtres, options, tableau_de_bord
from suivi.tests import outils_tableau
from suivi.tests.outils_tableau import lire_csv, montant

D = Decimal
DC, CS = NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES


@pytest.fixture
def petit(contrat_charge):
    return outils_tableau.petit_contrat(contrat_charge)


@pytest.fixture
def caf_etat(contrat_charge):
    return Organisation.objects.get(code="caf"), Organisation.objects.get(code="etat")


def _tableau(contrat, **filtres):
    return tableau_de_bord(contrat, Filtres(**filtres), options(contrat))


def _figures(chiffres) -> tuple:
    return (
        chiffres.dossiers,
        chiffres.programmes,
        chiffres.demande,
        chiffres.propose,
        chiffres.accorde,
        chiffres.paye,
    )


def _url(contrat, nom="tableau_de_bord", *args) -> str:
    return reverse(f"suivi:{nom}", args=[contrat.slug, *args])


# --- Every figure, by hand ---------------------------------------------------------------


def test_key_figures_of_all_years(contrat_charge, petit):
    totaux = _tableau(contrat_charge).totaux
    # The draft never counts; the refused dossier asked and was proposed, never granted;
    # the cancelled 500 € are not paid.
    assert _figures(totaux) == (4, 3, D("21000"), D("20500"), D("19500"), D("9500"))
    assert totaux.accorde_droit_commun == D("5500")
    assert totaux.part_droit_commun == D("28.2")
    assert totaux.part_droit_commun_texte == "28,2\u00a0%"


def test_table_by_financeur_and_nature(contrat_charge, petit, caf_etat):
    caf, etat = caf_etat
    lignes = _tableau(contrat_charge).tableaux["financements"].lignes
    assert [(ligne.financeur, ligne.nature) for ligne in lignes] == [
        (caf.nom, "Droit commun"),
        (etat.nom, NatureCredit.CREDITS_SPECIFIQUES.label),
    ]
    assert _figures(lignes[0].chiffres) == (3, 2, D("7000"), D("6500"), D("5500"), D("4500"))
    assert _figures(lignes[1].chiffres) == (3, 3, D("14000"), D("14000"), D("14000"), D("5000"))
    assert lignes[0].part_droit_commun_financeur == D("100.0")
    assert lignes[1].part_droit_commun_financeur == D("0.0")


def test_table_by_nature(contrat_charge, petit):
    lignes = _tableau(contrat_charge).tableaux["natures"].lignes
    assert [ligne.libelle for ligne in lignes] == ["Droit commun", CS.label]
    assert [(x.chiffres.demande, x.chiffres.accorde, x.chiffres.paye) for x in lignes] == [
        (D("7000"), D("5500"), D("4500")),
        (D("14000"), D("14000"), D("5000")),
    ]


def test_table_by_year_only_for_all_years(contrat_charge, petit):
    annees = _tableau(contrat_charge).tableaux["annees"].lignes
    assert [ligne.libelle for ligne in annees] == [str(petit.annee_1), str(petit.annee_2)]
    assert _figures(annees[0].chiffres) == (3, 2, D("15000"), D("14500"), D("13500"), D("9500"))
    assert _figures(annees[1].chiffres) == (1, 1, D("6000"), D("6000"), D("6000"), D("0"))
    assert annees[1].chiffres.part_droit_commun == D("0.0")
    assert "annees" not in _tableau(contrat_charge, annee=petit.annee_1).tableaux


def test_tables_by_pillar_domain_and_objective(contrat_charge, petit):
    c = petit.cadre
    tableaux = _tableau(contrat_charge).tableaux
    piliers = {ligne.libelle: ligne.chiffres for ligne in tableaux["piliers"].lignes}
    assert list(piliers) == [
        f"Pilier {c.pilier_2.numero} · {c.pilier_2.intitule}",
        f"Pilier {c.pilier_4.numero} · {c.pilier_4.intitule}",
    ]
    p2, p4 = piliers.values()
    assert _figures(p2) == (1, 1, D("5000"), D("5000"), D("5000"), D("1000"))
    assert _figures(p4) == (3, 2, D("16000"), D("15500"), D("14500"), D("8500"))
    assert p4.part_droit_commun == D("24.1")  # 3 500 of 14 500

    domaines = {ligne.libelle: ligne.chiffres for ligne in tableaux["domaines"].lignes}
    domaine_41 = f"{c.objectif_a.domaine.numero} {c.objectif_a.domaine.intitule}"
    domaine_2 = f"{c.objectif_c.domaine.numero} {c.objectif_c.domaine.intitule}"
    assert list(domaines) == [domaine_2, domaine_41]
    # The validated dossier holds two objectives of 4.1: counted once there.
    assert _figures(domaines[domaine_41]) == _figures(p4)
    assert _figures(domaines[domaine_2]) == _figures(p2)

    objectifs = {ligne.libelle: ligne.chiffres for ligne in tableaux["objectifs"].lignes}
    a = f"{c.objectif_a.numero} {c.objectif_a.intitule}"
    b = f"{c.objectif_b.numero} {c.objectif_b.intitule}"
    o = f"{c.objectif_c.numero} {c.objectif_c.intitule}"
    assert list(objectifs) == [o, a, b]
    assert _figures(objectifs[a]) == _figures(p4)
    assert _figures(objectifs[b]) == (1, 1, D("6000"), D("6000"), D("6000"), D("0"))
    assert _figures(objectifs[o]) == _figures(p2)
    # Every table's total counts each dossier once.
    assert {_figures(t.total) for t in tableaux.values()} == {
        (4, 3, D("21000"), D("20500"), D("19500"), D("9500"))
    }


def test_planned_beneficiaries_of_the_programmed_actions(contrat_charge, petit):
    bloc, _ = _tableau(contrat_charge).beneficiaires
    assert bloc.source == "prévus (dossiers)"
    assert [(x.tranche, x.femmes, x.hommes, x.total) for x in bloc.lignes] == [
        ("0 à 5 ans", 3, 1, 4),
        ("6 à 11 ans", 10, 12, 22),
        ("16 à 25 ans", 5, 5, 10),
    ]
    assert (bloc.femmes, bloc.hommes, bloc.total, bloc.part_femmes_texte) == (
        18,
        18,
        36,
        "50,0\u00a0%",
    )
    # 22 people at 50 % and 4 at 100 %: 15 of the 26 whose share is known.
    assert bloc.renseignes == 26
    assert bloc.part_qpv_texte == "57,7\u00a0%"
    assert bloc.part_qpv_femmes_texte == "61,5\u00a0%"  # (5 + 3) of 13
    assert bloc.part_qpv_hommes_texte == "53,8\u00a0%"  # (6 + 1) of 13
    assert bloc.lignes[1].largeur_hommes == 100
    assert bloc.lignes[0].largeur_hommes == 8


def _realisations(tableau) -> list[tuple]:
    return [(x.libelle, x.prevu, x.realise) for x in tableau.realisations.lignes]


def test_achieved_figures_next_to_the_planned_ones(contrat_charge, petit):
    tableau = _tableau(contrat_charge)
    _, reels = tableau.beneficiaires
    assert reels.source == "réels (bilans validés)"
    assert [(x.tranche, x.femmes, x.hommes, x.total) for x in reels.lignes] == [
        ("6 à 11 ans", 9, 12, 21),
        ("26 à 64 ans", 4, 0, 4),
    ]
    assert (reels.femmes, reels.hommes, reels.total) == (13, 12, 25)
    assert reels.part_femmes_texte == "52,0\u00a0%"  # 13 of 25
    assert reels.part_qpv == D("44.0")  # (10 + 1) of 25
    assert (tableau.realisations.realisees, tableau.realisations.non_realisees) == (1, 1)
    assert _realisations(tableau) == [
        ("Actions (programmées, puis réalisées)", 3, 1),
        ("Actions non réalisées (attestation validée)", None, 1),
        ("Bénéficiaires : femmes", 18, 13),
        ("Bénéficiaires : hommes", 18, 12),
        ("Bénéficiaires : total", 36, 25),
        ("Part des bénéficiaires résidant dans le quartier prioritaire (%)", D("57.7"), D("44.0")),
    ]
    assert [x.realise_texte for x in tableau.realisations.lignes][-1] == "44,0\u00a0%"


def test_achieved_figures_follow_the_filters(contrat_charge, petit):
    c = petit.cadre
    # The realised action is of pillar 4, the one not carried out of pillar 2; both year 1.
    pilier_2 = _tableau(contrat_charge, pilier=c.pilier_2.pk)
    assert (pilier_2.realisations.realisees, pilier_2.realisations.non_realisees) == (0, 1)
    assert pilier_2.beneficiaires[1].total == 0
    objectif_a = _tableau(contrat_charge, objectif=c.objectif_a.pk)
    assert (objectif_a.realisations.realisees, objectif_a.beneficiaires[1].total) == (1, 25)
    annee_2 = _tableau(contrat_charge, annee=petit.annee_2)
    assert [x.realise for x in annee_2.realisations.lignes][:5] == [0, 0, 0, 0, 0]


def test_each_achieved_figure_leads_to_its_dossiers(contrat_charge, petit, pilote):
    client = outils.client_de(pilote)
    tableau = _tableau(contrat_charge)
    realisees, non_realisees, femmes, *_ = tableau.realisations.lignes
    liste = _liste(client, contrat_charge, _parametres(realisees.url_realise))
    assert [x.dossier.numero for x in liste.lignes] == [petit.solde.numero]
    assert liste.criteres == ["Actions réalisées seulement (bilan validé)"]
    assert (liste.femmes_reelles, liste.hommes_reels) == (13, 12)
    liste = _liste(client, contrat_charge, _parametres(non_realisees.url_realise))
    assert [x.dossier.numero for x in liste.lignes] == [petit.conventionne.numero]
    assert liste.femmes_reelles == 0
    assert _liste(client, contrat_charge, _parametres(femmes.url_prevu)).femmes == femmes.prevu
    reponse = client.get(_url(contrat_charge))
    html = outils.html_brut(reponse)
    assert f'<a href="{realisees.url_realise.replace("&", "&amp;")}">1</a>' in html
    assert 'id="donnees-realisations"' in html
    # An unknown value of the hidden filter is left out: every submitted dossier is listed.
    assert _liste(client, contrat_charge, "?realisation=toutes").nombre == 4


def test_indicators_against_their_targets(contrat_charge, petit):
    i = outils_tableau.indicateurs_du_petit_contrat(contrat_charge, petit)
    lignes = {x.indicateur.code: x for x in _tableau(contrat_charge).indicateurs.lignes}
    assert list(lignes) == ["actions-c", "beneficiaires-a", "saisi-b"]
    beneficiaires = lignes["beneficiaires-a"].situation
    assert (beneficiaires.derniere.valeur, beneficiaires.derniere.date.year) == (
        D("25"),
        petit.annee_1,
    )
    assert (beneficiaires.ecart, beneficiaires.avancement) == (D("-15"), D("50"))  # 15 of 30
    assert lignes["beneficiaires-a"].badge == ("En deçà de la cible", "fr-badge--warning")
    # Not carried out: no realised action, no measure.
    assert lignes["actions-c"].situation.derniere is None
    assert lignes["actions-c"].badge == ("Aucune mesure", "")
    saisi = lignes["saisi-b"].situation
    assert (saisi.derniere.valeur, saisi.ecart, saisi.avancement) == (D("28"), D("-2"), D("110"))
    assert lignes["saisi-b"].badge == ("Cible atteinte", "fr-badge--success")
    assert lignes["saisi-b"].url == reverse("suivi:indicateur", args=[i.saisi_b.pk])


def test_indicators_follow_the_strategic_filters_and_the_year(contrat_charge, petit):
    outils_tableau.indicateurs_du_petit_contrat(contrat_charge, petit)
    c = petit.cadre

    def codes(**filtres) -> list[str]:
        return [x.indicateur.code for x in _tableau(contrat_charge, **filtres).indicateurs.lignes]

    assert codes(pilier=c.pilier_2.pk) == ["actions-c"]
    assert codes(domaine=c.objectif_a.domaine_id) == ["beneficiaires-a", "saisi-b"]
    assert codes(objectif=c.objectif_b.pk) == ["saisi-b"]
    # The financeur filter narrows the dossiers, never the indicators.
    assert codes(financeur=Organisation.objects.get(code="caf").pk) == [
        "actions-c",
        "beneficiaires-a",
        "saisi-b",
    ]
    en_2024 = {
        x.indicateur.code: x for x in _tableau(contrat_charge, annee=2024).indicateurs.lignes
    }
    assert en_2024["saisi-b"].situation.derniere.valeur == D("45")
    assert en_2024["beneficiaires-a"].situation.derniere is None
    assert _tableau(contrat_charge, annee=2024).indicateurs.annee == 2024


def test_the_page_shows_the_indicators_with_their_links_and_downloads(
    contrat_charge, petit, pilote
):
    i = outils_tableau.indicateurs_du_petit_contrat(contrat_charge, petit)
    reponse = outils.client_de(pilote).get(
        _url(contrat_charge), {"pilier": petit.cadre.pilier_4.pk}
    )
    html = outils.html_brut(reponse)
    texte = outils.texte(reponse)
    assert 'id="donnees-indicateurs"' in html
    assert f'href="{reverse("suivi:indicateur", args=[i.saisi_b.pk])}"' in html
    assert "actions-c" not in html  # pillar 2
    for format in ("csv", "xlsx", "ods"):
        assert (
            f"/tableau-de-bord/export/indicateurs.{format}?pilier={petit.cadre.pilier_4.pk}" in html
        )
    assert "Cible atteinte" in texte and "-2 %" in texte and "110\u00a0%" in texte


def test_the_csv_of_indicators_and_of_realisations(contrat_charge, petit, pilote):
    outils_tableau.indicateurs_du_petit_contrat(contrat_charge, petit)
    client = outils.client_de(pilote)
    reponse = client.get(_url(contrat_charge, "tableau_de_bord_export", "indicateurs", "csv"))
    rangees = {r["Code"]: r for r in lire_csv(reponse.content)}
    assert list(rangees) == ["actions-c", "beneficiaires-a", "saisi-b"]
    assert rangees["saisi-b"] == {
        "Code": "saisi-b",
        "Indicateur": "Indicateur saisi-b",
        "Unité": "%",
        "Valeur de référence": "50,00",
        "Date de référence": "01/01/2024",
        "Cible": "30,00",
        "Échéance": "31/12/2045",
        "Dernière mesure": "28,00",
        "Date de la dernière mesure": "30/06/2025",
        "Écart à la cible": "-2,00",
        "Avancement (%)": "110",
        "Situation": "Cible atteinte",
    }
    assert rangees["actions-c"]["Dernière mesure"] == ""
    reponse = client.get(_url(contrat_charge, "tableau_de_bord_export", "realisations", "csv"))
    assert [
        (r["Chiffre"], r["Prévu (actions programmées)"], r["Réalisé (bilans validés)"])
        for r in lire_csv(reponse.content)
    ] == [
        ("Actions (programmées, puis réalisées)", "3", "1"),
        ("Actions non réalisées (attestation validée)", "", "1"),
        ("Bénéficiaires : femmes", "18", "13"),
        ("Bénéficiaires : hommes", "18", "12"),
        ("Bénéficiaires : total", "36", "25"),
        ("Part des bénéficiaires résidant dans le quartier prioritaire (%)", "57,7", "44,0"),
    ]


def test_filters_narrow_the_dossiers_and_the_amounts(contrat_charge, petit, caf_etat):
    caf, _ = caf_etat
    c = petit.cadre
    un_an = _tableau(contrat_charge, annee=petit.annee_2)
    assert _figures(un_an.totaux) == (1, 1, D("6000"), D("6000"), D("6000"), D("0"))
    assert [x.total for x in un_an.beneficiaires] == [4, 0]
    un_pilier = _tableau(contrat_charge, annee=petit.annee_1, pilier=c.pilier_4.pk)
    assert _figures(un_pilier.totaux) == (2, 1, D("10000"), D("9500"), D("8500"), D("8500"))
    # A financeur: its dossiers, its amounts only.
    la_caf = _tableau(contrat_charge, financeur=caf.pk)
    assert _figures(la_caf.totaux) == (3, 2, D("7000"), D("6500"), D("5500"), D("4500"))
    assert [x.financeur for x in la_caf.tableaux["financements"].lignes] == [caf.nom]
    credits_specifiques = _tableau(contrat_charge, nature=CS)
    assert _figures(credits_specifiques.totaux) == (
        3,
        3,
        D("14000"),
        D("14000"),
        D("14000"),
        D("5000"),
    )
    objectif_b = _tableau(contrat_charge, objectif=c.objectif_b.pk)
    assert [x.libelle for x in objectif_b.tableaux["objectifs"].lignes] == [
        f"{c.objectif_b.numero} {c.objectif_b.intitule}"
    ]
    domaine = _tableau(contrat_charge, domaine=c.objectif_c.domaine_id)
    assert _figures(domaine.totaux) == (1, 1, D("5000"), D("5000"), D("5000"), D("1000"))


def test_the_figures_are_the_instruction_boards(contrat_charge, petit, pilote):
    """Same definitions as the board: its totals per call are the dashboard's per year."""
    annees = {x.libelle: x.chiffres for x in _tableau(contrat_charge).tableaux["annees"].lignes}
    for appel in contrat_charge.appels.filter(annee__in=[petit.annee_1, petit.annee_2]):
        lignes = lignes_du_tableau(appel, droits(pilote, appel.contrat), CriteresTableau())
        chiffres = annees[str(appel.annee)]
        assert len(lignes) == chiffres.dossiers
        for mesure in ("demande", "propose", "accorde", "paye"):
            attendu = sum((getattr(x.total, mesure) or D(0) for x in lignes), D(0))
            assert getattr(chiffres, mesure) == attendu, mesure


# --- Pages ------------------------------------------------------------------------------


# Every URL of suivi/urls_tableau.py, with the arguments that reach it.
PAGES_DU_TABLEAU = {
    "tableau_de_bord": (),
    "tableau_de_bord_dossiers": (),
    "tableau_de_bord_export": ("financements", "csv"),
}


def test_the_role_test_reaches_every_dashboard_url():
    assert {motif.name for motif in urls_tableau.urlpatterns} == set(PAGES_DU_TABLEAU)


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("pilote", 200),
        ("etat", 200),
        ("financeur", 403),
        ("porteur", 403),
        ("membre", 403),
        ("sans_role", 403),
        ("anonyme", 302),
    ],
)
def test_only_the_pilotage_sees_the_dashboard(contrat_charge, personne, nom, attendu):
    client = outils.client_de(personne(nom))
    for page, arguments in PAGES_DU_TABLEAU.items():
        url = _url(contrat_charge, page, *arguments)
        reponse = client.get(url)
        if attendu == 200:
            assert reponse.status_code == 200, url
        else:
            outils.verifier_refus(reponse, nom)


def test_the_page_shows_every_table_with_its_chart_links_and_downloads(
    contrat_charge, petit, pilote
):
    reponse = outils.client_de(pilote).get(_url(contrat_charge), {"annee": petit.annee_1})
    html = outils.html_brut(reponse)
    texte = outils.texte(reponse)
    for nom in (
        "financements",
        "natures",
        "piliers",
        "domaines",
        "objectifs",
        "beneficiaires",
        "beneficiaires_reels",
        "realisations",
    ):
        assert f'id="donnees-{nom}"' in html
        for format in ("csv", "xlsx", "ods"):
            assert f"/tableau-de-bord/export/{nom}.{format}?annee={petit.annee_1}" in html
    assert 'id="donnees-annees"' not in html
    # Charts: pure HTML bars with the diagnostic's classes, each followed by its table.
    # financeurs, piliers, bénéficiaires prévus, bénéficiaires réels
    assert html.count('class="graphique-barres"') == 4
    assert html.index('id="titre-graphique-piliers"') < html.index('id="donnees-piliers"')
    assert "13\u202f500,00\u00a0€" in texte  # granted in the first year
    lien = _url(contrat_charge, "tableau_de_bord_dossiers") + (
        f"?annee={petit.annee_1}&amp;pilier={petit.cadre.pilier_4.pk}"
    )
    assert f'<a href="{lien}">' in html
    assert '<span class="fr-link__detail">CSV</span>' in html


def test_filters_stay_in_the_links_and_invalid_values_are_left_out(contrat_charge, petit, pilote):
    c = petit.cadre
    reponse = outils.client_de(pilote).get(
        _url(contrat_charge), {"annee": "1789", "pilier": c.pilier_4.pk, "nature": "inconnue"}
    )
    assert reponse.status_code == 200
    texte = outils.texte(reponse)
    assert "Filtre « Année » ignoré : la valeur « 1789 » est inconnue." in texte
    assert "Filtre « Nature de crédits » ignoré : la valeur « inconnue » est inconnue." in texte
    tableau = reponse.context["tableau"]
    assert tableau.filtres == Filtres(pilier=c.pilier_4.pk)
    assert _figures(tableau.totaux)[:3] == (3, 2, D("16000"))
    html = outils.html_brut(reponse)
    assert f"/tableau-de-bord/export/piliers.csv?pilier={c.pilier_4.pk}" in html
    assert f"dossiers/?pilier={c.pilier_4.pk}&amp;annee=" not in html
    assert f"dossiers/?annee={petit.annee_1}&amp;pilier={c.pilier_4.pk}" in html
    assert "1789" not in tableau.adresse


# --- The dossiers behind a figure -------------------------------------------------------


def _liste(client, contrat, parametres: str):
    reponse = client.get(_url(contrat, "tableau_de_bord_dossiers") + parametres)
    assert reponse.status_code == 200
    outils.html_brut(reponse)
    return reponse.context["liste"]


def _parametres(url: str) -> str:
    return url[url.index("?") :] if "?" in url else ""


def _somme(liste, mesure: str) -> Decimal:
    return sum((getattr(x.chiffres, mesure) for x in liste.lignes), D(0))


def test_every_figure_leads_to_dossiers_whose_totals_are_that_figure(contrat_charge, petit, pilote):
    client = outils.client_de(pilote)
    tableau = _tableau(contrat_charge)
    lignes = [ligne for t in tableau.tableaux.values() for ligne in t.lignes]
    assert all(ligne.url for ligne in lignes)
    for ligne in lignes:
        liste = _liste(client, contrat_charge, _parametres(ligne.url))
        if ligne.chiffres.dossiers:  # the nature table counts amounts only
            assert liste.nombre == len(liste.lignes) == ligne.chiffres.dossiers, ligne.libelle
        for mesure in ("demande", "propose", "accorde", "paye"):
            assert getattr(liste.total, mesure) == getattr(ligne.chiffres, mesure), ligne.libelle
            assert _somme(liste, mesure) == getattr(ligne.chiffres, mesure), ligne.libelle
        programmes = _liste(client, contrat_charge, _parametres(ligne.url_programmes))
        if ligne.chiffres.dossiers:
            assert programmes.nombre == ligne.chiffres.programmes, ligne.libelle
    prevus, reels = tableau.beneficiaires
    liste = _liste(client, contrat_charge, _parametres(prevus.url))
    assert (liste.femmes, liste.hommes) == (prevus.femmes, prevus.hommes)
    assert sum(x.femmes + x.hommes for x in liste.lignes) == prevus.total
    liste = _liste(client, contrat_charge, _parametres(reels.url))
    assert (liste.femmes_reelles, liste.hommes_reels) == (reels.femmes, reels.hommes)
    assert sum(x.femmes_reelles + x.hommes_reels for x in liste.lignes) == reels.total


def test_the_list_links_each_dossier_and_shows_the_financeurs_amounts(
    contrat_charge, petit, pilote, caf_etat
):
    caf, _ = caf_etat
    reponse = outils.client_de(pilote).get(
        _url(contrat_charge, "tableau_de_bord_dossiers"),
        {"financeur": caf.pk, "nature": DC, "annee": petit.annee_1},
    )
    html = outils.html_brut(reponse)
    liste = reponse.context["liste"]
    assert [x.dossier.numero for x in liste.lignes] == sorted(
        [petit.solde.numero, petit.conventionne.numero, petit.refuse.numero]
    )
    assert [x.chiffres.accorde for x in liste.lignes] == [D("3500"), D("2000"), D("0")]
    for d in (petit.solde, petit.conventionne, petit.refuse):
        assert f'href="{reverse("programmation:dossier", args=[d.pk])}"' in html
    assert f"Financeur : {caf.nom}" in outils.texte(reponse)
    assert petit.brouillon.numero not in html


# --- Exports ----------------------------------------------------------------------------


def test_the_csv_of_financings_has_french_amounts_read_back(contrat_charge, petit, pilote):
    lien = _url(contrat_charge, "tableau_de_bord_export", "financements", "csv")
    assert "csv" in lien and "financ" in lien
    reponse = outils.client_de(pilote).get(lien, {"annee": petit.annee_1})
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert f"-financements-{petit.annee_1}.csv" in reponse["Content-Disposition"]
    rangees = lire_csv(reponse.content)
    assert list(rangees[0])[:9] == [
        "Financeur",
        "Nature",
        "Dossiers",
        "Dossiers programmés",
        "Demandé",
        "Proposé",
        "Accordé",
        "Payé",
        "Part du droit commun du financeur (%)",
    ]
    assert [(r["Nature"], r["Demandé"], r["Accordé"], r["Payé"]) for r in rangees] == [
        ("Droit commun", "7000,00", "5500,00", "4500,00"),
        (CS.label, "8000,00", "8000,00", "5000,00"),
    ]
    assert [montant(r["Accordé"]) for r in rangees] == [D("5500"), D("8000")]


@pytest.mark.parametrize("format", ["xlsx", "ods"])
def test_every_table_exports_in_each_format(contrat_charge, petit, pilote, format):
    client = outils.client_de(pilote)
    for nom in (
        "financements",
        "natures",
        "annees",
        "piliers",
        "domaines",
        "objectifs",
        "beneficiaires_reels",
        "realisations",
        "indicateurs",
    ):
        reponse = client.get(_url(contrat_charge, "tableau_de_bord_export", nom, format))
        assert reponse.status_code == 200, nom
        assert reponse["Content-Disposition"].endswith(f'-{nom}.{format}"')
        assert len(reponse.content) > 1000
    assert (
        client.get(_url(contrat_charge, "tableau_de_bord_export", "inconnu", format)).status_code
        == 404
    )
    assert (
        client.get(_url(contrat_charge, "tableau_de_bord_export", "piliers", "pdf")).status_code
        == 404
    )


def test_the_xlsx_of_beneficiaries_keeps_numbers(contrat_charge, petit, pilote):
    from io import BytesIO

    from openpyxl import load_workbook

    reponse = outils.client_de(pilote).get(
        _url(contrat_charge, "tableau_de_bord_export", "beneficiaires", "xlsx")
    )
    rangees = list(load_workbook(BytesIO(reponse.content)).active.iter_rows(values_only=True))
    assert rangees == [
        ("Tranche d'âge", "Femmes", "Hommes", "Total"),
        ("0 à 5 ans", 3, 1, 4),
        ("6 à 11 ans", 10, 12, 22),
        ("16 à 25 ans", 5, 5, 10),
    ]


def test_the_csv_agrees_with_the_api_to_the_cent(contrat_charge, petit, pilote):
    client = outils.client_de(pilote)
    for annee in (petit.annee_1, petit.annee_2):
        page, attendu = 1, {}
        while True:
            api = client.get(
                "/api/v1/dossiers", {"contrat": contrat_charge.slug, "annee": annee, "page": page}
            ).json()
            for item in api["items"]:
                for f in item["financements"]:
                    cle = (f["financeur"], NatureCredit(f["nature"]).label)
                    attendu[cle] = attendu.get(cle, D(0)) + D(f["montant_accorde"] or "0")
            if page * 50 >= api["count"]:
                break
            page += 1
        reponse = client.get(
            _url(contrat_charge, "tableau_de_bord_export", "financements", "csv"), {"annee": annee}
        )
        lu = {
            (r["Financeur"], r["Nature"]): montant(r["Accordé"]) for r in lire_csv(reponse.content)
        }
        assert lu == attendu
        assert sum(lu.values()) > 0


# --- Queries --------------------------------------------------------------------------------


def _requetes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def _adresses(contrat, annee: int, pilier: int) -> list[str]:
    return [
        _url(contrat),
        f"{_url(contrat)}?annee={annee}",
        f"{_url(contrat)}?annee={annee}&pilier={pilier}",
        f"{_url(contrat, 'tableau_de_bord_dossiers')}?annee={annee}",
        f"{_url(contrat, 'tableau_de_bord_dossiers')}?annee={annee}&realisation=realisees",
        f"{_url(contrat, 'tableau_de_bord_export', 'financements', 'csv')}?annee={annee}",
        f"{_url(contrat, 'tableau_de_bord_export', 'realisations', 'csv')}?annee={annee}",
        f"{_url(contrat, 'tableau_de_bord_export', 'indicateurs', 'csv')}?pilier={pilier}",
    ]


def test_the_number_of_queries_does_not_grow_with_the_dossiers(contrat_charge, pilote):
    from programmation.tests.factories import AppelFactory

    c = outils_tableau.cadre(contrat_charge)
    appel = AppelFactory(contrat=contrat_charge)
    client = outils.client_de(pilote)
    statuts = (Statut.SOLDE, Statut.CONVENTIONNE, Statut.DEPOSE)
    calcul = outils_tableau.Calcul
    for code, objectif, mesure in (
        ("a", c.objectif_a, calcul.BENEFICIAIRES),
        ("b", c.objectif_b, calcul.SAISIE),
        ("c", c.objectif_c, calcul.PART_QPV),
    ):
        outils_tableau.indicateur(contrat_charge, code, objectif, mesure, "10", "90")

    def ajouter(nombre: int) -> None:
        """Balanced dossiers have a validated bilan; a conventioned one in two attested
        its non-réalisation."""
        for rang in range(nombre):
            pilier, objectif = (
                (c.pilier_4, c.objectif_a) if rang % 2 else (c.pilier_2, c.objectif_c)
            )
            ajoute = outils.mener_au_statut(
                outils_tableau.dossier(
                    appel,
                    pilier,
                    [objectif],
                    [("caf", DC, "1000"), ("etat", CS, "2000")],
                    [("12-15", 4, 5)],
                    60,
                ),
                statuts[rang % len(statuts)],
            )
            if rang % 6 == 1:
                outils_tableau.valider(outils_tableau.non_realisation(ajoute))

    ajouter(3)
    petit = [
        _requetes(client, url) for url in _adresses(contrat_charge, appel.annee, c.pilier_4.pk)
    ]
    ajouter(27)
    grand = [
        _requetes(client, url) for url in _adresses(contrat_charge, appel.annee, c.pilier_4.pk)
    ]
    assert petit == grand
    grand_tableau = _tableau(contrat_charge, annee=appel.annee)
    assert grand_tableau.totaux.dossiers == 30
    assert (grand_tableau.realisations.realisees, grand_tableau.realisations.non_realisees) == (
        10,
        6,  # one of the first three, five of the next 27
    )
    assert len(grand_tableau.indicateurs.lignes) == 3


def test_mon_espace_leads_the_pilotage_to_the_dashboard_and_nobody_else(
    client, pilote, etat, financeur, porteur, membre
):
    lien = reverse("suivi:tableau_de_bord", args=["villiers-sur-marne-2015-2020"])
    for personne, attendu in ((pilote, True), (etat, True), (financeur, False), (porteur, False)):
        client.force_login(personne)
        page = client.get(reverse("programmation:mon_espace")).content.decode()
        assert (f'href="{lien}"' in page) is attendu, personne
    client.force_login(membre)
    assert lien not in client.get(reverse("programmation:mon_espace")).content.decode()


def test_the_dashboard_shows_the_meetings_held_against_the_minimum(villiers, pilote):
    page = outils.client_de(pilote).get(reverse("suivi:tableau_de_bord", args=[villiers.slug]))

    html = page.content.decode()
    assert 'id="frequences"' in html and "Réunions tenues, année par année" in html
