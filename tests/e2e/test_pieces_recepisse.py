"""Required pieces, the structure's porte-documents and the receipt of a deposit, in Chromium.

The pilote requires three pieces of an open call. The demo porteur keeps its statuts and
RIB in its structure's porte-documents, writes a dossier, sees that the list of its
directors is missing, joins it to the dossier, confirms the deposit, downloads the
receipt (read with pdftotext) and finds the e-mail that links to it.

`live_server` flushes the database after each test: the test asks for `contrat_charge`.
"""

import hashlib
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import MARQUEUR_VARIABLE_INDEFINIE
from contrats.demo import MOT_DE_PASSE_DEMO
from contrats.models import Organisation
from programmation.models import Dossier, Statut
from programmation.tests.factories import AppelFactory, StructureFactory
from tests.e2e.pages import PageAccueil, PageConnexion
from tests.e2e.pages_programmation import (
    PageDossier,
    PageMesDossiers,
    PagePieces,
    PageProgrammation,
    PageTableauAppel,
    champ,
    cocher,
)

pytestmark = pytest.mark.e2e

ANNEE = 2017
TITRE_APPEL = "Appel à projets 2017 du contrat de ville"
ACTION = "Atelier de français pour les parents"
STRUCTURE = "Association Les Clefs de l'avenir (démo)"
PIECES_EXIGEES = [
    "Statuts de la structure",
    "Liste des dirigeants",
    "RIB (relevé d'identité bancaire)",
]


def pdf(dossier: Path, nom: str, marque: str) -> Path:
    """A small PDF of its own content: each file has its own SHA-256."""
    chemin = dossier / nom
    chemin.write_bytes(b"%PDF-1.4\n% " + marque.encode() + b"\n%%EOF\n")
    return chemin


def sha256(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "fr-FR"}


@pytest.fixture
def medias(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def rendu_complet(page: Page) -> None:
    assert MARQUEUR_VARIABLE_INDEFINIE not in page.content(), page.url


def se_connecter(page: Page, base_url: str, identifiant: str) -> None:
    connexion = PageConnexion(page, base_url)
    connexion.aller()
    connexion.se_connecter(identifiant, MOT_DE_PASSE_DEMO)
    expect(connexion.bouton_se_deconnecter).to_be_visible()


# --- Page objects of these screens ---------------------------------------------------------


class PagePorteDocuments(PageProgrammation):
    def ajouter(self, nature: str, chemin: Path, valable_jusqu_au: date | None = None) -> None:
        formulaire = self.page.get_by_role("main")
        champ(formulaire, "Nature de la pièce").select_option(label=nature)
        champ(formulaire, "Fichier").set_input_files(str(chemin))
        if valable_jusqu_au:
            champ(formulaire, "Valable jusqu'au").fill(valable_jusqu_au.isoformat())
        formulaire.get_by_role("button", name="Ajouter au porte-documents", exact=True).click()

    def piece(self, nom: str) -> Locator:
        tableau = self.page.get_by_role("table", name="Pièces du porte-documents")
        return tableau.get_by_role("row").filter(has=self.page.get_by_role("link", name=nom))


class PageDossierAvecPieces(PageDossier):
    @property
    def pieces_exigees(self) -> Locator:
        return self.section("6. Pièces jointes").get_by_role(
            "list", name="Pièces exigées par l'appel à projets"
        )

    def exigence(self, libelle: str) -> Locator:
        return self.pieces_exigees.get_by_role("listitem").filter(has_text=libelle)

    def joindre(self, libelle: str) -> PagePieces:
        self.exigence(libelle).get_by_role("link", name=f"joindre « {libelle} » au dossier").click()
        return PagePieces(self.page, self.base_url)

    @property
    def lien_recepisse(self) -> Locator:
        return self.page.get_by_role("link", name=re.compile(r"^Télécharger le récépissé"))


# --- The journey ---------------------------------------------------------------------------


def exiger_les_pieces(page: Page, base: str, titre_contrat: str) -> None:
    """The pilote, from the home page to the call's form, requires three pieces."""
    se_connecter(page, base, "pilote")
    accueil = PageAccueil(page, base)
    accueil.aller()
    accueil.ouvrir_contrat(titre_contrat).naviguer_vers("Appels à projets")
    page.get_by_role("table", name="Appels à projets du contrat").get_by_role(
        "link", name=TITRE_APPEL, exact=True
    ).click()
    page.get_by_role("link", name="Dossiers et instruction", exact=True).click()
    page.get_by_role("link", name="Modifier l'appel", exact=True).click()
    rendu_complet(page)
    groupe = page.get_by_role("group", name=re.compile(r"^Pièces exigées de chaque dossier"))
    for libelle in PIECES_EXIGEES:
        cocher(groupe, libelle)
    page.get_by_role("button", name="Enregistrer les modifications", exact=True).click()
    tableau = PageTableauAppel(page, base)
    expect(tableau.message).to_have_text(f"L'appel à projets {ANNEE} est modifié.")


def remplir(dossier: PageDossierAvecPieces) -> None:
    """The action, its public and a balanced budget, as in the yearly journey."""
    action = dossier.modifier_action()
    action.remplir(
        description="Des ateliers de conversation pour les parents du quartier.",
        objectifs="Faciliter le dialogue avec l'école.",
        pilier="Pilier 4 · Cohésion sociale",
        objectifs_operationnels=["4.4.2 Soutenir les victimes"],
        thematiques=[],
        public_vise="Parents des Hautes-Noues.",
        part_qpv=90,
        lieux="Maison de quartier des Hautes-Noues",
        debut=date(ANNEE, 9, 1),
        fin=date(ANNEE, 12, 15),
        salaries=1,
        etp="0.5",
        benevoles=2,
    )
    action.enregistrer()
    public = dossier.modifier_public()
    public.effectifs("26 à 64 ans", femmes=14, hommes=6)
    public.enregistrer()
    budget = dossier.modifier_budget()
    budget.ligne(
        1, sens="Charge", compte="64 – Charges de personnel", libelle="Formatrice", montant="6000"
    )
    budget.ligne(
        2,
        sens="Produit",
        compte="74 – Subventions d'exploitation",
        libelle="Prestation CAF",
        montant="5000",
        financeur="La Caisse d’Allocations Familiales",
        nature="Droit commun",
    )
    budget.ligne(
        3,
        sens="Produit",
        compte="70 – Ventes, prestations de services",
        libelle="Participation des familles",
        montant="1000",
    )
    expect(budget.totaux).to_contain_text("Budget équilibré")
    budget.enregistrer()
    expect(dossier.message).to_have_text("Le budget prévisionnel est enregistré.")


def texte_du_pdf(chemin: Path) -> str:
    sortie = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(chemin), "-"],
        check=True,
        capture_output=True,
    )
    return sortie.stdout.decode("utf-8")


def test_porteur_reuses_its_porte_documents_confirms_and_gets_its_receipt(
    page: Page, live_server, contrat_charge, medias, mailoutbox, tmp_path
):
    base = live_server.url
    page.set_default_timeout(10_000)
    AppelFactory(annee=ANNEE, titre=TITRE_APPEL)  # published, deposits open today
    StructureFactory(organisation=Organisation.objects.get(code="demo-association-clefs-avenir"))
    statuts = pdf(tmp_path, "statuts-2016.pdf", "statuts")
    rib = pdf(tmp_path, "rib-banque.pdf", "RIB")
    dirigeants = pdf(tmp_path, "dirigeants-2017.pdf", "dirigeants")

    # 1. The pilote requires the statuts, the list of directors and a RIB.
    exiger_les_pieces(page, base, contrat_charge.titre)
    PageConnexion(page, base).se_deconnecter()

    # 2. The porteur keeps its statuts and RIB in its structure's porte-documents.
    se_connecter(page, base, "porteur")
    mes_dossiers = PageMesDossiers(page, base)
    mes_dossiers.aller(PageMesDossiers.chemin_de(contrat_charge.slug))
    page.get_by_role("link", name="Voir ou modifier ma structure", exact=True).click()
    page.get_by_role("link", name="Porte-documents de la structure", exact=True).click()
    porte_documents = PagePorteDocuments(page, base)
    expect(porte_documents.titre).to_have_text("Porte-documents de la structure")
    rendu_complet(page)
    porte_documents.ajouter("Statuts de la structure", statuts)
    expect(porte_documents.message).to_have_text(
        "La pièce « statuts-2016.pdf » est ajoutée au porte-documents."
    )
    fin_rib = timezone.localdate().replace(year=timezone.localdate().year + 1)
    porte_documents.ajouter("RIB (relevé d'identité bancaire)", rib, valable_jusqu_au=fin_rib)
    expect(porte_documents.piece("rib-banque.pdf")).to_contain_text("Valable aujourd'hui")
    expect(porte_documents.piece("rib-banque.pdf")).to_contain_text(
        f"Valable jusqu'au {fin_rib:%d/%m/%Y}"
    )

    # 3. It writes a dossier: the list of its directors is missing, the rest comes along.
    page.get_by_role("link", name="Retour à mes dossiers", exact=True).click()
    mes_dossiers.creer_dossier(TITRE_APPEL, ACTION)
    dossier = PageDossierAvecPieces(page, base)
    expect(dossier.titre).to_have_text(ACTION)
    remplir(dossier)
    expect(dossier.avant_de_deposer).to_be_visible()
    expect(page.get_by_text("Pièce manquante : Liste des dirigeants.", exact=True)).to_be_visible()
    expect(dossier.exigence("Statuts de la structure")).to_contain_text("Présente")
    expect(dossier.exigence("Statuts de la structure")).to_contain_text("porte-documents")
    expect(dossier.exigence("RIB (relevé d'identité bancaire)")).to_contain_text("Présente")
    expect(dossier.exigence("Liste des dirigeants")).to_contain_text("Manquante")
    rendu_complet(page)

    # 4. It joins the missing piece to the dossier.
    pieces = dossier.joindre("Liste des dirigeants")
    expect(champ(page.get_by_role("main"), "Nature de la pièce")).to_have_value("dirigeants")
    pieces.ajouter("Liste des dirigeants", str(dirigeants))
    expect(pieces.message).to_have_text("La pièce « dirigeants-2017.pdf » est ajoutée.")
    pieces.retour_au_dossier()
    expect(dossier.avant_de_deposer).to_have_count(0)
    expect(dossier.exigence("Liste des dirigeants")).to_contain_text("Présente")

    # 5. It confirms the deposit after reading what it submits.
    confirmation = dossier.deposer()
    expect(confirmation.titre).to_have_text("Déposer le dossier")
    rendu_complet(page)
    expect(confirmation.resume).to_contain_text(ACTION)
    expect(confirmation.resume).to_contain_text(STRUCTURE)
    for nom in ("statuts-2016.pdf", "rib-banque.pdf", "dirigeants-2017.pdf"):
        expect(confirmation.pieces).to_contain_text(nom)
    confirmation.confirmer()
    expect(dossier.message).to_contain_text("est désormais « Déposé »")
    expect(dossier.message).to_contain_text("Son récépissé de dépôt vous est envoyé par courriel")
    expect(dossier.statut).to_have_text("Déposé")
    rendu_complet(page)

    # 6. It downloads the receipt: its number, date, structure, pieces and fingerprint.
    enregistre = Dossier.objects.get(intitule=ACTION)
    assert enregistre.statut == Statut.DEPOSE
    version = enregistre.versions.get()
    with page.expect_download() as telechargement:
        dossier.lien_recepisse.click()
    recepisse = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(recepisse)
    assert recepisse.name == f"recepisse-depot-{enregistre.numero}-v1.pdf"
    texte = texte_du_pdf(recepisse)
    moment = timezone.localtime(version.creee_le).strftime("%d/%m/%Y à %H:%M")
    assert f"Dossier n° {enregistre.numero} déposé le {moment}" in texte
    assert STRUCTURE in texte and f"SIRET : {enregistre.structure.siret}" in texte
    compact = re.sub(r"\s+", "", texte)
    for fichier in (statuts, rib, dirigeants):
        assert fichier.name in texte
        assert sha256(fichier) in compact
    canonique = json.dumps(
        version.contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert hashlib.sha256(canonique).hexdigest() in compact

    # 7. The e-mail of the deposit links to the same receipt.
    (courriel,) = [m for m in mailoutbox if enregistre.numero in m.subject]
    assert courriel.to == ["porteur@demo.contrat-de-ville.test"]
    lien = f"{base}/dossiers/{enregistre.pk}/recepisse/1/"
    assert lien in courriel.body
    reponse = page.request.get(lien)
    assert reponse.ok and reponse.body().startswith(b"%PDF")
