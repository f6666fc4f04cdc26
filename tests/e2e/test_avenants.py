"""An adhesion avenant in Chromium: the pilote proposes the adhesion of Adoma, opens the
gathering of the accords, records every signatory's letter, and reads version 2 of the
contract and its comparison with the signed contract, which shows the new partner.
axe-core finds no serious violation on the pages.

`live_server` flushes the database after the test, which asks for `contrat_charge`.
"""

import pytest
from playwright.sync_api import expect

from contrats.models import Avenant, Signataire
from historique.horloge import aujourdhui
from tests.e2e.pages import rendu_complet, violations_graves

pytestmark = pytest.mark.e2e

OBJET = "Adhésion d'Adoma"
NOUVEAU = "Adoma (Monsieur Jean DUPONT, Directeur territorial)"


def sans_violation(page, axe_js) -> None:
    rendu_complet(page)
    graves = violations_graves(page, axe_js)
    assert not graves, graves


def test_the_pilote_proposes_an_adhesion_records_the_accords_and_reads_version_2(
    nouvelle_session, live_server, contrat_charge, axe_js
):
    adresse = f"{live_server.url}/contrats/{contrat_charge.slug}/avenants/"
    pilote = nouvelle_session("pilote")
    pilote.goto(f"{live_server.url}/contrats/{contrat_charge.slug}/")
    pilote.get_by_role("link", name="Avenants et versions").click()
    expect(pilote).to_have_url(adresse)
    expect(pilote.locator("#generation-du-contrat")).to_contain_text("Contrat de ville 2015-2020")
    sans_violation(pilote, axe_js)

    pilote.get_by_role("link", name="Proposer un avenant").click()
    formulaire = pilote.locator("#form-avenant")
    formulaire.get_by_label("Règle suivie").select_option(
        label="Article 4 · Adhésion d’autres partenaires"
    )
    formulaire.get_by_label("Objet").fill(OBJET)
    formulaire.get_by_label("Exposé").fill("Adoma finance des actions d'insertion au quartier.")
    formulaire.get_by_label("Organisation qui adhère").select_option(label="Adoma")
    formulaire.get_by_label("Représentée par").fill("Monsieur Jean DUPONT")
    formulaire.get_by_label("Qualité du représentant").fill("Directeur territorial")
    sans_violation(pilote, axe_js)
    formulaire.get_by_role("button", name="Proposer l'avenant").click()

    expect(pilote.get_by_role("heading", level=1)).to_have_text(f"Avenant n° 1 : {OBJET}")
    expect(pilote.locator("#statut-avenant")).to_contain_text("Projet")
    expect(pilote.get_by_role("heading", name="Règle suivie : Article 4")).to_be_visible()
    pilote.get_by_role("button", name="Ouvrir le recueil des accords").click()
    expect(pilote.locator("#statut-avenant")).to_contain_text("Recueil des accords")
    sans_violation(pilote, axe_js)

    aujourd_hui = aujourdhui()
    for rang in range(14):
        lettre = pilote.locator("#form-accord")
        lettre.get_by_label("Organisation dont la lettre est enregistrée").select_option(index=1)
        # DSFR draws its own radio button: the label is what a person clicks.
        lettre.locator("label.fr-label").get_by_text("Accord", exact=True).click()
        lettre.get_by_label("Date de la lettre").fill(aujourd_hui.isoformat())
        lettre.get_by_role("button", name="Enregistrer la lettre").click()
        if rang < 13:
            expect(pilote.get_by_role("status")).to_contain_text(f"Encore {13 - rang} accord")

    expect(pilote.get_by_role("status")).to_contain_text(
        "l'avenant n° 1 est accepté : il fait la version 2 du contrat"
    )
    expect(pilote.locator("#statut-avenant")).to_contain_text("Accepté")
    expect(pilote.locator("#form-accord")).to_have_count(0)
    expect(pilote.locator("#accord-etat")).to_contain_text(f"{aujourd_hui:%d/%m/%Y}")
    sans_violation(pilote, axe_js)
    avenant = Avenant.objects.get(contrat=contrat_charge, numero=1)
    assert avenant.statut == Avenant.Statut.ACCEPTE
    assert Signataire.objects.filter(contrat=contrat_charge, organisation__code="adoma").exists()

    pilote.get_by_role("link", name="Lire la version 2").click()
    expect(pilote.get_by_role("heading", level=1)).to_have_text("Version 2 du contrat")
    expect(pilote.locator("#contenu-version")).to_contain_text(NOUVEAU)
    sans_violation(pilote, axe_js)

    pilote.get_by_role("link", name="Ce qui a changé depuis la version 1").click()
    expect(pilote.get_by_role("heading", name="De la version 1 à la version 2")).to_be_visible()
    ligne = pilote.locator("#table-comparaison tr", has_text="Signataires")
    expect(ligne).to_contain_text(f"Ajouté : {NOUVEAU}")
    sans_violation(pilote, axe_js)

    public = nouvelle_session()
    public.goto(adresse)
    expect(public.locator("#version-2")).to_contain_text(OBJET)
    expect(public.get_by_role("link", name="Proposer un avenant")).to_have_count(0)
