"""The users of bench/charge.py: anonymous visitors and each role's people, on the demo.

Each logged-in user takes one of the sessions bench/charge.py opened for its role (the
file named by CHARGE_SESSIONS), reads its space ("Mon espace") and then browses what it
links to, as that person would: dossiers, calls, boards, meetings, bilans. Requests are
grouped by kind of page (contract, numbers and codes replaced by a placeholder), so that the
percentiles are per page.
"""

import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

SLUG = "villiers-sur-marne-2015-2020"
PAGES_PUBLIQUES = (
    "/",
    f"/contrats/{SLUG}/",
    f"/contrats/{SLUG}/cadre-strategique/",
    f"/contrats/{SLUG}/plan-actions/",
    f"/contrats/{SLUG}/diagnostic/",
    f"/contrats/{SLUG}/signataires/",
    f"/contrats/{SLUG}/gouvernance/",
    f"/contrats/{SLUG}/appels/",
    f"/contrats/{SLUG}/gouvernance/reunions.ics",
    "/recherche/?q=emploi",
    f"/api/v1/contrats/{SLUG}",
    f"/api/v1/contrats/{SLUG}/plan-actions",
    "/comptes/connexion/",
)
# Links a person follows from their space; never a form's target or a logout.
SUIVIS = re.compile(r"^/(contrats|dossiers|reunions|bilans|conventions|evaluations|mon-espace)/")
EVITES = re.compile(r"deconnexion|/admin/|\.(pdf|odt|xlsx|ods|csv|ics)$")
LIENS_PAR_PAGE = 40
# A kind of page: its numbers, codes and contract replaced by a placeholder.
GROUPES = (
    (re.compile(r"^/contrats/[\w-]+/"), "/contrats/{contrat}/"),
    (re.compile(r"/\d+(\.\d+)*"), "/{n}"),
    (re.compile(r"/(indicateurs|signataires|instances)/[\w-]+/"), r"/\1/{code}/"),
)


def _nom(chemin: str) -> str:
    nom = chemin.split("?")[0]
    for motif, remplacement in GROUPES:
        nom = motif.sub(remplacement, nom)
    return nom


class _Liens(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.liens: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and SUIVIS.match(href) and not EVITES.search(href):
            self.liens.append(href.split("#")[0])


def liens_de(html: str) -> list[str]:
    lecteur = _Liens()
    lecteur.feed(html)
    return list(dict.fromkeys(lecteur.liens))[:LIENS_PAR_PAGE]


def _sessions() -> dict[str, list[dict[str, str]]]:
    return json.loads(open(os.environ["CHARGE_SESSIONS"], encoding="utf-8").read())


class Visiteur(HttpUser):
    """Someone without an account reading the contract, its calls and its open data."""

    weight = 3
    wait_time = between(1, 3)

    @task
    def lire(self) -> None:
        chemin = random.choice(PAGES_PUBLIQUES)
        self.client.get(chemin, name=_nom(chemin))


class _Habilite(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.cookies.update(random.choice(_sessions()[self.role]))
        reponse = self.client.get("/mon-espace/", name="/mon-espace/")
        self.liens = liens_de(reponse.text) or ["/mon-espace/"]

    @task(3)
    def suivre_un_lien(self) -> None:
        chemin = random.choice(self.liens)
        reponse = self.client.get(chemin, name=_nom(chemin))
        if len(self.liens) < 4 * LIENS_PAR_PAGE:
            self.liens += [lien for lien in liens_de(reponse.text) if lien not in self.liens]

    @task(1)
    def revenir_a_son_espace(self) -> None:
        self.client.get("/mon-espace/", name="/mon-espace/")


class Pilote(_Habilite):
    role = "pilote"
    weight = 2


class Etat(_Habilite):
    role = "etat"


class Financeur(_Habilite):
    role = "financeur"
    weight = 2


class Porteur(_Habilite):
    role = "porteur"
    weight = 2


class Membre(_Habilite):
    role = "membre"
