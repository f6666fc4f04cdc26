"""Helpers shared by the tests of every app (not a test module: nothing here is collected).

- `html_de` and `PageHTML` read a page the test client returned;
- `ChaineSiInvalide` is the template engine's `string_if_invalid` during tests: it still
  renders the visible marker, and it records every undefined variable with the template
  it belongs to, so that the root conftest fails a test whose page used one.
"""

import re
import sys
import threading
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

MARQUEUR_VARIABLE_INDEFINIE = "VARIABLE_INDEFINIE"
RACINE = Path(settings.BASE_DIR).resolve()


# --- Pages -----------------------------------------------------------------------------------


class PageHTML(HTMLParser):
    """Text, links and table rows of an HTML page, entities decoded."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._morceaux: list[str] = []
        self.liens: list[tuple[str, str]] = []
        self.tableaux: list[list[list[str]]] = []
        self._lien: tuple[str, list[str]] | None = None
        self._cellule: list[str] | None = None
        self._ligne: list[str] | None = None
        self.feed(html)
        self.close()
        self.texte = " ".join(" ".join(self._morceaux).split())

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        if tag == "a" and attributs.get("href") is not None:
            self._lien = (attributs["href"], [])
        elif tag == "table":
            self.tableaux.append([])
        elif tag == "tr":
            self._ligne = []
        elif tag in ("td", "th"):
            self._cellule = []

    def handle_endtag(self, tag):
        if tag == "a" and self._lien is not None:
            href, morceaux = self._lien
            self.liens.append((href, " ".join(" ".join(morceaux).split())))
            self._lien = None
        elif tag in ("td", "th") and self._cellule is not None and self._ligne is not None:
            self._ligne.append(" ".join(" ".join(self._cellule).split()))
            self._cellule = None
        elif tag == "tr" and self._ligne is not None and self.tableaux:
            self.tableaux[-1].append(self._ligne)
            self._ligne = None

    def handle_data(self, data):
        self._morceaux.append(data)
        if self._lien is not None:
            self._lien[1].append(data)
        if self._cellule is not None:
            self._cellule.append(data)

    def hrefs(self) -> set[str]:
        return {href for href, _ in self.liens}

    def lien(self, href: str) -> str:
        """Text of the first link to `href`; fails if the page has none."""
        textes = [texte for h, texte in self.liens if h == href]
        assert textes, f"aucun lien vers {href}"
        return textes[0]


def html_de(reponse) -> str:
    """The body of a page, checked for status 200, French and no undefined variable."""
    assert reponse.status_code == 200, reponse.status_code
    assert reponse.headers.get("Content-Language") == "fr"
    html = reponse.content.decode()
    if "<html" in html:  # a full page, not an htmx fragment
        assert '<html lang="fr"' in html
    assert MARQUEUR_VARIABLE_INDEFINIE not in html, variables_indefinies_de(html)
    return html


def variables_indefinies_de(html: str) -> list[str]:
    """The markers an HTML text holds, e.g. ["VARIABLE_INDEFINIE[dossier.titre]"]."""
    debut = 0
    trouvees = []
    while (position := html.find(MARQUEUR_VARIABLE_INDEFINIE, debut)) != -1:
        fin = html.find("]", position)
        trouvees.append(html[position : fin + 1])
        debut = fin + 1
    return trouvees


def page(client, url: str, **kwargs) -> PageHTML:
    return PageHTML(html_de(client.get(url, **kwargs)))


# --- Undefined template variables --------------------------------------------------------------


@dataclass(frozen=True)
class VariableIndefinie:
    variable: str
    # The file of the template that holds the variable ("<unknown source>" for a string).
    fichier: str
    # The template the view rendered (the one holding the variable may be included in it).
    rendu: str

    @property
    def du_projet(self) -> bool:
        return est_un_gabarit_du_projet(self.fichier)

    def __str__(self) -> str:
        gabarit = self.fichier.removeprefix(f"{RACINE}/")
        return f"{{{{ {self.variable} }}}} dans {gabarit} (rendu de {self.rendu})"


class ReleveDesVariables:
    """The undefined variables met since the last `vider()`, in any thread of the process.

    Live-server tests render in the server's thread: the record is shared, under a lock.
    """

    def __init__(self) -> None:
        self._verrou = threading.Lock()
        self._variables: list[VariableIndefinie] = []

    def noter(self, variable: VariableIndefinie) -> None:
        with self._verrou:
            self._variables.append(variable)

    def vider(self) -> None:
        with self._verrou:
            self._variables.clear()

    def toutes(self) -> list[VariableIndefinie]:
        with self._verrou:
            return list(self._variables)

    def du_projet(self) -> list[VariableIndefinie]:
        return [v for v in self.toutes() if v.du_projet]


RELEVE = ReleveDesVariables()


def echouer_si_variable_indefinie(releve: ReleveDesVariables = RELEVE) -> None:
    """Fail the running test if a project template met an undefined variable; then forget."""
    fautes = list(dict.fromkeys(str(v) for v in releve.du_projet()))
    releve.vider()
    if fautes:
        pytest.fail("Variable(s) de gabarit indéfinie(s) :\n" + "\n".join(fautes), pytrace=False)


class ChaineSiInvalide(str):
    """`string_if_invalid` of the tests: renders "MARKER[name]" and records the variable.

    Django formats it with `%` and the unresolved `Variable`; it returns the raw string
    (no name to give) when a method called from a template needs arguments, hence `__str__`.
    """

    def __mod__(self, variable) -> str:
        _noter(str(variable))
        return str.__mod__(self, variable)

    def __str__(self) -> str:
        if _rendu_en_cours(sys._getframe(1)):
            _noter("?")
        return str.__str__(self)


def _noter(variable: str) -> None:
    fichier, rendu = _gabarit_en_cours(sys._getframe(2))
    RELEVE.noter(VariableIndefinie(variable=variable, fichier=fichier, rendu=rendu))


def _gabarit_en_cours(cadre) -> tuple[str, str]:
    """The template of the node being rendered, and the template the view rendered.

    Each parsed node knows its template's origin (the file); the context knows the
    template whose rendering started.
    """
    from django.template.base import Node
    from django.template.context import Context

    fichier = rendu = ""
    racine = None
    while cadre is not None and not (fichier and rendu):
        locales = cadre.f_locals
        soi = locales.get("self")
        if not fichier and isinstance(soi, Node) and getattr(soi, "origin", None) is not None:
            fichier = soi.origin.name
        contexte = locales.get("context")
        if not rendu and isinstance(contexte, Context) and contexte.template is not None:
            racine = contexte.template.origin.name
            rendu = contexte.template_name or racine
        cadre = cadre.f_back
    return fichier or racine or "<inconnu>", rendu or "<inconnu>"


def _rendu_en_cours(cadre) -> bool:
    from django.template.base import Node

    while cadre is not None:
        if isinstance(cadre.f_locals.get("self"), Node):
            return True
        cadre = cadre.f_back
    return False


@cache
def dossiers_de_gabarits_du_projet() -> tuple[Path, ...]:
    """/templates and each app folder of this repository, never an installed package's."""
    from django.apps import apps

    dossiers = [Path(d).resolve() for moteur in settings.TEMPLATES for d in moteur["DIRS"]]
    for application in apps.get_app_configs():
        chemin = Path(application.path).resolve()
        if chemin.is_relative_to(RACINE) and not _installe(chemin):
            dossiers.append(chemin / "templates")
    return tuple(d for d in dossiers if d.is_relative_to(RACINE) and not _installe(d))


def _installe(chemin: Path) -> bool:
    return any(partie in {"site-packages", "dist-packages", ".venv"} for partie in chemin.parts)


def est_un_gabarit_du_projet(fichier: str) -> bool:
    if not fichier.startswith("/"):  # a template built from a string has no file
        return False
    chemin = Path(fichier).resolve()
    return any(chemin.is_relative_to(d) for d in dossiers_de_gabarits_du_projet())


# --- OpenAPI: what a JSON answer of the API departs from in its declared schema ----------


def ecarts_au_schema(valeur: Any, schema: dict, composants: dict, chemin: str = "$") -> list[str]:
    """Where a JSON value departs from an OpenAPI 3.1 schema: keys, types, enums, patterns."""
    if "$ref" in schema:
        nom = schema["$ref"].removeprefix("#/components/schemas/")
        return ecarts_au_schema(valeur, composants[nom], composants, chemin)
    if "anyOf" in schema:
        variantes = [ecarts_au_schema(valeur, s, composants, chemin) for s in schema["anyOf"]]
        return [] if any(not e for e in variantes) else min(variantes, key=len)
    if "allOf" in schema:
        return [e for s in schema["allOf"] for e in ecarts_au_schema(valeur, s, composants, chemin)]
    if "enum" in schema and valeur not in schema["enum"]:
        return [f"{chemin}: {valeur!r} hors de {schema['enum']}"]
    type_attendu = schema.get("type")
    if type_attendu == "object":
        return _ecarts_objet(valeur, schema, composants, chemin)
    if type_attendu == "array":
        if not isinstance(valeur, list):
            return [f"{chemin}: liste attendue, {type(valeur).__name__} reçu"]
        items = schema.get("items", {})
        return [
            e
            for i, element in enumerate(valeur)
            for e in ecarts_au_schema(element, items, composants, f"{chemin}[{i}]")
        ]
    if type_attendu == "string":
        return _ecarts_chaine(valeur, schema, chemin)
    types_python = {"integer": int, "number": (int, float), "boolean": bool, "null": type(None)}
    if type_attendu in types_python:
        conforme = isinstance(valeur, types_python[type_attendu])
        if type_attendu in ("integer", "number") and isinstance(valeur, bool):
            conforme = False
        return [] if conforme else [f"{chemin}: {type_attendu} attendu, {valeur!r} reçu"]
    return []


def _ecarts_objet(valeur: Any, schema: dict, composants: dict, chemin: str) -> list[str]:
    if not isinstance(valeur, dict):
        return [f"{chemin}: objet attendu, {type(valeur).__name__} reçu"]
    proprietes = schema.get("properties")
    if proprietes is None:
        return []
    ecarts = []
    if set(valeur) != set(proprietes):
        ecarts.append(f"{chemin}: clés {sorted(valeur)} au lieu de {sorted(proprietes)}")
    manquantes = set(schema.get("required", [])) - set(valeur)
    if manquantes:
        ecarts.append(f"{chemin}: clés requises absentes {sorted(manquantes)}")
    for cle, sous_schema in proprietes.items():
        if cle in valeur:
            ecarts += ecarts_au_schema(valeur[cle], sous_schema, composants, f"{chemin}.{cle}")
    return ecarts


def _ecarts_chaine(valeur: Any, schema: dict, chemin: str) -> list[str]:
    if not isinstance(valeur, str):
        return [f"{chemin}: string attendu, {valeur!r} reçu"]
    if "pattern" in schema and not re.search(schema["pattern"], valeur):
        return [f"{chemin}: {valeur!r} ne suit pas {schema['pattern']}"]
    lecteurs = {"date": date.fromisoformat, "date-time": datetime.fromisoformat}
    lecteur = lecteurs.get(schema.get("format", ""))
    if lecteur is not None:
        try:
            lecteur(valeur)
        except ValueError:
            return [f"{chemin}: {valeur!r} n'est pas au format {schema['format']}"]
    return []


# What testing a role looks like in code: only permissions.py modules may do it.
def client_de(utilisateur) -> Client:
    """A test client logged in as that person (None: an anonymous visitor)."""
    client = Client()
    if utilisateur is not None:
        client.force_login(utilisateur)
    return client


ROLE_TESTE = re.compile(r"\bRole\.|\.a\(|organisations_pour\(|\.role\b")


# --- Forms: what a browser posts back, what the database keeps --------------------------------


def valeurs_du_formulaire(reponse, action: str = "") -> dict[str, list[str]]:
    """What a browser would submit, as is, from a page the test client returned: the first
    form that posts to `action` (by default, to the page itself), with its inputs, ticked
    boxes, selected options and textareas, a list of values per field."""
    # The real-server tests' form reader: one parser of forms for every test.
    from tests.serveur.navigateur import _LecteurDeFormulaires

    lecteur = _LecteurDeFormulaires()
    lecteur.feed(html_de(reponse))
    lecteur.close()
    adresses = {action} if action else {"", reponse.request["PATH_INFO"]}
    for formulaire in lecteur.formulaires:
        if formulaire.action in adresses:
            return formulaire.valeurs()
    raise AssertionError(f"Aucun formulaire vers {sorted(adresses)} sur la page.")


def en_base(objet, *champs: str) -> dict[str, Any]:
    """Those fields of the object as the database holds them now, read again."""
    return type(objet)._default_manager.filter(pk=objet.pk).values(*champs).get()


def pourquoi(reponse) -> str:
    """Why a page did not take a form, for an assertion's message: the status, the form's
    errors and the service's refusal (the `form` and `erreur` of its context)."""
    contexte = reponse.context or {}
    erreurs = getattr(contexte.get("form"), "errors", "")
    return f"{reponse.status_code} {erreurs} {contexte.get('erreur') or ''}".strip()


class Formulaire:
    """A form as that person's browser reads it on a page (the first one posting to
    `action`, by default to the page itself), to post back with fields added or changed."""

    def __init__(self, utilisateur, page: str, action: str = "") -> None:
        self.client = client_de(utilisateur)
        self.action = action or page
        self.valeurs = valeurs_du_formulaire(self.client.get(page), action)

    def poster(self, champs: dict | None = None, **options):
        """Post the form's values, `champs` over them (`options` go to the test client)."""
        return self.client.post(self.action, self.valeurs | (champs or {}), **options)
