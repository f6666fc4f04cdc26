"""Read and check a contract folder before anything is written to the database."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from contrats.chargement.schema import (
    FICHIERS,
    FichierCadre,
    FichierContrat,
    FichierDiagnostic,
    FichierGouvernance,
    FichierPlan,
    FichierSignataires,
)
from contrats.models import REGLES_GENERATION, RegleGeneration

MESSAGES = {
    "missing": "valeur obligatoire manquante",
    "extra_forbidden": "champ inconnu (vérifier son orthographe)",
    "string_type": "un texte est attendu",
    "string_too_short": "ne doit pas être vide",
    "string_pattern_mismatch": "format invalide",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "greater_than_equal": "nombre trop petit",
    "decimal_type": "un nombre est attendu",
    "decimal_parsing": "un nombre est attendu",
    "bool_type": "vrai ou faux (true/false) est attendu",
    "bool_parsing": "vrai ou faux (true/false) est attendu",
    "date_type": "une date au format AAAA-MM-JJ est attendue",
    "date_parsing": "une date au format AAAA-MM-JJ est attendue",
    "date_from_datetime_parsing": "une date au format AAAA-MM-JJ est attendue",
    "list_type": "une liste est attendue",
    "too_short": "la liste ne doit pas être vide",
    "dict_type": "une entrée avec des champs est attendue",
    "model_type": "une entrée avec des champs est attendue",
    "model_attributes_type": "une entrée avec des champs est attendue",
}
CLES_LIBELLE = ("numero", "code", "slug", "sigle", "lettre", "code_insee", "intitule", "nom")


class ErreurChargement(Exception):
    """A problem in a data file, located by file, entry and field."""

    def __init__(self, fichier: str, entree: str, champ: str, message: str):
        self.fichier, self.entree, self.champ, self.message = fichier, entree, champ, message
        super().__init__(
            f"{fichier} — entrée {entree or '(racine)'} — champ « {champ} » : {message}"
        )


@dataclass(frozen=True)
class DonneesContrat:
    dossier: Path
    contrat: FichierContrat
    diagnostic: FichierDiagnostic
    cadre: FichierCadre
    plan: FichierPlan
    signataires: FichierSignataires
    gouvernance: FichierGouvernance


def lire_dossier(dossier: Path) -> DonneesContrat:
    """Parse and check every file of a contract folder; raise the first error found."""
    fichiers = {nom: _valider(dossier, nom) for nom in FICHIERS}
    donnees = DonneesContrat(
        dossier=dossier,
        contrat=fichiers["contrat.yaml"],
        diagnostic=fichiers["diagnostic.yaml"],
        cadre=fichiers["cadre_strategique.yaml"],
        plan=fichiers["plan_actions.yaml"],
        signataires=fichiers["signataires.yaml"],
        gouvernance=fichiers["gouvernance.yaml"],
    )
    verifier_references(donnees)
    return donnees


def _valider(dossier: Path, nom: str) -> Any:
    brut = _lire_yaml(dossier / nom)
    try:
        return FICHIERS[nom].model_validate(brut)
    except ValidationError as exc:
        erreur = exc.errors()[0]
        entree, champ = _situer(brut, erreur["loc"])
        raise ErreurChargement(nom, entree, champ, _message(erreur)) from None


def _lire_yaml(chemin: Path) -> Any:
    if not chemin.is_file():
        raise ErreurChargement(chemin.name, "", "(fichier)", f"fichier introuvable : {chemin}")
    try:
        return yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ErreurChargement(chemin.name, "", "(fichier)", "encodage UTF-8 attendu") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ou = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "position inconnue"
        probleme = getattr(exc, "problem", None) or str(exc)
        raise ErreurChargement(
            chemin.name, "", "(syntaxe)", f"YAML invalide, {ou} : {probleme}"
        ) from None


def _message(erreur: dict[str, Any]) -> str:
    if erreur["type"] == "literal_error":
        attendu = erreur["ctx"]["expected"].replace(" or ", " ou ")
        return f"valeur non autorisée {erreur['input']!r} (attendu : {attendu})"
    if erreur["type"] == "string_too_long":
        return f"texte trop long ({erreur['ctx']['max_length']} caractères au maximum)"
    return MESSAGES.get(erreur["type"], erreur["msg"])


def _situer(brut: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """Split a pydantic location into (entry, field), the entry labelled by its key."""
    dernier_texte = max((i for i, part in enumerate(loc) if isinstance(part, str)), default=0)
    chemin_entree, chemin_champ = loc[:dernier_texte], loc[dernier_texte:]
    return _libelle_entree(brut, chemin_entree), _chemin_texte(chemin_champ)


def _libelle_entree(brut: Any, chemin: Iterable[Any]) -> str:
    noeud = brut
    for part in chemin:
        try:
            noeud = noeud[part]
        except (KeyError, IndexError, TypeError):
            noeud = None
            break
    texte = _chemin_texte(tuple(chemin))
    if isinstance(noeud, dict):
        for cle in CLES_LIBELLE:
            if noeud.get(cle):
                return f"{texte} (« {noeud[cle]} »)"
    return texte


def _chemin_texte(chemin: tuple[Any, ...]) -> str:
    texte = ""
    for part in chemin:
        texte += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if texte else part)
    return texte


# Cross-file checks -------------------------------------------------------------


def verifier_references(d: DonneesContrat) -> None:
    communes = _uniques("contrat.yaml", "communes", [c.code_insee for c in d.contrat.communes])
    for i, qpv in enumerate(d.contrat.quartiers_prioritaires, start=1):
        for code in qpv.communes:
            _exiger(
                code in communes,
                "contrat.yaml",
                f"quartiers_prioritaires[{i}]",
                "communes",
                f"commune {code!r} absente de la liste « communes »",
            )
    _uniques(
        "contrat.yaml", "quartiers_prioritaires", [q.slug for q in d.contrat.quartiers_prioritaires]
    )
    _uniques("diagnostic.yaml", "indicateurs", [i.code for i in d.diagnostic.indicateurs])
    regle = REGLES_GENERATION[d.contrat.contrat.generation]
    _verifier_niveaux_selon_generation(d.cadre, regle)
    _verifier_cadre(d.cadre, regle)
    _verifier_projets_de_quartier(d, regle)
    _verifier_plan(d.plan, d.cadre)
    organisations = _verifier_signataires(d.signataires, regle)
    _verifier_gouvernance(d.gouvernance, organisations)


def _verifier_niveaux_selon_generation(cadre: FichierCadre, regle: RegleGeneration) -> None:
    attendue, refusee = ("priorites_locales", "piliers")
    if not regle.priorites_locales:
        attendue, refusee = refusee, attendue
    _exiger(
        bool(getattr(cadre, attendue)),
        "cadre_strategique.yaml",
        "",
        attendue,
        f"cette génération de contrat organise son cadre en {regle.niveau_pluriel} : "
        f"la liste « {attendue} » ne doit pas être vide",
    )
    _exiger(
        not getattr(cadre, refusee),
        "cadre_strategique.yaml",
        "",
        refusee,
        f"cette génération de contrat organise son cadre en {regle.niveau_pluriel}, "
        f"pas en « {refusee} »",
    )


def _verifier_projets_de_quartier(d: DonneesContrat, regle: RegleGeneration) -> None:
    quartiers = {q.slug for q in d.contrat.quartiers_prioritaires}
    priorites = {p.code for p in d.cadre.niveaux}
    projets = d.cadre.projets_de_quartier
    for i, projet in enumerate(projets, start=1):
        ou = f"projets_de_quartier[{i}] (« {projet.quartier} »)"
        _exiger(
            projet.quartier in quartiers,
            "cadre_strategique.yaml",
            ou,
            "quartier",
            f"quartier {projet.quartier!r} absent des quartiers prioritaires du contrat",
        )
        for code in projet.priorites:
            _exiger(
                code in priorites,
                "cadre_strategique.yaml",
                ou,
                "priorites",
                f"priorité {code!r} inconnue du cadre stratégique",
            )
    couverts = _uniques(
        "cadre_strategique.yaml", "projets_de_quartier", [x.quartier for x in projets]
    )
    if regle.projet_de_quartier_par_qpv:
        for slug in sorted(quartiers - couverts):
            _exiger(
                False,
                "cadre_strategique.yaml",
                "",
                "projets_de_quartier",
                f"le quartier {slug!r} n'a pas de projet de quartier "
                "(un par quartier prioritaire dans cette génération)",
            )


def _verifier_cadre(cadre: FichierCadre, regle: RegleGeneration) -> None:
    _uniques(
        "cadre_strategique.yaml", "axes_transversaux", [a.numero for a in cadre.axes_transversaux]
    )
    liste = "priorites_locales" if regle.priorites_locales else "piliers"
    _uniques("cadre_strategique.yaml", liste, [p.numero for p in cadre.niveaux])
    for p, pilier in enumerate(cadre.niveaux, start=1):
        for dm, domaine in enumerate(pilier.domaines, start=1):
            ou = f"{liste}[{p}].domaines[{dm}] (« {domaine.numero} »)"
            _exiger(
                domaine.numero.split(".")[0] == pilier.numero,
                "cadre_strategique.yaml",
                ou,
                "numero",
                f"le domaine doit commencer par le numéro de la {regle.niveau} {pilier.numero}"
                if regle.priorites_locales
                else f"le domaine doit commencer par le numéro du pilier {pilier.numero}",
            )
            for o, objectif in enumerate(domaine.objectifs, start=1):
                _exiger(
                    objectif.numero.rsplit(".", 1)[0] == domaine.numero,
                    "cadre_strategique.yaml",
                    f"{ou}.objectifs[{o}] (« {objectif.numero} »)",
                    "numero",
                    f"l'objectif doit commencer par le numéro du domaine {domaine.numero}",
                )
    _uniques(
        "cadre_strategique.yaml",
        "objectifs",
        [o.numero for p in cadre.niveaux for dm in p.domaines for o in dm.objectifs],
    )


def _verifier_plan(plan: FichierPlan, cadre: FichierCadre) -> None:
    domaines = {dm.numero: p.numero for p in cadre.niveaux for dm in p.domaines}
    objectifs = {o.numero for p in cadre.niveaux for dm in p.domaines for o in dm.objectifs}
    for i, ligne in enumerate(plan.lignes, start=1):
        ou = f"lignes[{i}]"
        _exiger(
            ligne.pilier in {p.numero for p in cadre.niveaux},
            "plan_actions.yaml",
            ou,
            "pilier",
            f"pilier {ligne.pilier!r} inconnu du cadre stratégique",
        )
        _exiger(
            domaines.get(ligne.domaine) == ligne.pilier,
            "plan_actions.yaml",
            ou,
            "domaine",
            f"domaine {ligne.domaine!r} inconnu dans le pilier {ligne.pilier}",
        )
        for numero in ligne.objectifs_operationnels:
            _exiger(
                numero in objectifs,
                "plan_actions.yaml",
                ou,
                "objectifs_operationnels",
                f"objectif {numero!r} inconnu du cadre stratégique",
            )


def _verifier_signataires(s: FichierSignataires, regle: RegleGeneration) -> set[str]:
    organisations = _uniques("signataires.yaml", "organisations", [o.code for o in s.organisations])
    for i, signataire in enumerate(s.signataires, start=1):
        _exiger(
            signataire.organisation in organisations,
            "signataires.yaml",
            f"signataires[{i}]",
            "organisation",
            f"organisation {signataire.organisation!r} non déclarée dans « organisations »",
        )
    _uniques("signataires.yaml", "signataires", [x.organisation for x in s.signataires])
    _uniques("signataires.yaml", "sections_engagements", [x.numero for x in s.sections_engagements])
    for i, section in enumerate(s.sections_engagements, start=1):
        for code in section.organisations:
            _exiger(
                code in organisations,
                "signataires.yaml",
                f"sections_engagements[{i}] (« {section.numero} »)",
                "organisations",
                f"organisation {code!r} non déclarée dans « organisations »",
            )
        if regle.engagements_mesurables:
            for e, engagement in enumerate(section.engagements, start=1):
                _exiger(
                    engagement.indicateur is not None,
                    "signataires.yaml",
                    f"sections_engagements[{i}].engagements[{e}]",
                    "indicateur",
                    "dans cette génération, chaque engagement est mesurable : "
                    "indicateur, unité, valeur cible et année cible obligatoires",
                )
    return organisations


def _verifier_gouvernance(g: FichierGouvernance, organisations: set[str]) -> None:
    _uniques("gouvernance.yaml", "instances", [i.code for i in g.instances])
    _uniques("gouvernance.yaml", "plateformes", [p.code for p in g.plateformes])
    _uniques("gouvernance.yaml", "articulations", [a.lettre for a in g.articulations])
    sigles = _uniques("gouvernance.yaml", "dispositifs", [x.sigle for x in g.dispositifs])
    for i, instance in enumerate(g.instances, start=1):
        for code in instance.organisations:
            _exiger(
                code in organisations,
                "gouvernance.yaml",
                f"instances[{i}] (« {instance.code} »)",
                "organisations",
                f"organisation {code!r} non déclarée dans signataires.yaml",
            )
    for i, articulation in enumerate(g.articulations, start=1):
        for m, mesure in enumerate(articulation.mesures, start=1):
            for sigle in mesure.dispositifs:
                _exiger(
                    sigle in sigles,
                    "gouvernance.yaml",
                    f"articulations[{i}].mesures[{m}]",
                    "dispositifs",
                    f"dispositif {sigle!r} non déclaré dans « dispositifs »",
                )


def _uniques(fichier: str, liste: str, cles: list[str]) -> set[str]:
    vues: set[str] = set()
    for i, cle in enumerate(cles, start=1):
        _exiger(
            cle not in vues,
            fichier,
            f"{liste}[{i}]",
            "(identifiant)",
            f"{cle!r} apparaît plusieurs fois",
        )
        vues.add(cle)
    return vues


def _exiger(condition: bool, fichier: str, entree: str, champ: str, message: str) -> None:
    if not condition:
        raise ErreurChargement(fichier, entree, champ, message)
