"""A member of a structure porteuse never judges nor pays that structure's dossiers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Role
from contrats.services import attribuer_habilitation
from historique.horloge import aujourdhui
from programmation.models import CodeTransition, Dossier, Financement, Paiement, Statut
from programmation.permissions import MOTIF_DEPORT
from programmation.services.comites import DecisionDemandee
from programmation.services.erreurs import DroitInsuffisant
from programmation.services.instruction import donner_avis
from programmation.services.paiements import enregistrer_paiement
from programmation.services.seances import tenir_comite
from programmation.services.transitions import transitionner
from programmation.tests import outils


def _membre_de_la_structure(utilisateur, dossier):
    attribuer_habilitation(
        utilisateur=utilisateur,
        contrat=dossier.appel.contrat,
        role=Role.PORTEUR,
        organisation=dossier.structure.organisation,
    )
    return utilisateur


def test_a_caf_agent_of_the_structure_cannot_give_its_avis(db, financeur):
    dossier = outils.dossier_en_instruction()
    _membre_de_la_structure(financeur, dossier)
    caf = outils.financement(dossier, "caf")
    with pytest.raises(DroitInsuffisant) as refus:
        donner_avis(
            financement=caf,
            acteur=financeur,
            avis=Financement.Avis.FAVORABLE,
            montant_propose=Decimal("4000"),
            commentaire="",
            version=caf.version,
        )
    assert refus.value.message == MOTIF_DEPORT
    assert Financement.objects.get(pk=caf.pk).avis == Financement.Avis.EN_ATTENTE


def test_a_pilote_of_the_structure_cannot_decide_on_its_dossier(db, pilote, etat):
    dossier = outils.dossier_depose()
    _membre_de_la_structure(pilote, dossier)
    with pytest.raises(DroitInsuffisant) as refus:
        transitionner(dossier=dossier, transition=CodeTransition.DECLARER_RECEVABLE, acteur=pilote)
    assert refus.value.message == MOTIF_DEPORT
    transitionner(dossier=dossier, transition=CodeTransition.DECLARER_RECEVABLE, acteur=etat)
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.RECEVABLE


def test_a_committee_with_a_deported_dossier_records_nothing(db, pilote):
    dossier = outils.dossier_depose()
    autre = outils.dossier_depose()
    _membre_de_la_structure(pilote, dossier)
    with pytest.raises(DroitInsuffisant, match="vous déportez"):
        tenir_comite(
            instance=dossier.appel.contrat.instances.get(nature="comite_recevabilite"),
            date=aujourdhui(),
            titre="Recevabilité",
            decisions=[
                DecisionDemandee(autre, CodeTransition.DECLARER_RECEVABLE),
                DecisionDemandee(dossier, CodeTransition.DECLARER_RECEVABLE),
            ],
            acteur=pilote,
        )
    assert Dossier.objects.get(pk=autre.pk).statut == Statut.DEPOSE


def test_a_financeur_of_the_structure_cannot_pay_its_convention(db, financeur):
    dossier = outils.dossier_conventionne()
    _membre_de_la_structure(financeur, dossier)
    convention = outils.convention_de(dossier)
    with pytest.raises(DroitInsuffisant) as refus:
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.AVANCE,
            montant=Decimal("100"),
            date=aujourdhui(),
            acteur=financeur,
        )
    assert refus.value.message == MOTIF_DEPORT
    assert not convention.paiements.exists()


def test_the_dossier_page_says_why_and_offers_no_decision(db, pilote):
    dossier = outils.dossier_depose()
    _membre_de_la_structure(pilote, dossier)
    page = outils.texte(
        outils.client_de(pilote).get(reverse("programmation:dossier", args=[dossier.pk]))
    )
    assert f"Déport : {MOTIF_DEPORT}" in page
    assert "Déclarer recevable" not in page


def test_a_financeur_outside_the_structure_sees_no_deport_notice(db, financeur):
    dossier = outils.dossier_en_instruction()
    page = outils.texte(
        outils.client_de(financeur).get(reverse("programmation:dossier", args=[dossier.pk]))
    )
    assert "Déport" not in page
