"""Two frozen versions of a dossier side by side, field by field, in French."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404

from programmation.models import Beneficiaires, Dossier, LigneBudget, VersionDossier
from programmation.templatetags.montants import format_euros

LIBELLES = {
    "numero": "Numéro",
    "structure": "Structure",
    "objectifs_operationnels": "Objectifs opérationnels du contrat",
    "axes": "Thématiques transversales",
    "beneficiaires": "Public visé (par tranche d'âge)",
    "budget": "Budget prévisionnel",
    "pieces": "Pièces jointes",
}


@dataclass(frozen=True)
class LigneComparaison:
    libelle: str
    avant: str
    apres: str
    modifie: bool


@dataclass(frozen=True)
class Comparaison:
    dossier: Dossier
    versions: list[VersionDossier]
    de: VersionDossier
    a: VersionDossier
    lignes: list[LigneComparaison]

    @property
    def nombre_de_modifications(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.modifie)


def comparer_versions(dossier: Dossier, de: int | None, a: int | None) -> Comparaison:
    """By default the last two versions; 404 if a number does not exist."""
    versions = list(dossier.versions.select_related("acteur").order_by("numero"))
    if not versions:
        raise Http404("Ce dossier n'a encore aucune version déposée.")
    par_numero = {v.numero: v for v in versions}
    numero_a = a or versions[-1].numero
    numero_de = de or (versions[-2].numero if len(versions) > 1 else numero_a)
    if numero_de not in par_numero or numero_a not in par_numero:
        raise Http404("Cette version n'existe pas.")
    avant, apres = par_numero[numero_de].contenu, par_numero[numero_a].contenu
    champs = list(dict.fromkeys([*avant, *apres]))
    lignes = [
        LigneComparaison(
            libelle=_libelle(champ),
            avant=_texte(champ, avant.get(champ)),
            apres=_texte(champ, apres.get(champ)),
            modifie=avant.get(champ) != apres.get(champ),
        )
        for champ in champs
    ]
    return Comparaison(dossier, versions, par_numero[numero_de], par_numero[numero_a], lignes)


def _ligne_budget(ligne: dict, comptes: dict) -> str:
    texte = (
        f"{comptes.get(ligne['compte'], ligne['compte'])} · {ligne['libelle']} : "
        f"{format_euros(ligne['montant'])}"
    )
    return f"{texte} ({ligne['financeur']})" if ligne["financeur"] else texte


def _libelle(champ: str) -> str:
    if champ in LIBELLES:
        return LIBELLES[champ]
    try:
        return str(Dossier._meta.get_field(champ).verbose_name).capitalize()
    except FieldDoesNotExist:
        return champ


def _texte(champ: str, valeur: Any) -> str:
    if valeur in (None, "", []):
        return "—"
    if champ == "beneficiaires":
        tranches = dict(Beneficiaires.Tranche.choices)
        return "\n".join(
            f"{tranches.get(b['tranche'], b['tranche'])} : {b['femmes']} F, {b['hommes']} H"
            for b in valeur
        )
    if champ == "budget":
        comptes = dict(LigneBudget._meta.get_field("compte").choices)
        return "\n".join(
            f"{comptes.get(ligne['compte'], ligne['compte'])} · {ligne['libelle']} : "
            f"{format_euros(ligne['montant'])}"
            + (f" ({ligne['financeur']})" if ligne["financeur"] else "")
            for ligne in valeur
        )
    if champ == "pieces":
        return "\n".join(f"{p['nom']} (SHA-256 {p['empreinte'][:12]}…)" for p in valeur)
    if isinstance(valeur, list):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)
