"""The bilan of a funded action, from expected to validated, through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from historique.selectors import historique_de
from programmation.models import Paiement, Statut
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from programmation.services.paiements import enregistrer_paiement
from programmation.tests.outils import instructeur_de, payer_les_soldes, pilote_du, porteur_du
from suivi.models import Bilan, CodeTransitionBilan, OrdreDeReversement, StatutBilan
from suivi.services.bilans import bilan_du_dossier, bilans_attendus, transitionner_bilan
from suivi.tests import outils

pytestmark = pytest.mark.django_db


def test_a_funded_dossier_has_one_expected_bilan_due_six_months_after_its_year():
    dossier = outils.dossier_finance()
    bilan = bilan_du_dossier(dossier)
    assert bilan.statut == StatutBilan.ATTENDU
    assert bilan.annee == dossier.appel.annee
    assert bilan.date_limite == date(dossier.appel.annee + 1, 6, 30)
    assert bilan_du_dossier(dossier) == bilan
    assert bilans_attendus(dossier.appel.contrat).filter(dossier=dossier).count() == 1


def test_a_dossier_not_yet_funded_has_no_bilan():
    from programmation.tests.outils import dossier_valide

    dossier = dossier_valide()
    assert bilan_du_dossier(dossier) is None
    assert not Bilan.objects.filter(dossier=dossier).exists()


def test_porteur_files_bilan_pilote_asks_correction_porteur_redeposits_pilote_validates():
    bilan = outils.bilan_a_corriger()
    assert bilan.statut == StatutBilan.A_CORRIGER
    assert bilan.motif_decision == outils.MOTIF
    bilan = outils.deposer(bilan)
    bilan = transitionner_bilan(
        bilan=bilan,
        transition=CodeTransitionBilan.VALIDER,
        acteur=pilote_du(bilan.dossier.appel.contrat),
    )
    assert bilan.statut == StatutBilan.VALIDE
    chaine = list(bilan.transitions.order_by("horodatage", "id").values_list("de", "vers"))
    assert chaine == [
        ("attendu", "depose"),
        ("depose", "a_corriger"),
        ("a_corriger", "depose"),
        ("depose", "valide"),
    ]
    actions = [e.action for e in historique_de(bilan)]
    assert actions.count("bilan.deposer") == 2 and "bilan.valider" in actions


def test_each_transition_emails_the_porteurs_after_commit(django_capture_on_commit_callbacks):
    bilan = outils.bilan_attendu()
    outils.remplir(bilan)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        outils.deposer(bilan)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Le bilan de votre dossier {bilan.dossier.numero} est déposé"
    assert mail.outbox[0].to == [porteur_du(bilan.dossier).email]


def test_a_gap_above_15_percent_without_explanation_refuses_the_deposit_naming_the_account():
    bilan = outils.bilan_attendu()
    outils.remplir(bilan, lignes={"64": (Decimal("1"), "")})
    with pytest.raises(DonneesInvalides) as erreur:
        outils.deposer(bilan)
    assert any("64 – Charges de personnel" in d for d in erreur.value.details)
    assert outils.relire(bilan).statut == StatutBilan.ATTENDU
    assert not bilan.transitions.exists()


def test_an_explained_gap_lets_the_bilan_be_deposited():
    bilan = outils.bilan_attendu()
    outils.remplir(bilan, lignes={"64": (Decimal("1"), "Intervenant bénévole cette année.")})
    assert outils.deposer(bilan).statut == StatutBilan.DEPOSE


def test_an_incomplete_bilan_is_refused_with_every_missing_piece():
    bilan = outils.bilan_attendu()
    with pytest.raises(DonneesInvalides) as erreur:
        outils.deposer(bilan)
    details = " ".join(erreur.value.details)
    assert "décrivez ce qui a été réalisé" in details
    assert "Attestation" in details
    assert outils.relire(bilan).statut == StatutBilan.ATTENDU


def test_porteur_cannot_validate_and_financeur_cannot_validate_but_may_ask_corrections(
    financeur,
):
    bilan = outils.bilan_depose()
    with pytest.raises(DroitInsuffisant):
        transitionner_bilan(bilan=bilan, transition="valider", acteur=porteur_du(bilan.dossier))
    with pytest.raises(DroitInsuffisant):
        transitionner_bilan(bilan=bilan, transition="valider", acteur=financeur)
    assert outils.relire(bilan).statut == StatutBilan.DEPOSE
    bilan = transitionner_bilan(
        bilan=bilan, transition="demander_corrections", acteur=financeur, motif="Annexe ?"
    )
    assert bilan.statut == StatutBilan.A_CORRIGER


def test_asking_corrections_needs_a_motif(pilote):
    bilan = outils.bilan_depose()
    with pytest.raises(DonneesInvalides):
        transitionner_bilan(bilan=bilan, transition="demander_corrections", acteur=pilote)
    assert outils.relire(bilan).statut == StatutBilan.DEPOSE


def test_a_pilote_member_of_the_structure_is_in_deport_on_its_bilan(pilote):
    bilan = outils.bilan_depose()
    from comptes.models import Role
    from contrats.services import attribuer_habilitation

    attribuer_habilitation(
        utilisateur=pilote,
        contrat=bilan.dossier.appel.contrat,
        role=Role.PORTEUR,
        organisation=bilan.dossier.structure.organisation,
    )
    with pytest.raises(DroitInsuffisant) as erreur:
        transitionner_bilan(bilan=bilan, transition="valider", acteur=pilote)
    assert "déportez" in erreur.value.message
    assert outils.relire(bilan).statut == StatutBilan.DEPOSE


def test_the_balance_cannot_be_paid_before_the_bilan_is_validated():
    dossier = outils.dossier_finance()
    convention = dossier.financements.get(financeur__code="caf").convention
    avant = Paiement.objects.count()
    with pytest.raises(TransitionInterdite) as erreur:
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.SOLDE,
            montant=Decimal("1750"),
            date=date.today(),
            acteur=instructeur_de(convention.financement),
        )
    assert erreur.value.message.startswith(
        "Le solde ne peut être versé qu'après validation du bilan"
    )
    assert Paiement.objects.count() == avant
    outils.bilan_valide(dossier)
    enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.SOLDE,
        montant=Decimal("1750"),
        date=date.today(),
        acteur=instructeur_de(convention.financement),
    )
    assert Paiement.objects.count() == avant + 1


def test_the_programmation_builder_validates_the_bilan_before_paying_the_balance():
    dossier = outils.dossier_finance()
    payer_les_soldes(dossier)
    dossier.refresh_from_db()
    assert dossier.statut == Statut.SOLDE
    assert dossier.bilan.statut == StatutBilan.VALIDE


def test_non_realisation_turns_the_advances_paid_into_ordres_de_reversement(pilote):
    dossier = outils.dossier_finance()
    bilan = outils.bilan_attendu(dossier)
    bilan = transitionner_bilan(
        bilan=bilan,
        transition="attester_non_realisation",
        acteur=porteur_du(dossier),
        motif="Intervenant parti.",
    )
    assert not OrdreDeReversement.objects.filter(bilan=bilan).exists()
    transitionner_bilan(bilan=bilan, transition="valider", acteur=pilote)
    ordres = OrdreDeReversement.objects.filter(bilan=bilan).order_by("montant")
    # Half of 3 500 € (CAF) and of 5 000 € (État) were paid as advances.
    assert [o.montant for o in ordres] == [Decimal("1750.00"), Decimal("2500.00")]
    assert sum(o.montant for o in ordres) == outils.total_paye_du_dossier(dossier)
    assert all("Intervenant parti." in o.motif for o in ordres)
    assert [e.action for e in historique_de(bilan)].count("bilan.ordre_de_reversement") == 2
    convention = dossier.financements.get(financeur__code="caf").convention
    with pytest.raises(TransitionInterdite) as erreur:
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.SOLDE,
            montant=Decimal("1750"),
            date=date.today(),
            acteur=instructeur_de(convention.financement),
        )
    assert "pas été réalisée" in erreur.value.message


def test_a_validated_bilan_accepts_no_transition(pilote):
    bilan = outils.bilan_valide()
    with pytest.raises(TransitionInterdite):
        transitionner_bilan(
            bilan=bilan, transition="demander_corrections", acteur=pilote, motif="Encore"
        )
    assert outils.relire(bilan).statut == StatutBilan.VALIDE


def test_porteur_cannot_enter_another_structures_bilan(autre_porteur):
    bilan = outils.bilan_attendu()
    with pytest.raises(DroitInsuffisant):
        outils.remplir(bilan, acteur=autre_porteur)
    assert outils.relire(bilan).realisation == ""
    assert not bilan.lignes.exists()
