"""Coherence checked by the services: bad dates and choices get a French message, no change."""

from datetime import date, timedelta

import pytest

from historique.horloge import aujourdhui
from programmation.models import AppelAProjets, CodeTransition, Dossier, Statut
from programmation.services.appels import DonneesAppel, creer_appel
from programmation.services.comites import DecisionDemandee
from programmation.services.dossiers import SectionAction, creer_dossier, modifier_action
from programmation.services.erreurs import DonneesInvalides, TransitionInterdite
from programmation.services.seances import tenir_comite
from programmation.tests import outils
from programmation.tests.factories import AppelFactory, DossierFactory, StructureFactory


def _donnees(annee: int) -> DonneesAppel:
    return DonneesAppel(
        annee=annee,
        titre=f"Appel {annee}",
        date_ouverture=date(annee, 3, 1),
        date_cloture=date(annee, 4, 15),
        priorites="",
        criteres=[],
    )


@pytest.mark.parametrize("annee", [2014, 2021])
def test_a_call_outside_the_contract_period_is_refused(villiers, pilote, annee):
    with pytest.raises(DonneesInvalides) as refus:
        creer_appel(contrat=villiers, donnees=_donnees(annee), acteur=pilote)
    assert refus.value.message == (
        f"L'année {annee} est hors de la période du contrat (2015-2020) : un appel à projets "
        "programme une année du contrat."
    )
    assert not AppelAProjets.objects.filter(contrat=villiers, annee=annee).exists()


def test_a_call_inside_the_contract_period_is_opened(villiers, pilote):
    appel = creer_appel(contrat=villiers, donnees=_donnees(2019), acteur=pilote)
    assert (appel.annee, appel.contrat) == (2019, villiers)


def test_no_dossier_is_created_on_a_closed_call(db):
    appel = AppelFactory(
        date_ouverture=aujourdhui() - timedelta(days=30),
        date_cloture=aujourdhui() - timedelta(days=1),
    )
    structure = StructureFactory()
    porteur = outils.porteur_de(structure)
    with pytest.raises(TransitionInterdite, match="aucun dossier ne peut plus y être créé"):
        creer_dossier(appel=appel, structure=structure, intitule="Trop tard", acteur=porteur)
    assert not Dossier.objects.filter(appel=appel).exists()


def test_no_draft_is_changed_once_its_call_is_closed(db):
    dossier = DossierFactory(complet=True)
    AppelAProjets.objects.filter(pk=dossier.appel_id).update(
        date_cloture=aujourdhui() - timedelta(days=1)
    )
    dossier.refresh_from_db()
    with pytest.raises(TransitionInterdite, match="ne peut plus être modifié"):
        modifier_action(
            dossier=dossier,
            section=SectionAction(
                valeurs={"intitule": "Autre"}, objectifs_operationnels=[], axes=[]
            ),
            acteur=outils.porteur_du(dossier),
            version=dossier.version,
        )
    assert Dossier.objects.get(pk=dossier.pk).intitule == dossier.intitule


def _recevabilite(dossier, jour):
    contrat = dossier.appel.contrat
    return tenir_comite(
        instance=contrat.instances.get(nature="comite_recevabilite"),
        date=jour,
        titre="Recevabilité",
        decisions=[DecisionDemandee(dossier, CodeTransition.DECLARER_RECEVABLE)],
        acteur=outils.pilote_du(contrat),
    )


def test_a_meeting_in_the_future_records_nothing(db):
    dossier = outils.dossier_depose()
    with pytest.raises(DonneesInvalides, match="n'a pas encore eu lieu"):
        _recevabilite(dossier, aujourdhui() + timedelta(days=1))
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.DEPOSE


def test_a_meeting_before_the_call_opened_records_nothing(db):
    dossier = outils.dossier_depose()
    with pytest.raises(DonneesInvalides, match="précède l'ouverture des dépôts"):
        _recevabilite(dossier, dossier.appel.date_ouverture - timedelta(days=1))
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.DEPOSE


def test_objectives_of_another_pillar_are_refused(db):
    dossier = DossierFactory(complet=True)
    contrat = dossier.appel.contrat
    pilier_4 = contrat.piliers.get(numero="4")
    objectif_2 = contrat.piliers.get(numero="2").domaines.first().objectifs.first()
    with pytest.raises(DonneesInvalides) as refus:
        modifier_action(
            dossier=dossier,
            section=SectionAction(
                valeurs={"pilier": pilier_4}, objectifs_operationnels=[objectif_2], axes=[]
            ),
            acteur=outils.porteur_du(dossier),
            version=dossier.version,
        )
    assert refus.value.message == (
        f"L'action relève du pilier 4 : les objectifs opérationnels {objectif_2.numero} "
        "appartiennent à un autre pilier."
    )
    assert objectif_2 not in Dossier.objects.get(pk=dossier.pk).objectifs_operationnels.all()
