"""Rules the code base keeps about its tests, checked on the source itself.

- a test module never imports another test module: shared helpers live in support
  modules (tests/outils.py, <app>/tests/outils.py) or conftest fixtures;
- no code sets a dossier's statut by hand: only `transitionner` writes it, tests drive
  the services along the state machine (programmation/tests/outils.py);
- an undefined variable in a project template fails the test that rendered it, in
  whichever thread (see the root conftest and tests/outils.py).
"""

import ast
import threading
from pathlib import Path

import pytest
from django.template import Context, Template, engines
from django.template.base import Origin
from django.template.loader import render_to_string

from tests.outils import (
    MARQUEUR_VARIABLE_INDEFINIE,
    RACINE,
    echouer_si_variable_indefinie,
)

EXCLUS = {".venv", "node_modules", ".git", "migrations", "__pycache__", "media", "staticfiles"}
# The one place allowed to write Dossier.statut.
SEUL_ECRIVAIN_DU_STATUT = RACINE / "programmation" / "services" / "transitions.py"


def sources() -> list[Path]:
    return sorted(
        chemin
        for chemin in RACINE.rglob("*.py")
        if not EXCLUS.intersection(chemin.relative_to(RACINE).parts)
    )


def modules_de_test() -> list[Path]:
    return [chemin for chemin in sources() if chemin.name.startswith("test_")]


def arbre(chemin: Path) -> ast.Module:
    return ast.parse(chemin.read_text(encoding="utf-8"), filename=str(chemin))


def nom_du_module(chemin: Path) -> str:
    return ".".join(chemin.relative_to(RACINE).with_suffix("").parts)


# --- Test modules import no test module --------------------------------------------------------


def modules_importes(chemin: Path) -> list[tuple[int, str]]:
    """Every module an import of the file names (relative imports resolved), with its line."""
    paquet = nom_du_module(chemin).rsplit(".", 1)[0]
    importes = []
    for noeud in ast.walk(arbre(chemin)):
        if isinstance(noeud, ast.Import):
            importes += [(noeud.lineno, alias.name) for alias in noeud.names]
        elif isinstance(noeud, ast.ImportFrom):
            base = noeud.module or ""
            if noeud.level:
                parent = paquet.split(".")[: len(paquet.split(".")) - noeud.level + 1]
                base = ".".join([*parent, base] if base else parent)
            importes.append((noeud.lineno, base))
            # `from app.tests import test_x` imports a module by its name.
            importes += [(noeud.lineno, f"{base}.{alias.name}") for alias in noeud.names]
    return importes


def est_un_module_de_test(module: str) -> bool:
    return module.rsplit(".", 1)[-1].startswith("test_")


def imports_de_modules_de_test(chemins: list[Path]) -> list[str]:
    return [
        f"{chemin.relative_to(RACINE)}:{ligne} importe {module}"
        for chemin in chemins
        for ligne, module in modules_importes(chemin)
        if est_un_module_de_test(module)
    ]


def test_no_test_module_imports_another_test_module():
    fautes = imports_de_modules_de_test(modules_de_test())
    assert not fautes, "\n".join(fautes)


def test_the_import_check_sees_absolute_relative_and_from_package_imports(tmp_path, monkeypatch):
    paquet = tmp_path / "appli" / "tests"
    paquet.mkdir(parents=True)
    fichier = paquet / "test_exemple.py"
    fichier.write_text(
        "from appli.tests.test_autre import aide\n"
        "from .test_voisin import x\n"
        "from appli.tests import test_troisieme\n"
        "import appli.tests.test_quatrieme\n"
        "from appli.tests.outils import aide\n"
        "from conftest import MARQUEUR\n"
    )
    monkeypatch.setattr("tests.test_organisation_des_tests.RACINE", tmp_path)

    fautes = imports_de_modules_de_test([fichier])

    assert [faute.split(" importe ")[1] for faute in fautes] == [
        "appli.tests.test_autre",
        "appli.tests.test_voisin",
        "appli.tests.test_troisieme",
        "appli.tests.test_quatrieme",
    ]


# --- Only transitionner writes a statut ----------------------------------------------------------

METHODES_D_ECRITURE = {"create", "get_or_create", "update", "update_or_create", "bulk_update"}


def _nom(noeud: ast.AST) -> str:
    if isinstance(noeud, ast.Name):
        return noeud.id
    if isinstance(noeud, ast.Attribute):
        return noeud.attr
    return ""


def _vise_des_dossiers(noeud: ast.AST) -> bool:
    """Whether a queryset expression starts from Dossier or a relation named "dossiers"."""
    while True:
        if isinstance(noeud, ast.Call):
            noeud = noeud.func
        elif isinstance(noeud, ast.Attribute):
            if noeud.attr in {"dossiers", "dossier_set"}:
                return True
            noeud = noeud.value
        else:
            return isinstance(noeud, ast.Name) and noeud.id == "Dossier"


def _ecrit_le_statut(appel: ast.Call) -> bool:
    if any(mot.arg == "statut" for mot in appel.keywords):
        return True
    if any(
        mot.arg == "defaults"
        and isinstance(mot.value, ast.Dict)
        and any(isinstance(c, ast.Constant) and c.value == "statut" for c in mot.value.keys)
        for mot in appel.keywords
    ):
        return True
    # bulk_update(objects, ["statut", …])
    return any(
        isinstance(argument, ast.List | ast.Tuple)
        and any(isinstance(e, ast.Constant) and e.value == "statut" for e in argument.elts)
        for argument in appel.args
    )


def ecritures_du_statut(chemin: Path) -> list[str]:
    """Where a file writes a dossier's statut otherwise than through transitionner."""
    fautes = []
    for noeud in ast.walk(arbre(chemin)):
        ecrit = False
        if isinstance(noeud, ast.Call):
            fonction = noeud.func
            if _nom(fonction) in {"Dossier", "DossierFactory"} or (
                isinstance(fonction, ast.Attribute) and _nom(fonction.value) == "DossierFactory"
            ):
                ecrit = any(mot.arg == "statut" for mot in noeud.keywords)
            elif isinstance(fonction, ast.Attribute) and fonction.attr in METHODES_D_ECRITURE:
                ecrit = _vise_des_dossiers(fonction.value) and _ecrit_le_statut(noeud)
            elif _nom(fonction) == "setattr" and len(noeud.args) >= 2:
                cle = noeud.args[1]
                ecrit = isinstance(cle, ast.Constant) and cle.value == "statut"
        elif isinstance(noeud, ast.Assign | ast.AugAssign | ast.AnnAssign):
            cibles = noeud.targets if isinstance(noeud, ast.Assign) else [noeud.target]
            ecrit = any(
                isinstance(cible, ast.Attribute)
                and cible.attr == "statut"
                and "dossier" in ast.unparse(cible.value).lower()
                for cible in cibles
            )
        if ecrit:
            fautes.append((noeud.lineno, ast.unparse(noeud)))
    return [f"{chemin.relative_to(RACINE)}:{ligne}: {code}" for ligne, code in sorted(fautes)]


def test_no_code_sets_a_dossier_statut_outside_transitionner():
    fautes = [
        faute
        for chemin in sources()
        if chemin != SEUL_ECRIVAIN_DU_STATUT
        for faute in ecritures_du_statut(chemin)
    ]
    assert not fautes, "Statut écrit hors de transitionner :\n" + "\n".join(fautes)


def test_the_statut_check_catches_every_way_of_writing_it(tmp_path, monkeypatch):
    fichier = tmp_path / "programmation" / "tests" / "test_exemple.py"
    fichier.parent.mkdir(parents=True)
    fichier.write_text(
        "Dossier.objects.filter(pk=1).update(statut='depose')\n"
        "appel.dossiers.filter(numero='A').update(statut=Statut.VALIDE)\n"
        "Dossier(appel=appel, statut='valide')\n"
        "DossierFactory(statut=Statut.SOLDE)\n"
        "DossierFactory.create(statut=Statut.SOLDE)\n"
        "Dossier.objects.create(numero='B', statut='depose')\n"
        "Dossier.objects.update_or_create(numero='C', defaults={'statut': 'depose'})\n"
        "Dossier.objects.bulk_update(dossiers, ['statut'])\n"
        "dossier.statut = Statut.DEPOSE\n"
        "setattr(dossier, 'statut', 'depose')\n"
        # Reading a statut, or building a dossier that drives the services, is fine.
        "Dossier.objects.filter(statut='depose').update(version=2)\n"
        "DossierFactory(complet=True, statut_cible=Statut.VALIDE)\n"
        "invitations.update(statut='acceptee')\n"
        "demande.statut = 'acceptee'\n"
        "statut = dossier.statut\n"
    )
    monkeypatch.setattr("tests.test_organisation_des_tests.RACINE", tmp_path)

    lignes = [int(faute.split(":")[1]) for faute in ecritures_du_statut(fichier)]

    assert lignes == list(range(1, 11))


# --- Undefined template variables fail the test -----------------------------------------------


@pytest.fixture
def releve(_aucune_variable_indefinie):
    """The record the autouse fixture checks at teardown: each test below empties it."""
    yield _aucune_variable_indefinie
    _aucune_variable_indefinie.vider()


def test_a_project_template_string_with_an_undefined_variable_fails_the_check(releve):
    fichier = RACINE / "templates" / "essai.html"
    gabarit = Template(
        "<p>{{ dossier.intitule }}</p>",
        origin=Origin(name=str(fichier), template_name="essai.html"),
        engine=engines["django"].engine,
    )

    rendu = gabarit.render(Context({}))

    assert rendu == f"<p>{MARQUEUR_VARIABLE_INDEFINIE}[dossier.intitule]</p>"
    assert [(v.variable, v.fichier) for v in releve.du_projet()] == [
        ("dossier.intitule", str(fichier))
    ]
    with pytest.raises(pytest.fail.Exception, match=r"\{\{ dossier\.intitule \}\} dans"):
        echouer_si_variable_indefinie(releve)
    assert releve.toutes() == []  # the check forgets what it reported


def test_the_variable_is_held_against_the_template_file_that_holds_it(releve):
    rendu = (
        engines["django"]
        .from_string('{% include "includes/tuile.html" %}')
        .render({"url": "/", "titre": "Titre"})
    )

    assert f"{MARQUEUR_VARIABLE_INDEFINIE}[description]" in rendu
    (variable,) = releve.du_projet()
    assert variable.variable == "description"
    assert variable.fichier == str(RACINE / "templates" / "includes" / "tuile.html")


def test_templates_from_a_string_or_an_installed_package_are_not_the_project_s(releve):
    engines["django"].from_string("{{ absente }}").render({})
    render_to_string("admin/filter.html", {"choices": []})

    fichiers = {v.variable: v.fichier for v in releve.toutes()}
    assert fichiers["absente"] == "<unknown source>"
    assert fichiers["title"].endswith("/django/contrib/admin/templates/admin/filter.html")
    assert releve.du_projet() == []
    echouer_si_variable_indefinie(releve)  # nothing of the project's: no failure


def test_a_page_rendered_in_another_thread_is_recorded_too(releve):
    fil = threading.Thread(
        target=render_to_string, args=("includes/tuile.html", {"url": "/", "titre": "T"})
    )
    fil.start()
    fil.join()

    assert [v.variable for v in releve.du_projet()] == ["description"]
