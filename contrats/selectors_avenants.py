"""Reads of a contract's avenants and versions: lists, the accords table of an avenant,
a version's content and the field-by-field comparison of two versions (what a version
freezes is `contrats.versions.instantane`).

Avenants and versions are public acts: nothing here depends on who reads.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from contrats import permissions
from contrats.avenants import accords_requis
from contrats.models import (
    AccordAvenant,
    Avenant,
    Contrat,
    Organisation,
    Signataire,
    VersionContrat,
)

# Where an avenant stands, as a DSFR badge.
BADGES = {
    Avenant.Statut.PROJET: "fr-badge--info",
    Avenant.Statut.EN_ACCORD: "fr-badge--new",
    Avenant.Statut.ACCEPTE: "fr-badge--success",
    Avenant.Statut.REFUSE: "fr-badge--error",
}
SANS_VALEUR = "—"


def _date(valeur) -> str:
    return f"{valeur:%d/%m/%Y}" if valeur else ""


# ---------------------------------------------------------------- avenants


@dataclass(frozen=True)
class LigneAvenant:
    avenant: Avenant
    badge: str
    accords: int
    requis: int


def avenants_du_contrat(contrat: Contrat) -> list[LigneAvenant]:
    """The contract's avenants, newest first, with how many accords they have gathered."""
    avenants = (
        contrat.avenants.select_related("regle", "organisation_entrante", "contrat")
        .prefetch_related("organisations_obligees", "organisations_requises")
        .annotate(nombre_accords=Count("accords"))
        .order_by("-numero")
    )
    return [
        LigneAvenant(
            avenant=avenant,
            badge=BADGES[avenant.statut],
            accords=avenant.nombre_accords,
            requis=len(accords_requis(avenant)),
        )
        for avenant in avenants
    ]


def avenant_du_contrat(contrat: Contrat, numero: int) -> Avenant:
    return get_object_or_404(
        Avenant.objects.select_related(
            "contrat", "regle", "organisation_entrante", "cree_par"
        ).prefetch_related(
            "organisations_obligees",
            "organisations_requises",
            Prefetch(
                "accords",
                queryset=AccordAvenant.objects.select_related("organisation", "enregistre_par"),
            ),
        ),
        contrat=contrat,
        numero=numero,
    )


@dataclass(frozen=True)
class LigneAccord:
    """One signatory in the accords table of an avenant."""

    organisation: Organisation
    requis: bool
    # What the signatory has to do with this avenant, in words.
    procedure: str
    accord: AccordAvenant | None

    @property
    def sens(self) -> str:
        return self.accord.get_sens_display() if self.accord else ""

    @property
    def date(self) -> str:
        return _date(self.accord.date) if self.accord else ""


def tableau_des_accords(avenant: Avenant) -> list[LigneAccord]:
    """Every signatory (and, for an adhesion, the newcomer), whether its accord is required,
    and the accord it gave, if any."""
    requis = {o.pk for o in accords_requis(avenant)}
    accords = {a.organisation_id: a for a in avenant.accords.all()}
    signataires = list(
        Signataire.objects.filter(contrat=avenant.contrat_id).select_related("organisation")
    )
    organisations = [s.organisation for s in signataires]
    if avenant.organisation_entrante and avenant.organisation_entrante.pk not in {
        o.pk for o in organisations
    }:
        organisations.append(avenant.organisation_entrante)
    lignes = []
    for organisation in organisations:
        if organisation.pk in requis:
            procedure = "Accord requis"
        elif avenant.organisation_entrante_id == organisation.pk:
            procedure = (
                "Adhère par cet avenant"
                if avenant.statut == Avenant.Statut.ACCEPTE
                else "Demande son adhésion"
            )
        elif avenant.nature == Avenant.Nature.ANNEXES:
            procedure = "Informé de la modification"
        else:
            procedure = "Pas d'accord requis"
        lignes.append(
            LigneAccord(
                organisation=organisation,
                requis=organisation.pk in requis,
                procedure=procedure,
                accord=accords.get(organisation.pk),
            )
        )
    return lignes


# ---------------------------------------------------------------- versions


def versions_du_contrat(contrat: Contrat) -> QuerySet[VersionContrat]:
    return contrat.versions.select_related("avenant").order_by("numero")


def version_du_contrat(contrat: Contrat, numero: int) -> VersionContrat:
    return get_object_or_404(
        VersionContrat.objects.select_related("avenant"), contrat=contrat, numero=numero
    )


@dataclass(frozen=True)
class Ecart:
    """One row of a comparison: a field whose value changed, or a list's added and removed
    items."""

    champ: str
    avant: str = ""
    apres: str = ""
    ajouts: tuple[str, ...] = ()
    retraits: tuple[str, ...] = ()

    @property
    def est_une_liste(self) -> bool:
        return bool(self.ajouts or self.retraits)


def _texte(valeur: Any) -> str:
    if valeur is None or valeur == "":
        return SANS_VALEUR
    return str(valeur)


def _ecart_de_liste(champ: str, avant: list, apres: list) -> Ecart:
    en_moins, en_plus = Counter(avant) - Counter(apres), Counter(apres) - Counter(avant)
    ajouts = tuple(x for x in dict.fromkeys(apres) if x in en_plus)
    retraits = tuple(x for x in dict.fromkeys(avant) if x in en_moins)
    if not ajouts and not retraits:  # the same items in another order
        return Ecart(champ, avant="Même liste, dans un autre ordre", apres=", ".join(apres))
    return Ecart(champ, ajouts=ajouts, retraits=retraits)


def comparer_contenus(avant: dict[str, Any], apres: dict[str, Any]) -> list[Ecart]:
    ecarts = []
    for champ in dict.fromkeys([*avant, *apres]):
        a, b = avant.get(champ), apres.get(champ)
        if a == b:
            continue
        if isinstance(a, dict) or isinstance(b, dict):
            a, b = a or {}, b or {}
            ecarts += [
                Ecart(f"{champ} · {cle}", _texte(a.get(cle)), _texte(b.get(cle)))
                for cle in dict.fromkeys([*a, *b])
                if a.get(cle) != b.get(cle)
            ]
        elif isinstance(a, list) or isinstance(b, list):
            ecarts.append(_ecart_de_liste(champ, list(a or []), list(b or [])))
        else:
            ecarts.append(Ecart(champ, _texte(a), _texte(b)))
    return ecarts


def comparer_versions(a: VersionContrat, b: VersionContrat) -> list[Ecart]:
    """What changed from version `a` to version `b`, field by field (nothing: same)."""
    return comparer_contenus(a.contenu, b.contenu)


@dataclass(frozen=True)
class LigneContenu:
    """One field of a version, for its page: a text, or a list of items."""

    champ: str
    texte: str = ""
    elements: tuple[str, ...] = ()


def contenu_affiche(version: VersionContrat) -> list[LigneContenu]:
    lignes = []
    for champ, valeur in version.contenu.items():
        if isinstance(valeur, dict):
            elements = tuple(f"{cle} : {texte}" for cle, texte in valeur.items())
            lignes.append(LigneContenu(champ, elements=elements))
        elif isinstance(valeur, list):
            lignes.append(LigneContenu(champ, elements=tuple(valeur)))
        else:
            lignes.append(LigneContenu(champ, texte=_texte(valeur)))
    return lignes


def versions_par_defaut(contrat: Contrat) -> tuple[int, int] | None:
    """The last two versions (the only one, twice), or None before the first avenant."""
    numeros = list(contrat.versions.order_by("-numero").values_list("numero", flat=True)[:2])
    if not numeros:
        return None
    return (numeros[-1], numeros[0])


def organisations_a_enregistrer(utilisateur, avenant: Avenant) -> QuerySet[Organisation]:
    """The required organisations that have not answered yet and whose letter this person
    may record (none while the accords are not being gathered)."""
    if avenant.statut != Avenant.Statut.EN_ACCORD:
        return Organisation.objects.none()
    requis = [o.pk for o in accords_requis(avenant)]
    organisations = Organisation.objects.filter(pk__in=requis).exclude(
        accords_avenants__avenant=avenant
    )
    representees = permissions.organisations_representees(utilisateur, avenant.contrat)
    if representees is not None:
        organisations = organisations.filter(pk__in=representees)
    if not requis:
        return organisations
    # In the order of the signatures, as the accords table lists them.
    return organisations.annotate(
        rang=Case(
            *[When(pk=pk, then=Value(rang)) for rang, pk in enumerate(requis)],
            output_field=IntegerField(),
        )
    ).order_by("rang")


def version_issue(avenant: Avenant) -> VersionContrat | None:
    return VersionContrat.objects.filter(avenant=avenant).first()


def message_apres_accord(accord: AccordAvenant, avenant: Avenant) -> str:
    """What the page announces once a letter is recorded, from where the avenant stands."""
    reponse = f"{accord.get_sens_display()} de {accord.organisation.nom} enregistré"
    if avenant.statut == Avenant.Statut.REFUSE:
        return f"{reponse} : l'avenant n° {avenant.numero} est refusé."
    if avenant.statut == Avenant.Statut.ACCEPTE:
        version = version_issue(avenant)
        suite = f" : il fait la version {version.numero} du contrat" if version else ""
        return f"{reponse} : l'avenant n° {avenant.numero} est accepté{suite}."
    manquants = len(accords_requis(avenant)) - avenant.accords.count()
    pluriel = "s" if manquants > 1 else ""
    return f"{reponse}. Encore {manquants} accord{pluriel} attendu{pluriel}."


@dataclass(frozen=True)
class Comparaison:
    de: VersionContrat
    a: VersionContrat
    ecarts: list[Ecart]


def comparaison(contrat: Contrat, de: int, a: int) -> Comparaison:
    """Versions `de` and `a` of the contract (404 for an unknown one) and what changed."""
    depart, arrivee = version_du_contrat(contrat, de), version_du_contrat(contrat, a)
    return Comparaison(de=depart, a=arrivee, ecarts=comparer_versions(depart, arrivee))


@dataclass(frozen=True)
class LigneVersion:
    version: VersionContrat
    # The version it is compared with (None for the signed contract).
    precedente: int | None


def lignes_des_versions(contrat: Contrat) -> list[LigneVersion]:
    versions = list(versions_du_contrat(contrat))
    return [
        LigneVersion(version=v, precedente=versions[i - 1].numero if i else None)
        for i, v in enumerate(versions)
    ]
