"""Full-text search over everything a contract publishes.

Texts are compared without accents or case, so that « education » finds
« Éducation ». The corpus of one contract is a few hundred short texts, small
enough to scan in Python on every query without an index to keep in sync.
"""

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from contrats.models import (
    AxeTransversal,
    Contrat,
    Dispositif,
    Engagement,
    FicheAction,
    Instance,
    ObjectifOperationnel,
    PlateformeCollaborative,
    Signataire,
)

LONGUEUR_EXTRAIT = 220


@dataclass(frozen=True)
class Document:
    nature: str
    titre: str
    texte: str
    url: str
    contrat: Contrat


@dataclass(frozen=True)
class Resultat:
    nature: str
    titre: str
    extrait: str
    url: str
    contrat: Contrat
    score: int


def normaliser(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def rechercher(requete: str, contrats: QuerySet[Contrat]) -> list[Resultat]:
    termes = normaliser(requete).split()
    if not termes:
        return []
    resultats = []
    for document in _documents(contrats):
        titre, texte = normaliser(document.titre), normaliser(document.texte)
        if all(t in titre or t in texte for t in termes):
            score = sum(3 * titre.count(t) + texte.count(t) for t in termes)
            resultats.append(
                Resultat(
                    nature=document.nature,
                    titre=document.titre,
                    extrait=_extrait(document.texte, texte, termes[0]),
                    url=document.url,
                    contrat=document.contrat,
                    score=score,
                )
            )
    return sorted(resultats, key=lambda r: -r.score)


def _extrait(original: str, normalise: str, terme: str) -> str:
    # NFKD then dropping combining marks keeps one character per original letter
    # for French text, so positions in the normalised text match the original.
    position = max(normalise.find(terme), 0)
    debut = max(position - LONGUEUR_EXTRAIT // 3, 0)
    extrait = " ".join(original[debut : debut + LONGUEUR_EXTRAIT].split())
    return (
        ("…" if debut else "") + extrait + ("…" if debut + LONGUEUR_EXTRAIT < len(original) else "")
    )


def _documents(contrats: QuerySet[Contrat]) -> Iterator[Document]:
    for contrat in contrats:
        yield from _documents_du_contrat(contrat)


def _documents_du_contrat(c: Contrat) -> Iterator[Document]:
    slug = c.slug
    for axe in AxeTransversal.objects.filter(contrat=c):
        yield Document(
            "Thématique transversale",
            f"{axe.numero} {axe.intitule}",
            f"{axe.description} {axe.objectif_operationnel}",
            reverse("contrats:axe", args=[slug, axe.numero]),
            c,
        )
    objectifs = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=c).select_related(
        "domaine"
    )
    for o in objectifs:
        yield Document(
            "Objectif opérationnel",
            f"{o.numero} {o.intitule}",
            f"{o.domaine.intitule} {o.description}",
            reverse("contrats:objectif", args=[slug, o.numero]),
            c,
        )
    url_plan = reverse("contrats:plan", args=[slug])
    for a in FicheAction.objects.filter(ligne__contrat=c).select_related("ligne__domaine"):
        yield Document(
            "Action du plan",
            a.intitule,
            f"{a.groupe} {a.ligne.domaine.intitule}",
            f"{url_plan}?domaine={a.ligne.domaine.numero}",
            c,
        )
    for e in Engagement.objects.filter(section__contrat=c).select_related("section"):
        yield Document(
            f"Engagement ({e.section.titre})",
            e.rubrique or e.section.titre,
            e.texte,
            reverse("contrats:engagements", args=[slug, e.section.numero]),
            c,
        )
    url_signataires = reverse("contrats:signataires", args=[slug])
    for s in Signataire.objects.filter(contrat=c).select_related("organisation"):
        yield Document(
            "Signataire",
            s.organisation.nom,
            f"{s.representant} {s.qualite}",
            url_signataires,
            c,
        )
    url_gouvernance = reverse("contrats:gouvernance", args=[slug])
    for i in Instance.objects.filter(contrat=c):
        yield Document(
            "Instance",
            i.nom,
            " ".join([i.presidence, *i.composition, *i.missions]),
            f"{url_gouvernance}#instance-{i.code}",
            c,
        )
    for p in PlateformeCollaborative.objects.filter(contrat=c):
        yield Document(
            "Plateforme collaborative",
            p.nom,
            " ".join([p.theme, p.description, p.animation, *p.participants]),
            url_gouvernance,
            c,
        )
    for d in Dispositif.objects.filter(contrat=c):
        yield Document("Dispositif", f"{d.sigle} · {d.nom}", d.description, url_gouvernance, c)
