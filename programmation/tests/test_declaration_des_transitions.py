"""The state machine declares each transition whole, and the core writes its typed log."""

import itertools
from pathlib import Path

import pytest
from django.urls import reverse

from comptes.models import Role
from gouvernance.models import Decision
from historique.models import Evenement
from programmation.actions import ActionProgrammation
from programmation.etats import BADGES, TRANSITIONS, decisions_du_comite
from programmation.models import CodeTransition, Dossier, Statut, TransitionDossier
from programmation.selectors.dossiers import frise
from programmation.services.comites import DecisionDemandee
from programmation.services.erreurs import DroitInsuffisant
from programmation.services.seances import tenir_comite
from programmation.services.transitions import transitionner
from programmation.tests import outils
from tests.outils import ROLE_TESTE

RACINE = Path(__file__).resolve().parents[2]


def test_every_code_has_exactly_one_declared_transition():
    assert set(TRANSITIONS) == set(CodeTransition)
    assert all(t.code == code for code, t in TRANSITIONS.items())


@pytest.mark.parametrize("code", list(CodeTransition))
def test_each_transition_carries_every_piece_of_itself(code):
    t = TRANSITIONS[code]
    assert t.libelle and t.libelle_passe and t.libelle_passe != t.code
    assert "{numero}" in t.objet_courriel
    assert t.depuis and t.depuis <= set(Statut)
    assert t.cibles and t.cibles <= set(Statut)
    assert t.roles and t.roles <= set(Role)
    assert t.badge in BADGES.values()
    if t.destination is not None:
        assert t.vers_possibles, "a transition that goes back lists where it may lead"
    if t.formulaire:
        assert reverse(t.formulaire, args=[1])


def test_every_statut_has_a_badge():
    assert set(BADGES) == set(Statut)


def test_every_history_action_of_programmation_has_a_french_label():
    assert all(label and label != value for value, label in ActionProgrammation.choices)


def test_a_committee_takes_its_decisions_on_dossiers_of_one_statut():
    for nature in {t.comite for t in TRANSITIONS.values() if t.comite}:
        depuis = {s for t in decisions_du_comite(nature) for s in t.depuis}
        assert len(depuis) == 1, nature


def test_final_statuts_are_left_only_by_corrections():
    from programmation.etats import STATUTS_FINAUX, transitions_depuis

    for statut in STATUTS_FINAUX:
        assert all(t.correction for t in transitions_depuis(statut)), statut


def test_transitionner_writes_one_log_row_and_one_event_in_the_same_transaction(db):
    dossier = outils.dossier_depose()
    lignes, evenements = TransitionDossier.objects.count(), Evenement.objects.count()
    pilote = outils.pilote_du(dossier.appel.contrat)
    transitionner(dossier=dossier, transition=CodeTransition.DECLARER_RECEVABLE, acteur=pilote)
    assert TransitionDossier.objects.count() == lignes + 1
    assert Evenement.objects.count() == evenements + 1
    ligne = TransitionDossier.objects.filter(dossier=dossier).latest("horodatage", "id")
    assert (ligne.de, ligne.vers, ligne.acteur, ligne.transition) == (
        Statut.DEPOSE,
        Statut.RECEVABLE,
        pilote,
        CodeTransition.DECLARER_RECEVABLE,
    )


def test_a_refused_transition_writes_no_log_row(db, autre_porteur):
    dossier = outils.dossier_depose()
    avant = TransitionDossier.objects.filter(dossier=dossier).count()
    with pytest.raises(DroitInsuffisant):
        transitionner(
            dossier=dossier,
            transition=CodeTransition.RETIRER,
            acteur=autre_porteur,
        )
    assert TransitionDossier.objects.filter(dossier=dossier).count() == avant
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.DEPOSE


def test_a_committee_decision_is_logged_with_its_seance_and_in_its_record(db):
    dossier = outils.dossier_depose()
    contrat = dossier.appel.contrat
    instance = contrat.instances.get(nature="comite_recevabilite")
    seance = tenir_comite(
        instance=instance,
        date=outils.aujourdhui(),
        titre="Comité de recevabilité",
        decisions=[DecisionDemandee(dossier, CodeTransition.DECLARER_RECEVABLE)],
        acteur=outils.pilote_du(contrat),
    )
    ligne = TransitionDossier.objects.filter(dossier=dossier).latest("horodatage", "id")
    assert ligne.seance == seance
    assert Decision.objects.filter(seance=seance, object_id=str(dossier.pk)).count() == 1


def test_the_chain_of_a_balanced_dossier_starts_at_brouillon_and_ends_at_its_statut(db):
    dossier = outils.dossier_au_statut(Statut.SOLDE)
    chaine = list(TransitionDossier.objects.filter(dossier=dossier).order_by("horodatage", "id"))
    assert chaine[0].de == Statut.BROUILLON
    assert all(a.vers == b.de for a, b in itertools.pairwise(chaine))
    assert chaine[-1].vers == Statut.SOLDE


def test_the_timeline_never_shows_a_code(db):
    dossier = outils.dossier_au_statut(Statut.SOLDE)
    entrees = frise(dossier)
    codes = set(CodeTransition.values) | set(ActionProgrammation.values)
    assert len(entrees) >= 8
    assert all(e.libelle not in codes and "." not in e.libelle for e in entrees)


@pytest.mark.parametrize(
    "dossier",
    ["programmation/selectors", "programmation/views", "templates/programmation"],
)
def test_no_selector_view_or_template_of_programmation_tests_a_role(dossier):
    fautifs = [
        f"{chemin.relative_to(RACINE)}:{numero}"
        for chemin in (RACINE / dossier).rglob("*")
        if chemin.suffix in {".py", ".html"}
        for numero, ligne in enumerate(chemin.read_text().splitlines(), 1)
        if ROLE_TESTE.search(ligne)
    ]
    assert fautifs == [], "ask programmation.permissions instead"
