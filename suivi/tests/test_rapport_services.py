"""The rapport annuel's services: each happy path writes its history event, each refusal
says why in French and changes nothing. Documents are stood in for (see outils_rapports);
test_rapport_documents.py generates the real ones."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django_tasks_db.models import DBTaskResult

from historique.horloge import aujourdhui, rejouer_a
from historique.selectors import historique_de
from programmation.demo import moment
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from programmation.tests.factories import villiers
from programmation.tests.outils import actions_de
from suivi.actions import ActionSuivi
from suivi.models import (
    AvisRapport,
    CodeTransitionRapport,
    GenerationRapport,
    RapportAnnuel,
    StatutRapport,
    TransitionRapport,
)
from suivi.services import rapports as services
from suivi.services.effets_rapports import un_mois_apres
from suivi.services.generations import produire_les_documents
from suivi.tests import outils_rapports as outils

pytestmark = pytest.mark.django_db
C = CodeTransitionRapport
Sens = AvisRapport.Sens


@pytest.fixture(autouse=True)
def _medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _etat(rapport: RapportAnnuel) -> tuple:
    courant = outils.relire(rapport)
    return (
        courant.statut,
        courant.perspectives,
        courant.soumis_le,
        courant.fin_consultation,
        courant.date_deliberation,
        courant.publie_le,
        tuple(AvisRapport.objects.filter(rapport=rapport).values_list("nom", "sens", "texte")),
        TransitionRapport.objects.filter(rapport=rapport).count(),
        len(actions_de(rapport)),
    )


def _refuse(cible: RapportAnnuel, erreur: type, message: str, fonction, /, **kwargs) -> None:
    """`fonction(**kwargs)` raises `erreur` saying `message`, and the rapport is unchanged."""
    avant = _etat(cible)
    with pytest.raises(erreur) as refus:
        fonction(**kwargs)
    assert message in refus.value.message
    assert _etat(cible) == avant


# ---------------------------------------------------------------- creating, perspectives


def test_the_pilote_creates_the_rapport_of_a_contract_year(pilote):
    rapport = services.creer_rapport(contrat=villiers(), annee=2019, acteur=pilote)

    assert (rapport.annee, rapport.statut) == (2019, StatutRapport.BROUILLON)
    assert actions_de(rapport) == [ActionSuivi.RAPPORT_CREATION]


@pytest.mark.parametrize(
    ("qui", "annee", "erreur", "message"),
    [
        ("financeur", 2019, DroitInsuffisant, "pilote et l'État"),
        ("membre", 2019, DroitInsuffisant, "pilote et l'État"),
        ("pilote", 2014, DonneesInvalides, "de 2015 à 2020"),
        ("pilote", 2021, DonneesInvalides, "de 2015 à 2020"),
    ],
)
def test_a_rapport_is_created_by_the_pilotage_for_a_year_of_the_contract(
    qui, annee, erreur, message, personne
):
    with pytest.raises(erreur, match=message):
        services.creer_rapport(contrat=villiers(), annee=annee, acteur=personne(qui))
    assert not RapportAnnuel.objects.exists()


def test_a_year_not_begun_and_a_second_rapport_of_a_year_are_refused(etat):
    with rejouer_a(moment(date(2018, 6, 1), 10)), pytest.raises(DonneesInvalides, match="2019"):
        services.creer_rapport(contrat=villiers(), annee=2019, acteur=etat)
    services.creer_rapport(contrat=villiers(), annee=2019, acteur=etat)
    with pytest.raises(DonneesInvalides, match="existe déjà"):
        services.creer_rapport(contrat=villiers(), annee=2019, acteur=etat)
    assert RapportAnnuel.objects.count() == 1


def test_perspectives_are_written_on_the_draft_only_and_each_change_is_logged(pilote, financeur):
    rapport = outils.rapport_cree()
    services.modifier_perspectives(rapport=rapport, perspectives=" Poursuivre. ", acteur=pilote)
    services.modifier_perspectives(rapport=rapport, perspectives="Poursuivre.", acteur=pilote)

    assert outils.relire(rapport).perspectives == "Poursuivre."
    assert actions_de(rapport).count(ActionSuivi.RAPPORT_PERSPECTIVES) == 1
    _refuse(
        rapport,
        DroitInsuffisant,
        "pilote et l'État",
        services.modifier_perspectives,
        rapport=rapport,
        perspectives="Autre",
        acteur=financeur,
    )
    outils.generer(rapport)
    outils.transitionner(rapport, C.SOUMETTRE)
    _refuse(
        rapport,
        TransitionInterdite,
        "que sur le projet",
        services.modifier_perspectives,
        rapport=rapport,
        perspectives="Autre",
        acteur=pilote,
    )


# ---------------------------------------------------------------- consultation


@pytest.mark.parametrize(
    ("jour", "fin"),
    [
        (date(2019, 3, 9), date(2019, 4, 9)),
        (date(2019, 1, 31), date(2019, 2, 28)),
        (date(2020, 1, 31), date(2020, 2, 29)),
        (date(2019, 5, 31), date(2019, 6, 30)),
        (date(2019, 12, 15), date(2020, 1, 15)),
    ],
)
def test_the_consultation_lasts_one_month_to_the_same_day_or_the_months_last(jour, fin):
    assert un_mois_apres(jour) == fin


def test_submitting_needs_a_generated_document(pilote):
    rapport = outils.rapport_cree()
    _refuse(
        rapport,
        DonneesInvalides,
        "Générez le rapport",
        services.transitionner_rapport,
        rapport=rapport,
        transition=C.SOUMETTRE,
        acteur=pilote,
    )


def test_submitting_opens_a_month_of_consultation_of_the_conseil_citoyen_and_the_commune():
    rapport = outils.rapport_cree()
    outils.generer(rapport)
    jour = date(2020, 3, 9)
    with rejouer_a(moment(jour, 10)):
        rapport = outils.transitionner(rapport, C.SOUMETTRE)

    assert (rapport.statut, rapport.soumis_le, rapport.fin_consultation) == (
        StatutRapport.EN_CONSULTATION,
        jour,
        date(2020, 4, 9),
    )
    assert list(
        AvisRapport.objects.filter(rapport=rapport).values_list("organe", "nom", "sens")
    ) == [
        ("conseil_citoyen", "Conseil Citoyen", Sens.ATTENDU),
        ("conseil_municipal", "Conseil municipal de Villiers-sur-Marne", Sens.ATTENDU),
    ]
    assert "rapport.soumettre" in actions_de(rapport)


def test_an_avis_is_entered_during_the_consultation_and_logged(pilote):
    rapport = outils.rapport_soumis()
    avis = AvisRapport.objects.get(rapport=rapport, organe=AvisRapport.Organe.CONSEIL_CITOYEN)

    services.saisir_avis(
        avis=avis,
        sens=Sens.RESERVES,
        texte=" Associer les habitants. ",
        recu_le=aujourdhui(),
        acteur=pilote,
    )

    avis.refresh_from_db()
    assert (avis.sens, avis.texte, avis.saisi_par) == (
        Sens.RESERVES,
        "Associer les habitants.",
        pilote,
    )
    evenement = next(e for e in _evenements(rapport) if e.action == ActionSuivi.RAPPORT_AVIS)
    assert evenement.changements["sens"] == [Sens.ATTENDU, Sens.RESERVES]
    assert evenement.changements["texte"] == "Associer les habitants."


def _evenements(rapport):
    return list(historique_de(rapport))


@pytest.mark.parametrize(
    ("sens", "texte", "decalage", "message"),
    [
        (Sens.RESERVES, "", 0, "texte de l'avis"),
        (Sens.DEFAVORABLE, "  ", 0, "texte de l'avis"),
        (Sens.TACITE, "", 0, "sens de l'avis"),
        (Sens.FAVORABLE, "", 1, "aujourd'hui"),
        (Sens.FAVORABLE, "", -1, "soumission du rapport"),
        (Sens.FAVORABLE, "", None, "date de réception"),
    ],
)
def test_a_bad_avis_changes_nothing(sens, texte, decalage, message, pilote):
    rapport = outils.rapport_soumis()
    avis = AvisRapport.objects.filter(rapport=rapport).first()
    recu_le = None if decalage is None else aujourdhui() + timedelta(days=decalage)
    _refuse(
        rapport,
        DonneesInvalides,
        message,
        services.saisir_avis,
        avis=avis,
        sens=sens,
        texte=texte,
        recu_le=recu_le,
        acteur=pilote,
    )


def test_an_avis_outside_the_consultation_or_by_a_financeur_is_refused(pilote, financeur):
    rapport = outils.rapport_soumis()
    avis = AvisRapport.objects.filter(rapport=rapport).first()
    arguments = {"avis": avis, "sens": Sens.FAVORABLE, "texte": "", "recu_le": aujourdhui()}
    _refuse(
        rapport, DroitInsuffisant, "pilote", services.saisir_avis, acteur=financeur, **arguments
    )
    outils.transitionner(rapport, C.REPRENDRE, motif="Amender le pilier 3.")
    _refuse(
        rapport,
        TransitionInterdite,
        "pendant la consultation",
        services.saisir_avis,
        acteur=pilote,
        **arguments,
    )


# ---------------------------------------------------------------- adoption


def _adopter(rapport, pilote, jour):
    return {
        "rapport": rapport,
        "transition": C.ADOPTER,
        "acteur": pilote,
        "date_deliberation": jour,
        "reference_deliberation": "DCM 42",
    }


def test_adoption_before_the_month_is_over_with_an_avis_missing_is_refused(pilote):
    rapport = outils.rapport_soumis()
    services.saisir_avis(
        avis=AvisRapport.objects.get(rapport=rapport, organe=AvisRapport.Organe.CONSEIL_CITOYEN),
        sens=Sens.FAVORABLE,
        texte="",
        recu_le=aujourdhui(),
        acteur=pilote,
    )
    _refuse(
        rapport,
        DonneesInvalides,
        "Avis non reçu : Conseil municipal de Villiers-sur-Marne",
        services.transitionner_rapport,
        **_adopter(rapport, pilote, aujourdhui()),
    )


@pytest.mark.parametrize(
    ("jour", "message"),
    [(None, "Indiquez la date"), (1, "dans le futur"), (-1, "précéder la soumission")],
)
def test_the_deliberation_date_is_given_not_in_the_future_not_before_submission(
    jour, message, pilote
):
    rapport = outils.rapport_soumis()
    outils.saisir_tous_les_avis(rapport)
    date_deliberation = None if jour is None else aujourdhui() + timedelta(days=jour)
    _refuse(
        rapport,
        DonneesInvalides,
        message,
        services.transitionner_rapport,
        **_adopter(rapport, pilote, date_deliberation),
    )


def test_once_the_month_is_over_missing_avis_become_tacit_and_received_ones_stay(pilote):
    rapport = outils.rapport_cree(2018)
    outils.generer(rapport)
    with rejouer_a(moment(date(2019, 3, 1), 10)):
        outils.transitionner(rapport, C.SOUMETTRE)
    with rejouer_a(moment(date(2019, 3, 20), 10)):
        services.saisir_avis(
            avis=AvisRapport.objects.get(
                rapport=rapport, organe=AvisRapport.Organe.CONSEIL_CITOYEN
            ),
            sens=Sens.DEFAVORABLE,
            texte="Trop peu d'actions pour les jeunes.",
            recu_le=date(2019, 3, 19),
            acteur=pilote,
        )
    with rejouer_a(moment(date(2019, 4, 5), 10)):
        with pytest.raises(DonneesInvalides, match="01/04/2019"):
            services.transitionner_rapport(**_adopter(rapport, pilote, date(2019, 4, 1)))
        rapport = services.transitionner_rapport(**_adopter(rapport, pilote, date(2019, 4, 2)))

    assert (rapport.statut, rapport.date_deliberation, rapport.reference_deliberation) == (
        StatutRapport.ADOPTE,
        date(2019, 4, 2),
        "DCM 42",
    )
    assert dict(AvisRapport.objects.filter(rapport=rapport).values_list("organe", "sens")) == {
        "conseil_citoyen": Sens.DEFAVORABLE,
        "conseil_municipal": Sens.TACITE,
    }


def test_taking_back_keeps_the_avis_and_a_new_submission_asks_them_again_history_kept(pilote):
    rapport = outils.rapport_soumis()
    outils.saisir_tous_les_avis(rapport, Sens.DEFAVORABLE)
    _refuse(
        rapport,
        DonneesInvalides,
        "motif",
        services.transitionner_rapport,
        rapport=rapport,
        transition=C.REPRENDRE,
        acteur=pilote,
    )

    rapport = outils.transitionner(rapport, C.REPRENDRE, motif="Amender après l'avis défavorable.")
    assert (rapport.statut, rapport.motif_decision) == (
        StatutRapport.BROUILLON,
        "Amender après l'avis défavorable.",
    )
    assert set(AvisRapport.objects.filter(rapport=rapport).values_list("sens", flat=True)) == {
        Sens.DEFAVORABLE
    }
    rapport = outils.transitionner(rapport, C.SOUMETTRE)
    assert set(AvisRapport.objects.filter(rapport=rapport).values_list("sens", flat=True)) == {
        Sens.ATTENDU
    }
    anciens = [e for e in _evenements(rapport) if e.action == ActionSuivi.RAPPORT_AVIS]
    assert len(anciens) == 2 and all(e.changements["sens"][1] == Sens.DEFAVORABLE for e in anciens)


# ---------------------------------------------------------------- publication, generation


def test_publishing_needs_documents_generated_since_the_adoption(pilote):
    rapport = outils.rapport_adopte()
    _refuse(
        rapport,
        DonneesInvalides,
        "depuis son adoption",
        services.transitionner_rapport,
        rapport=rapport,
        transition=C.PUBLIER,
        acteur=pilote,
    )
    outils.generer(rapport)

    rapport = outils.transitionner(rapport, C.PUBLIER)

    assert rapport.statut == StatutRapport.PUBLIE and rapport.publie_le is not None
    with pytest.raises(TransitionInterdite, match="publié ne se génère plus"):
        services.demander_generation(rapport=rapport, acteur=pilote)


def test_a_generation_is_queued_run_by_the_worker_and_logged(pilote):
    rapport = outils.rapport_cree()
    generation = services.demander_generation(rapport=rapport, acteur=pilote)

    tache = DBTaskResult.objects.get(pk=generation.tache)
    assert (tache.task_path, tache.status) == ("suivi.tasks.generer_rapport", "READY")
    assert generation.etat == GenerationRapport.Etat.EN_ATTENTE
    with pytest.raises(TransitionInterdite, match="déjà en cours"):
        services.demander_generation(rapport=rapport, acteur=pilote)

    with outils.sans_mise_en_page():
        assert outils.executer_les_taches() == 1

    generation.refresh_from_db()
    tache.refresh_from_db()
    assert (generation.etat, generation.progression, generation.nombre_actions) == (
        GenerationRapport.Etat.TERMINEE,
        100,
        0,
    )
    assert generation.pdf.read() == b"%PDF-1.4\n%%EOF\n" and tache.status == "SUCCESSFUL"
    assert actions_de(rapport)[:2] == [
        ActionSuivi.RAPPORT_GENERATION_TERMINEE,
        ActionSuivi.RAPPORT_GENERATION_DEMANDEE,
    ]


def test_a_generation_run_twice_is_done_once(pilote):
    rapport = outils.rapport_cree()
    generation = services.demander_generation(rapport=rapport, acteur=pilote)
    with outils.sans_mise_en_page():
        outils.executer_les_taches()
        produire_les_documents(generation.pk)

    assert actions_de(rapport).count(ActionSuivi.RAPPORT_GENERATION_TERMINEE) == 1


def test_a_failed_generation_keeps_its_french_error_and_the_task_fails(pilote):
    rapport = outils.rapport_cree()
    generation = services.demander_generation(rapport=rapport, acteur=pilote)
    with mock.patch("suivi.rapports_documents.document_pdf", side_effect=OSError("disque plein")):
        outils.executer_les_taches()

    generation.refresh_from_db()
    assert generation.etat == GenerationRapport.Etat.ECHEC
    assert generation.erreur == (
        "La génération a échoué à l'étape « Mise en page du PDF » : OSError : disque plein"
    )
    assert DBTaskResult.objects.get(pk=generation.tache).status == "FAILED"
    assert ActionSuivi.RAPPORT_GENERATION_ECHOUEE in actions_de(rapport)
    assert services.demander_generation(rapport=rapport, acteur=pilote).pk != generation.pk


def test_a_generation_lost_for_a_quarter_of_an_hour_gives_way_to_a_new_one(pilote, financeur):
    rapport = outils.rapport_cree()
    with rejouer_a(moment(aujourdhui() - timedelta(days=1), 9)):
        perdue = services.demander_generation(rapport=rapport, acteur=pilote)
    _refuse(
        rapport,
        DroitInsuffisant,
        "pilote",
        services.demander_generation,
        rapport=rapport,
        acteur=financeur,
    )

    nouvelle = services.demander_generation(rapport=rapport, acteur=pilote)

    perdue.refresh_from_db()
    assert perdue.etat == GenerationRapport.Etat.ECHEC and "abandonnée" in perdue.erreur
    assert nouvelle.etat == GenerationRapport.Etat.EN_ATTENTE
