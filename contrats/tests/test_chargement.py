"""Loading a contract folder: faithfulness to the contract, idempotence, atomicity, errors.

The Villiers contract is loaded once per test database (conftest.django_db_setup); the
tests that edit files work on a copy in tmp_path, keeping the folder name so that the
copy reloads the same contract.
"""

import shutil
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from contrats import models as m
from contrats.chargement import ecriture
from contrats.services import ErreurChargement, charger_contrat
from contrats.tests.outils import reecrire
from historique.models import Evenement
from territoires.models import Observation

DOSSIER_VILLIERS = Path(settings.CONTRATS_DATA_DIR) / "villiers-sur-marne-2015-2020"

OBJECTIFS_OPERATIONNELS = [
    "2.1.1", "2.1.2", "2.1.3", "2.2.1", "2.2.2", "2.3.1", "2.3.2",
    "3.1.1", "3.1.2", "3.1.3", "3.2.1", "3.2.2", "3.2.3",
    "4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.1.5", "4.1.6", "4.2.1", "4.2.2",
    "4.3.1", "4.3.2", "4.4.1", "4.4.2", "4.4.3", "4.4.4",
]  # fmt: skip
SIGNATAIRES = [
    "etat", "commune", "region-idf", "departement-94", "justice", "ars", "caf",
    "pole-emploi", "cdc", "ofii", "education-nationale", "valophis", "paris-habitat",
    "la-sabliere",
]  # fmt: skip


# Helpers ---------------------------------------------------------------------------


def instantane() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of contrats and territoires (M2M tables included)."""
    return {
        modele._meta.label: list(modele._default_manager.order_by("pk").values())
        for app in ("contrats", "territoires")
        for modele in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def objectif(cadre: dict[str, Any], numero: str) -> dict[str, Any]:
    return next(
        o
        for p in cadre["piliers"]
        for dm in p["domaines"]
        for o in dm["objectifs"]
        if o["numero"] == numero
    )


def charger_en_erreur(dossier: Path) -> ErreurChargement:
    with pytest.raises(ErreurChargement) as erreur:
        charger_contrat(dossier=dossier)
    return erreur.value


@pytest.fixture
def copie(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DOSSIER_VILLIERS, tmp_path / DOSSIER_VILLIERS.name))


@pytest.fixture
def avant(db) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The database before the test acts: domain tables and number of history events."""
    return instantane(), Evenement.objects.count()


def inchangee(avant: tuple[dict[str, list[dict[str, Any]]], int]) -> bool:
    return (instantane(), Evenement.objects.count()) == avant


# 1. Faithfulness to the contract text ------------------------------------------------


def test_operational_objectives_are_the_27_numbered_in_the_contract(contrat_charge):
    numeros = m.ObjectifOperationnel.objects.filter(
        domaine__pilier__contrat=contrat_charge
    ).order_by("domaine__pilier__numero", "domaine__numero", "numero")
    assert list(numeros.values_list("numero", flat=True)) == OBJECTIFS_OPERATIONNELS


def test_objective_4_4_2_is_supporting_victims(contrat_charge):
    objectif = m.ObjectifOperationnel.objects.get(
        domaine__pilier__contrat=contrat_charge, numero="4.4.2"
    )
    assert objectif.intitule == "Soutenir les victimes"


def test_contract_has_three_transversal_axes_numbered_1_1_to_1_3(contrat_charge):
    assert list(contrat_charge.axes.values_list("numero", flat=True)) == ["1.1", "1.2", "1.3"]


def test_contract_has_three_pillars_and_nine_domains(contrat_charge):
    assert list(contrat_charge.piliers.values_list("numero", flat=True)) == ["2", "3", "4"]
    assert m.Domaine.objects.filter(pilier__contrat=contrat_charge).count() == 9


def test_action_plan_has_55_fiches_numbered_1_to_55(contrat_charge):
    pages = m.FicheAction.objects.filter(ligne__contrat=contrat_charge).values_list(
        "fiche_page", flat=True
    )
    assert sorted(pages) == list(range(1, 56))


def test_ten_actions_are_declined_from_the_pre(contrat_charge):
    actions = m.FicheAction.objects.filter(ligne__contrat=contrat_charge)
    assert actions.filter(groupe="Dispositif PRE").count() == 10


def test_fourteen_signataires_in_contract_order(contrat_charge):
    signataires = list(contrat_charge.signataires.select_related("organisation"))
    assert [s.organisation.code for s in signataires] == SIGNATAIRES
    assert signataires[0].representant == "Monsieur Thierry LELEU"
    assert signataires[0].organisation.type == m.Organisation.Type.ETAT
    assert signataires[1].representant == "Monsieur Jacques Alain BENISTI"
    assert signataires[1].organisation.type == m.Organisation.Type.COMMUNE


def test_sections_2_1_to_2_15_each_hold_engagements(contrat_charge):
    sections = contrat_charge.sections_engagements.order_by("id")
    assert list(sections.values_list("numero", flat=True)) == [f"2.{i}" for i in range(1, 16)]
    assert all(section.engagements.exists() for section in sections)


@pytest.mark.parametrize(
    ("nature", "reunions"),
    [
        (m.Instance.Nature.COPIL_POLITIQUE, [1]),
        (m.Instance.Nature.COPIL_TECHNIQUE, [2]),
        (m.Instance.Nature.GROUPE_TECHNIQUE, [2, 2, 2, 2]),
    ],
)
def test_instances_meet_the_minimum_set_by_the_contract(contrat_charge, nature, reunions):
    instances = contrat_charge.instances.filter(nature=nature)
    assert list(instances.values_list("reunions_min_par_an", flat=True)) == reunions


def test_contract_proposes_three_collaborative_platforms(contrat_charge):
    assert list(contrat_charge.plateformes.values_list("lettre", flat=True)) == ["A", "B", "C"]


def test_qpv_has_seven_sectors_including_foyer_adoma(contrat_charge):
    quartier = contrat_charge.quartiers.get()
    assert quartier.nom == "Les Portes de Paris - Les Hautes-Noues"
    assert quartier.secteurs.count() == 7
    adoma = quartier.secteurs.get(nom="Foyer Adoma")
    assert adoma.adresses == ["75 boulevard de Friedberg", "1 rue Guinegagne"]


def test_population_is_observed_for_the_town_and_the_qpv(contrat_charge):
    observations = Observation.objects.filter(indicateur__code="population")
    ville = observations.get(commune__code_insee="94079")
    qpv = observations.get(quartier__slug="portes-de-paris-hautes-noues")
    assert (ville.valeur, ville.valeur_texte) == (Decimal(27222), "27222")
    assert (qpv.valeur, qpv.valeur_texte) == (Decimal(6250), "6250")


def test_contract_has_four_modification_rules(contrat_charge):
    assert contrat_charge.regles_modification.count() == 4


def test_calendar_holds_the_2015_call_for_projects(contrat_charge):
    appel = contrat_charge.jalons.get(date=date(2015, 3, 25))
    assert appel.nature == m.Jalon.Nature.APPEL_A_PROJETS
    assert appel.date_fin == date(2015, 4, 15)


def test_calendar_holds_the_2017_and_2020_evaluations(contrat_charge):
    evaluations = contrat_charge.jalons.filter(nature=m.Jalon.Nature.EVALUATION)
    assert evaluations.filter(date__year=2017).exists()
    assert evaluations.filter(date__year=2020).exists()


# 2. Idempotence ------------------------------------------------------------------------


def test_reloading_the_same_folder_reports_nothing_changed(contrat_charge):
    _, bilan = charger_contrat(dossier=DOSSIER_VILLIERS)
    assert bilan.inchange
    assert bilan.en_dict() == {"créés": {}, "modifiés": {}, "supprimés": {}}


def test_reloading_the_same_folder_leaves_every_table_identical(contrat_charge):
    avant = instantane()
    charger_contrat(dossier=DOSSIER_VILLIERS)
    assert instantane() == avant


def test_loading_records_one_chargement_event_without_actor(contrat_charge):
    dernier = Evenement.objects.order_by("-id").values_list("id", flat=True).first()
    charger_contrat(dossier=DOSSIER_VILLIERS)
    evenement = Evenement.objects.get(id__gt=dernier)
    assert evenement.action == "contrat.chargement"
    assert evenement.acteur is None
    assert evenement.objet == contrat_charge
    assert evenement.motif == "Chargement des données du dossier villiers-sur-marne-2015-2020"


def test_idempotent_reload_runs_a_bounded_number_of_queries(
    contrat_charge, django_assert_max_num_queries
):
    # About 760 queries today (one look-up per row): the bound catches an N² regression.
    with django_assert_max_num_queries(900):
        charger_contrat(dossier=DOSSIER_VILLIERS)


def test_loading_another_contract_keeps_villiers_reload_idempotent(contrat_charge, copie):
    def autre_ville(c):
        c["contrat"].update(slug="autre-ville-2015-2020")
        c["communes"] = [{"code_insee": "93001", "nom": "Autre", "departement": "Autre"}]
        c["quartiers_prioritaires"][0].update(slug="autre-qpv", communes=["93001"])

    reecrire(copie, "contrat.yaml", autre_ville)
    reecrire(copie, "diagnostic.yaml", lambda d: d.update(source="Insee 2020"))
    charger_contrat(dossier=copie)
    _, bilan = charger_contrat(dossier=DOSSIER_VILLIERS)
    assert bilan.en_dict() == {"créés": {}, "modifiés": {}, "supprimés": {}}


# 3. Reloading after an edit ----------------------------------------------------------------


def test_edited_objective_is_updated_in_place(contrat_charge, copie):
    pk = m.ObjectifOperationnel.objects.get(numero="2.1.2").pk
    reecrire(
        copie,
        "cadre_strategique.yaml",
        lambda cadre: objectif(cadre, "2.1.2").update(intitule="Consolider le partenariat"),
    )
    _, bilan = charger_contrat(dossier=copie)
    modifie = m.ObjectifOperationnel.objects.get(numero="2.1.2")
    assert (modifie.pk, modifie.intitule) == (pk, "Consolider le partenariat")
    assert bilan.en_dict() == {
        "créés": {},
        "modifiés": {"objectifs opérationnels": 1},
        "supprimés": {},
    }


def test_action_removed_from_the_plan_is_deleted_and_counted(contrat_charge, copie):
    retiree = "Accompagnement à la scolarité pour les enfants du primaire"
    reecrire(copie, "plan_actions.yaml", lambda plan: plan["lignes"][1]["actions"].pop(0))
    _, bilan = charger_contrat(dossier=copie)
    actions = m.FicheAction.objects.filter(ligne__contrat=contrat_charge)
    assert actions.count() == 54
    assert not actions.filter(intitule=retiree).exists()
    assert bilan.supprimes == {"fiches actions": 1}


def test_removing_an_engagement_keeps_the_identity_of_the_next_ones(contrat_charge, copie):
    """Yearly follow-ups point to an engagement's row: removing the first one must not
    shift the second one's row onto another text."""
    section = contrat_charge.sections_engagements.get(numero="2.1")
    deuxieme = section.engagements.get(ordre=2)
    reecrire(
        copie,
        "signataires.yaml",
        lambda s: s["sections_engagements"][0]["engagements"].pop(0),
    )
    charger_contrat(dossier=copie)
    deuxieme_apres = m.Engagement.objects.get(pk=deuxieme.pk)
    assert deuxieme_apres.texte == deuxieme.texte
    assert deuxieme_apres.ordre == 1


# 4. Bad files: exact message, nothing written ------------------------------------------------


def test_missing_file_is_refused(copie, avant, django_assert_num_queries):
    (copie / "gouvernance.yaml").unlink()
    with django_assert_num_queries(0):
        erreur = charger_en_erreur(copie)
    assert str(erreur) == (
        "gouvernance.yaml — entrée (racine) — champ « (fichier) » : "
        f"fichier introuvable : {copie / 'gouvernance.yaml'}"
    )
    assert inchangee(avant)


def test_invalid_yaml_syntax_is_refused_with_line_and_column(copie, avant):
    chemin = copie / "contrat.yaml"
    texte = chemin.read_text(encoding="utf-8")
    ligne_titre = "  titre: Contrat de ville de Villiers-sur-Marne 2015-2020\n"
    assert texte.splitlines(keepends=True)[2] == ligne_titre
    chemin.write_text(texte.replace(ligne_titre, "  titre: Contrat: de ville\n"), encoding="utf-8")
    assert str(charger_en_erreur(copie)) == (
        "contrat.yaml — entrée (racine) — champ « (syntaxe) » : "
        "YAML invalide, ligne 3, colonne 17 : mapping values are not allowed here"
    )
    assert inchangee(avant)


def test_missing_required_field_names_file_entry_and_field(copie, avant):
    reecrire(copie, "cadre_strategique.yaml", lambda c: objectif(c, "2.1.2").pop("intitule"))
    erreur = charger_en_erreur(copie)
    assert str(erreur) == (
        "cadre_strategique.yaml — entrée piliers[1].domaines[1].objectifs[2] (« 2.1.2 ») — "
        "champ « intitule » : valeur obligatoire manquante"
    )
    assert (erreur.fichier, erreur.entree, erreur.champ) == (
        "cadre_strategique.yaml",
        "piliers[1].domaines[1].objectifs[2] (« 2.1.2 »)",
        "intitule",
    )
    assert inchangee(avant)


def test_date_that_is_not_a_date_is_refused(copie, avant):
    reecrire(copie, "contrat.yaml", lambda c: c["contrat"].update(date_fin="31/12/2020"))
    assert str(charger_en_erreur(copie)) == (
        "contrat.yaml — entrée contrat (« villiers-sur-marne-2015-2020 ») — "
        "champ « date_fin » : une date au format AAAA-MM-JJ est attendue"
    )
    assert inchangee(avant)


def test_unquoted_numero_read_as_a_number_is_refused(copie, avant):
    reecrire(
        copie,
        "cadre_strategique.yaml",
        lambda c: c["piliers"][0]["domaines"][0].update(numero=2.1),
    )
    assert (copie / "cadre_strategique.yaml").read_text(encoding="utf-8").count("numero: 2.1\n")
    assert str(charger_en_erreur(copie)) == (
        "cadre_strategique.yaml — entrée piliers[1].domaines[1] (« 2.1 ») — "
        "champ « numero » : un texte est attendu"
    )
    assert inchangee(avant)


def test_misspelt_field_is_refused_as_unknown(copie, avant):
    def faute(g):
        instance = g["instances"][0]
        instance["reunion_min_par_an"] = instance.pop("reunions_min_par_an")

    reecrire(copie, "gouvernance.yaml", faute)
    assert str(charger_en_erreur(copie)) == (
        "gouvernance.yaml — entrée instances[1] (« copil-politique ») — "
        "champ « reunion_min_par_an » : champ inconnu (vérifier son orthographe)"
    )
    assert inchangee(avant)


def test_generation_outside_the_allowed_values_is_refused(copie, avant):
    reecrire(copie, "contrat.yaml", lambda c: c["contrat"].update(generation="2099"))
    assert str(charger_en_erreur(copie)) == (
        "contrat.yaml — entrée contrat (« villiers-sur-marne-2015-2020 ») — "
        "champ « generation » : valeur non autorisée '2099' (attendu : "
        "'2015-2020', 'prolongation-2022', 'prolongation-2023' ou '2024-2030')"
    )
    assert inchangee(avant)


def test_duplicate_objective_numero_is_refused(copie, avant):
    reecrire(copie, "cadre_strategique.yaml", lambda c: objectif(c, "2.1.2").update(numero="2.1.1"))
    assert str(charger_en_erreur(copie)) == (
        "cadre_strategique.yaml — entrée objectifs[2] — "
        "champ « (identifiant) » : '2.1.1' apparaît plusieurs fois"
    )
    assert inchangee(avant)


def test_signataire_of_an_undeclared_organisation_is_refused(copie, avant):
    reecrire(
        copie,
        "signataires.yaml",
        lambda s: s["signataires"][2].update(organisation="region-ile-de-france"),
    )
    assert str(charger_en_erreur(copie)) == (
        "signataires.yaml — entrée signataires[3] — champ « organisation » : "
        "organisation 'region-ile-de-france' non déclarée dans « organisations »"
    )
    assert inchangee(avant)


def test_plan_line_serving_an_unknown_objective_is_refused(copie, avant):
    reecrire(
        copie,
        "plan_actions.yaml",
        lambda p: p["lignes"][0].update(objectifs_operationnels=["4.1.9"]),
    )
    assert str(charger_en_erreur(copie)) == (
        "plan_actions.yaml — entrée lignes[1] — champ « objectifs_operationnels » : "
        "objectif '4.1.9' inconnu du cadre stratégique"
    )
    assert inchangee(avant)


def test_objective_numbered_outside_its_domain_is_refused(copie, avant):
    reecrire(copie, "cadre_strategique.yaml", lambda c: objectif(c, "2.1.3").update(numero="2.2.9"))
    assert str(charger_en_erreur(copie)) == (
        "cadre_strategique.yaml — entrée piliers[1].domaines[1] (« 2.1 »).objectifs[3] "
        "(« 2.2.9 ») — champ « numero » : l'objectif doit commencer par le numéro du domaine 2.1"
    )
    assert inchangee(avant)


def test_error_while_writing_rolls_back_files_already_written(copie, avant, monkeypatch):
    reecrire(
        copie,
        "cadre_strategique.yaml",
        lambda c: objectif(c, "2.1.2").update(intitule="Consolider le partenariat"),
    )

    def panne(*args, **kwargs):
        raise RuntimeError("panne pendant l'écriture de la gouvernance")

    monkeypatch.setattr(ecriture, "_ecrire_gouvernance", panne)
    with pytest.raises(RuntimeError, match="panne"):
        charger_contrat(dossier=copie)
    assert m.ObjectifOperationnel.objects.get(numero="2.1.2").intitule != (
        "Consolider le partenariat"
    )
    assert inchangee(avant)


# 5. Management command ----------------------------------------------------------------------


def test_command_reports_unchanged_contract(contrat_charge):
    sortie = StringIO()
    call_command("charger_contrat", str(DOSSIER_VILLIERS), stdout=sortie)
    assert sortie.getvalue() == "Contrat de ville de Villiers-sur-Marne 2015-2020 : inchangé.\n"


def test_command_reports_what_an_edit_changed(contrat_charge, copie):
    reecrire(
        copie,
        "cadre_strategique.yaml",
        lambda c: objectif(c, "2.1.2").update(intitule="Consolider le partenariat"),
    )
    sortie = StringIO()
    call_command("charger_contrat", str(copie), stdout=sortie)
    assert sortie.getvalue() == (
        "Contrat de ville de Villiers-sur-Marne 2015-2020 : mis à jour.\n"
        "  modifiés : 1 objectifs opérationnels\n"
    )


def test_command_refuses_a_bad_folder_and_says_nothing_was_written(copie, avant):
    reecrire(copie, "contrat.yaml", lambda c: c["contrat"].update(generation="2099"))
    with pytest.raises(CommandError) as erreur:
        call_command("charger_contrat", str(copie), stdout=StringIO())
    assert str(erreur.value).startswith("Chargement refusé, rien n'a été écrit. contrat.yaml — ")
    assert inchangee(avant)
