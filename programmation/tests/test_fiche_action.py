"""A page per action of the contract's plan d'actions, with the dossiers that carried it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import FicheAction, LignePlan
from contrats.tests.factories import DomaineFactory
from programmation.models import Statut
from programmation.services.dossiers import SectionAction, modifier_action
from programmation.services.erreurs import DonneesInvalides
from programmation.tests import outils
from programmation.tests.factories import DossierFactory


def _rattacher(dossier, action):
    valeurs = {"action_du_plan": action, "pilier": dossier.pilier}
    modifier_action(
        dossier=dossier,
        section=SectionAction(
            valeurs=valeurs,
            objectifs_operationnels=list(dossier.objectifs_operationnels.all()),
            axes=[],
        ),
        acteur=outils.porteur_du(dossier),
        version=dossier.version,
    )


@pytest.fixture
def action(villiers):
    return FicheAction.objects.filter(ligne__contrat=villiers).order_by("fiche_page").first()


def test_the_page_shows_the_fiche_and_the_programmed_dossiers_of_each_year(villiers, action):
    valide = DossierFactory(complet=True)
    _rattacher(valide, action)
    outils.mener_au_statut(valide, Statut.VALIDE)
    brouillon = DossierFactory(complet=True)
    _rattacher(brouillon, action)
    reponse = outils.client_de(None).get(
        reverse("programmation:fiche_action", args=[villiers.slug, action.fiche_page])
    )
    page = outils.texte(reponse)
    assert reponse.status_code == 200
    assert action.intitule in page and f"Fiche action n° {action.fiche_page}" in page
    assert valide.numero in page
    assert brouillon.numero not in page, "drafts are not published"
    assert f"Programmation {valide.appel.annee} : 1 dossier(s)" in page
    accorde = sum(f.montant_accorde for f in valide.financements.all())
    assert accorde == Decimal("9000")  # the CAF's 4 000 and the État's 5 000, all granted
    assert "9\u202f000,00\u00a0€ accordés" in page


def test_the_plan_links_each_action_to_its_page(villiers, action):
    page = outils.texte(outils.client_de(None).get(reverse("contrats:plan", args=[villiers.slug])))
    assert reverse("programmation:fiche_action", args=[villiers.slug, action.fiche_page]) in page


def test_an_unknown_fiche_answers_404(villiers):
    reponse = outils.client_de(None).get(
        reverse("programmation:fiche_action", args=[villiers.slug, 999])
    )
    assert reponse.status_code == 404


def test_an_action_of_another_contract_is_refused(villiers):
    domaine = DomaineFactory()
    ligne = LignePlan.objects.create(
        contrat=domaine.pilier.contrat, ordre=1, pilier=domaine.pilier, domaine=domaine
    )
    ailleurs = FicheAction.objects.create(ligne=ligne, ordre=1, intitule="Ailleurs", fiche_page=1)
    dossier = DossierFactory(complet=True)
    with pytest.raises(DonneesInvalides, match="n'appartient pas au plan d'actions"):
        _rattacher(dossier, ailleurs)
    dossier.refresh_from_db()
    assert dossier.action_du_plan is None
