"""The referential's reads against figures computed by hand.

The fixture, built once for the class through the services: four funded dossiers of
objective 4.1.1 (DossierFactory's), in three calls Y1 < Y2 < Y3:

- Y1, carrying action fiche 1 of the plan: bilan validated, real public 6-11 ans 6 F and
  4 H (5 in the QPV), 12-15 ans 2 F and 3 H (5 in the QPV): 8 F, 7 H, 10 of 15 in the QPV;
- Y2: bilan validated, 6-11 ans 5 F and 5 H, 2 in the QPV;
- Y2: non-réalisation attested and validated (no beneficiary, no realised action);
- Y3: bilan deposited, not validated (not counted).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contrats.models import Contrat
from programmation.tests.factories import AppelFactory
from programmation.tests.outils import dossier_conventionne
from suivi.models import Bilan
from suivi.selectors.referentiel import (
    fiche_indicateur,
    graphique_indicateur,
    referentiel,
    situation_des_indicateurs,
    tache_du_referentiel,
)
from suivi.tests import outils, outils_tableau
from suivi.tests import outils_referentiel as r
from suivi.tests.outils_referentiel import Calcul, Sens

D = Decimal
pytestmark = pytest.mark.django_db
SLUG = "villiers-sur-marne-2015-2020"


def _calcule(contrat: Contrat, code: str, calcul: str, reference: str, cible: str, **modifs):
    return r.indicateur(
        contrat,
        code=code,
        calcul=calcul,
        sens=Sens.HAUSSE,
        valeur_reference=D(reference),
        date_reference=date(2024, 1, 1),
        valeur_cible=D(cible),
        date_cible=date(2045, 12, 31),
        **{"objectif": r.objectif(contrat, "4.1.1"), "unite": "personnes", **modifs},
    )


@pytest.fixture(scope="class")
def fixture(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        contrat = Contrat.objects.get(slug=SLUG)
        y1, y2, y3 = (AppelFactory(contrat=contrat) for _ in range(3))
        premier = dossier_conventionne(y1)
        premier.action_du_plan = r.action(contrat, 1)
        premier.save(update_fields=["action_du_plan"])
        outils_tableau.valider(
            outils_tableau.bilan_realise(premier, {"6-11": (6, 4, 5), "12-15": (2, 3, 5)})
        )
        outils_tableau.valider(
            outils_tableau.bilan_realise(dossier_conventionne(y2), {"6-11": (5, 5, 2)})
        )
        outils_tableau.valider(outils_tableau.non_realisation(dossier_conventionne(y2)))
        outils.bilan_depose(dossier_conventionne(y3))
        indicateurs = {
            "a": _calcule(contrat, "a-beneficiaires", Calcul.BENEFICIAIRES, "10", "40"),
            "b": _calcule(contrat, "b-part-qpv", Calcul.PART_QPV, "50", "80", unite="%"),
            "c": _calcule(contrat, "c-actions", Calcul.ACTIONS_REALISEES, "0", "3"),
            "e": _calcule(
                contrat,
                "e-femmes-action",
                Calcul.BENEFICIAIRES_FEMMES,
                "2",
                "12",
                objectif=None,
                action=r.action(contrat, 1),
            ),
            "f": r.indicateur(contrat, code="f-chomage", objectif=r.objectif(contrat, "4.1.1")),
            "g": r.indicateur(contrat, code="g-chomage-322"),
        }
        for jour, valeur in ((date(2016, 12, 31), "8.9"), (date(2019, 12, 31), "7.4")):
            r.mesurer(indicateurs["f"], jour, valeur, "Pôle emploi")
        yield contrat, (y1.annee, y2.annee, y3.annee), indicateurs
        transaction.set_rollback(True)


def _situations(contrat, **options) -> dict:
    return {s.indicateur.code: s for s in situation_des_indicateurs(contrat, **options)}


def _mesures(situation) -> list[tuple]:
    return [(p.date, p.valeur, p.origine) for p in situation.mesures]


@pytest.mark.usefixtures("fixture")
class TestReferentiel:
    def test_computed_measures_sum_the_validated_complete_bilans_year_by_year(self, fixture):
        contrat, (y1, y2, _), _ = fixture
        s = _situations(contrat)
        assert _mesures(s["a-beneficiaires"]) == [
            (date(y1, 12, 31), D("15"), "calculée"),
            (date(y2, 12, 31), D("10"), "calculée"),
        ]
        assert [p.valeur for p in s["b-part-qpv"].mesures] == [D("66.7"), D("20.0")]
        # The attested non-réalisation and the bilan still deposited are no realised action.
        assert [p.valeur for p in s["c-actions"].mesures] == [D("1"), D("1")]
        # The action's indicator counts the dossiers that carried that action only.
        assert _mesures(s["e-femmes-action"]) == [(date(y1, 12, 31), D("8"), "calculée")]

    def test_the_latest_measure_against_the_target(self, fixture):
        contrat, _, _ = fixture
        s = _situations(contrat)
        a = s["a-beneficiaires"]
        assert (a.derniere.valeur, a.ecart, a.avancement, a.cible_atteinte) == (
            D("10"),
            D("-30"),
            D("0"),
            False,
        )
        assert (a.ecart_affiche, a.avancement_affiche) == ("-30 personnes", "0\u00a0%")
        f = s["f-chomage"]  # from 9,15 down to 7,5: 7,4 is below the target
        assert (f.derniere.valeur, f.ecart, f.cible_atteinte) == (D("7.4"), D("-0.1"), True)
        assert f.avancement == D("106")  # 1,75 of 1,65
        assert (f.ecart_affiche, f.cible_affichee, f.reference_affichee) == (
            "-0,1 %",
            "7,5 %",
            "9,15 %",
        )

    def test_measures_up_to_a_year_and_for_some_objectives(self, fixture):
        contrat, (y1, _, _), indicateurs = fixture
        jusqu_en_y1 = _situations(contrat, annee_max=y1)
        assert jusqu_en_y1["a-beneficiaires"].derniere.valeur == D("15")
        assert jusqu_en_y1["f-chomage"].derniere.valeur == D("7.4")
        assert _situations(contrat, annee_max=2016)["f-chomage"].derniere.valeur == D("8.9")
        # Objective 4.1.2 is pursued by the plan line of action fiche 1: its indicator.
        assert list(_situations(contrat, objectifs=[r.objectif(contrat, "4.1.2").pk])) == [
            "e-femmes-action"
        ]
        assert list(_situations(contrat, objectifs=[indicateurs["g"].objectif_id])) == [
            "g-chomage-322"
        ]

    def test_the_referential_groups_by_pillar_domain_objective_then_action(self, fixture):
        contrat, _, _ = fixture
        page = referentiel(contrat)
        assert [p.titre for p in page.piliers] == [
            "Pilier 3 · Développement économique et emploi",
            "Pilier 4 · Cohésion sociale",
        ]
        assert [d.titre for d in page.piliers[1].domaines] == ["4.1 Education et parentalité"]
        objectif, action = page.piliers[1].domaines[0].groupes
        assert objectif.titre.startswith("4.1.1 ")
        assert [x.indicateur.code for x in objectif.lignes] == [
            "a-beneficiaires",
            "b-part-qpv",
            "c-actions",
            "f-chomage",
        ]
        assert action.titre == (
            "Action du plan : Fiche 1 · Accompagnement à la scolarité pour les enfants du primaire"
        )
        assert action.detail == "Ligne du plan d'actions (objectifs 4.1.2, 4.1.3)"
        assert action.url == reverse("programmation:fiche_action", args=[contrat.slug, 1])
        assert (page.nombre, page.atteintes, page.objectifs_couverts, page.objectifs) == (
            6,
            1,
            2,
            27,
        )
        ligne = objectif.lignes[3]
        assert (ligne.derniere_affichee, ligne.badge) == (
            "7,4 %",
            ("Cible atteinte", "fr-badge--success"),
        )

    def test_the_referential_reads_in_a_fixed_number_of_queries(self, fixture):
        contrat, _, _ = fixture
        with CaptureQueriesContext(connection) as avant:
            referentiel(contrat)
        for rang in range(4):
            r.indicateur(contrat, code=f"plus-{rang}", objectif=None, action=r.action(contrat, 20))
        with CaptureQueriesContext(connection) as apres:
            assert referentiel(contrat).nombre == 10
        assert len(apres) == len(avant)

    def test_the_page_of_an_entered_indicator(self, fixture):
        _, _, indicateurs = fixture
        fiche = fiche_indicateur(indicateurs["f"])
        assert fiche.saisie is True
        assert fiche.rattachement.startswith("Objectif opérationnel 4.1.1 ")
        assert [(x.point.valeur, x.origine, x.point.commentaire) for x in fiche.mesures] == [
            (D("8.9"), "Saisie", "Pôle emploi"),
            (D("7.4"), "Saisie", "Pôle emploi"),
        ]
        assert all(x.mesure for x in fiche.mesures)
        assert [e.libelle for e in fiche.historique] == [
            "Mesure saisie",
            "Mesure saisie",
            "Indicateur créé",
        ]
        assert fiche.historique[0].detail == "date de la mesure : 31/12/2019 ; valeur : 7,4"

    def test_the_page_of_a_computed_indicator_of_an_action(self, fixture):
        contrat, _, indicateurs = fixture
        fiche = fiche_indicateur(indicateurs["e"])
        assert fiche.saisie is False
        assert fiche.url_action == reverse("programmation:fiche_action", args=[contrat.slug, 1])
        assert [(x.origine, x.mesure) for x in fiche.mesures] == [
            ("Calculée (bilans validés de l'année)", None)
        ]

    def test_the_chart_draws_baseline_measures_and_the_target_line(self, fixture):
        contrat, _, _ = fixture
        (situation,) = [
            s for s in situation_des_indicateurs(contrat) if s.indicateur.code == "f-chomage"
        ]
        graphique = graphique_indicateur(situation)
        assert [g.libelle for g in graphique.abscisses] == ["2015", "2016", "2019", "2020"]
        mesures, cible = graphique.courbes
        assert [p.libelle for p in mesures.points] == [
            "Référence et mesures, 2015 : 9,15 %",
            "Référence et mesures, 2016 : 8,9 %",
            "Référence et mesures, 2019 : 7,4 %",
        ]
        assert [p.libelle for p in cible.points] == ["Cible, 2015 : 7,5 %", "Cible, 2020 : 7,5 %"]
        assert cible.points[0].y == cible.points[1].y  # a horizontal line
        assert graphique.description == (
            "Référence et mesures : 9,15 % en 2015, 7,4 % en 2019 ; "
            "Cible : 7,5 % en 2015, 7,5 % en 2020."
        )

    def test_mon_espace_counts_the_indicators_for_the_pilotage_only(
        self, fixture, pilote, etat, financeur, porteur, membre
    ):
        from contrats.selectors import droits

        contrat, _, _ = fixture
        for personne in (pilote, etat):
            (tache,) = tache_du_referentiel(personne, droits(personne, contrat), contrat)
            assert (tache.libelle, tache.nombre) == ("Référentiel d'évaluation", 6)
            assert tache.url == reverse("suivi:referentiel", args=[contrat.slug])
        for personne in (financeur, porteur, membre):
            assert tache_du_referentiel(personne, droits(personne, contrat), contrat) == []

    def test_the_fixture_has_the_bilans_it_says(self, fixture):
        contrat, (y1, y2, y3), _ = fixture
        valides = Bilan.objects.filter(dossier__appel__contrat=contrat, statut="valide")
        assert sorted(valides.values_list("annee", "nature")) == [
            (y1, "complet"),
            (y2, "complet"),
            (y2, "non_realisation"),
        ]
        assert Bilan.objects.get(annee=y3).statut == "depose"
