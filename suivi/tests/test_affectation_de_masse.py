"""Field-level rules of the suivi forms: no role sets what is not theirs.

As in programmation/tests/test_affectation_de_masse.py: each test posts a page's own form
(tests.outils.Formulaire) plus fields its role may not set, named as the real model
fields, and reads the rows again. The porteur fills its bilan but never sets its
statut, nature or dates; the state machine's buttons take only their own role's
transitions; the pilotage decides on a report without moving other dates; a signatory's
agent proposes a follow-up the COPIL technique alone validates, at one of its own séances.
"""

import pytest
from django.urls import reverse

from contrats.tests.factories import UtilisateurFactory
from programmation.tests.factories import DossierFactory
from programmation.tests.outils import porteur_demo_du, texte
from suivi.models import (
    Bilan,
    CodeTransitionBilan,
    PropositionSuivi,
    ReportDeDates,
    StatutBilan,
    StatutEngagement,
    SuiviEngagement,
    TransitionBilan,
)
from suivi.services.bilans import demander_report, echeance
from suivi.tests import outils
from suivi.tests.engagements import engagement_de, proposer, seance_du_copil
from tests.outils import Formulaire, client_de, en_base, pourquoi

pytestmark = pytest.mark.django_db

# What only the state machine and the pilotage's decisions write on a bilan.
CHAMPS_GARDES = (
    "dossier",
    "annee",
    "statut",
    "nature",
    "date_limite",
    "motif_decision",
    "depose_le",
    "valide_le",
    "cree_le",
    "est_demo",
)


def _url(nom: str, *args) -> str:
    return reverse(f"suivi:{nom}", args=args)


def interdits_au_porteur() -> dict[str, list[str]]:
    """Fields of the bilan no porteur form sets, one aimed at another structure's dossier."""
    return {
        "statut": [StatutBilan.VALIDE],
        "nature": [Bilan.Nature.NON_REALISATION],
        "date_limite": ["2099-12-31"],
        "annee": ["1999"],
        "motif_decision": ["Validé d'office"],
        "depose_le": ["2020-01-01 10:00"],
        "valide_le": ["2020-01-01 10:00"],
        "est_demo": ["on"],
        "dossier": [str(DossierFactory().pk)],
        "bilan": ["0"],
        "transition": [CodeTransitionBilan.VALIDER],
        "code": [CodeTransitionBilan.VALIDER],
    }


def _bilan_du_porteur_demo(constructeur=outils.bilan_attendu) -> Bilan:
    bilan = constructeur()
    porteur_demo_du(bilan.dossier)
    return outils.relire(bilan)


def test_porteur_fills_its_bilan_and_sets_no_statut_nature_or_date(porteur):
    bilan = _bilan_du_porteur_demo()
    formulaire = Formulaire(porteur, _url("bilan_saisie", bilan.pk))
    avant = en_base(bilan, *CHAMPS_GARDES)

    reponse = formulaire.poster({"realisation": ["Douze ateliers tenus."]} | interdits_au_porteur())

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(bilan, "realisation")["realisation"] == "Douze ateliers tenus."
    assert en_base(bilan, *CHAMPS_GARDES) == avant


def _bilan_rempli() -> Bilan:
    bilan = _bilan_du_porteur_demo()
    outils.remplir(bilan)
    return outils.relire(bilan)


def _bilan_depose() -> Bilan:
    return _bilan_du_porteur_demo(outils.bilan_depose)


# (who, the bilan's builder, the button's code, the statut it leads to)
BOUTONS = [
    ("porteur", _bilan_rempli, CodeTransitionBilan.DEPOSER, StatutBilan.DEPOSE),
    ("pilote", _bilan_depose, CodeTransitionBilan.VALIDER, StatutBilan.VALIDE),
    ("financeur", _bilan_depose, CodeTransitionBilan.DEMANDER_CORRECTIONS, StatutBilan.A_CORRIGER),
]


@pytest.mark.parametrize(
    ("qui", "constructeur", "code", "attendu"), BOUTONS, ids=[b[2] for b in BOUTONS]
)
def test_a_bilan_button_takes_its_own_transition_and_sets_nothing_else(
    qui, constructeur, code, attendu, personne
):
    bilan = constructeur()
    formulaire = Formulaire(
        personne(qui),
        _url("bilan_du_dossier", bilan.dossier_id),
        _url("bilan_transition", bilan.pk, code),
    )
    avant = en_base(bilan, "dossier", "annee", "date_limite", "est_demo", "cree_le")

    reponse = formulaire.poster(
        interdits_au_porteur() | formulaire.valeurs | {"motif": ["Précisez les effectifs."]}
    )

    assert reponse.status_code == 302
    assert en_base(bilan, "statut")["statut"] == attendu
    assert en_base(bilan, "dossier", "annee", "date_limite", "est_demo", "cree_le") == avant
    # Only a deposit decides the bilan's nature: the posted one is never taken.
    assert en_base(bilan, "nature")["nature"] == Bilan.Nature.COMPLET


# (who, the bilan's builder, a code that is not theirs, or not a transition at all)
CODES_REFUSES = [
    ("porteur", _bilan_depose, CodeTransitionBilan.VALIDER),
    ("porteur", _bilan_depose, CodeTransitionBilan.DEMANDER_CORRECTIONS),
    ("porteur", _bilan_depose, StatutBilan.VALIDE),
    ("pilote", _bilan_rempli, CodeTransitionBilan.DEPOSER),
    ("pilote", _bilan_rempli, CodeTransitionBilan.ATTESTER_NON_REALISATION),
    ("pilote", _bilan_depose, StatutBilan.A_CORRIGER),
    ("pilote", _bilan_depose, StatutBilan.ATTENDU),
    ("financeur", _bilan_depose, CodeTransitionBilan.VALIDER),
]


@pytest.mark.parametrize(
    ("qui", "constructeur", "code"), CODES_REFUSES, ids=[f"{c[0]}-{c[2]}" for c in CODES_REFUSES]
)
def test_a_code_outside_one_s_transitions_leaves_the_bilan_as_it_was(
    qui, constructeur, code, personne
):
    bilan = constructeur()
    statut, journal = bilan.statut, TransitionBilan.objects.filter(bilan=bilan).count()

    reponse = client_de(personne(qui)).post(
        _url("bilan_transition", bilan.pk, code), {"motif": "Motif", "statut": code}, follow=True
    )

    corps = texte(reponse)
    assert "Vous n'avez pas le droit de" in corps or "Action inconnue" in corps
    assert en_base(bilan, "statut")["statut"] == statut
    assert TransitionBilan.objects.filter(bilan=bilan).count() == journal


def test_porteur_asks_a_report_it_cannot_decide(porteur, pilote):
    bilan = _bilan_du_porteur_demo()
    formulaire = Formulaire(porteur, _url("bilan_report", bilan.pk))
    debut = bilan.dossier.date_debut

    reponse = formulaire.poster(
        {
            "date_debut": [debut.isoformat()],
            "date_fin": [debut.replace(year=debut.year + 1).isoformat()],
            "motif": ["Travaux du local"],
            "statut": [ReportDeDates.Statut.ACCEPTE],
            "decide_par": [str(pilote.pk)],
            "motif_decision": ["Accepté d'office"],
            "demande_par": [str(UtilisateurFactory().pk)],
            "date_limite": ["2099-12-31"],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    report = ReportDeDates.objects.get(bilan=bilan)
    assert (report.statut, report.decide_par, report.motif_decision) == (
        ReportDeDates.Statut.EN_ATTENTE,
        None,
        "",
    )
    assert report.demande_par == porteur
    assert en_base(bilan, "date_limite", "statut") == {
        "date_limite": bilan.date_limite,
        "statut": StatutBilan.ATTENDU,
    }


def test_pilote_s_decision_on_a_report_moves_the_deadline_to_the_asked_dates_only(porteur, pilote):
    bilan = _bilan_du_porteur_demo()
    # A new end after the current deadline: accepting it moves the deadline.
    fin = bilan.date_limite.replace(year=bilan.date_limite.year + 1)
    report = demander_report(
        bilan=bilan,
        date_debut=bilan.dossier.date_debut,
        date_fin=fin,
        motif="Travaux du local",
        acteur=porteur,
    )
    formulaire = Formulaire(
        pilote, _url("bilan_du_dossier", bilan.dossier_id), _url("report_decision", report.pk)
    )

    reponse = formulaire.poster(
        {
            "decision": ["accepter"],
            "date_fin": ["2099-06-30"],
            "date_limite": ["2099-12-31"],
            "statut": [ReportDeDates.Statut.REFUSE],
            "bilan": ["0"],
            "statut_bilan": [StatutBilan.VALIDE],
        }
    )

    assert reponse.status_code == 302
    assert en_base(report, "statut", "date_fin") == {
        "statut": ReportDeDates.Statut.ACCEPTE,
        "date_fin": fin,
    }
    assert en_base(bilan, "date_limite", "statut") == {
        "date_limite": echeance(fin.year),
        "statut": StatutBilan.ATTENDU,
    }


# --- The engagements follow-up -------------------------------------------------------------


def _page_du_signataire(villiers, code: str = "caf") -> str:
    return _url("suivi_engagements_signataire", villiers.slug, code) + "?annee=2016"


def test_signatory_s_agent_proposes_a_follow_up_it_cannot_review(villiers, financeur, pilote):
    caf = engagement_de(villiers)
    seance = seance_du_copil(villiers)
    formulaire = Formulaire(
        financeur,
        _page_du_signataire(villiers),
        _url("suivi_engagement_proposer", villiers.slug, caf.pk, 2016),
    )

    reponse = formulaire.poster(
        {
            "statut": [StatutEngagement.TENU],
            "commentaire": ["Deux actions financées."],
            "action": ["proposer"],
            "proposition": [PropositionSuivi.VALIDE],
            "examen": ["valider"],
            "examine_par": [str(pilote.pk)],
            "examine_le": ["2016-12-08 10:00"],
            "motif_examen": ["Validé d'office"],
            "seance": [str(seance.pk)],
            "engagement": [str(engagement_de(villiers, ordre=2).pk)],
            "est_demo": ["on"],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    suivi = SuiviEngagement.objects.get(engagement=caf, annee=2016)
    assert (suivi.statut, suivi.proposition, suivi.propose_par) == (
        StatutEngagement.TENU,
        PropositionSuivi.PROPOSE,
        financeur,
    )
    assert (suivi.examine_par, suivi.examine_le, suivi.motif_examen, suivi.seance) == (
        None,
        None,
        "",
        None,
    )
    assert suivi.est_demo is False
    assert not SuiviEngagement.objects.filter(engagement=engagement_de(villiers, ordre=2)).exists()


def _examen(villiers, financeur, pilote) -> tuple[SuiviEngagement, Formulaire]:
    """The CAF's agent proposes its first engagement's follow-up; the pilote's form to
    review it, on the signatory's page."""
    suivi = proposer(engagement_de(villiers), financeur)
    action = _url("suivi_engagement_examiner", villiers.slug, suivi.pk)
    return suivi, Formulaire(pilote, _page_du_signataire(villiers), action)


def test_pilote_reviews_at_a_seance_of_its_own_contract_only(villiers, eq2030, financeur, pilote):
    d_un_autre_contrat = seance_du_copil(eq2030)
    suivi, formulaire = _examen(villiers, financeur, pilote)
    avant = en_base(suivi, "proposition", "seance", "examine_par", "version")

    reponse = formulaire.poster({"examen": ["valider"], "seance": [str(d_un_autre_contrat.pk)]})

    assert reponse.status_code == 200
    assert "Choisissez une séance tenue du comité de pilotage technique." in texte(reponse)
    assert en_base(suivi, "proposition", "seance", "examine_par", "version") == avant


def test_pilote_s_review_changes_neither_the_signatory_s_statut_nor_its_evidence(
    villiers, financeur, pilote
):
    seance = seance_du_copil(villiers)
    suivi, formulaire = _examen(villiers, financeur, pilote)
    gardes = ("statut", "commentaire", "lien", "valeur_atteinte", "propose_par", "annee")
    avant = en_base(suivi, *gardes)

    reponse = formulaire.poster(
        {
            "examen": ["valider"],
            "seance": [str(seance.pk)],
            "statut": [StatutEngagement.NON_TENU],
            "commentaire": ["Réécrit par le comité"],
            "lien": ["https://exemple.fr/autre"],
            "valeur_atteinte": ["99"],
            "propose_par": [str(pilote.pk)],
            "annee": ["2017"],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(suivi, "proposition", "seance", "examine_par") == {
        "proposition": PropositionSuivi.VALIDE,
        "seance": seance.pk,
        "examine_par": pilote.pk,
    }
    assert en_base(suivi, *gardes) == avant
