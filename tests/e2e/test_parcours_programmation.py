"""The yearly programmation cycle in Chromium, tried as new users would, each with an account.

One test, chained steps: the pilote opens the 2016 call, a newcomer association
registers and submits two dossiers, the comité de recevabilité admits one and turns
the other down, the CAF and the État give their avis, the COPIL validates, the
conventions are established and paid, and the public reads the year's plan d'actions.

Every person works in their own browser context and logs in through the login page,
then moves through links. A link a user needs but cannot find is noted rather than
stopping the journey, which goes on at the page's address (as if a colleague had sent
it; for a convention, its number is read from the database): the test still fails at
the end, listing every missing link.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from comptes.models import Utilisateur
from contrats.demo import MOT_DE_PASSE_DEMO
from programmation.extensions import preparer_le_solde
from programmation.models import Convention
from tests.e2e.pages import PageAccueil, PageMonCompte, rendu_complet, se_connecter
from tests.e2e.pages_programmation import (
    PageAppels,
    PageConventionPaiements,
    PageDossier,
    PageMesDossiers,
    PageTableauAppel,
)

pytestmark = pytest.mark.e2e

ANNEE = 2016
TITRE_APPEL = "Appel à projets 2016 du contrat de ville de Villiers-sur-Marne"
CAF = "La Caisse d’Allocations Familiales"
ETAT = "L’Etat"
CREDITS_SPECIFIQUES = "Crédits spécifiques politique de la ville"
DROIT_COMMUN = "Droit commun"
CRITERES = [
    "1.1 Sensibilisation à la lutte contre les discriminations",
    "1.2 Une veille autour du principe de l’égalité hommes/femmes",
    "1.3 Une prise en compte de la valeur jeunesse dans l’ensemble du contrat",
]
PILIER = "Pilier 4 · Cohésion sociale"
OBJECTIF = "4.4.2 Soutenir les victimes"
THEMATIQUE = CRITERES[2]

STRUCTURE = "Association Parents Solidaires des Hautes-Noues"
ACTION = "Ateliers parents-enfants aux Hautes-Noues"
ACTION_IRRECEVABLE = "Fête de fin d'année du quartier"
MOTIF_IRRECEVABLE = "L'action ne sert aucun objectif du pilier choisi : une fête n'y répond pas."

NUMERO = f"{ANNEE}-001"
NUMERO_IRRECEVABLE = f"{ANNEE}-002"
CONVENTION_CAF = f"{NUMERO}-caf-dr"
CONVENTION_ETAT = f"{NUMERO}-etat-cr"

# A minimal complete PDF, nothing active in it: what historique.fichiers accepts.
PDF_MINIMAL = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


class Lacunes:
    """Links a user needs but cannot find: noted, so that the journey goes on."""

    def __init__(self) -> None:
        self.constats: list[str] = []

    def trouve(self, lien: Locator, constat: str) -> bool:
        try:
            expect(lien.first).to_be_visible(timeout=1_000)
        except AssertionError:
            if constat not in self.constats:
                self.constats.append(constat)
            return False
        return True


def appels_du_contrat(page: Page, base_url: str, titre_contrat: str) -> PageAppels:
    """From the home page to the contract's calls, through the main navigation."""
    accueil = PageAccueil(page, base_url)
    accueil.aller()
    accueil.ouvrir_contrat(titre_contrat).naviguer_vers("Appels à projets")
    appels = PageAppels(page, base_url)
    expect(appels.titre).to_have_text("Appels à projets")
    return appels


def tableau_d_instruction(page: Page, base_url: str, titre_contrat: str) -> PageTableauAppel:
    appel = appels_du_contrat(page, base_url, titre_contrat).ouvrir_appel(TITRE_APPEL)
    tableau = appel.ouvrir_instruction()
    expect(tableau.titre).to_have_text(TITRE_APPEL)
    rendu_complet(page)
    return tableau


def vers_mes_dossiers(mes_dossiers: PageMesDossiers) -> None:
    """The porteur's way back to its dossiers: its account page, then "Mes dossiers".

    Registering its structure made the newcomer its porteur: its only role says so.
    """
    mes_dossiers.lien_compte("Inès Garnier").click()
    mon_compte = PageMonCompte(mes_dossiers.page, mes_dossiers.base_url)
    expect(mon_compte.titre).to_have_text("Bonjour Inès Garnier")
    expect(mon_compte.roles).to_have_count(1)
    expect(mon_compte.roles).to_contain_text(f"Porteur de projet pour {STRUCTURE}")
    mon_compte.roles.get_by_role("link", name="Mes dossiers", exact=True).click()
    expect(mes_dossiers.titre).to_have_text("Mes dossiers de demande de subvention")


def rediger_et_deposer(mes_dossiers: PageMesDossiers, intitule: str, pdf: Path) -> PageDossier:
    """A complete dossier: the action, its public, a balanced budget, a PDF; then submitted."""
    dossier = mes_dossiers.creer_dossier(TITRE_APPEL, intitule)
    expect(dossier.message).to_contain_text("est créé en brouillon")
    expect(dossier.titre).to_have_text(intitule)
    expect(dossier.statut).to_have_text("Brouillon")
    expect(dossier.avant_de_deposer).to_be_visible()
    rendu_complet(dossier.page)

    action = dossier.modifier_action()
    expect(action.titre).to_have_text("L'action")
    rendu_complet(action.page)
    action.remplir(
        description="Des ateliers hebdomadaires où parents et enfants jouent, lisent, cuisinent.",
        objectifs="Renouer le dialogue entre parents et enfants ; rompre l'isolement des mères.",
        pilier=PILIER,
        objectifs_operationnels=[OBJECTIF],
        thematiques=[THEMATIQUE],
        public_vise="Familles des Hautes-Noues, enfants de 6 à 11 ans et leurs parents.",
        part_qpv=80,
        lieux="Maison de quartier des Hautes-Noues",
        debut=date(ANNEE, 9, 1),
        fin=date(ANNEE, 12, 31),
        salaries=2,
        etp="1.5",  # what a number field holds once the browser reads "1,5"
        benevoles=1,
    )
    dossier = action.enregistrer()
    expect(dossier.message).to_have_text("La description de l'action est enregistrée.")
    expect(dossier.section("2. L'action")).to_contain_text(OBJECTIF)
    expect(dossier.section("2. L'action")).to_contain_text("Du 01/09/2016 au 31/12/2016")

    public = dossier.modifier_public()
    expect(public.titre).to_have_text("Public visé")
    rendu_complet(public.page)
    public.effectifs("6 à 11 ans", femmes=12, hommes=10)
    public.effectifs("26 à 64 ans", femmes=15, hommes=3)
    dossier = public.enregistrer()
    expect(dossier.message).to_have_text("Le public visé est enregistré.")
    expect(dossier.section("3. Public visé")).to_contain_text("40")

    budget = dossier.modifier_budget()
    expect(budget.titre).to_have_text("Budget prévisionnel de l'action")
    budget.ajouter_des_lignes()
    expect(budget.lignes()).to_have_count(6)
    rendu_complet(budget.page)
    budget.ligne(
        1,
        sens="Charge",
        compte="64 – Charges de personnel",
        libelle="Animatrices",
        montant="10000",
    )
    budget.ligne(
        2,
        sens="Produit",
        compte="74 – Subventions d'exploitation",
        libelle="Prestation de service CAF",
        montant="4000",
        financeur=CAF,
        nature=DROIT_COMMUN,
    )
    budget.ligne(
        3,
        sens="Produit",
        compte="74 – Subventions d'exploitation",
        libelle="Crédits de la politique de la ville",
        montant="5000",
        financeur=ETAT,
        nature=CREDITS_SPECIFIQUES,
    )
    budget.ligne(
        4,
        sens="Produit",
        compte="70 – Ventes, prestations de services",
        libelle="Participation des familles",
        montant="1000",
    )
    expect(budget.totaux).to_contain_text("Budget équilibré")
    dossier = budget.enregistrer()
    expect(dossier.message).to_have_text("Le budget prévisionnel est enregistré.")
    expect(dossier.section("5. Budget prévisionnel de l'action")).to_contain_text(
        "Budget équilibré"
    )

    pieces = dossier.gerer_pieces()
    pieces.ajouter("Statuts de la structure", str(pdf))
    expect(pieces.message).to_have_text(f"La pièce « {pdf.name} » est ajoutée.")
    expect(pieces.piece(pdf.name)).to_be_visible()
    rendu_complet(pieces.page)
    dossier = pieces.retour_au_dossier()
    expect(dossier.piece(pdf.name)).to_be_visible()

    expect(dossier.avant_de_deposer).to_have_count(0)
    dossier = dossier.deposer().confirmer()
    expect(dossier.message).to_contain_text("est désormais « Déposé »")
    expect(dossier.statut).to_have_text("Déposé")
    rendu_complet(dossier.page)
    return dossier


def test_call_2016_goes_from_opening_to_balance_and_public_plan(
    page: Page, live_server, contrat_charge, nouvelle_session, medias, tmp_path
):
    base = live_server.url
    contrat = contrat_charge.titre
    aujourd_hui = timezone.localdate()
    lacunes = Lacunes()

    # 1. The pilote opens the 2016 call, sets its criteria and envelopes, publishes it.
    page.set_default_timeout(10_000)
    se_connecter(page, base, "pilote", MOT_DE_PASSE_DEMO)
    formulaire = appels_du_contrat(page, base, contrat).ouvrir_un_appel()
    expect(formulaire.titre).to_have_text("Nouvel appel à projets")
    rendu_complet(page)
    formulaire.remplir(
        annee=ANNEE,
        titre=TITRE_APPEL,
        ouverture=aujourd_hui - timedelta(days=10),
        cloture=aujourd_hui + timedelta(days=20),
        priorites="Soutien à la parentalité ; accès aux droits des familles.",
        criteres=CRITERES,
    )
    tableau = formulaire.creer()
    expect(tableau.message).to_have_text(f"L'appel à projets {ANNEE} est créé.")
    expect(tableau.titre).to_have_text(TITRE_APPEL)
    expect(tableau.badge_publication).to_have_text("Non publié")

    enveloppes = tableau.ouvrir_enveloppes()
    expect(enveloppes.titre).to_have_text(f"Enveloppes de l'appel à projets {ANNEE}")
    rendu_complet(page)
    enveloppes.fixer(ETAT, CREDITS_SPECIFIQUES, "60000")
    enveloppes.fixer(CAF, DROIT_COMMUN, "40000")
    tableau = enveloppes.enregistrer()
    expect(tableau.message).to_have_text("2 enveloppe(s) enregistrée(s).")
    expect(tableau.ligne_cofinancement(ETAT, CREDITS_SPECIFIQUES)).to_contain_text("60 000,00 €")
    expect(tableau.ligne_cofinancement(CAF, DROIT_COMMUN)).to_contain_text("40 000,00 €")

    tableau.publier()
    expect(tableau.message).to_have_text(f"L'appel à projets {ANNEE} est publié.")
    expect(tableau.badge_publication).to_have_text("Publié")
    rendu_complet(page)

    # 2. A newcomer association registers, then writes and submits its dossiers.
    Utilisateur.objects.create_user(
        username="ines.garnier",
        email="ines.garnier@parents-solidaires.test",
        password="un-mot-de-passe-bien-long",
        first_name="Inès",
        last_name="Garnier",
    )
    porteur = nouvelle_session("ines.garnier", "un-mot-de-passe-bien-long")
    appel = appels_du_contrat(porteur, base, contrat).ouvrir_appel(TITRE_APPEL)
    expect(appel.titre).to_have_text(TITRE_APPEL)
    expect(appel.critere(CRITERES[0])).to_be_visible()
    rendu_complet(porteur)
    if lacunes.trouve(
        appel.lien_deposer,
        f"Page publique de l'appel {ANNEE}, connecté sans rôle : aucun lien pour déposer un "
        "dossier ni enregistrer sa structure (« Déposer ou suivre mes dossiers » n'est montré "
        "qu'aux porteurs déjà habilités ; « Mon compte » dit seulement de demander un rôle).",
    ):
        appel.lien_deposer.click()
    else:
        porteur.goto(base + PageMesDossiers.chemin_de(contrat_charge.slug))
    mes_dossiers = PageMesDossiers(porteur, base)
    expect(mes_dossiers.titre).to_have_text("Mes dossiers de demande de subvention")

    mes_dossiers = mes_dossiers.enregistrer_une_association(STRUCTURE, "Inès Garnier")
    rendu_complet(porteur)

    vers_mes_dossiers(mes_dossiers)

    pdf = tmp_path / "statuts.pdf"
    pdf.write_bytes(PDF_MINIMAL)
    dossier = rediger_et_deposer(mes_dossiers, ACTION, pdf)
    expect(dossier.page.get_by_role("main")).to_contain_text(f"Dossier n° {NUMERO}")
    for etape in (
        "Création du dossier",
        "Modification de l'action",
        "Mise à jour du public visé",
        "Mise à jour du budget prévisionnel",
        "Ajout d'une pièce jointe",
        "Dépôt du dossier",
    ):
        expect(dossier.etape(etape)).to_have_count(1)
    expect(dossier.etape("Dépôt du dossier")).to_contain_text("statut : Brouillon → Déposé")

    vers_mes_dossiers(mes_dossiers)
    rediger_et_deposer(mes_dossiers, ACTION_IRRECEVABLE, pdf)

    # 3. The comité de recevabilité admits the first dossier and turns the second down.
    tableau = tableau_d_instruction(page, base, contrat)
    expect(tableau.ligne_dossier(NUMERO)).to_contain_text("Déposé")
    comite = tableau.ouvrir_comite_de_recevabilite()
    expect(comite.titre).to_have_text("Comité de recevabilité")
    rendu_complet(page)
    comite.decider(NUMERO, "Déclarer recevable")
    comite.decider(NUMERO_IRRECEVABLE, "Déclarer irrecevable", motif=MOTIF_IRRECEVABLE)
    seance = comite.enregistrer()
    expect(seance.message).to_contain_text("enregistrée : 2 décision(s).")
    expect(seance.decisions).to_have_count(2)
    expect(seance.decision(NUMERO)).to_contain_text("Déclarer recevable")
    expect(seance.decision(NUMERO_IRRECEVABLE)).to_contain_text("Déclarer irrecevable")
    expect(seance.decision(NUMERO_IRRECEVABLE)).to_contain_text(MOTIF_IRRECEVABLE)
    rendu_complet(page)

    vers_mes_dossiers(mes_dossiers)
    expect(mes_dossiers.ligne_dossier(ACTION)).to_contain_text("Recevable")
    expect(mes_dossiers.ligne_dossier(ACTION_IRRECEVABLE)).to_contain_text("Irrecevable")
    refuse = mes_dossiers.ouvrir_dossier(ACTION_IRRECEVABLE)
    expect(refuse.statut).to_have_text("Irrecevable")
    expect(refuse.motif_decision).to_contain_text(MOTIF_IRRECEVABLE)
    expect(refuse.etape("Déclaré irrecevable")).to_contain_text(f"Motif : {MOTIF_IRRECEVABLE}")
    rendu_complet(porteur)

    # 4. Instruction: the pilote launches it, the CAF and the État give their avis.
    tableau = tableau_d_instruction(page, base, contrat)
    expect(tableau.bouton_lancer_instruction).to_have_text(
        "Mettre en instruction les dossiers recevables (1)"
    )
    tableau.lancer_instruction()
    expect(tableau.message).to_have_text("1 dossier(s) mis en instruction.")
    expect(tableau.ligne_dossier(NUMERO)).to_contain_text("En instruction")

    caf = nouvelle_session("financeur")
    tableau_caf = tableau_d_instruction(caf, base, contrat)
    expect(tableau_caf.ligne_dossier(NUMERO_IRRECEVABLE)).to_contain_text("Irrecevable")
    avis = tableau_caf.ouvrir_avis(NUMERO, f"Avis · {CAF}")
    expect(avis.titre).to_have_text("Avis d'instruction")
    rendu_complet(caf)
    tableau_caf = avis.donner(
        avis="Favorable", montant="4000", commentaire="Action utile aux familles allocataires."
    )
    expect(tableau_caf.message).to_have_text(f"Avis de {CAF} enregistré sur le dossier {NUMERO}.")

    etat = nouvelle_session("etat")
    tableau_etat = tableau_d_instruction(etat, base, contrat)
    avis = tableau_etat.ouvrir_avis(NUMERO, f"Avis · {ETAT}")
    tableau_etat = avis.donner(avis="Favorable", montant="5000")
    expect(tableau_etat.message).to_have_text(f"Avis de {ETAT} enregistré sur le dossier {NUMERO}.")

    tableau = tableau_d_instruction(page, base, contrat)
    dossier_pilote = tableau.ouvrir_dossier(NUMERO)
    expect(dossier_pilote.financement(CAF)).to_contain_text("Favorable")
    expect(dossier_pilote.financement(CAF)).to_contain_text("4 000,00 €")
    expect(dossier_pilote.financement(ETAT)).to_contain_text("5 000,00 €")
    dossier_pilote.transitionner("Proposer au comité de pilotage")
    expect(dossier_pilote.statut).to_have_text("Proposé au comité de pilotage")
    rendu_complet(page)

    # 5. The COPIL, held by the État, validates the programming in one recorded meeting.
    tableau_etat = tableau_d_instruction(etat, base, contrat)
    copil = tableau_etat.ouvrir_comite_de_pilotage()
    expect(copil.titre).to_have_text("Comité de pilotage politique")
    copil.intituler(f"COPIL politique — programmation {ANNEE}")
    copil.decider(NUMERO, "Valider")
    seance = copil.enregistrer()
    expect(seance.titre).to_have_text(f"COPIL politique — programmation {ANNEE}")
    expect(seance.message).to_contain_text("enregistrée : 1 décision(s).")
    expect(seance.decisions).to_have_count(1)
    expect(seance.decision(NUMERO)).to_contain_text("Valider")
    expect(seance.decision(NUMERO)).to_contain_text("Nadia Benali")
    rendu_complet(etat)

    # 6. The pilote establishes the conventions; each one prints as a PDF.
    dossier_pilote.page.reload()
    expect(dossier_pilote.statut).to_have_text("Validé")
    dossier_pilote.transitionner("Établir les conventions")
    expect(dossier_pilote.statut).to_have_text("Conventionné")
    expect(dossier_pilote.financement(CAF)).to_contain_text("4 000,00 €")

    def ouvrir_convention(dossier_page: PageDossier, numero: str) -> PageConventionPaiements:
        if lacunes.trouve(
            dossier_page.lien_convention(numero),
            f"Page du dossier {NUMERO} « Conventionné » : aucun lien vers la convention "
            f"{numero}, ni vers son PDF ou ses paiements (aucune page ne renvoie à "
            "/conventions/<pk>/paiements/).",
        ):
            return dossier_page.ouvrir_convention(numero)
        convention = Convention.objects.get(numero=numero)
        dossier_page.page.goto(base + PageConventionPaiements.chemin_de(convention.pk))
        return PageConventionPaiements(dossier_page.page, base)

    for numero, montant in ((CONVENTION_CAF, "4 000,00 €"), (CONVENTION_ETAT, "5 000,00 €")):
        convention = ouvrir_convention(dossier_pilote, numero)
        expect(convention.titre).to_have_text(f"Paiements de la convention n° {numero}")
        expect(convention.total("Montant de la convention")).to_have_text(montant)
        rendu_complet(page)
        # The commune finances neither convention: the pilote reads, does not pay.
        expect(page.get_by_role("button", name="Enregistrer le paiement")).to_have_count(0)
        adresse_pdf = convention.lien_pdf.get_attribute("href")
        reponse = page.request.get(base + adresse_pdf)
        assert reponse.ok
        assert reponse.headers["content-type"] == "application/pdf"
        assert reponse.body().startswith(b"%PDF-")
        dossier_pilote.page.go_back()

    # 7. Each financeur pays the advance of its own convention; the balance waits for the
    # validated bilan of the action.
    conventions = {}
    for session, numero, moitie in (
        (caf, CONVENTION_CAF, "2000"),
        (etat, CONVENTION_ETAT, "2500"),
    ):
        dossier_financeur = tableau_d_instruction(session, base, contrat).ouvrir_dossier(NUMERO)
        expect(dossier_financeur.statut).to_have_text("Conventionné")
        convention = ouvrir_convention(dossier_financeur, numero)
        convention.payer("Avance", moitie)
        expect(convention.message).to_have_text("Le paiement est enregistré.")
        expect(convention.paiements).to_have_count(1)
        expect(convention.paiements.first).to_contain_text("Avance")
        convention.payer("Solde", moitie)
        expect(session.get_by_role("main")).to_contain_text(
            "Le solde ne peut être versé qu'après validation du bilan de l'action"
        )
        expect(convention.paiements).to_have_count(1)
        conventions[numero] = (convention, moitie)

    # 8. Once the bilan is validated (its own journey: tests/e2e/test_bilans.py), each
    # financeur pays the balance.
    preparer_le_solde(Convention.objects.get(numero=CONVENTION_CAF).financement.dossier)
    for numero, (convention, moitie) in conventions.items():
        pk = Convention.objects.get(numero=numero).pk
        convention.page.goto(base + PageConventionPaiements.chemin_de(pk))
        convention.payer("Solde", moitie)
        expect(convention.message).to_have_text("Le paiement est enregistré.")
        expect(convention.paiements).to_have_count(2)
        expect(convention.total("Reste à payer")).to_have_text("0,00 €")
        expect(convention.solde_verse).to_be_visible()

    dossier_pilote.page.reload()
    expect(dossier_pilote.statut).to_have_text("Soldé")
    for etape in (
        "Création du dossier",
        "Dépôt du dossier",
        "Déclaré recevable",
        "Mise en instruction",
        "Proposition au comité de pilotage",
        "Validation par le comité de pilotage",
        "Établissement des conventions",
        "Solde du dossier",
    ):
        expect(dossier_pilote.etape(etape)).to_have_count(1)
    expect(dossier_pilote.etape("Avis d'un financeur")).to_have_count(2)
    expect(dossier_pilote.etape("Paiement enregistré")).to_have_count(4)
    expect(dossier_pilote.etape("Solde du dossier")).to_contain_text(
        "statut : Conventionné → Soldé"
    )

    vers_mes_dossiers(mes_dossiers)
    expect(mes_dossiers.ligne_dossier(ACTION)).to_contain_text("Soldé")

    # 9. Anyone reads the year's plan d'actions and its synthetic figures.
    visiteur = nouvelle_session()
    appel_public = appels_du_contrat(visiteur, base, contrat).ouvrir_appel(TITRE_APPEL)
    plan = appel_public.ouvrir_plan()
    expect(plan.titre).to_have_text(f"Plan d'actions {ANNEE}")
    rendu_complet(visiteur)
    # Each tile reads "figure, then what it counts" (two paragraphs: the rendered text).
    for description, attendu in (
        ("action programmée", "1 action programmée"),
        ("personnes ciblées", "40 personnes ciblées"),
        ("portées par des associations", "100,0 % des actions portées par des associations"),
        ("accordés au total", "9 000,00 € accordés au total"),
    ):
        expect(plan.chiffre(description)).to_have_text(attendu, use_inner_text=True)
    expect(plan.part("Qui porte les actions", "Association")).to_contain_text("100,0 %")
    expect(plan.lignes_actions).to_have_count(1)
    ligne = plan.ligne_action(ACTION)
    for attendu in (NUMERO, STRUCTURE, "Cohésion sociale", "4.4.2", "4 000,00 €", "5 000,00 €"):
        expect(ligne).to_contain_text(attendu)
    expect(ligne).to_contain_text("Soldé")
    expect(plan.ligne_action(ACTION_IRRECEVABLE)).to_have_count(0)

    assert not lacunes.constats, "Liens introuvables :\n- " + "\n- ".join(lacunes.constats)
