"""Corrections without erasure: a payment cancelled by a counter-entry, a decision reversed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gouvernance.models import Decision
from historique.horloge import aujourdhui
from programmation.forms.champs import lire_montant
from programmation.models import CodeTransition, Dossier, Financement, Paiement, Statut
from programmation.services.comites import DecisionDemandee
from programmation.services.corrections import revenir_sur_decision
from programmation.services.erreurs import DonneesInvalides, TransitionInterdite
from programmation.services.paiements import annuler_paiement, enregistrer_paiement, total_paye
from programmation.services.seances import tenir_comite
from programmation.tests import outils

MOTIF = "Saisi deux fois par erreur"


def _avance(convention, montant="1000"):
    return enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.AVANCE,
        montant=Decimal(montant),
        date=aujourdhui(),
        acteur=outils.instructeur_de(convention.financement),
    )


def test_a_cancelled_payment_stays_with_its_counter_entry_and_totals_follow(db):
    convention = outils.convention_de(outils.dossier_conventionne())
    paiement = _avance(convention)
    agent = outils.instructeur_de(convention.financement)
    contre = annuler_paiement(paiement=paiement, motif=MOTIF, acteur=agent)
    paiement.refresh_from_db()
    assert paiement.annule and Paiement.objects.filter(pk=paiement.pk).exists()
    assert (contre.montant, contre.motif, contre.contre_passation_de) == (
        Decimal("-1000.00"),
        MOTIF,
        paiement,
    )
    assert total_paye(convention) == Decimal(0)
    assert "convention.paiement_annule" in outils.actions_de(convention.financement.dossier)


def test_cancelling_the_balance_of_a_closed_dossier_reopens_it(db):
    dossier = outils.dossier_au_statut(Statut.SOLDE)
    convention = outils.convention_de(dossier)
    solde = convention.paiements.get(nature=Paiement.Nature.SOLDE)
    agent = outils.instructeur_de(convention.financement)
    annuler_paiement(paiement=solde, motif=MOTIF, acteur=agent)
    dossier.refresh_from_db()
    assert dossier.statut == Statut.CONVENTIONNE
    assert dossier.transitions.latest("horodatage", "id").transition == CodeTransition.ROUVRIR
    enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.SOLDE,
        montant=convention.montant,
        date=aujourdhui(),
        acteur=agent,
    )
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.SOLDE


def test_a_payment_is_cancelled_once_and_a_counter_entry_never(db):
    convention = outils.convention_de(outils.dossier_conventionne())
    agent = outils.instructeur_de(convention.financement)
    contre = annuler_paiement(paiement=_avance(convention), motif=MOTIF, acteur=agent)
    with pytest.raises(TransitionInterdite, match="Ce paiement est déjà annulé"):
        annuler_paiement(paiement=contre.contre_passation_de, motif=MOTIF, acteur=agent)
    with pytest.raises(TransitionInterdite, match="Une contre-passation ne s'annule pas"):
        annuler_paiement(paiement=contre, motif=MOTIF, acteur=agent)
    assert convention.paiements.count() == 2


def test_a_cancellation_without_a_motif_is_refused_and_changes_nothing(db):
    convention = outils.convention_de(outils.dossier_conventionne())
    paiement = _avance(convention)
    with pytest.raises(DonneesInvalides, match="Indiquez le motif de l'annulation du paiement"):
        annuler_paiement(
            paiement=paiement, motif="  ", acteur=outils.instructeur_de(convention.financement)
        )
    paiement.refresh_from_db()
    assert not paiement.annule and convention.paiements.count() == 1


def test_another_financeur_cannot_cancel_the_payment(db, autre_financeur):
    convention = outils.convention_de(outils.dossier_conventionne())
    paiement = _avance(convention)
    reponse = outils.client_de(autre_financeur).post(
        reverse("programmation:annulation_paiement", args=[paiement.pk]), {"motif": MOTIF}
    )
    assert reponse.status_code == 403
    assert not Paiement.objects.get(pk=paiement.pk).annule


def test_the_payments_page_cancels_and_shows_both_rows(db):
    convention = outils.convention_de(outils.dossier_conventionne())
    paiement = _avance(convention, "1234.5")
    client = outils.client_de(outils.instructeur_de(convention.financement))
    reponse = client.post(
        reverse("programmation:annulation_paiement", args=[paiement.pk]), {"motif": MOTIF}
    )
    assert reponse.status_code == 302
    page = outils.texte(client.get(reponse["Location"]))
    assert "Annulation d'un paiement" in page and f"motif : {MOTIF}" in page
    assert "-1\u202f234,50\u00a0€" in page


@pytest.mark.parametrize("decalage", [timedelta(days=1), -timedelta(days=4000)])
def test_a_payment_date_outside_the_convention_and_today_is_refused(db, decalage):
    convention = outils.convention_de(outils.dossier_conventionne())
    with pytest.raises(DonneesInvalides, match="La date du paiement doit être comprise"):
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.AVANCE,
            montant=Decimal("10"),
            date=aujourdhui() + decalage,
            acteur=outils.instructeur_de(convention.financement),
        )
    assert not convention.paiements.exists()


def test_an_amount_over_the_grant_is_refused_with_french_amounts(db):
    convention = outils.convention_de(outils.dossier_conventionne())
    with pytest.raises(DonneesInvalides) as refus:
        _avance(convention, "999999")
    assert "999\u202f999,00\u00a0€" in refus.value.message
    assert "3\u202f500,00\u00a0€" in refus.value.message


def _copil(dossier, code):
    contrat = dossier.appel.contrat
    return tenir_comite(
        instance=contrat.instances.get(nature="copil_politique"),
        date=aujourdhui(),
        titre="COPIL",
        decisions=[DecisionDemandee(dossier, code, "" if code == "valider" else "Hors sujet")],
        acteur=outils.pilote_du(contrat),
    )


def test_a_validation_reversed_goes_back_to_the_committee_and_grants_nothing(db, pilote):
    dossier = outils.dossier_propose()
    seance = _copil(dossier, CodeTransition.VALIDER)
    assert Financement.objects.filter(dossier=dossier, montant_accorde__isnull=False).exists()
    resultat = revenir_sur_decision(dossier=dossier, motif="Erreur de ligne", acteur=pilote)
    assert resultat.statut == Statut.PROPOSE
    assert not Financement.objects.filter(dossier=dossier, montant_accorde__isnull=False).exists()
    decisions = list(Decision.objects.filter(seance=seance).values_list("decision", "motif"))
    assert decisions == [("valider", ""), ("revenir_sur_decision", "Erreur de ligne")]


def test_an_inadmissibility_reversed_goes_back_to_deposited(db, pilote):
    dossier = outils.dossier_depose()
    contrat = dossier.appel.contrat
    tenir_comite(
        instance=contrat.instances.get(nature="comite_recevabilite"),
        date=aujourdhui(),
        titre="Recevabilité",
        decisions=[DecisionDemandee(dossier, CodeTransition.DECLARER_IRRECEVABLE, "Hors QPV")],
        acteur=pilote,
    )
    resultat = revenir_sur_decision(dossier=dossier, motif="Adresse mal lue", acteur=pilote)
    assert resultat.statut == Statut.DEPOSE


def test_a_decision_not_taken_in_committee_cannot_be_reversed(db, pilote):
    dossier = outils.dossier_en_instruction()
    with pytest.raises(TransitionInterdite):
        revenir_sur_decision(dossier=dossier, motif="Erreur", acteur=pilote)
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.EN_INSTRUCTION


def test_only_the_pilotage_reverses_a_decision(db, financeur):
    dossier = outils.dossier_propose()
    _copil(dossier, CodeTransition.VALIDER)
    reponse = outils.client_de(financeur).post(
        reverse("programmation:revenir_sur_decision", args=[dossier.pk]),
        {"version": Dossier.objects.get(pk=dossier.pk).version, "motif": "Erreur"},
    )
    assert reponse.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.VALIDE


@pytest.mark.parametrize(
    ("saisi", "lu"),
    [
        ("1234,56", "1234.56"),
        ("1 234,5", "1234.5"),
        ("1\u202f234", "1234"),
        ("12 €", "12"),
        ("12.5", "12.5"),
    ],
)
def test_amounts_are_read_in_french_notation(saisi, lu):
    assert lire_montant(saisi) == Decimal(lu)


@pytest.mark.parametrize("saisi", ["1e3", "1.234,56", "1.234", "１２３", "١٢٣", "12,345", "-1e3"])
def test_amounts_in_another_notation_are_refused(saisi):
    with pytest.raises(ValidationError) as refus:
        lire_montant(saisi)
    assert refus.value.messages == [
        "Saisissez un montant en euros en notation française, par exemple 1 234,56."
    ]


def test_a_negative_amount_is_refused_as_such():
    with pytest.raises(ValidationError) as refus:
        lire_montant("-5,00")
    assert refus.value.messages == ["Le montant ne peut pas être négatif."]
