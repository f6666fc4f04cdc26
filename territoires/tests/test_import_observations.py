"""Import of observations: every bad input named in French with nothing written, then all or
nothing, idempotent, recorded in the history; CSV (BOM, ";" or ","), XLSX and ODS alike."""

import io
from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from historique.models import Evenement
from territoires.actions import ActionTerritoires
from territoires.imports import (
    TAILLE_MAX,
    ImportRefuse,
    Perimetre,
    analyser,
    exporter_modele,
    importer,
)
from territoires.models import ImportObservations, Observation, TerritoireDeReference
from territoires.references import assurer_references

ENTETE = "indicateur;territoire;date;valeur;valeur_publiee;source"
BON = [
    "taux-chomage;94079;2018;11,2;11,2 %;Insee",
    "taux-chomage;portes-de-paris-hautes-noues;2018;14.5;;Insee",
    "taux-chomage;94;31/12/2018;11,9;;Insee",
    "taux-chomage;france-metropolitaine;2018;9,1;;Insee",
]
ATTENDUES = {
    ("commune", date(2018, 1, 1)): Decimal("11.2"),
    ("quartier", date(2018, 1, 1)): Decimal("14.5"),
    ("reference", date(2018, 12, 31)): Decimal("11.9"),
}


@pytest.fixture(autouse=True)
def references(villiers):
    assurer_references()


def csv_de(*lignes: str, entete: str = ENTETE, bom: bool = False) -> bytes:
    texte = "\r\n".join([entete, *lignes]) + "\r\n"
    return texte.encode("utf-8-sig" if bom else "utf-8")


def cliche() -> list[tuple]:
    """Every observation, all fields: equal before and after means nothing was written."""
    return list(
        Observation.objects.order_by("pk").values_list(
            "pk",
            "indicateur_id",
            "commune_id",
            "quartier_id",
            "reference_id",
            "date",
            "valeur",
            "valeur_texte",
            "source",
            "origine",
            "est_demo",
        )
    )


def importees() -> dict[tuple[str, date], Decimal]:
    observations = Observation.objects.filter(origine=Observation.Origine.IMPORT)
    return {
        (
            "commune" if o.commune_id else "quartier" if o.quartier_id else "reference",
            o.date,
        ): o.valeur
        for o in observations
        if o.reference is None or o.reference.code == "94"
    }


# --- Every bad input: its exact French message, nothing written ---------------------------------

CAS_D_ERREUR = [
    (
        ["taux-chomage;94079;31/02/2018;11,2;;"],
        "Ligne 2, colonne « date » : « 31/02/2018 » n'est pas une date valide (JJ/MM/AAAA).",
    ),
    (
        ["inconnu;94079;2018;11,2;;"],
        "Ligne 2, colonne « indicateur » : « inconnu » n'est pas un code d'indicateur connu.",
    ),
    (
        ["taux-chomage;99999;2018;11,2;;"],
        "Ligne 2, colonne « territoire » : « 99999 » n'est ni le code INSEE d'une commune, ni "
        "le code ou l'identifiant d'un quartier prioritaire, ni le code d'un territoire de "
        "référence.",
    ),
    (
        ["taux-chomage;94079;2018;douze;;"],
        "Ligne 2, colonne « valeur » : « douze » n'est pas un nombre (par exemple 12,5).",
    ),
    (
        ["taux-chomage;94079;2018;1,2345;;"],
        "Ligne 2, colonne « valeur » : « 1,2345 » a plus de 3 décimales.",
    ),
    (
        ["taux-chomage;94079;2018;;;"],
        "Ligne 2, colonne « valeur » : valeur manquante.",
    ),
    (
        ["taux-chomage;94079;2019;11,2;;", "taux-chomage;94079;01/01/2019;11,3;;"],
        "Ligne 3, colonnes « indicateur », « territoire » et « date » : même observation que "
        "la ligne 2 (une seule valeur par indicateur, territoire et date).",
    ),
    (
        ["taux-chomage;94079;12/03/2015;11,2;;"],
        "Ligne 2, colonne « date » : le 12/03/2015 est la date du diagnostic du contrat pour "
        "Villiers-sur-Marne ; ces valeurs se modifient dans les fichiers du contrat "
        "(diagnostic.yaml).",
    ),
    (
        ["taux-chomage;94079;2018;11,2;;" + "x" * 251],
        "Ligne 2, colonne « source » : le texte dépasse 250 caractères.",
    ),
]


@pytest.mark.parametrize(("lignes", "message"), CAS_D_ERREUR)
def test_a_bad_row_is_named_with_its_column_and_nothing_is_written(lignes, message):
    avant, evenements = cliche(), Evenement.objects.count()
    contenu = csv_de(*BON, *lignes)
    # Error rows come after the four good ones: shift the expected line numbers.
    message = message.replace("Ligne 3,", "Ligne 7,").replace("Ligne 2,", "Ligne 6,")
    message = message.replace("la ligne 2 (", "la ligne 6 (")

    assert analyser("obs.csv", contenu).erreurs == [message]
    with pytest.raises(ImportRefuse) as refus:
        importer("obs.csv", contenu, acteur=None)

    assert refus.value.rapport.erreurs == [message]
    assert cliche() == avant
    assert Evenement.objects.count() == evenements
    assert not ImportObservations.objects.exists()


def test_every_bad_row_of_a_file_is_reported_not_only_the_first():
    contenu = csv_de("taux-chomage;94079;2018;x;;", "", "nul;94079;2019;1;;")
    assert analyser("obs.csv", contenu).erreurs == [
        "Ligne 2, colonne « valeur » : « x » n'est pas un nombre (par exemple 12,5).",
        # The blank line 3 keeps its number.
        "Ligne 4, colonne « indicateur » : « nul » n'est pas un code d'indicateur connu.",
    ]


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        (
            "obs.csv",
            csv_de("94079;2018;11,2", entete="territoire;date;valeur"),
            "Ligne 1 : colonne « indicateur » manquante ; les colonnes attendues sont "
            "indicateur, territoire, date, valeur, valeur_publiee (facultative), "
            "source (facultative).",
        ),
        (
            "obs.csv",
            csv_de("taux-chomage;94079;2018;1;x", entete="indicateur;territoire;date;valeur;unite"),
            "Ligne 1 : colonne « unite » inconnue ; les colonnes attendues sont indicateur, "
            "territoire, date, valeur, valeur_publiee (facultative), source (facultative).",
        ),
        (
            "obs.txt",
            csv_de(*BON),
            "Format de fichier non pris en charge (« .txt ») : envoyez un fichier CSV, XLSX ou "
            "ODS.",
        ),
        (
            "obs.csv",
            b"x" * (TAILLE_MAX + 1),
            "Le fichier dépasse la taille maximale de 2 Mo : découpez-le en plusieurs fichiers.",
        ),
        (
            "obs.csv",
            "indicateur;territoire;date;valeur\ntaux-chomage;Créteil;2018;1\n".encode("latin-1"),
            "Le fichier CSV n'est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 » "
            "puis envoyez-le de nouveau.",
        ),
        (
            "obs.xlsx",
            b"ceci n'est pas un classeur",
            "Le fichier n'a pas pu être lu comme un fichier XLSX : vérifiez qu'il n'est pas "
            "endommagé et qu'il a la bonne extension.",
        ),
        ("obs.csv", csv_de(), "Le fichier ne contient aucune ligne d'observation."),
    ],
)
def test_a_bad_file_is_refused_with_a_french_message(nom, contenu, message):
    avant = cliche()
    assert analyser(nom, contenu).erreurs == [message]
    with pytest.raises(ImportRefuse):
        importer(nom, contenu, acteur=None)
    assert cliche() == avant


def test_a_territory_outside_the_contract_is_refused_when_the_import_is_limited_to_it(villiers):
    perimetre = Perimetre(
        "du contrat « Villiers »",
        frozenset(villiers.communes.values_list("pk", flat=True)),
        frozenset(),
    )
    rapport = analyser("obs.csv", csv_de(BON[1]), perimetre=perimetre)
    assert rapport.erreurs == [
        "Ligne 2, colonne « territoire » : « portes-de-paris-hautes-noues » (Les Portes de "
        "Paris - Les Hautes-Noues) n'est pas un territoire du contrat « Villiers »."
    ]


# --- A good file: all rows, once ----------------------------------------------------------------


def test_the_dry_run_counts_what_the_import_would_do_and_writes_nothing():
    avant = cliche()
    rapport = analyser("obs.csv", csv_de(*BON))
    assert (rapport.erreurs, rapport.crees, rapport.modifiees, rapport.inchangees) == ([], 4, 0, 0)
    assert cliche() == avant


def test_import_writes_every_row_with_french_numbers_and_one_history_event(pilote):
    rapport = importer("obs.csv", csv_de(*BON), acteur=pilote)

    assert (rapport.crees, rapport.modifiees, rapport.inchangees) == (4, 0, 0)
    assert importees() == ATTENDUES
    ville = Observation.objects.get(origine="import", commune__code_insee="94079")
    assert (ville.valeur_texte, ville.source, ville.est_demo) == ("11,2 %", "Insee", False)
    # Without valeur_publiee, the published text is the number written the French way.
    assert Observation.objects.get(origine="import", quartier__isnull=False).valeur_texte == "14,5"
    evenement = Evenement.objects.get(action=ActionTerritoires.IMPORT_OBSERVATIONS)
    assert evenement.acteur == pilote
    assert evenement.objet == ImportObservations.objects.get()
    assert {k: evenement.changements[k] for k in ("fichier", "créées", "modifiées")} == {
        "fichier": "obs.csv",
        "créées": 4,
        "modifiées": 0,
    }


def test_reimporting_the_same_file_changes_nothing_and_writes_no_event(pilote):
    importer("obs.csv", csv_de(*BON), acteur=pilote)
    avant, evenements = cliche(), Evenement.objects.count()

    rapport = importer("obs.csv", csv_de(*BON), acteur=pilote)

    assert (rapport.crees, rapport.modifiees, rapport.inchangees) == (0, 0, 4)
    assert cliche() == avant
    assert Evenement.objects.count() == evenements
    assert ImportObservations.objects.count() == 1


def test_a_changed_value_updates_its_observation_and_counts_it(pilote):
    importer("obs.csv", csv_de(*BON), acteur=pilote)
    corrige = [BON[0].replace("11,2;11,2 %", "10,8;10,8 %"), *BON[1:]]

    rapport = importer("obs.csv", csv_de(*corrige), acteur=pilote)

    assert (rapport.crees, rapport.modifiees, rapport.inchangees) == (0, 1, 3)
    assert importees()[("commune", date(2018, 1, 1))] == Decimal("10.8")
    evenement = Evenement.objects.filter(action=ActionTerritoires.IMPORT_OBSERVATIONS).first()
    assert (evenement.changements["modifiées"], evenement.changements["inchangées"]) == (1, 3)


def test_a_file_with_one_bad_row_writes_none_of_its_good_rows():
    with pytest.raises(ImportRefuse):
        importer("obs.csv", csv_de(*BON, "taux-chomage;94079;2019;x;;"), acteur=None)
    assert not Observation.objects.filter(origine=Observation.Origine.IMPORT).exists()


def test_the_contract_diagnostic_keeps_its_own_figures_after_an_import(client, villiers):
    importer("obs.csv", csv_de(*BON), acteur=None)
    page = client.get(f"/contrats/{villiers.slug}/diagnostic/").content.decode()
    assert "11,47%" in page and "11,2 %" not in page


# --- Formats: CSV with BOM and ";" or ",", XLSX, ODS --------------------------------------------


def test_a_csv_with_a_byte_order_mark_and_semicolons_is_read():
    importer("obs.csv", csv_de(*BON, bom=True), acteur=None)
    assert importees() == ATTENDUES


def test_a_csv_with_commas_and_quoted_french_decimals_is_read():
    texte = (
        "indicateur,territoire,date,valeur\n"
        'taux-chomage,94079,2018,"11,2"\n'
        "taux-chomage,portes-de-paris-hautes-noues,2018,14.5\n"
        'taux-chomage,94,31/12/2018,"11,9"\n'
    )
    importer("obs.csv", texte.encode(), acteur=None)
    assert importees() == ATTENDUES


def _donnees() -> tablib.Dataset:
    donnees = tablib.Dataset(headers=["indicateur", "territoire", "date", "valeur"])
    donnees.append(["taux-chomage", "94079", 2018, 11.2])
    donnees.append(["taux-chomage", "portes-de-paris-hautes-noues", "2018", "14,5"])
    donnees.append(["taux-chomage", 94, date(2018, 12, 31), 11.9])
    return donnees


def test_an_xlsx_file_with_numbers_and_dates_as_cells_is_read():
    classeur = Workbook()
    feuille = classeur.active
    for rangee in [_donnees().headers, *_donnees()]:
        feuille.append(list(rangee))
    tampon = io.BytesIO()
    classeur.save(tampon)

    importer("obs.xlsx", tampon.getvalue(), acteur=None)

    assert importees() == ATTENDUES


def test_an_ods_file_is_read():
    importer("obs.ods", _donnees().export("ods"), acteur=None)
    assert importees() == ATTENDUES


def test_a_spreadsheet_number_keeps_the_leading_zero_of_a_departement_code():
    donnees = tablib.Dataset(headers=["indicateur", "territoire", "date", "valeur"])
    donnees.append(["taux-chomage", 1, 2018, 8])
    importer("obs.xlsx", donnees.export("xlsx"), acteur=None)
    assert Observation.objects.get(origine="import").reference.nom == "Ain"


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_the_downloadable_template_imports_as_it_is(format):
    rapport = analyser(f"modele.{format}", exporter_modele(format))
    assert (rapport.erreurs, rapport.crees) == ([], 1)


# --- Demo data and the command ------------------------------------------------------------------

DEMO = "data/demo/observations-villiers-demonstration.csv"


def test_the_demo_file_loads_marked_as_demo_and_reloading_it_changes_nothing(capsys):
    call_command(
        "importer_observations", DEMO, "--demo", "--contrat", "villiers-sur-marne-2015-2020"
    )
    demo = Observation.objects.filter(est_demo=True)
    assert demo.count() > 150
    assert not Observation.objects.filter(origine="import", est_demo=False).exists()
    assert set(demo.values_list("date__year", flat=True)) == set(range(2012, 2021))
    assert {r.code for r in TerritoireDeReference.objects.filter(observations__in=demo)} == {
        "94",
        "france-metropolitaine",
    }
    avant, evenements = cliche(), Evenement.objects.count()

    call_command("importer_observations", DEMO, "--demo")

    assert cliche() == avant and Evenement.objects.count() == evenements
    assert "inchangé. 0 créée(s), 0 modifiée(s)" in capsys.readouterr().out


def test_the_command_dry_run_writes_nothing_and_a_bad_file_fails_with_its_report(tmp_path):
    avant = cliche()
    call_command("importer_observations", DEMO, "--essai")
    assert cliche() == avant

    fichier = tmp_path / "obs.csv"
    fichier.write_bytes(csv_de("taux-chomage;94079;2018;x;;"))
    with pytest.raises(CommandError, match="Ligne 2, colonne « valeur »"):
        call_command("importer_observations", str(fichier))
    assert cliche() == avant


def test_the_command_refuses_an_unknown_contract():
    with pytest.raises(CommandError, match="Aucun contrat « inconnu »"):
        call_command("importer_observations", DEMO, "--contrat", "inconnu")
