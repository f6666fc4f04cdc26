"""The board, the envelopes and the public plan say the same figures, by the same definitions.

A small call, its sums computed by hand below: two dossiers programmed or in instruction,
one refused, whose proposals no longer take money from an envelope.
"""

from decimal import Decimal

import pytest

from contrats.models import Organisation
from contrats.selectors import droits
from programmation.models import NatureCredit, Statut
from programmation.selectors.instruction import montants_par_dossier, synthese_cofinancement
from programmation.selectors.plan import plan_annuel
from programmation.tests import outils
from programmation.tests.factories import AppelFactory, EnveloppeFactory

DC, CS = NatureCredit.DROIT_COMMUN, NatureCredit.CREDITS_SPECIFIQUES


@pytest.fixture
def appel(db):
    appel = AppelFactory()
    EnveloppeFactory(appel=appel, nature=DC, montant=Decimal("10000"))
    EnveloppeFactory(
        appel=appel,
        financeur=Organisation.objects.get(code="etat"),
        nature=CS,
        montant=Decimal("12000"),
    )
    return appel


@pytest.fixture
def dossiers(appel):
    """Each asks the CAF 4 000 € (droit commun) and the État 5 000 € (crédits spécifiques)."""
    valide = outils.mener_au_statut(
        outils.dossier_propose(appel, caf="3500", etat="5000"), Statut.VALIDE
    )
    refuse = outils.mener_au_statut(
        outils.dossier_propose(appel, caf="2000", etat="5000"), Statut.REFUSE
    )
    en_instruction = outils.dossier_en_instruction(appel)
    outils.donner_les_avis(
        en_instruction, {"caf": ("favorable", "4000"), "etat": ("reserve", "4500")}
    )
    return valide, refuse, en_instruction


def test_the_board_shows_asked_proposed_and_granted_per_nature(dossiers):
    valide, refuse, en_instruction = dossiers
    montants = montants_par_dossier([valide, refuse, en_instruction])
    assert (montants[valide.pk][DC].demande, montants[valide.pk][DC].propose) == (4000, 3500)
    assert montants[valide.pk][DC].accorde == 3500
    assert (montants[valide.pk][CS].demande, montants[valide.pk][CS].accorde) == (5000, 5000)
    assert montants[refuse.pk][DC].accorde is None
    assert montants[en_instruction.pk][DC].propose == 4000


def test_envelopes_count_granted_or_else_proposed_of_engaged_dossiers(appel, dossiers, pilote):
    lignes = {
        (ligne.financeur, ligne.nature): ligne
        for ligne in synthese_cofinancement(appel, droits(pilote, appel.contrat)).lignes
    }
    caf = lignes[(Organisation.objects.get(code="caf").nom, DC)]
    # Engaged: 3 500 granted (validated) + 4 000 proposed (in instruction); the refused
    # dossier's 2 000 no longer count.
    assert (caf.propose, caf.accorde, caf.engage, caf.reste) == (7500, 3500, 7500, 2500)
    assert not caf.depasse
    etat = lignes[(Organisation.objects.get(code="etat").nom, CS)]
    # 5 000 granted + 4 500 proposed with reservations, against 12 000.
    assert (etat.propose, etat.accorde, etat.engage) == (9500, 5000, 9500)
    assert (etat.reste, etat.depasse) == (2500, False)


def test_depassement_only_when_the_engaged_sum_exceeds_its_envelope(appel, dossiers, pilote):
    appel.enveloppes.filter(nature=CS).update(montant=Decimal("9500"))
    lignes = synthese_cofinancement(appel, droits(pilote, appel.contrat)).lignes
    assert [(ligne.reste, ligne.depasse) for ligne in lignes if ligne.nature == CS] == [(0, False)]
    appel.enveloppes.filter(nature=CS).update(montant=Decimal("9499.99"))
    lignes = synthese_cofinancement(appel, droits(pilote, appel.contrat)).lignes
    assert [ligne.depasse for ligne in lignes if ligne.nature == CS] == [True]


def test_the_public_plan_sums_what_the_committee_granted(appel, dossiers):
    valide, _, _ = dossiers
    plan = plan_annuel(appel)
    assert [ligne.numero for ligne in plan.lignes] == [valide.numero]
    assert plan.synthese.total_droit_commun == Decimal("3500")
    assert plan.synthese.total_credits_specifiques == Decimal("5000")
    assert plan.synthese.total_accorde == Decimal("8500")
