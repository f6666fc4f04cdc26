"""Conventions (PDF) and payments through the pages."""

import re
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmation import documents
from programmation.models import Convention, Paiement, Statut
from programmation.tests.outils import (
    INDEFINI,
    actions_de,
    client_de,
    convention_de,
    dossier_conventionne,
    porteur_du,
    preparer_le_solde,
    texte,
    verifier_refus,
)

# Payments are dated between the convention (made today) and today.
AUJOURDHUI = timezone.localdate()
JOUR = AUJOURDHUI.isoformat()

pytestmark = pytest.mark.django_db


def url_pdf(convention: Convention) -> str:
    return reverse("programmation:convention_pdf", args=[convention.pk])


def url_paiements(convention: Convention) -> str:
    return reverse("programmation:convention_paiements", args=[convention.pk])


# --- Convention PDF --------------------------------------------------------------------------


def test_convention_text_is_laid_out_in_french():
    dossier = dossier_conventionne(caf="4000")
    convention = convention_de(dossier)
    structure = dossier.structure

    html = documents.convention_html(convention)

    assert INDEFINI not in html
    assert f"CONVENTION DE FINANCEMENT n° {convention.numero}" in html
    assert "La Caisse d’Allocations Familiales" in html
    assert "Monsieur Robert LIGIER" in html  # the CAF's signatory of the contract
    assert structure.organisation.nom in html
    assert structure.siret in html and structure.rna in html
    assert structure.representant_nom in html and structure.representant_qualite in html
    assert dossier.intitule in html
    for objectif in dossier.objectifs_operationnels.all():
        assert objectif.numero in html
    assert "4\u202f000,00\u00a0€" in html
    assert "Avance (50 %)" in html and "Solde" in html
    assert "2\u202f000,00\u00a0€" in html
    date = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Fait à Villiers-sur-Marne, le {date}" in html
    assert "Pour le financeur" in html and "Pour le porteur" in html


def _objets_du_pdf(contenu: bytes) -> bytes:
    """The PDF's objects in clear: WeasyPrint compresses them in object streams."""
    morceaux = [contenu]
    # Each stream read by its declared length: its compressed bytes may end with a CR or LF
    # that a search for "endstream" would take for the line break before it.
    for entete in re.finditer(rb"/Length (\d+)>>\s*stream\r?\n", contenu):
        flux = contenu[entete.end() : entete.end() + int(entete.group(1))]
        try:
            morceaux.append(zlib.decompress(flux))
        except zlib.error:
            continue
    return b"".join(morceaux)


@pytest.mark.parametrize("nom", ["pilote", "etat", "financeur", "porteur_du_dossier"])
def test_convention_pdf_is_served_to_those_it_concerns(nom, personne):
    dossier = dossier_conventionne()
    convention = convention_de(dossier)
    lecteur = porteur_du(dossier) if nom == "porteur_du_dossier" else personne(nom)

    reponse = client_de(lecteur).get(url_pdf(convention))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert f"convention-{convention.numero}.pdf" in reponse["Content-Disposition"]
    contenu = reponse.content
    assert contenu.startswith(b"%PDF")
    assert len(contenu) > 2000
    objets = _objets_du_pdf(contenu)
    assert re.search(rb"/Type\s*/Page\b", objets)
    assert b"Marianne" in objets


@pytest.mark.parametrize("nom", ["porteur", "membre", "autre_financeur", "anonyme"])
def test_convention_pdf_is_refused_to_others(nom, personne):
    convention = convention_de(dossier_conventionne())

    verifier_refus(client_de(personne(nom)).get(url_pdf(convention)), nom)


def test_caf_agent_cannot_read_the_state_convention(financeur):
    dossier = dossier_conventionne()
    assert client_de(financeur).get(url_pdf(convention_de(dossier, "etat"))).status_code == 403


def test_unknown_convention_is_not_found(pilote):
    assert (
        client_de(pilote).get(reverse("programmation:convention_pdf", args=[999999])).status_code
        == 404
    )


# --- Payments --------------------------------------------------------------------------------


def test_payments_page_shows_totals_and_the_form_to_the_financeur(financeur):
    convention = convention_de(dossier_conventionne(caf="4000"))

    reponse = client_de(financeur).get(url_paiements(convention))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert INDEFINI not in page
    assert "Aucun paiement pour le moment." in page
    assert page.count("4\u202f000,00\u00a0€") >= 2  # montant et reste à payer
    assert 'name="montant"' in page and 'name="nature"' in page
    assert url_pdf(convention) in page


@pytest.mark.parametrize("nom", ["pilote", "etat", "porteur_du_dossier"])
def test_payments_page_is_readable_without_form_by_others_concerned(nom, personne):
    dossier = dossier_conventionne()
    convention = convention_de(dossier)
    lecteur = porteur_du(dossier) if nom == "porteur_du_dossier" else personne(nom)

    reponse = client_de(lecteur).get(url_paiements(convention))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert INDEFINI not in page
    assert 'name="montant"' not in page


def test_financeur_records_an_advance(financeur):
    dossier = dossier_conventionne(caf="4000")
    convention = convention_de(dossier)
    client = client_de(financeur)

    reponse = client.post(
        url_paiements(convention),
        {"nature": "avance", "montant": "2 000,00", "date": JOUR},
    )

    assert reponse.status_code == 302
    paiement = convention.paiements.get()
    assert (paiement.nature, paiement.montant, str(paiement.date)) == (
        "avance",
        Decimal("2000"),
        JOUR,
    )
    assert paiement.acteur == financeur
    assert "convention.paiement" in actions_de(dossier)
    page = texte(client.get(reponse["Location"]))
    assert "Le paiement est enregistré." in page
    assert f"{AUJOURDHUI:%d/%m/%Y}" in page
    assert page.count("2\u202f000,00\u00a0€") >= 3  # le paiement, le total payé, le reste
    dossier.refresh_from_db()
    assert dossier.statut == Statut.CONVENTIONNE


def test_overpayment_is_refused_and_nothing_is_saved(financeur):
    dossier = dossier_conventionne(caf="4000")
    convention = convention_de(dossier)
    Paiement.objects.create(
        convention=convention,
        nature="avance",
        montant=Decimal("3000"),
        date=timezone.localdate(),
        acteur=financeur,
    )
    evenements = len(actions_de(dossier))

    reponse = client_de(financeur).post(
        url_paiements(convention),
        {"nature": "solde", "montant": "1500", "date": JOUR},
    )

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "dépasserait le montant accordé" in page
    assert "Rien n'a été enregistré" in page
    assert convention.paiements.count() == 1
    assert len(actions_de(dossier)) == evenements
    dossier.refresh_from_db()
    assert dossier.statut == Statut.CONVENTIONNE


@pytest.mark.parametrize(
    "donnees, message",
    [
        ({"nature": "avance", "montant": "0"}, "Le montant d'un paiement est supérieur à 0,00 €."),
        ({"nature": "avance", "montant": "-5"}, "Le montant ne peut pas être négatif."),
        ({"nature": "avance", "montant": "mille"}, "en notation française, par exemple 1 234,56"),
        ({"nature": "acompte", "montant": "100"}, "Sélectionnez un choix valide"),
        ({"nature": "avance", "montant": "100", "date": "demain"}, "Saisissez une date valide."),
        ({"nature": "avance", "montant": "100", "date": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_payment_shows_a_french_message_and_saves_nothing(donnees, message, financeur):
    dossier = dossier_conventionne()
    convention = convention_de(dossier)

    reponse = client_de(financeur).post(url_paiements(convention), {"date": JOUR, **donnees})

    assert reponse.status_code == 200
    assert message in texte(reponse)
    assert not convention.paiements.exists()
    assert "convention.paiement" not in actions_de(dossier)


def test_the_last_balance_closes_the_dossier(etat):
    # The CAF's avis is unfavourable: the État's convention is the dossier's only one.
    dossier = dossier_conventionne(etat="5000", avis_caf="defavorable")
    assert Convention.objects.filter(financement__dossier=dossier).count() == 1
    preparer_le_solde(dossier)  # the balance waits for the validated bilan (suivi)
    convention = convention_de(dossier, "etat")
    client = client_de(etat)

    avance = client.post(
        url_paiements(convention),
        {"nature": "avance", "montant": "2500", "date": JOUR},
    )
    assert avance.status_code == 302
    dossier.refresh_from_db()
    assert dossier.statut == Statut.CONVENTIONNE
    reponse = client.post(
        url_paiements(convention),
        {"nature": "solde", "montant": "2500", "date": JOUR},
    )

    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.statut == Statut.SOLDE
    assert "dossier.solder" in actions_de(dossier)
    assert convention.paiements.count() == 2
    page = texte(client.get(reponse["Location"]))
    assert "Le solde est versé" in page
    assert "Soldé" in page
    assert 'name="montant"' not in page


def test_the_last_balance_recorded_by_a_financeur_agent_closes_the_dossier(financeur):
    dossier = dossier_conventionne(caf="4000", avis_etat="defavorable")
    preparer_le_solde(dossier)
    convention = convention_de(dossier)
    client = client_de(financeur)

    reponse = client.post(
        url_paiements(convention),
        {"nature": "solde", "montant": "4000", "date": JOUR},
    )

    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.statut == Statut.SOLDE


def test_payment_after_the_balance_is_refused(financeur):
    dossier = dossier_conventionne(caf="4000")
    preparer_le_solde(dossier)
    convention = convention_de(dossier)
    client = client_de(financeur)
    client.post(
        url_paiements(convention),
        {"nature": "solde", "montant": "3000", "date": JOUR},
    )
    dossier.refresh_from_db()
    assert dossier.statut == Statut.CONVENTIONNE  # the État's convention is not paid yet

    reponse = client.post(
        url_paiements(convention),
        {"nature": "avance", "montant": "100", "date": JOUR},
    )

    assert "Cette convention est soldée" in texte(reponse)
    assert convention.paiements.count() == 1


@pytest.mark.parametrize("nom", ["porteur", "membre", "autre_financeur", "anonyme"])
def test_payments_page_is_refused_to_others(nom, personne):
    convention = convention_de(dossier_conventionne())
    client = client_de(personne(nom))

    verifier_refus(client.get(url_paiements(convention)), nom)
    verifier_refus(
        client.post(
            url_paiements(convention),
            {"nature": "avance", "montant": "10", "date": JOUR},
        ),
        nom,
    )

    assert not convention.paiements.exists()


@pytest.mark.parametrize("nom", ["pilote", "porteur_du_dossier", "agent_financeur_etat"])
def test_readers_who_do_not_pay_this_convention_cannot_post_a_payment(nom, personne):
    dossier = dossier_conventionne()
    convention = convention_de(dossier)
    lecteur = porteur_du(dossier) if nom == "porteur_du_dossier" else personne(nom)

    reponse = client_de(lecteur).post(
        url_paiements(convention),
        {"nature": "avance", "montant": "10", "date": JOUR},
    )

    assert reponse.status_code == 403
    assert not convention.paiements.exists()


def test_etat_records_the_payments_of_the_state_convention(etat):
    dossier = dossier_conventionne(etat="5000")
    convention = convention_de(dossier, "etat")

    reponse = client_de(etat).post(
        url_paiements(convention),
        {"nature": "avance", "montant": "2500", "date": JOUR},
    )

    assert reponse.status_code == 302
    assert convention.paiements.get().montant == Decimal("2500")
