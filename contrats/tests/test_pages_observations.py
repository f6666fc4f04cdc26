"""Pages of the territory's indicators: the public series (table, chart, CSV, demo badge)
and the import of observations by the contract's pilote or State agent (dry run, then
confirmation, all or nothing, history)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from historique.models import Evenement
from territoires.actions import ActionTerritoires
from territoires.imports import TAILLE_MAX, importer
from territoires.models import Indicateur, Observation
from territoires.references import assurer_references
from tests.outils import PageHTML, html_de, page

SLUG = "villiers-sur-marne-2015-2020"
DEMO = Path("data/demo/observations-villiers-demonstration.csv")
ENTETE = "indicateur;territoire;date;valeur;valeur_publiee;source"
BON = f"{ENTETE}\ntaux-chomage;94079;2019;10,2;;Insee\ntaux-chomage;94;2019;9,8;;Insee\n"
UNE_LIGNE_FAUSSE = BON + "taux-chomage;94079;31/02/2018;10,1;;Insee\n"


def url(nom: str, *args: str) -> str:
    return reverse(nom, args=[SLUG, *args])


@pytest.fixture(autouse=True)
def _references_et_medias(villiers, settings, tmp_path):
    assurer_references()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(villiers):
    importer(DEMO.name, DEMO.read_bytes(), acteur=None, est_demo=True)


def fichier(contenu: str | bytes, nom: str = "observations.csv") -> SimpleUploadedFile:
    donnees = contenu.encode() if isinstance(contenu, str) else contenu
    return SimpleUploadedFile(nom, donnees, content_type="text/csv")


def importees() -> list[tuple]:
    return list(
        Observation.objects.filter(origine=Observation.Origine.IMPORT)
        .order_by("pk")
        .values_list("indicateur__code", "commune_id", "reference_id", "date", "valeur")
    )


# --- The series of one indicator ----------------------------------------------------------------


def test_series_table_has_years_in_rows_and_town_qpv_and_references_in_columns(client, demo):
    tableau = page(client, url("contrats:indicateur", "taux-chomage")).tableaux[0]

    assert tableau[0] == [
        "Année",
        "Ville : Villiers-sur-Marne",
        "Quartier prioritaire : Les Portes de Paris - Les Hautes-Noues",
        "Département : Val-de-Marne",
        "France métropolitaine",
    ]
    assert [ligne[0] for ligne in tableau[1:]] == [str(a) for a in range(2012, 2021)]
    # 2015 is the contract's own diagnostic (not demo); the other years are demo figures.
    assert tableau[4] == ["2015", "11,47", "9,15", "11,9 Démo", "12,4 Démo"]
    assert tableau[1] == ["2012", "12,1 Démo", "9,9 Démo", "12,8 Démo", "13,1 Démo"]


def test_series_page_badges_demo_figures_and_draws_an_accessible_chart(client, demo):
    html = html_de(client.get(url("contrats:indicateur", "taux-chomage")))
    texte = PageHTML(html).texte

    assert "Données de démonstration" in texte
    assert 'role="img"' in html and "<polyline" in html
    assert (
        "Ville : Villiers-sur-Marne : 12,1 % en 2012, 10,5 % en 2020 ; Quartier prioritaire"
        in texte
    )


def test_series_without_demo_figures_shows_no_demo_badge(client, villiers):
    importer("obs.csv", BON.encode(), acteur=None)
    texte = page(client, url("contrats:indicateur", "taux-chomage")).texte
    assert "Données de démonstration" not in texte and "Démo" not in texte
    assert "10,2" in texte and "9,8" in texte


def test_series_exports_as_a_french_csv(client, demo):
    reponse = client.get(url("contrats:indicateur_csv", "taux-chomage"))

    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    lignes = reponse.content.decode("utf-8-sig").splitlines()
    assert lignes[0] == (
        "Année;Ville : Villiers-sur-Marne;Quartier prioritaire : Les Portes de Paris - "
        "Les Hautes-Noues;Département : Val-de-Marne;France métropolitaine;"
        "Données de démonstration"
    )
    assert lignes[4] == "2015;11,47;9,15;11,9;12,4;oui"


def test_unknown_indicator_is_a_404(client, villiers):
    assert client.get(url("contrats:indicateur", "inconnu")).status_code == 404


def test_the_diagnostic_links_each_indicator_row_to_its_series(client, villiers):
    diagnostic = page(client, url("contrats:diagnostic"))
    codes = Indicateur.objects.filter(observations__commune__contrats=villiers).values_list(
        "code", flat=True
    )
    for code in set(codes):
        assert diagnostic.lien(url("contrats:indicateur", code)), code


def test_the_indicators_page_lists_the_observed_indicators_with_their_period(client, demo):
    tableau = page(client, url("contrats:indicateurs")).tableaux[0]
    chomage = next(ligne for ligne in tableau if ligne[0].startswith("Taux de chômage Données"))
    assert chomage[3:] == ["9", "2012-2020"]
    population = next(ligne for ligne in tableau if ligne[0].startswith("Population jeune"))
    assert "Données de démonstration" in population[0]


# --- Who may import -----------------------------------------------------------------------------


@pytest.mark.parametrize("nom", ["porteur", "financeur", "membre", "sans_role"])
def test_people_other_than_pilote_and_state_cannot_import(client, personne, nom):
    client.force_login(personne(nom))
    assert client.get(url("contrats:observations_importer")).status_code == 403
    reponse = client.post(url("contrats:observations_importer"), {"fichier": fichier(BON)})
    assert reponse.status_code == 403
    assert client.post(url("contrats:observations_confirmer"), {"jeton": "x"}).status_code == 403
    assert importees() == []


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, villiers):
    reponse = client.post(url("contrats:observations_importer"), {"fichier": fichier(BON)})
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("comptes:connexion"))
    assert importees() == []


@pytest.mark.parametrize("nom", ["pilote", "etat"])
def test_pilote_and_state_open_the_import_page(client, personne, nom):
    client.force_login(personne(nom))
    contenu = page(client, url("contrats:observations_importer"))
    assert "Vérifier le fichier" in contenu.texte
    assert contenu.lien(url("contrats:observations_modele", "xlsx"))


# --- Dry run, confirmation ----------------------------------------------------------------------


def test_dry_run_reports_the_bad_row_and_writes_nothing(client, pilote):
    client.force_login(pilote)
    reponse = client.post(
        url("contrats:observations_importer"), {"fichier": fichier(UNE_LIGNE_FAUSSE)}
    )
    texte = PageHTML(html_de(reponse)).texte

    assert (
        "Ligne 4, colonne « date » : « 31/02/2018 » n'est pas une date valide (JJ/MM/AAAA)."
        in texte
    )
    assert "Confirmer l'import" not in texte
    assert importees() == []


def test_dry_run_then_confirmation_imports_all_rows_once_with_one_event(client, pilote):
    client.force_login(pilote)
    reponse = client.post(url("contrats:observations_importer"), {"fichier": fichier(BON)})
    essai = html_de(reponse)
    assert "2 à créer, 0 à modifier, 0 déjà enregistrée" in PageHTML(essai).texte
    assert importees() == []
    jeton = reponse.context["jeton"]

    reponse = client.post(url("contrats:observations_confirmer"), {"jeton": jeton}, follow=True)

    assert "Import de « observations.csv » enregistré : 2 observation(s) créée(s)" in (
        PageHTML(html_de(reponse)).texte
    )
    assert len(importees()) == 2
    evenement = Evenement.objects.get(action=ActionTerritoires.IMPORT_OBSERVATIONS)
    assert evenement.acteur == pilote and evenement.changements["créées"] == 2
    # The token serves once: the file left the waiting room.
    encore = client.post(url("contrats:observations_confirmer"), {"jeton": jeton}, follow=True)
    assert "Ce fichier n'est plus en attente" in PageHTML(html_de(encore)).texte


def test_reimporting_the_same_file_from_the_page_says_nothing_changed(client, etat):
    importer("observations.csv", BON.encode(), acteur=etat)
    client.force_login(etat)
    reponse = client.post(url("contrats:observations_importer"), {"fichier": fichier(BON)})
    assert "0 à créer, 0 à modifier, 2 déjà enregistrées" in PageHTML(html_de(reponse)).texte
    evenements = Evenement.objects.count()

    reponse = client.post(
        url("contrats:observations_confirmer"), {"jeton": reponse.context["jeton"]}, follow=True
    )

    assert "Aucun changement : les 2 observations" in PageHTML(html_de(reponse)).texte
    assert Evenement.objects.count() == evenements


@pytest.mark.parametrize(
    ("televerse", "message"),
    [
        (
            fichier(BON, "observations.txt"),
            "Format de fichier non pris en charge (« .txt ») : envoyez un fichier CSV, XLSX "
            "ou ODS.",
        ),
        (
            fichier(b"x" * (TAILLE_MAX + 1)),
            "Le fichier dépasse la taille maximale de 2 Mo : découpez-le en plusieurs fichiers.",
        ),
    ],
)
def test_a_file_of_unknown_format_or_too_large_is_refused_by_the_form(
    client, pilote, televerse, message
):
    client.force_login(pilote)
    reponse = client.post(url("contrats:observations_importer"), {"fichier": televerse})
    assert message in PageHTML(html_de(reponse)).texte
    assert importees() == []


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_the_template_downloads_in_three_formats(client, villiers, format):
    reponse = client.get(url("contrats:observations_modele", format))
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].endswith(f'.{format}"')
