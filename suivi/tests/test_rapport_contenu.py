"""What the rapport annuel prints, against figures computed by hand from the data built
here: two actions programmed in 2019 (one whose bilan is validated), one dossier of 2019
only deposited, one action programmed in 2018; observations and a result indicator."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contrats.models import ObjectifOperationnel
from programmation.tests.factories import villiers
from programmation.tests.outils import (
    dossier_conventionne,
    pilote_du,
)
from suivi.models import DecisionAction, Evaluation, IndicateurResultat, MesureIndicateur
from suivi.selectors.rapports import contenu_du_rapport, phrase_des_actions
from suivi.tests import outils
from suivi.tests import outils_rapports as rapports
from territoires.models import Observation
from territoires.selectors import diagnostic

pytestmark = pytest.mark.django_db


@pytest.fixture
def donnees():
    return rapports.actions_de_2019()


@pytest.mark.parametrize(
    ("nombre", "phrase"),
    [
        (0, "En 2019, aucune action n'a été programmée."),
        (1, "En 2019, 1 action a été programmée."),
        (41, "En 2019, 41 actions ont été programmées."),
    ],
)
def test_the_sentence_of_the_programmed_actions(nombre, phrase):
    assert phrase_des_actions(2019, nombre) == phrase


def test_the_actions_of_the_year_per_pillar_with_their_bilans(donnees):
    realisee, attendue = donnees
    contenu = contenu_du_rapport(rapports.rapport_cree())

    actions = contenu.actions
    assert (actions.nombre, actions.phrase) == (2, "En 2019, 2 actions ont été programmées.")
    assert (actions.realisees, actions.non_realisees, actions.bilans_attendus) == (1, 0, 1)
    (pilier,) = actions.piliers
    assert pilier.pilier.startswith("Pilier 4 · ")
    assert {(a.numero, a.accorde, a.bilan) for a in pilier.actions} == {
        (realisee.numero, Decimal("8500.00"), "Réalisée (bilan validé)"),
        (attendue.numero, Decimal("8500.00"), "Bilan attendu"),
    }
    assert contenu.titres["actions"] == "3. Les actions menées en 2019"


def test_the_means_of_the_year_by_nature_and_by_financeur(donnees):
    moyens = contenu_du_rapport(rapports.rapport_cree()).moyens

    # Three dossiers of 2019 submitted, each asking CAF 4 000 € and État 5 000 €; the two
    # programmed ones granted CAF 3 500 € (droit commun) and État 5 000 € (crédits spécifiques).
    assert (moyens.demande, moyens.accorde, moyens.paye) == (
        Decimal("27000.00"),
        Decimal("17000.00"),
        Decimal("1750.00"),
    )
    assert moyens.accorde_droit_commun == Decimal("7000.00")
    assert moyens.part_droit_commun == "41,2\u00a0%"
    assert [(m.libelle, m.accorde, m.paye) for m in moyens.par_nature] == [
        ("Droit commun", Decimal("7000.00"), Decimal("1750.00")),
        ("Crédits spécifiques politique de la ville", Decimal("10000.00"), Decimal("0.00")),
    ]
    assert [(m.libelle, m.accorde, m.paye, m.part_droit_commun) for m in moyens.par_financeur] == [
        (
            "La Caisse d’Allocations Familiales · Droit commun",
            Decimal("7000.00"),
            Decimal("1750.00"),
            "100,0\u00a0%",
        ),
        (
            "L’Etat · Crédits spécifiques politique de la ville",
            Decimal("10000.00"),
            Decimal("0.00"),
            "0,0\u00a0%",
        ),
    ]


def test_beneficiaries_by_sex_real_from_validated_bilans_planned_for_the_others(donnees):
    reels, prevus = contenu_du_rapport(rapports.rapport_cree()).beneficiaires

    # The validated bilan declares the planned public, 10 women and 12 men, all from the QPV.
    assert (reels.actions, reels.femmes, reels.hommes, reels.total) == (1, 10, 12, 22)
    assert (reels.part_femmes, reels.part_qpv) == ("45,5\u00a0%", "100,0\u00a0%")
    # The other action's plan gives no share of QPV residents.
    assert (prevus.actions, prevus.femmes, prevus.hommes, prevus.part_qpv) == (1, 10, 12, "—")


def test_perspectives_and_the_evaluations_decisions_of_the_year(donnees, pilote):
    realisee, attendue = donnees
    evaluation = Evaluation.objects.create(
        contrat=villiers(), nature=Evaluation.Nature.ANNUELLE, annee_debut=2019, annee_fin=2019
    )
    for dossier, decision in ((realisee, "poursuivre"), (attendue, "reorienter")):
        DecisionAction.objects.create(
            evaluation=evaluation, dossier=dossier, decision=decision, decide_par=pilote
        )
    rapport = rapports.rapport_cree()
    rapport.perspectives = "Poursuivre l'aide aux devoirs.\n\n\nOuvrir un atelier numérique."

    perspectives = contenu_du_rapport(rapport).perspectives

    assert perspectives.paragraphes == [
        "Poursuivre l'aide aux devoirs.",
        "Ouvrir un atelier numérique.",
    ]
    assert [(d.decision, d.nombre) for d in perspectives.decisions] == [
        ("Poursuivre l'action", 1),
        ("Réorienter l'action", 1),
    ]


def test_the_situation_of_the_quartier_diagnostic_then_latest_up_to_the_year():
    contrat = villiers()
    quartier = contrat.quartiers.get()
    commune = quartier.communes.get()
    indicateur = diagnostic(commune, quartier).rubriques[0].lignes[0].indicateur
    for jour, ville, qpv in ((date(2018, 1, 1), "10", "25.5"), (date(2021, 1, 1), "1", "2")):
        Observation.objects.create(
            indicateur=indicateur,
            commune=commune,
            date=jour,
            valeur=Decimal(ville),
            valeur_texte=ville,
            origine=Observation.Origine.IMPORT,
        )
        Observation.objects.create(
            indicateur=indicateur,
            quartier=quartier,
            date=jour,
            valeur=Decimal(qpv),
            valeur_texte=qpv,
            origine=Observation.Origine.IMPORT,
        )

    (situation,) = contenu_du_rapport(rapports.rapport_cree()).situations

    assert situation.quartier == quartier.nom and situation.commune == commune.nom
    ligne = next(ligne for ligne in situation.lignes if ligne.libelle == indicateur.libelle)
    assert (ligne.ville_recente, ligne.qpv_recente, ligne.ecart_recent) == (
        "10 (2018)",
        "25,5 (2018)",
        "+15,5",
    )
    assert ligne.ville_diagnostic != "—" or ligne.qpv_diagnostic != "—"


def test_the_result_indicators_up_to_the_year():
    contrat = villiers()
    indicateur = IndicateurResultat.objects.create(
        contrat=contrat,
        objectif=ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).first(),
        code="reussite-educative",
        libelle="Enfants suivis par la réussite éducative",
        unite="enfants",
        valeur_reference=Decimal("40"),
        valeur_cible=Decimal("80"),
        date_cible=date(2020, 12, 31),
        sens=IndicateurResultat.Sens.HAUSSE,
    )
    for jour, valeur in ((date(2019, 6, 30), "60"), (date(2020, 6, 30), "90")):
        MesureIndicateur.objects.create(indicateur=indicateur, date=jour, valeur=Decimal(valeur))

    (ligne,) = contenu_du_rapport(rapports.rapport_cree()).indicateurs

    assert (ligne.code, ligne.derniere, ligne.ecart, ligne.avancement) == (
        "reussite-educative",
        "60 enfants (30/06/2019)",
        "-20 enfants",
        "50\u00a0%",
    )


def test_the_contents_cost_the_same_queries_whatever_the_number_of_actions(donnees):
    rapport = rapports.rapport_cree()
    with CaptureQueriesContext(connection) as peu:
        contenu_du_rapport(rapport)
    appel = donnees[0].appel
    outils.bilan_valide(dossier_conventionne(appel))
    dossier_conventionne(appel)
    pilote_du(villiers())

    with CaptureQueriesContext(connection) as plus:
        contenu = contenu_du_rapport(rapport)

    assert contenu.actions.nombre == 4
    assert len(plus) == len(peu) <= 60
