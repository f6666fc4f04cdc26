"""A new association's year, in Chromium: from its sign-up to its corrected dossier.

The pilote requires three pieces of an open call. A newcomer signs up, confirms her
address through the e-mailed link (read from the test outbox), logs in and lands on
"Mon espace", which leads her to the open call; she registers her association, becomes
its référent and invites her treasurer, who accepts. She keeps the statuts and RIB in the
structure's porte-documents, writes a dossier, sees that the list of directors is
missing, joins it, confirms the deposit, downloads the receipt (read with pdftotext) and
finds the e-mail that links to it. The pilote asks for a correction of the action; she
corrects it from her workspace, re-submits, gets the receipt of the second version and
compares both versions.

Each person has a browser context of their own. `live_server` flushes the database
after each test: the test asks for `contrat_charge`.
"""

import hashlib
import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from comptes.models import Role
from contrats.models import Habilitation
from historique.horloge import aujourdhui
from programmation.models import Dossier, Statut
from programmation.tests.factories import AppelFactory
from tests.e2e.pages import (
    PageAccueil,
    PageConfirmationAdresse,
    PageInscription,
    PageInvitation,
    rendu_complet,
    se_connecter,
)
from tests.e2e.pages_programmation import (
    SIRET_ASSOCIATION,
    PageDossier,
    PageMesDossiers,
    PagePieces,
    PageProgrammation,
    PageStructure,
    PageTableauAppel,
    champ,
    cocher,
)

pytestmark = pytest.mark.e2e

ANNEE = 2017
TITRE_APPEL = "Appel à projets 2017 du contrat de ville"
ACTION = "Atelier de français pour les parents"
STRUCTURE = "Association Paroles de parents"
REFERENTE = "ines.garnier@exemple.fr"
TRESORIER = "tresorier@paroles-de-parents.fr"
MOT_DE_PASSE = "Quartiers-en-mouvement-2026"
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


def lien_du_courriel(mailoutbox, destinataire: str, chemin: str) -> str:
    """The link to `chemin` in the last e-mail sent to `destinataire`."""
    (courriel,) = [m for m in mailoutbox if m.to == [destinataire]][-1:]
    (lien,) = re.findall(rf"https?://\S+{re.escape(chemin)}\S*", courriel.body)
    return lien


def s_inscrire_et_confirmer(page: Page, base: str, mailoutbox) -> None:
    """From the home page: sign-up, the e-mailed confirmation link, then the login form."""
    accueil = PageAccueil(page, base)
    accueil.aller()
    accueil.lien_creer_un_compte.click()
    inscription = PageInscription(page, base)
    rendu_complet(page)
    inscription.s_inscrire("Inès", "Garnier", MOT_DE_PASSE, email=REFERENTE)
    expect(inscription.titre).to_have_text("Confirmez votre adresse électronique")
    page.goto(lien_du_courriel(mailoutbox, REFERENTE, "/comptes/confirmation/"))
    connexion = PageConfirmationAdresse(page, base).confirmer()
    connexion.se_connecter(REFERENTE, MOT_DE_PASSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


def enregistrer_la_structure(page: Page, base: str) -> PageMesDossiers:
    """From "Mon espace", through the open call, to the registered structure."""
    page.get_by_role("link", name="enregistrer ma structure et déposer un dossier").click()
    return PageMesDossiers(page, base).enregistrer_une_association(STRUCTURE, "Inès Garnier")


def inviter_le_tresorier(page: Page, base: str) -> None:
    page.get_by_role("link", name="Voir ou modifier ma structure", exact=True).click()
    structure = PageStructure(page, base)
    section = page.get_by_role("region", name="Les personnes qui agissent pour la structure")
    expect(section).to_contain_text(f"Inès Garnier ({REFERENTE}) — référent de la structure")
    champ(section, "Adresse électronique d'un ou d'une collègue").fill(TRESORIER)
    section.get_by_role("button", name="Inviter ce ou cette collègue").click()
    expect(structure.message).to_contain_text(f"Une invitation est envoyée à {TRESORIER}")
    rendu_complet(page)


def le_tresorier_accepte(page: Page, base: str, mailoutbox) -> None:
    """Following the link proves the address: the account is created without confirmation."""
    page.goto(lien_du_courriel(mailoutbox, TRESORIER, "/invitation/"))
    invitation = PageInvitation(page, base)
    expect(page.get_by_role("main")).to_contain_text(f"Porteur de projet pour {STRUCTURE}")
    invitation.creer_mon_compte().s_inscrire("Paul", "Nguyen", MOT_DE_PASSE)
    page.goto(lien_du_courriel(mailoutbox, TRESORIER, "/invitation/"))
    invitation.accepter()
    expect(page.get_by_role("main")).to_contain_text(
        f"Invitation acceptée : vous êtes désormais Porteur de projet pour {STRUCTURE}"
    )


def demander_une_correction(page: Page, base: str, dossier: Dossier) -> None:
    """The pilote, still logged in since it required the pieces, asks from the dossier."""
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="Demander des compléments").click()
    rendu_complet(page)
    page.get_by_label("Message au porteur").fill("Précisez le nombre de séances.")
    page.get_by_text("L'action (description, objectifs, dates, moyens humains)").click()
    page.get_by_label("À compléter avant le").fill((aujourdhui() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Envoyer la demande au porteur").click()
    expect(page.get_by_text("Compléments demandés, à apporter avant le")).to_be_visible()


def corriger_et_redeposer(page: Page, base: str) -> PageDossierAvecPieces:
    """From "Mon espace", the tile of the corrections asked, to the re-submission."""
    page.goto(base + "/mon-espace/")
    tuile = page.locator(".tache", has_text="Compléments demandés")
    expect(tuile.locator(".nombre")).to_have_text("1")
    tuile.get_by_role("link").click()
    page.get_by_role("link", name=ACTION, exact=True).click()
    dossier = PageDossierAvecPieces(page, base)
    expect(dossier.statut).to_have_text("À compléter par le porteur")
    expect(page.locator(".fr-callout__text")).to_have_text("Précisez le nombre de séances.")
    expect(page.get_by_role("link", name="Modifier le budget")).to_have_count(0)
    action = dossier.modifier_action()
    page.get_by_label("Description de l'action").fill("24 ateliers de conversation de deux heures.")
    action.enregistrer()
    page.get_by_role("button", name="Redéposer le dossier complété").click()
    expect(dossier.message).to_contain_text("est désormais « Déposé »")
    rendu_complet(page)
    return dossier


def telecharger_le_recepisse(page: Page, dossier: PageDossierAvecPieces, tmp_path: Path) -> Path:
    with page.expect_download() as telechargement:
        dossier.lien_recepisse.click()
    recepisse = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(recepisse)
    return recepisse


def test_a_new_association_signs_up_files_its_dossier_with_its_receipt_and_corrects_it(
    nouvelle_session, live_server, contrat_charge, medias, mailoutbox, tmp_path
):
    base = live_server.url
    AppelFactory(annee=ANNEE, titre=TITRE_APPEL)  # published, deposits open today
    statuts = pdf(tmp_path, "statuts-2016.pdf", "statuts")
    rib = pdf(tmp_path, "rib-banque.pdf", "RIB")
    dirigeants = pdf(tmp_path, "dirigeants-2017.pdf", "dirigeants")

    # 1. The pilote requires the statuts, the list of directors and a RIB.
    pilote = nouvelle_session()
    exiger_les_pieces(pilote, base, contrat_charge.titre)

    # 2. A newcomer signs up, confirms her address and registers her association.
    page = nouvelle_session()
    s_inscrire_et_confirmer(page, base, mailoutbox)
    rendu_complet(page)
    mes_dossiers = enregistrer_la_structure(page, base)

    # 3. As its référent, she invites her treasurer, who accepts from the e-mailed link.
    inviter_le_tresorier(page, base)
    le_tresorier_accepte(nouvelle_session(), base, mailoutbox)
    assert Habilitation.objects.filter(
        utilisateur__email=TRESORIER, role=Role.PORTEUR, organisation__nom=STRUCTURE
    ).exists()

    # 4. She keeps the statuts and the RIB in the structure's porte-documents.
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

    # 5. She writes a dossier: the list of directors is missing, the rest comes along.
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

    # 6. She joins the missing piece to the dossier.
    pieces = dossier.joindre("Liste des dirigeants")
    expect(champ(page.get_by_role("main"), "Nature de la pièce")).to_have_value("dirigeants")
    pieces.ajouter("Liste des dirigeants", str(dirigeants))
    expect(pieces.message).to_have_text("La pièce « dirigeants-2017.pdf » est ajoutée.")
    pieces.retour_au_dossier()
    expect(dossier.avant_de_deposer).to_have_count(0)
    expect(dossier.exigence("Liste des dirigeants")).to_contain_text("Présente")

    # 7. She confirms the deposit after reading what she submits.
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

    # 8. The receipt: its number, date, structure, pieces and fingerprint.
    enregistre = Dossier.objects.get(intitule=ACTION)
    assert enregistre.statut == Statut.DEPOSE
    version = enregistre.versions.get()
    recepisse = telecharger_le_recepisse(page, dossier, tmp_path)
    assert recepisse.name == f"recepisse-depot-{enregistre.numero}-v1.pdf"
    texte = texte_du_pdf(recepisse)
    moment = timezone.localtime(version.creee_le).strftime("%d/%m/%Y à %H:%M")
    assert f"Dossier n° {enregistre.numero} déposé le {moment}" in texte
    assert STRUCTURE in texte and f"SIRET : {SIRET_ASSOCIATION}" in texte
    compact = re.sub(r"\s+", "", texte)
    for fichier in (statuts, rib, dirigeants):
        assert fichier.name in texte
        assert sha256(fichier) in compact
    canonique = json.dumps(
        version.contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert hashlib.sha256(canonique).hexdigest() in compact

    # 9. The e-mail of the deposit, to both people of the structure, links to it.
    (courriel,) = [m for m in mailoutbox if m.subject.endswith(f"{enregistre.numero} est déposé")]
    assert sorted(courriel.to) == sorted([REFERENTE, TRESORIER])
    lien = f"{base}/dossiers/{enregistre.pk}/recepisse/1/"
    assert lien in courriel.body
    reponse = page.request.get(lien)
    assert reponse.ok and reponse.body().startswith(b"%PDF")

    # 10. The pilote asks for a correction of the action.
    demander_une_correction(pilote, base, enregistre)

    # 11. She corrects it from her workspace and re-submits: a second version, its receipt.
    dossier = corriger_et_redeposer(page, base)
    assert list(enregistre.versions.values_list("numero", flat=True)) == [1, 2]
    recepisse = telecharger_le_recepisse(page, dossier, tmp_path)
    assert recepisse.name == f"recepisse-depot-{enregistre.numero}-v2.pdf"
    assert "version déposée n° 2" in texte_du_pdf(recepisse)
    (courriel,) = [m for m in mailoutbox if "complété est redéposé" in m.subject]
    assert f"{base}/dossiers/{enregistre.pk}/recepisse/2/" in courriel.body
    page.get_by_role("link", name="Comparer les versions déposées").click()
    expect(page.locator("#resume-comparaison")).to_have_text(
        "1 champ(s) modifié(s) entre la version 1 et la version 2."
    )
    rendu_complet(page)
