"""The pilote imports observations in Chromium: a file with one bad row is reported and
nothing is written; the fixed file is checked, confirmed, and its values show in the series.

`live_server` flushes the database after the test: `contrat_charge` reloads the contract,
`assurer_references` the reference territories.
"""

import pytest
from playwright.sync_api import expect

from territoires.models import Observation
from territoires.references import assurer_references
from tests.e2e.pages import PageBase, rendu_complet

pytestmark = pytest.mark.e2e

ENTETE = "indicateur;territoire;date;valeur;valeur_publiee;source"
FICHIER = (
    f"{ENTETE}\n"
    "taux-chomage;94079;2019;10,2;;Insee\n"
    "taux-chomage;94;2019;9,8;;Insee\n"
    "taux-chomage;94079;{date};10,1;;Insee\n"
)


def test_pilote_fixes_a_bad_row_imports_the_file_then_reads_the_series(
    nouvelle_session, live_server, contrat_charge, medias, tmp_path
):
    assurer_references()
    fichier = tmp_path / "observations.csv"
    fichier.write_text(FICHIER.format(date="31/02/2018"), encoding="utf-8")
    page = nouvelle_session("pilote")
    import_ = PageBase(page, live_server.url)
    import_.aller(f"/contrats/{contrat_charge.slug}/diagnostic/indicateurs/")
    page.get_by_role("link", name="Importer des observations").click()
    expect(import_.titre).to_have_text("Importer des observations")

    page.get_by_label("Fichier d'observations").set_input_files(fichier)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("#rapport-erreurs")).to_contain_text(
        "Ligne 4, colonne « date » : « 31/02/2018 » n'est pas une date valide (JJ/MM/AAAA)."
    )
    rendu_complet(page)
    assert not Observation.objects.filter(origine=Observation.Origine.IMPORT).exists()

    fichier.write_text(FICHIER.format(date="2018"), encoding="utf-8")
    page.get_by_label("Fichier d'observations").set_input_files(fichier)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("#rapport-essai")).to_contain_text("3 à créer, 0 à modifier")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("3 observation(s) créée(s)")).to_be_visible()

    page.get_by_role("link", name="Taux de chômage", exact=True).click()
    tableau = page.get_by_role("table", name="Taux de chômage (%), par année")
    expect(tableau.get_by_role("row", name="2019")).to_contain_text("10,2")
    expect(tableau.get_by_role("row", name="2019")).to_contain_text("9,8")
    expect(page.get_by_role("img", name="Taux de chômage, 2015-2019")).to_be_visible()
    rendu_complet(page)
