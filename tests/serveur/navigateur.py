"""A minimal browser for tests against a real server: cookies, forms, no redirects followed.

Each Navigateur is one person's session (its own cookies). Responses are returned whatever
their status, so a test sees a 302, a 409 or a 500 as such.
"""

import html
import http.client
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

DELAI_REQUETE = 60


@dataclass
class Reponse:
    statut: int
    entetes: http.client.HTTPMessage
    corps: bytes

    @property
    def texte(self) -> str:
        return self.corps.decode("utf-8", errors="replace")

    @property
    def texte_lisible(self) -> str:
        """The page's text with HTML entities decoded (apostrophes are escaped by Django)."""
        return html.unescape(self.texte)

    @property
    def location(self) -> str:
        return self.entetes.get("Location", "")

    def formulaires(self) -> list["Formulaire"]:
        lecteur = _LecteurDeFormulaires()
        lecteur.feed(self.texte)
        lecteur.close()
        return lecteur.formulaires

    def formulaire(self, *, avec_champ: str) -> "Formulaire":
        """The first form of the page that has a field named avec_champ."""
        for formulaire in self.formulaires():
            if any(champ.nom == avec_champ for champ in formulaire.champs):
                return formulaire
        raise AssertionError(f"Aucun formulaire avec le champ {avec_champ!r} ({self.statut})")


@dataclass
class Champ:
    nom: str
    valeur: str
    type: str


@dataclass
class Formulaire:
    action: str
    champs: list[Champ] = field(default_factory=list)

    def valeurs(self) -> dict[str, list[str]]:
        """What a browser would submit as is, field by field."""
        valeurs: dict[str, list[str]] = {}
        for champ in self.champs:
            valeurs.setdefault(champ.nom, []).append(champ.valeur)
        return valeurs

    def champ_de_type(self, *types: str) -> str:
        for champ in self.champs:
            if champ.type in types:
                return champ.nom
        raise AssertionError(f"Aucun champ de type {types} dans le formulaire {self.action!r}")


class _LecteurDeFormulaires(HTMLParser):
    """Collects each form's successful controls: inputs, checked boxes, textareas, selects."""

    IGNORES = frozenset({"submit", "button", "reset", "image", "file"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.formulaires: list[Formulaire] = []
        self._courant: Formulaire | None = None
        self._zone_de_texte: Champ | None = None
        self._liste: tuple[str, list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {cle: valeur or "" for cle, valeur in attrs}
        if tag == "form":
            self._courant = Formulaire(action=a.get("action", ""))
            self.formulaires.append(self._courant)
        elif self._courant is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            self._champ(a)
        elif tag == "textarea" and a.get("name"):
            self._zone_de_texte = Champ(a["name"], "", "textarea")
        elif tag == "select" and a.get("name"):
            self._liste = (a["name"], [], [])
        elif tag == "option" and self._liste is not None:
            valeur = a.get("value", "")
            self._liste[1].append(valeur)
            if "selected" in a:
                self._liste[2].append(valeur)

    def _champ(self, a: dict[str, str]) -> None:
        type_ = a.get("type", "text").lower()
        if type_ in self.IGNORES:
            return
        if type_ in {"checkbox", "radio"} and "checked" not in a:
            return
        defaut = "on" if type_ in {"checkbox", "radio"} else ""
        self._courant.champs.append(Champ(a["name"], a.get("value", defaut), type_))

    def handle_data(self, data: str) -> None:
        if self._zone_de_texte is not None:
            self._zone_de_texte.valeur += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._courant = None
        elif tag == "textarea" and self._zone_de_texte is not None:
            # Browsers drop the newline that follows <textarea>.
            zone, self._zone_de_texte = self._zone_de_texte, None
            zone.valeur = zone.valeur.removeprefix("\n")
            self._courant.champs.append(zone)
        elif tag == "select" and self._liste is not None:
            nom, options, choisies = self._liste
            self._liste = None
            for valeur in choisies or options[:1]:
                self._courant.champs.append(Champ(nom, valeur, "select"))


class Navigateur:
    def __init__(self, adresse: str):
        morceaux = urlsplit(adresse)
        assert morceaux.hostname == "127.0.0.1", "Les tests ne visent que 127.0.0.1."
        self.hote, self.port = morceaux.hostname, morceaux.port
        self.cookies: dict[str, str] = {}

    def get(self, chemin: str, entetes: dict[str, str] | None = None) -> Reponse:
        return self.requete("GET", chemin, entetes=entetes)

    def post(self, chemin: str, donnees: dict[str, list[str]]) -> Reponse:
        return self.requete(
            "POST",
            chemin,
            corps=urlencode(donnees, doseq=True).encode(),
            entetes={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def requete(
        self,
        methode: str,
        chemin: str,
        corps: bytes | None = None,
        entetes: dict[str, str] | None = None,
    ) -> Reponse:
        connexion = http.client.HTTPConnection(self.hote, self.port, timeout=DELAI_REQUETE)
        try:
            entetes = dict(entetes or {})
            if self.cookies:
                entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            resultat = Reponse(reponse.status, reponse.headers, reponse.read())
        finally:
            connexion.close()
        self._garder_cookies(resultat)
        return resultat

    def _garder_cookies(self, reponse: Reponse) -> None:
        for entete in reponse.entetes.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(entete)
            for nom, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(nom, None)
                else:
                    self.cookies[nom] = morsel.value

    def envoyer(self, page: str, *, avec_champ: str, **changements: str) -> Reponse:
        """Load page, fill its form that has avec_champ with changements, and submit it."""
        reponse = self.get(page)
        assert reponse.statut == 200, f"GET {page} : {reponse.statut}"
        formulaire = reponse.formulaire(avec_champ=avec_champ)
        valeurs = formulaire.valeurs() | {nom: [v] for nom, v in changements.items()}
        return self.post(formulaire.action or page, valeurs)

    def se_connecter(self, identifiant: str, mot_de_passe: str) -> None:
        """Post the login form as a person would: identifier, password, its CSRF token."""
        page = "/comptes/connexion/"
        reponse = self.get(page)
        assert reponse.statut == 200, f"GET {page} : {reponse.statut}"
        formulaire = next(
            (f for f in reponse.formulaires() if any(c.type == "password" for c in f.champs)),
            None,
        )
        assert formulaire is not None, "La page de connexion n'a pas de formulaire."
        champ_identifiant = formulaire.champ_de_type("text", "email")
        champ_mot_de_passe = formulaire.champ_de_type("password")
        valeurs = formulaire.valeurs() | {
            champ_identifiant: [identifiant],
            champ_mot_de_passe: [mot_de_passe],
        }
        connexion = self.post(formulaire.action or page, valeurs)
        assert connexion.statut == 302, (
            f"Connexion de {identifiant} refusée ({connexion.statut}) : {connexion.texte[:500]}"
        )
