"""Page objects of the browser tests: what a visitor sees and does, page by page.

Each class wraps a Playwright `page` and the live server's address; locators go
through roles, labels and visible text, as a screen reader user would find them.
"""

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from conftest import MARQUEUR_VARIABLE_INDEFINIE
from contrats.demo import MOT_DE_PASSE_DEMO


def injecter_axe(page: Page, axe_js: Path) -> None:
    """Load axe-core into the page through the browser's debugging channel: the site's
    Content-Security-Policy refuses any inline script, which add_script_tag would write."""
    page.evaluate(axe_js.read_text())


def surveiller_la_politique(page: Page, refus: list[str]) -> None:
    """Collect into `refus` what the browser refuses under the Content-Security-Policy."""
    page.on(
        "console",
        lambda message: (
            refus.append(f"{page.url} : {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


def violations_graves(page: Page, axe_js: Path, zone: str = "main") -> list[str]:
    """axe-core's serious or critical violations in the element `zone` selects."""
    injecter_axe(page, axe_js)
    violations = page.evaluate(
        "async (zone) => (await axe.run(document.querySelector(zone),"
        " {resultTypes: ['violations']})).violations",
        zone,
    )
    return [
        f"{v['id']} ({v['impact']}) : {v['help']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def rendu_complet(page: Page) -> None:
    """The page just loaded shows no undefined template variable (conftest's marker)."""
    assert MARQUEUR_VARIABLE_INDEFINIE not in page.content(), page.url


def se_connecter(
    page: Page, base_url: str, identifiant: str, mot_de_passe: str = MOT_DE_PASSE_DEMO
) -> None:
    connexion = PageConnexion(page, base_url)
    connexion.aller()
    connexion.se_connecter(identifiant, mot_de_passe)
    expect(connexion.bouton_se_deconnecter).to_be_visible()


class PageBase:
    """What every page shares: the header, the main navigation, the search bar."""

    chemin = "/"

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")

    def aller(self, chemin: str | None = None) -> None:
        self.page.goto(f"{self.base_url}{chemin if chemin is not None else self.chemin}")

    @property
    def entete(self) -> Locator:
        return self.page.get_by_role("banner")

    @property
    def navigation_principale(self) -> Locator:
        return self.page.get_by_role("navigation", name="Menu principal")

    @property
    def titre(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def lien_se_connecter(self) -> Locator:
        return self.entete.get_by_role("link", name="Se connecter", exact=True)

    @property
    def bouton_se_deconnecter(self) -> Locator:
        return self.entete.get_by_role("button", name="Se déconnecter", exact=True)

    @property
    def lien_creer_un_compte(self) -> Locator:
        return self.entete.get_by_role("link", name="Créer un compte", exact=True)

    def lien_compte(self, nom_affiche: str) -> Locator:
        return self.entete.get_by_role("link", name=nom_affiche, exact=True)

    def naviguer_vers(self, libelle: str) -> None:
        """Follows an entry of the main navigation ("Cadre stratégique", "Diagnostic"…)."""
        self.navigation_principale.get_by_role("link", name=libelle, exact=True).click()

    def aller_a_la_connexion(self) -> "PageConnexion":
        self.lien_se_connecter.click()
        return PageConnexion(self.page, self.base_url)

    def se_deconnecter(self) -> None:
        self.bouton_se_deconnecter.click()

    def rechercher_depuis_l_entete(self, texte: str) -> "PageRecherche":
        """The header search bar, shown inline on a desktop viewport (a modal below lg)."""
        formulaire = self.entete.get_by_role("search")
        formulaire.get_by_label(re.compile(r"^Rechercher dans le (contrat|site)$")).fill(texte)
        formulaire.get_by_role("button", name="Rechercher", exact=True).click()
        return PageRecherche(self.page, self.base_url)


class PageAccueil(PageBase):
    chemin = "/"

    def ouvrir_contrat(self, titre: str) -> "PageApercu":
        self.page.get_by_role("main").get_by_role("link", name=titre, exact=True).click()
        return PageApercu(self.page, self.base_url)

    def rechercher(self, texte: str) -> "PageRecherche":
        formulaire = self.page.get_by_role("main").get_by_role("search")
        formulaire.get_by_label("Rechercher dans les contrats", exact=True).fill(texte)
        formulaire.get_by_role("button", name="Rechercher", exact=True).click()
        return PageRecherche(self.page, self.base_url)


class PageApercu(PageBase):
    def ouvrir_cadre_strategique(self) -> "PageCadre":
        self.naviguer_vers("Cadre stratégique")
        return PageCadre(self.page, self.base_url)


class PageCadre(PageBase):
    def lien_objectif(self, numero: str) -> Locator:
        # The link reads "4.4.2 Soutenir les victimes": match the number as a whole word.
        nom = re.compile(rf"^{re.escape(numero)} ")
        return self.page.get_by_role("main").get_by_role("link", name=nom)

    def ouvrir_objectif(self, numero: str) -> "PageObjectif":
        self.lien_objectif(numero).click()
        return PageObjectif(self.page, self.base_url)


class PageObjectif(PageBase):
    @property
    def badge(self) -> Locator:
        return self.page.get_by_role("main").get_by_text(re.compile(r"^Objectif opérationnel \d"))

    def ouvrir_plan(self) -> "PagePlan":
        self.naviguer_vers("Plan d'actions")
        return PagePlan(self.page, self.base_url)


class PagePlan(PageBase):
    @property
    def choix_pilier(self) -> Locator:
        return self.page.get_by_label("Pilier", exact=True)

    @property
    def bouton_filtrer(self) -> Locator:
        return self.page.get_by_role("button", name="Filtrer", exact=True)

    def nombre_d_actions(self, nombre: int) -> Locator:
        """The count line above the table, e.g. "43 actions"."""
        libelle = f"{nombre} action{'s' if nombre > 1 else ''}"
        return self.page.get_by_role("main").get_by_text(libelle, exact=True)

    def filtrer_par_pilier(self, libelle: str) -> None:
        """Chooses a pillar, then submits the form.

        The select also triggers an htmx update on change: whether or not it ran, the
        "Filtrer" button then loads the filtered page in full, so wait for that load
        (a new `load` event: htmx's history push never fires one).
        """
        self.choix_pilier.select_option(label=libelle)
        with self.page.expect_event("load"):
            self.bouton_filtrer.click()

    def ouvrir_diagnostic(self) -> "PageDiagnostic":
        self.naviguer_vers("Diagnostic")
        return PageDiagnostic(self.page, self.base_url)


class PageDiagnostic(PageBase):
    def tableau(self, legende: str) -> Locator:
        return self.page.get_by_role("table", name=legende)

    def cellule(self, legende: str, valeur: str) -> Locator:
        return self.tableau(legende).get_by_role("cell", name=valeur, exact=True)


class PageConnexion(PageBase):
    chemin = "/comptes/connexion/"

    @property
    def erreur(self) -> Locator:
        return self.page.get_by_role("alert")

    def se_connecter(self, identifiant: str, mot_de_passe: str) -> None:
        # Labels end with the DSFR required marker " *": not an exact match.
        formulaire = self.page.get_by_role("main")
        formulaire.get_by_label("Identifiant").fill(identifiant)
        formulaire.get_by_label("Mot de passe").fill(mot_de_passe)
        formulaire.get_by_role("button", name="Se connecter", exact=True).click()


class PageMonCompte(PageBase):
    chemin = "/comptes/mon-compte/"

    @property
    def roles(self) -> Locator:
        titre = self.page.get_by_role("heading", name="Mes rôles")
        return titre.locator("xpath=following-sibling::ul[1]").get_by_role("listitem")


class PageRecherche(PageBase):
    chemin = "/recherche/"

    def resultat(self, titre: str) -> Locator:
        return self.page.get_by_role("main").get_by_role("link", name=titre, exact=True)

    def ouvrir_resultat(self, titre: str) -> None:
        self.resultat(titre).click()


class PageAdmin(PageBase):
    chemin = "/admin/"

    def ouvrir_modele(self, libelle: str) -> None:
        self.page.get_by_role("link", name=libelle, exact=True).click()

    @property
    def lignes_du_tableau(self) -> Locator:
        return self.page.locator("#result_list tbody tr")


# --- Accounts: sign-up, e-mail confirmation, password reset, team invitations -----------


class PageInscription(PageBase):
    chemin = "/comptes/inscription/"

    @property
    def champ_adresse(self) -> Locator:
        return self.page.get_by_role("main").get_by_label("Adresse électronique")

    def s_inscrire(
        self, prenom: str, nom: str, mot_de_passe: str, email: str | None = None
    ) -> None:
        """Fills the form and submits it; `email=None` keeps the address already filled in."""
        formulaire = self.page.get_by_role("main")
        formulaire.get_by_label("Prénom").fill(prenom)
        formulaire.get_by_label(re.compile(r"^\s*Nom\b")).fill(nom)
        if email is not None:
            self.champ_adresse.fill(email)
        formulaire.get_by_label(re.compile(r"^\s*Mot de passe")).fill(mot_de_passe)
        formulaire.get_by_label("Confirmation du mot de passe").fill(mot_de_passe)
        formulaire.get_by_role("button", name="Créer mon compte", exact=True).click()


class PageConfirmationAdresse(PageBase):
    def confirmer(self) -> "PageConnexion":
        self.page.get_by_role("button", name="Confirmer mon adresse", exact=True).click()
        return PageConnexion(self.page, self.base_url)


class PageMotDePasseOublie(PageBase):
    chemin = "/comptes/mot-de-passe/reinitialisation/"

    def demander_un_lien(self, email: str) -> None:
        formulaire = self.page.get_by_role("main")
        formulaire.get_by_label("Adresse électronique").fill(email)
        formulaire.get_by_role("button", name="Recevoir le lien", exact=True).click()


class PageNouveauMotDePasse(PageBase):
    def choisir(self, mot_de_passe: str) -> None:
        formulaire = self.page.get_by_role("main")
        formulaire.get_by_label("Nouveau mot de passe").fill(mot_de_passe)
        formulaire.get_by_label("Confirmation du mot de passe").fill(mot_de_passe)
        formulaire.get_by_role("button", name="Enregistrer le mot de passe", exact=True).click()


class PageEquipe(PageBase):
    @staticmethod
    def chemin_de(slug: str) -> str:
        return f"/contrats/{slug}/equipe/"

    @property
    def message(self) -> Locator:
        return self.page.get_by_role("main").get_by_role("status")

    def ligne(self, texte: str) -> Locator:
        """The row of the roles table (or of the pending invitations) that names `texte`."""
        return self.page.get_by_role("main").get_by_role("row").filter(has_text=texte)

    def inviter(self, email: str, role: str, organisation: str | None = None) -> None:
        formulaire = self.page.get_by_role("main").locator("form")
        formulaire.get_by_label("Adresse électronique de la personne invitée").fill(email)
        formulaire.get_by_label("Rôle").select_option(label=role)
        if organisation is not None:
            formulaire.get_by_label("Organisation").select_option(label=organisation)
        formulaire.get_by_role("button", name="Envoyer l'invitation", exact=True).click()

    def retirer_le_role(self, personne: str) -> None:
        """Follows "Retirer le rôle" on the person's row, then confirms."""
        self.page.get_by_role("link", name=f"Retirer le rôle de {personne}", exact=True).click()
        self.page.get_by_role("main").get_by_role("button", name="Retirer le rôle").click()


class PageInvitation(PageBase):
    def creer_mon_compte(self) -> PageInscription:
        self.page.get_by_role("link", name="Créer mon compte", exact=True).click()
        return PageInscription(self.page, self.base_url)

    def accepter(self) -> PageMonCompte:
        self.page.get_by_role("button", name="Accepter l'invitation", exact=True).click()
        return PageMonCompte(self.page, self.base_url)
