"""Demo programmation: the seed's 2015 plan, later calls in every state, lived through the
services (typed log, versions, committees, history, dates of a real year), idempotent."""

import io
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role, Utilisateur
from contrats.models import FicheAction, Habilitation, Organisation
from gouvernance.models import Decision, Seance
from historique.models import Evenement
from programmation.demo import Bilan, cle_luhn, generer_demo, repartir, siret_valide
from programmation.etats import TRANSITIONS
from programmation.models import (
    AppelAProjets,
    CodeTransition,
    Convention,
    Dossier,
    Financement,
    LigneBudget,
    Paiement,
    Statut,
    Structure,
    TransitionDossier,
    VersionDossier,
)
from programmation.selectors.plan import plan_annuel
from programmation.services.notifications import destinataires
from programmation.tests.factories import AppelFactory, villiers
from programmation.validateurs import cle_luhn_valide, valider_rna, valider_siret

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"
CONVENTIONNES = (Statut.CONVENTIONNE, Statut.SOLDE)


def _proche(valeur, cible, ecart=3) -> bool:
    return abs(Decimal(valeur) - Decimal(str(cible))) <= ecart


def _comptes() -> dict[str, int]:
    modeles = [
        *apps.get_app_config("programmation").get_models(),
        Organisation,
        Evenement,
        Seance,
        Decision,
        Utilisateur,
        Habilitation,
    ]
    return {m.__name__: m.objects.count() for m in modeles}


def _local(moment) -> date:
    return timezone.localdate(moment)


@dataclass(frozen=True)
class Demo:
    bilan: Bilan
    courriels: int


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker) -> Demo:
    """The demo generated once for a class of tests, rolled back after the last one.

    On-commit callbacks run as if the generation had committed: a notification the demo
    failed to suspend would reach mail.outbox.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            bilan = generer_demo(villiers())
        yield Demo(bilan, len(mail.outbox))
        transaction.set_rollback(True)


def test_helpers_split_exactly_and_compute_luhn_keys():
    assert repartir(7000, [59.6, 24.1, 16.3]) == [4172, 1687, 1141]
    assert sum(repartir(101, [1, 1, 1])) == 101
    assert cle_luhn_valide("73282932" + cle_luhn("73282932"))
    siret = siret_valide(random.Random(1), 7, "21940079")
    assert siret.startswith("21940079") and siret[9:13] == "0007"
    valider_siret(siret)


# One process builds the class's demo once (bin/tester runs two).
@pytest.mark.xdist_group("demo-programmation")
@pytest.mark.usefixtures("demo")
class TestDemoGeneree:
    def test_2015_plan_is_the_seed_plan_with_its_shares(self, demo, client):
        contrat = villiers()
        assert demo.bilan.appels == 6 and demo.bilan.annees_ignorees == []

        appel = AppelAProjets.objects.get(contrat=contrat, annee=2015)
        assert (appel.date_ouverture, appel.date_cloture) == (date(2015, 3, 25), date(2015, 4, 15))
        assert appel.publie and appel.est_demo
        assert sorted(appel.criteres.values_list("numero", flat=True)) == ["1.1", "1.2", "1.3"]
        assert set(appel.enveloppes.values_list("financeur__code", flat=True)) == {
            "etat",
            "commune",
            "caf",
            "region-idf",
            "departement-94",
        }

        fiches = list(
            FicheAction.objects.filter(ligne__contrat=contrat).order_by("ligne__ordre", "ordre")
        )
        plan = plan_annuel(appel)
        assert len(plan.lignes) == 55
        assert [ligne.intitule for ligne in plan.lignes] == [f.intitule for f in fiches]
        s = plan.synthese
        assert s.nombre_actions == 55
        assert _proche(s.associations.pourcentage, 51)
        assert _proche(s.services_municipaux.pourcentage, 40)
        assert _proche(s.professionnels.pourcentage, 65)
        assert _proche(s.benevoles.pourcentage, 34.5)
        assert 6800 <= s.personnes_ciblees <= 7200
        parts = {p.libelle: p.pourcentage for p in s.personnes_par_pilier}
        assert _proche(parts["Cohésion sociale"], 58)
        assert _proche(parts["Développement économique et emploi"], 22.5)
        assert _proche(parts["Habitat et cadre de vie"], 14.6)
        assert s.total_credits_specifiques > 0 and s.total_droit_commun > 0
        # Each 2015 dossier carries out its action of the plan: its page lists it.
        assert [d.action_du_plan_id for d in appel.dossiers.order_by("numero")] == [
            f.pk for f in fiches
        ]

        premier = appel.dossiers.get(numero="2015-001")
        assert premier.intitule == fiches[0].intitule
        assert premier.pilier == fiches[0].ligne.pilier
        assert set(premier.objectifs_operationnels.all()) == set(
            fiches[0].ligne.objectifs_operationnels.all()
        )
        html = client.get(reverse("programmation:plan_annuel", args=[SLUG, 2015])).content.decode()
        assert "VARIABLE_INDEFINIE" not in html
        assert "Données de démonstration" in html
        assert html.count(">Démo</span>") == 55

    def test_data_is_complete_and_consistent(self):
        contrat = villiers()
        dossiers = Dossier.objects.filter(appel__contrat=contrat)
        assert not dossiers.filter(est_demo=False).exists()
        assert not Structure.objects.filter(est_demo=False).exists()
        assert not AppelAProjets.objects.filter(est_demo=False).exists()
        assert Seance.objects.exists() and not Seance.objects.filter(est_demo=False).exists()

        for structure in Structure.objects.select_related("organisation"):
            valider_siret(structure.siret)
            if structure.type == Structure.Type.ASSOCIATION:
                valider_rna(structure.rna)
            assert structure.organisation.code.startswith("demo-")
        sirets = Structure.objects.values_list("siret", flat=True)
        assert len(set(sirets)) == Structure.objects.count()
        assert Structure.objects.filter(organisation__code="demo-association-clefs-avenir").exists()

        for annee in range(2016, 2021):
            statuts = Counter(dossiers.filter(appel__annee=annee).values_list("statut", flat=True))
            assert 30 <= sum(statuts.values()) <= 45
            for statut in (Statut.VALIDE, Statut.REFUSE, Statut.IRRECEVABLE, Statut.AJOURNE):
                assert statuts[statut] >= 1, (annee, statut)
            assert statuts[Statut.CONVENTIONNE] + statuts[Statut.SOLDE] >= 1
        en_2020 = set(dossiers.filter(appel__annee=2020).values_list("statut", flat=True))
        assert {Statut.DEPOSE, Statut.RECEVABLE, Statut.EN_INSTRUCTION, Statut.PROPOSE} <= en_2020

        motives = (Statut.IRRECEVABLE, Statut.REFUSE, Statut.AJOURNE)
        assert not dossiers.filter(statut__in=motives, motif_decision="").exists()
        assert not Financement.objects.filter(
            dossier__statut__in=(Statut.DEPOSE, Statut.RECEVABLE, Statut.IRRECEVABLE)
        ).exists()
        programmes = Financement.objects.filter(
            dossier__statut__in=(Statut.VALIDE, Statut.CONVENTIONNE, Statut.SOLDE)
        )
        assert not programmes.filter(montant_accorde__isnull=True).exists()
        assert not programmes.exclude(avis__in=("favorable", "reserve")).exists()
        # A financeur's board granted less than proposed on a few lines (fixer_montant_accorde).
        assert Evenement.objects.filter(action="financement.accord").exists()

        for dossier in dossiers.prefetch_related("lignes_budget"):
            charges = sum(lb.montant for lb in dossier.lignes_budget.all() if lb.sens == "charge")
            produits = sum(lb.montant for lb in dossier.lignes_budget.all() if lb.sens == "produit")
            assert charges == produits > 0, dossier.numero
        assert LigneBudget.objects.filter(compte="74", financeur__isnull=True).count() == 0

    def test_transitions_run_from_draft_to_the_statut_of_every_dossier(self):
        chaines = defaultdict(list)
        for dossier_id, de, vers in TransitionDossier.objects.order_by(
            "dossier", "horodatage", "id"
        ).values_list("dossier_id", "de", "vers"):
            chaines[dossier_id].append((de, vers))
        dossiers = Dossier.objects.filter(est_demo=True)
        assert dossiers.count() == len(chaines) >= 55 + 5 * 30
        for dossier in dossiers:
            chaine = chaines[dossier.pk]
            assert chaine[0][0] == Statut.BROUILLON, dossier.numero
            for (_, arrivee), (depart, _) in pairwise(chaine):
                assert depart == arrivee, dossier.numero
            assert chaine[-1][1] == dossier.statut, dossier.numero

    def test_every_deposited_dossier_has_its_frozen_version(self):
        deposes = Dossier.objects.filter(est_demo=True).exclude(statut=Statut.BROUILLON)
        assert not deposes.filter(versions__isnull=True).exists()
        for version in VersionDossier.objects.filter(dossier__in=deposes).select_related("dossier"):
            assert version.contenu["numero"] == version.dossier.numero
            assert version.contenu["budget"] and version.contenu["beneficiaires"]
            assert version.creee_le == version.dossier.depose_le

    def test_conventions_hold_what_was_granted_and_payments_never_exceed_it(self):
        sans_convention = Financement.objects.filter(
            dossier__statut__in=CONVENTIONNES, montant_accorde__gt=0, convention__isnull=True
        )
        assert not sans_convention.exists()
        sans_aucune = Dossier.objects.filter(statut__in=CONVENTIONNES).exclude(
            financements__convention__isnull=False
        )
        assert Dossier.objects.filter(statut__in=CONVENTIONNES).exists()
        assert not sans_aucune.exists()
        conventions = Convention.objects.select_related("financement__dossier").annotate(
            paye=Sum("paiements__montant")
        )
        assert conventions.exists()
        for convention in conventions:
            financement = convention.financement
            assert convention.montant == financement.montant_accorde > 0
            assert (convention.paye or 0) <= convention.montant
            if financement.dossier.statut == Statut.SOLDE:
                assert convention.paye == convention.montant
                assert convention.paiements.filter(nature=Paiement.Nature.SOLDE).count() == 1
        assert not Paiement.objects.filter(
            convention__financement__dossier__statut=Statut.CONVENTIONNE, nature="solde"
        ).exists()
        # Balances wait for the validated bilans, which suivi's demo files: none here.
        assert not Paiement.objects.filter(nature="solde").exists()
        assert not Dossier.objects.filter(statut=Statut.SOLDE).exists()

    def test_history_of_every_dossier_holds_its_creation_and_each_transition(self):
        type_dossier = ContentType.objects.get_for_model(Dossier)
        evenements = defaultdict(Counter)
        for object_id, action in Evenement.objects.filter(content_type=type_dossier).values_list(
            "object_id", "action"
        ):
            evenements[int(object_id)][action] += 1
        transitions = defaultdict(Counter)
        for dossier_id, code in TransitionDossier.objects.values_list("dossier_id", "transition"):
            transitions[dossier_id][f"dossier.{code}"] += 1
        for pk in Dossier.objects.filter(est_demo=True).values_list("pk", flat=True):
            historique = evenements[pk]
            assert historique["dossier.creation"] == 1
            for action in ("dossier.modification", "dossier.beneficiaires", "dossier.budget"):
                assert historique[action] == 1
            for action, nombre in transitions[pk].items():
                assert historique[action] == nombre, (pk, action)

    def test_committee_decisions_are_linked_to_their_seance(self):
        decisions = {
            (d.seance_id, int(d.object_id), d.decision)
            for d in Decision.objects.filter(seance__est_demo=True)
        }
        lignes = TransitionDossier.objects.select_related("seance__instance", "dossier__appel")
        en_comite = 0
        for ligne in lignes:
            comite = TRANSITIONS[CodeTransition(ligne.transition)].comite
            if comite is None:
                assert ligne.seance is None
                continue
            en_comite += 1
            assert ligne.seance is not None and ligne.seance.est_demo
            assert ligne.seance.instance.nature == comite
            assert ligne.seance.date == _local(ligne.horodatage)
            assert ligne.seance.date > ligne.dossier.appel.date_cloture
            assert (ligne.seance_id, ligne.dossier_id, ligne.transition) in decisions
        assert en_comite == len(decisions) > 0

    def test_dates_follow_the_call_year_in_order(self):
        type_dossier = ContentType.objects.get_for_model(Dossier)
        dates = defaultdict(list)
        for object_id, horodatage in (
            Evenement.objects.filter(content_type=type_dossier)
            .order_by("id")
            .values_list("object_id", "horodatage")
        ):
            dates[int(object_id)].append(horodatage)
        journal = defaultdict(list)
        for dossier_id, horodatage in TransitionDossier.objects.order_by("id").values_list(
            "dossier_id", "horodatage"
        ):
            journal[dossier_id].append(horodatage)
        for dossier in Dossier.objects.filter(est_demo=True).select_related("appel"):
            appel = dossier.appel
            moments = dates[dossier.pk]
            # Written in the order of the year, each step dated after the previous one.
            assert moments == sorted(moments), dossier.numero
            assert journal[dossier.pk] == sorted(journal[dossier.pk]), dossier.numero
            assert {_local(m).year for m in moments} == {appel.annee}, dossier.numero
            assert moments[0] == dossier.cree_le < dossier.depose_le
            assert appel.date_ouverture <= _local(dossier.cree_le)
            assert _local(dossier.depose_le) <= appel.date_cloture
        for financement in Financement.objects.exclude(avis="en_attente").select_related(
            "dossier__appel"
        ):
            dossier = financement.dossier
            assert dossier.depose_le < financement.avis_le
            assert _local(financement.avis_le).year == dossier.appel.annee
        for paiement in Paiement.objects.select_related("convention__financement__dossier__appel"):
            convention = paiement.convention
            appel = convention.financement.dossier.appel
            assert appel.date_cloture < convention.date <= paiement.date
            assert paiement.date.year == appel.annee

    def test_each_call_was_opened_then_published_before_its_first_dossier(self):
        type_appel = ContentType.objects.get_for_model(AppelAProjets)
        for appel in AppelAProjets.objects.all():
            actions = list(
                Evenement.objects.filter(content_type=type_appel, object_id=str(appel.pk))
                .order_by("id")
                .values_list("action", "horodatage")
            )
            assert actions[0][0] == "appel.creation" and actions[-1][0] == "appel.publication"
            assert [a for a, _ in actions].count("appel.enveloppe") == 6
            premier = appel.dossiers.order_by("cree_le").first()
            assert actions[0][1].year == appel.annee
            assert actions[-1][1] < premier.cree_le

    def test_demo_accounts_act_for_their_organisations(self):
        contrat = villiers()
        financeur2 = Habilitation.objects.get(utilisateur__username="financeur2", contrat=contrat)
        assert (financeur2.role, financeur2.organisation.code) == (Role.FINANCEUR, "region-idf")
        avis = Financement.objects.filter(avis_par=financeur2.utilisateur)
        assert avis.exists()
        assert set(avis.values_list("financeur__code", flat=True)) == {"region-idf"}
        assert Paiement.objects.filter(acteur=financeur2.utilisateur).exists()
        assert (
            not Financement.objects.filter(financeur__code="region-idf")
            .exclude(avis="en_attente")
            .exclude(avis_par=financeur2.utilisateur)
            .exists()
        )

        porteurs = {}
        for identifiant in ("porteur", "porteur2"):
            habilitation = Habilitation.objects.get(
                utilisateur__username=identifiant, contrat=contrat
            )
            assert habilitation.role == Role.PORTEUR
            dossiers = Dossier.objects.filter(structure__organisation=habilitation.organisation)
            # Their actions come back every year, in several statuts.
            assert set(dossiers.values_list("appel__annee", flat=True)) == set(range(2015, 2021))
            assert len(set(dossiers.values_list("statut", flat=True))) >= 3
            assert set(
                TransitionDossier.objects.filter(
                    dossier__in=dossiers, transition=CodeTransition.DEPOSER
                ).values_list("acteur__username", flat=True)
            ) == {identifiant}
            porteurs[identifiant] = habilitation.organisation_id
        assert porteurs["porteur"] != porteurs["porteur2"]

        # Every other structure is deposited by its own account, which cannot log in.
        autres = Habilitation.objects.filter(contrat=contrat, role=Role.PORTEUR).exclude(
            utilisateur__username__in=("porteur", "porteur2")
        )
        assert autres.count() == Structure.objects.count() - 2
        for habilitation in autres.select_related("utilisateur", "organisation"):
            assert habilitation.utilisateur.username == habilitation.organisation.code
            assert habilitation.utilisateur.username.startswith("demo-")
            assert not habilitation.utilisateur.has_usable_password()
        departement = Habilitation.objects.get(
            contrat=contrat, role=Role.FINANCEUR, organisation__code="departement-94"
        )
        assert not departement.utilisateur.has_usable_password()
        assert Financement.objects.filter(avis_par=departement.utilisateur).exists()

    def test_no_email_is_sent(self, demo):
        # The porteurs have addresses: only the suspension kept the notifications back.
        dossier = Dossier.objects.filter(
            structure__organisation__code="demo-association-clefs-avenir"
        ).first()
        assert destinataires(dossier) == ["porteur@demo.contrat-de-ville.test"]
        assert demo.bilan.transitions > 0
        assert demo.courriels == 0

    def test_second_run_creates_nothing(self, demo):
        avant = _comptes()
        bilan = generer_demo(villiers())
        assert bilan.total == 0 and bilan.annees_ignorees == []
        assert _comptes() == avant
        assert demo.bilan.dossiers == avant["Dossier"]

        sortie = io.StringIO()
        call_command("generer_demo_programmation", stdout=sortie)
        assert "rien créé" in sortie.getvalue()
        assert _comptes() == avant


def _appels_reels(annees: range) -> list[AppelAProjets]:
    return [AppelFactory(annee=annee, est_demo=False) for annee in annees]


def test_demo_never_mixes_with_a_real_call_of_the_same_year(mailoutbox):
    # Real calls from 2015 to 2019: only the 2020 demo call is generated, a cheap run.
    reels = _appels_reels(range(2015, 2020))
    bilan = generer_demo(villiers())
    assert bilan.annees_ignorees == [2015, 2016, 2017, 2018, 2019]
    for reel in reels:
        assert not reel.dossiers.exists()
    demo = AppelAProjets.objects.get(est_demo=True)
    assert demo.annee == 2020 and demo.dossiers.count() == bilan.dossiers >= 30
    # Its structures are registered when a dossier first needs them.
    assert Structure.objects.count() == bilan.structures > 0


def test_demo_command_prints_what_it_created_then_nothing():
    _appels_reels(range(2015, 2020))
    sortie = io.StringIO()
    call_command("generer_demo_programmation", stdout=sortie)
    texte = sortie.getvalue()
    assert "créées" in texte and "Appel 2015 ignoré" in texte
    assert re.search(rf"^  dossiers +{Dossier.objects.count()}$", texte, re.MULTILINE)
    avant = _comptes()

    sortie = io.StringIO()
    call_command("generer_demo_programmation", stdout=sortie)
    assert _comptes() == avant
    assert "rien créé" in sortie.getvalue()
