"""Page objects of the programmation screens: calls, dossiers, committees, payments.

Same conventions as `pages.py` (which they extend): one class per screen, locators
through roles, labels and visible text. Labels of required DSFR fields end with
" *" and may carry a hint: `champ()` matches the label's start as a whole phrase.
"""

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.e2e.pages import PageBase, rendu_complet

# A valid SIRET (its Luhn key holds) for the associations the journeys register.
SIRET_ASSOCIATION = "73282932000074"


def champ(conteneur: Page | Locator, libelle: str) -> Locator:
    """The form field whose label starts with `libelle` (then " *", a hint or nothing).

    The label's raw text is matched: it starts and ends with the template's blank lines.
    """
    mots = r"\s+".join(re.escape(mot) for mot in libelle.split())
    return conteneur.get_by_label(re.compile(rf"^\s*{mots}(?:\s*\*)?(?:\s|$)"))


def cocher(groupe: Locator, libelle: str) -> None:
    """Ticks a DSFR checkbox as a user does: by its label, drawn over the real input."""
    groupe.get_by_text(libelle, exact=True).click()
    expect(groupe.get_by_label(libelle, exact=True)).to_be_checked()


class PageProgrammation(PageBase):
    """What the programmation pages share: the message shown after an action."""

    @property
    def message(self) -> Locator:
        """The flash message shown after an action (a DSFR alert with role status)."""
        return self.page.get_by_role("main").get_by_role("status")


# --- Public pages ------------------------------------------------------------------------


class PageAppels(PageProgrammation):
    """The list of a contract's calls for projects."""

    def ouvrir_un_appel(self) -> "PageFormulaireAppel":
        self.page.get_by_role("main").get_by_role("link", name="Ouvrir un appel à projets").click()
        return PageFormulaireAppel(self.page, self.base_url)

    def lien_appel(self, titre: str) -> Locator:
        tableau = self.page.get_by_role("table", name="Appels à projets du contrat")
        return tableau.get_by_role("link", name=titre, exact=True)

    def ouvrir_appel(self, titre: str) -> "PageAppel":
        self.lien_appel(titre).click()
        return PageAppel(self.page, self.base_url)


class PageAppel(PageProgrammation):
    """The public page of one call, with links to the reader's working spaces."""

    @property
    def lien_deposer(self) -> Locator:
        return self.page.get_by_role("main").get_by_role(
            "link", name="Déposer ou suivre mes dossiers", exact=True
        )

    @property
    def lien_instruction(self) -> Locator:
        return self.page.get_by_role("main").get_by_role(
            "link", name="Dossiers et instruction", exact=True
        )

    def critere(self, intitule: str) -> Locator:
        return self.page.get_by_role("main").get_by_role("link", name=intitule, exact=True)

    def ouvrir_instruction(self) -> "PageTableauAppel":
        self.lien_instruction.click()
        return PageTableauAppel(self.page, self.base_url)

    def ouvrir_plan(self) -> "PagePlanAnnuel":
        self.page.get_by_role("link", name="Voir le plan d'actions", exact=True).click()
        return PagePlanAnnuel(self.page, self.base_url)


class PagePlanAnnuel(PageProgrammation):
    """The yearly plan d'actions: synthetic figures, then one row per programmed action."""

    @property
    def chiffres_cles(self) -> Locator:
        return self.page.get_by_role("list", name="Chiffres clés du plan").get_by_role("listitem")

    def chiffre(self, description: str) -> Locator:
        """A key figure's tile, found by its description ("des actions portées par…")."""
        return self.chiffres_cles.filter(has_text=description)

    @property
    def tableau_actions(self) -> Locator:
        return self.page.get_by_role("table", name=re.compile(r"^Actions du plan \d{4}$"))

    @property
    def lignes_actions(self) -> Locator:
        # The header row and the total (in <thead> and <tfoot>) are left out.
        return self.tableau_actions.locator("tbody").get_by_role("row")

    def ligne_action(self, intitule: str) -> Locator:
        return self.lignes_actions.filter(has_text=intitule)

    def part(self, legende: str, libelle: str) -> Locator:
        """A row of a breakdown table ("Qui porte les actions", "Association")."""
        return (
            self.page.get_by_role("table", name=legende)
            .get_by_role("row")
            .filter(has=self.page.get_by_role("cell", name=libelle, exact=True))
        )


# --- Pilotage: the call, its envelopes, its board -----------------------------------------


class PageFormulaireAppel(PageProgrammation):
    def remplir(
        self,
        *,
        annee: int,
        titre: str,
        ouverture: date,
        cloture: date,
        priorites: str,
        criteres: list[str],
    ) -> None:
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Année de programmation").fill(str(annee))
        champ(formulaire, "Titre de l'appel").fill(titre)
        champ(formulaire, "Ouverture des dépôts").fill(ouverture.isoformat())
        champ(formulaire, "Clôture des dépôts (inclus)").fill(cloture.isoformat())
        champ(formulaire, "Priorités de l'appel").fill(priorites)
        groupe = formulaire.get_by_role("group", name="Critères transversaux de recevabilité")
        for critere in criteres:
            cocher(groupe, critere)

    def creer(self) -> "PageTableauAppel":
        self.page.get_by_role("button", name="Créer l'appel", exact=True).click()
        return PageTableauAppel(self.page, self.base_url)


class PageEnveloppes(PageProgrammation):
    def fixer(self, financeur: str, nature: str, montant: str) -> None:
        """Types the amount of one cell of the grid ("L’Etat", "Crédits spécifiques…")."""
        tableau = self.page.get_by_role("table", name="Enveloppes par financeur et par nature")
        tableau.get_by_label(f"{financeur} — {nature}", exact=True).fill(montant)

    def enregistrer(self) -> "PageTableauAppel":
        self.page.get_by_role("button", name="Enregistrer les enveloppes", exact=True).click()
        return PageTableauAppel(self.page, self.base_url)


class PageTableauAppel(PageProgrammation):
    """The instruction board of a call: pilotage buttons, co-financing, the dossiers."""

    @property
    def badge_publication(self) -> Locator:
        return self.page.get_by_role("main").get_by_text(re.compile(r"^(Non publié|Publié)$"))

    def ouvrir_enveloppes(self) -> PageEnveloppes:
        self.page.get_by_role("link", name="Enveloppes", exact=True).click()
        return PageEnveloppes(self.page, self.base_url)

    def publier(self) -> None:
        self.page.get_by_role("button", name="Publier l'appel", exact=True).click()

    def ouvrir_comite_de_recevabilite(self) -> "PageComite":
        self.page.get_by_role("link", name=re.compile(r"^Comité de recevabilité \(")).click()
        return PageComite(self.page, self.base_url)

    def ouvrir_comite_de_pilotage(self) -> "PageComite":
        self.page.get_by_role("link", name=re.compile(r"^Comité de pilotage \(")).click()
        return PageComite(self.page, self.base_url)

    @property
    def bouton_lancer_instruction(self) -> Locator:
        return self.page.get_by_role(
            "button", name=re.compile(r"^Mettre en instruction les dossiers recevables")
        )

    def lancer_instruction(self) -> None:
        self.bouton_lancer_instruction.click()

    @property
    def synthese_cofinancement(self) -> Locator:
        return self.page.get_by_role(
            "table", name="Enveloppes et montants engagés par financeur et par nature de crédits"
        )

    def ligne_cofinancement(self, financeur: str, nature: str) -> Locator:
        return (
            self.synthese_cofinancement.get_by_role("row")
            .filter(has=self.page.get_by_role("rowheader", name=financeur, exact=True))
            .filter(has=self.page.get_by_role("cell", name=nature, exact=True))
        )

    @property
    def tableau(self) -> Locator:
        return self.page.get_by_role("table", name=re.compile(r"^Dossiers de l'appel à projets"))

    def ligne_dossier(self, numero: str) -> Locator:
        return self.tableau.get_by_role("row").filter(
            has=self.page.get_by_role("link", name=numero, exact=True)
        )

    def ouvrir_dossier(self, numero: str) -> "PageDossier":
        self.ligne_dossier(numero).get_by_role("link", name=numero, exact=True).click()
        return PageDossier(self.page, self.base_url)

    def lien_action(self, numero: str, libelle: str) -> Locator:
        """A link of the Instruction column ("Avis · L’Etat (crédits spécifiques…)")."""
        return self.ligne_dossier(numero).get_by_role("link", name=re.compile(re.escape(libelle)))

    def ouvrir_avis(self, numero: str, libelle: str) -> "PageAvis":
        self.lien_action(numero, libelle).click()
        return PageAvis(self.page, self.base_url)


class PageAvis(PageProgrammation):
    """A financeur's avis on the amount it is asked for."""

    def donner(self, *, avis: str, montant: str, commentaire: str = "") -> "PageTableauAppel":
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Avis").select_option(label=avis)
        champ(formulaire, "Montant proposé (€)").fill(montant)
        champ(formulaire, "Commentaire").fill(commentaire)
        formulaire.get_by_role("button", name="Enregistrer l'avis", exact=True).click()
        return PageTableauAppel(self.page, self.base_url)


class PageComite(PageProgrammation):
    """A committee meeting: its date and title, then one decision per dossier."""

    def intituler(self, titre: str) -> None:
        champ(self.page.get_by_role("main"), "Titre de la séance").fill(titre)

    def decider(self, numero: str, decision: str, motif: str = "") -> None:
        tableau = self.page.get_by_role("table", name="Décisions de la séance, dossier par dossier")
        champ(tableau, f"Décision sur le dossier {numero}").select_option(label=decision)
        if motif:
            champ(tableau, f"Motif (dossier {numero})").fill(motif)

    def enregistrer(self) -> "PageSeance":
        self.page.get_by_role(
            "button", name="Enregistrer la séance et ses décisions", exact=True
        ).click()
        return PageSeance(self.page, self.base_url)


class PageSeance(PageProgrammation):
    """The record of a meeting and the decisions it took."""

    @property
    def decisions(self) -> Locator:
        return (
            self.page.get_by_role("table", name="Décisions de la séance")
            .locator("tbody")
            .get_by_role("row")
        )

    def decision(self, objet: str) -> Locator:
        return self.decisions.filter(has_text=objet)


# --- The porteur -------------------------------------------------------------------------


class PageMesDossiers(PageProgrammation):
    @staticmethod
    def chemin_de(slug: str) -> str:
        return f"/contrats/{slug}/mes-dossiers/"

    def enregistrer_ma_structure(self) -> "PageStructure":
        self.page.get_by_role("link", name="Enregistrer ma structure", exact=True).click()
        return PageStructure(self.page, self.base_url)

    def enregistrer_une_association(self, nom: str, representant: str) -> "PageMesDossiers":
        """Registers an association of the Hautes-Noues, its first account its référent."""
        structure = self.enregistrer_ma_structure()
        expect(structure.titre).to_have_text("Enregistrer ma structure")
        rendu_complet(self.page)
        structure.remplir(
            nom=nom,
            type_structure="Association",
            siret=SIRET_ASSOCIATION,
            rna="W941000001",
            adresse="12 allée des Hautes-Noues",
            code_postal="94350",
            commune="Villiers-sur-Marne",
            representant=representant,
            qualite="Présidente",
            salaries=2,
            benevoles=9,
        )
        mes_dossiers = structure.enregistrer()
        expect(mes_dossiers.message).to_have_text("Votre structure est enregistrée.")
        expect(self.page.get_by_role("main")).to_contain_text(f"Vous agissez pour {nom}.")
        return mes_dossiers

    def carte_appel(self, titre: str) -> Locator:
        titre_carte = self.page.get_by_role("heading", name=titre, exact=True)
        return self.page.locator(".fr-card").filter(has=titre_carte)

    def creer_dossier(self, titre_appel: str, intitule: str) -> "PageDossier":
        carte = self.carte_appel(titre_appel)
        champ(carte, "Intitulé de l'action").fill(intitule)
        carte.get_by_role("button", name="Créer un dossier", exact=True).click()
        return PageDossier(self.page, self.base_url)

    @property
    def tableau(self) -> Locator:
        return self.page.get_by_role("table", name="Dossiers de ma structure")

    def ligne_dossier(self, intitule: str) -> Locator:
        return self.tableau.get_by_role("row").filter(
            has=self.page.get_by_role("link", name=intitule, exact=True)
        )

    def ouvrir_dossier(self, intitule: str) -> "PageDossier":
        self.tableau.get_by_role("link", name=intitule, exact=True).click()
        return PageDossier(self.page, self.base_url)


class PageStructure(PageProgrammation):
    def remplir(
        self,
        *,
        nom: str,
        type_structure: str,
        siret: str,
        rna: str,
        adresse: str,
        code_postal: str,
        commune: str,
        representant: str,
        qualite: str,
        salaries: int,
        benevoles: int,
    ) -> None:
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Nom de la structure").fill(nom)
        champ(formulaire, "Type de structure").select_option(label=type_structure)
        champ(formulaire, "SIRET").fill(siret)
        champ(formulaire, "Numéro RNA").fill(rna)
        champ(formulaire, "Adresse").fill(adresse)
        champ(formulaire, "Code postal").fill(code_postal)
        champ(formulaire, "Commune").fill(commune)
        champ(formulaire, "Nom du représentant légal").fill(representant)
        champ(formulaire, "Qualité du représentant légal").fill(qualite)
        champ(formulaire, "Nombre de salariés").fill(str(salaries))
        champ(formulaire, "Nombre de bénévoles").fill(str(benevoles))

    def enregistrer(self) -> PageMesDossiers:
        self.page.get_by_role("main").get_by_role("button", name="Enregistrer", exact=True).click()
        return PageMesDossiers(self.page, self.base_url)


class PageSectionAction(PageProgrammation):
    """Section 3 of the CERFA: the action, its link to the contract, dates and means."""

    def remplir(
        self,
        *,
        description: str,
        objectifs: str,
        pilier: str,
        objectifs_operationnels: list[str],
        thematiques: list[str],
        public_vise: str,
        part_qpv: int,
        lieux: str,
        debut: date,
        fin: date,
        salaries: int,
        etp: str,
        benevoles: int,
    ) -> None:
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Description de l'action").fill(description)
        champ(formulaire, "Objectifs de l'action").fill(objectifs)
        champ(formulaire, "Pilier du contrat").select_option(label=pilier)
        groupe = formulaire.get_by_role("group", name="Objectifs opérationnels du contrat")
        for objectif in objectifs_operationnels:
            cocher(groupe, objectif)
        groupe = formulaire.get_by_role("group", name="Thématiques transversales")
        for thematique in thematiques:
            cocher(groupe, thematique)
        champ(formulaire, "Public visé").fill(public_vise)
        champ(formulaire, "Part des bénéficiaires résidant").fill(str(part_qpv))
        champ(formulaire, "Lieux de réalisation").fill(lieux)
        champ(formulaire, "Début de l'action").fill(debut.isoformat())
        champ(formulaire, "Fin de l'action").fill(fin.isoformat())
        champ(formulaire, "Salariés mobilisés").fill(str(salaries))
        champ(formulaire, "Équivalents temps plein salariés").fill(etp)
        champ(formulaire, "Bénévoles mobilisés").fill(str(benevoles))

    def enregistrer(self) -> "PageDossier":
        self.page.get_by_role("main").get_by_role("button", name="Enregistrer", exact=True).click()
        return PageDossier(self.page, self.base_url)


class PagePublic(PageProgrammation):
    """Women and men targeted by age band: one group of two fields per band."""

    def effectifs(self, tranche: str, femmes: int, hommes: int) -> None:
        groupe = self.page.get_by_role("group", name=tranche, exact=True)
        champ(groupe, f"Femmes ({tranche})").fill(str(femmes))
        champ(groupe, f"Hommes ({tranche})").fill(str(hommes))

    def enregistrer(self) -> "PageDossier":
        self.page.get_by_role("main").get_by_role("button", name="Enregistrer", exact=True).click()
        return PageDossier(self.page, self.base_url)


class PageBudget(PageProgrammation):
    """The provisional budget: a grid of lines, each a group named "Ligne N"."""

    def ajouter_des_lignes(self) -> None:
        self.page.get_by_role("link", name="Ajouter des lignes vides", exact=True).click()

    def lignes(self) -> Locator:
        return self.page.get_by_role("group", name=re.compile(r"^Ligne \d+$"))

    def ligne(
        self,
        rang: int,
        *,
        sens: str,
        compte: str,
        libelle: str,
        montant: str,
        financeur: str | None = None,
        nature: str | None = None,
    ) -> None:
        groupe = self.page.get_by_role("group", name=f"Ligne {rang}", exact=True)
        champ(groupe, "Sens").select_option(label=sens)
        champ(groupe, "Compte").select_option(label=compte)
        champ(groupe, "Libellé").fill(libelle)
        champ(groupe, "Montant (€)").fill(montant)
        # Leaving the field commits it ("change"), which refreshes the live totals.
        champ(groupe, "Montant (€)").press("Tab")
        if financeur:
            champ(groupe, "Financeur").select_option(label=financeur)
        if nature:
            champ(groupe, "Nature").select_option(label=nature)

    @property
    def totaux(self) -> Locator:
        """The live totals above the grid, refreshed through htmx while typing."""
        return self.page.locator("#totaux-budget")

    def enregistrer(self) -> "PageDossier":
        self.page.get_by_role("button", name="Enregistrer le budget", exact=True).click()
        return PageDossier(self.page, self.base_url)


class PagePieces(PageProgrammation):
    def ajouter(self, nature: str, chemin: str) -> None:
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Nature de la pièce").select_option(label=nature)
        champ(formulaire, "Fichier").set_input_files(chemin)
        formulaire.get_by_role("button", name="Ajouter la pièce", exact=True).click()

    def piece(self, nom: str) -> Locator:
        # A DSFR download link: the file's name, then its format and size.
        return self.page.get_by_role("main").get_by_role(
            "link", name=re.compile(rf"^{re.escape(nom)} PDF")
        )

    def retour_au_dossier(self) -> "PageDossier":
        self.page.get_by_role("link", name="Retour au dossier", exact=True).click()
        return PageDossier(self.page, self.base_url)


# --- The dossier page, shared by every role -------------------------------------------------


class PageDossier(PageProgrammation):
    @property
    def statut(self) -> Locator:
        """The statut badge, first of the badges under the title."""
        badges = self.titre.locator("xpath=following-sibling::ul[1]")
        return badges.get_by_role("listitem").first

    @property
    def avant_de_deposer(self) -> Locator:
        return self.page.get_by_role("heading", name="Avant de déposer ce dossier")

    def modifier_action(self) -> PageSectionAction:
        self.page.get_by_role("link", name="Modifier l'action", exact=True).click()
        return PageSectionAction(self.page, self.base_url)

    def modifier_public(self) -> PagePublic:
        self.page.get_by_role("link", name="Modifier le public", exact=True).click()
        return PagePublic(self.page, self.base_url)

    def modifier_budget(self) -> PageBudget:
        self.page.get_by_role("link", name="Modifier le budget", exact=True).click()
        return PageBudget(self.page, self.base_url)

    def gerer_pieces(self) -> PagePieces:
        self.page.get_by_role("link", name="Gérer les pièces jointes", exact=True).click()
        return PagePieces(self.page, self.base_url)

    @property
    def actions_possibles(self) -> Locator:
        return self.page.get_by_role("region", name="Actions possibles")

    def bouton(self, libelle: str) -> Locator:
        return self.actions_possibles.get_by_role("button", name=libelle, exact=True)

    def transitionner(self, libelle: str, motif: str = "") -> None:
        """Clicks a button of "Actions possibles", after typing its reason when it has one."""
        bouton = self.bouton(libelle)
        if motif:
            formulaire = self.actions_possibles.locator("form").filter(has=bouton)
            champ(formulaire, "Motif").fill(motif)
        bouton.click()

    def deposer(self) -> "PageConfirmationDepot":
        """The deposit is irreversible: "Déposer le dossier" leads to its confirmation page."""
        self.actions_possibles.get_by_role("link", name="Déposer le dossier", exact=True).click()
        return PageConfirmationDepot(self.page, self.base_url)

    @property
    def motif_decision(self) -> Locator:
        titre = self.page.get_by_role("heading", name=re.compile(r"^Motif de la décision"))
        return titre.locator("xpath=..")

    def section(self, titre: str) -> Locator:
        return self.page.get_by_role("region", name=titre)

    def piece(self, nom: str) -> Locator:
        return self.section("6. Pièces jointes").get_by_role(
            "link", name=re.compile(re.escape(nom))
        )

    @property
    def financements(self) -> Locator:
        return self.section("7. Financements demandés").locator("tbody").get_by_role("row")

    def financement(self, financeur: str) -> Locator:
        return self.financements.filter(
            has=self.page.get_by_role("cell", name=financeur, exact=True)
        )

    @property
    def historique(self) -> Locator:
        """The steps of the timeline, oldest first."""
        return self.section("Historique du dossier").get_by_role("listitem")

    def etape(self, libelle: str) -> Locator:
        return self.historique.filter(has=self.page.get_by_text(libelle, exact=True))

    def lien_convention(self, numero: str) -> Locator:
        """The link to a convention's page (its PDF and payments), named by its number."""
        nommes = self.page.get_by_role("main").get_by_role(
            "link", name=re.compile(re.escape(numero))
        )
        return nommes.and_(self.page.locator('[href$="/paiements/"]'))

    def ouvrir_convention(self, numero: str) -> "PageConventionPaiements":
        self.lien_convention(numero).first.click()
        return PageConventionPaiements(self.page, self.base_url)


class PageConventionPaiements(PageProgrammation):
    """A convention: its PDF, its totals, its payments and the form to record one."""

    @staticmethod
    def chemin_de(pk: int) -> str:
        return f"/conventions/{pk}/paiements/"

    @property
    def lien_pdf(self) -> Locator:
        return self.page.get_by_role("link", name=re.compile(r"^Télécharger la convention .+ PDF$"))

    def total(self, libelle: str) -> Locator:
        """A tile of the totals ("Montant de la convention", "Total payé", "Reste à payer")."""
        titre = self.page.get_by_role("heading", name=libelle, exact=True)
        return titre.locator("xpath=following-sibling::p[1]")

    @property
    def paiements(self) -> Locator:
        return (
            self.page.get_by_role("table", name="Paiements enregistrés")
            .locator("tbody")
            .get_by_role("row")
        )

    def payer(self, nature: str, montant: str) -> None:
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Nature du paiement").select_option(label=nature)
        champ(formulaire, "Montant (€)").fill(montant)
        formulaire.get_by_role("button", name="Enregistrer le paiement", exact=True).click()

    @property
    def solde_verse(self) -> Locator:
        return self.page.get_by_text("Le solde est versé", exact=False)


class PageConfirmationDepot(PageProgrammation):
    """What the porteur is about to submit, and the box it ticks to submit it."""

    CONFIRMATION = (
        "Je confirme le dépôt de mon dossier. Après le dépôt, il ne pourra plus être modifié."
    )

    @property
    def resume(self) -> Locator:
        return self.page.get_by_role("region", name="Résumé du dossier")

    @property
    def pieces(self) -> Locator:
        return self.page.get_by_role("region", name="Pièces déposées avec le dossier")

    def confirmer(self) -> PageDossier:
        formulaire = self.page.get_by_role("main").locator("form")
        formulaire.get_by_text(self.CONFIRMATION, exact=True).click()
        expect(formulaire.get_by_label(self.CONFIRMATION, exact=True)).to_be_checked()
        formulaire.get_by_role("button", name="Déposer le dossier", exact=True).click()
        return PageDossier(self.page, self.base_url)
