"""Instruction board, co-financing summary, avis and granted amounts through the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import Organisation
from contrats.selectors import droits
from programmation.models import Enveloppe, Financement, LigneBudget, NatureCredit, Statut
from programmation.selectors.instruction import synthese_cofinancement
from programmation.services.instruction import donner_avis
from programmation.services.transitions import transitionner
from programmation.templatetags.montants import format_euros
from programmation.tests.factories import AppelFactory, DossierFactory, villiers
from programmation.tests.outils import (
    INDEFINI,
    actions_de,
    client_de,
    dossier_depose,
    dossier_en_instruction,
    dossier_propose,
    dossier_recevable,
    dossier_valide,
    examiner_en_comite,
    financement,
    porteur_du,
    texte,
    url_tableau,
    verifier_refus,
)

pytestmark = pytest.mark.django_db

CONFLIT = "a modifié ce financement pendant votre saisie"


# --- Instruction board -----------------------------------------------------------------------


def test_board_lists_non_draft_dossiers_with_amounts_for_the_pilote(financeur, pilote):
    appel = AppelFactory()
    depose = dossier_depose(appel)
    en_instruction = dossier_en_instruction(appel)
    brouillon = DossierFactory(appel=appel, complet=True)
    donner_avis(
        financement=financement(en_instruction, "caf"),
        acteur=financeur,
        avis="favorable",
        montant_propose=Decimal("3500"),
        commentaire="",
        version=1,
    )

    reponse = client_de(pilote).get(url_tableau(appel))

    assert reponse.status_code == 200
    html = texte(reponse)
    assert INDEFINI not in html
    assert depose.numero in html and en_instruction.numero in html
    assert brouillon.numero not in html
    assert format_euros(Decimal("4000")) in html  # droit commun demandé (CAF)
    assert format_euros(Decimal("5000")) in html  # crédits spécifiques demandés (État)
    assert format_euros(Decimal("3500")) in html  # proposé par la CAF
    assert "4\u202f000,00\u00a0€" in html
    assert reverse("programmation:dossier", args=[depose.pk]) in html
    assert (
        reverse("programmation:comite_recevabilite", args=[appel.contrat.slug, appel.annee]) in html
    )


def test_board_filters_by_statut(etat):
    appel = AppelFactory()
    depose = dossier_depose(appel)
    recevable = dossier_recevable(appel)

    reponse = client_de(etat).get(url_tableau(appel), {"statut": Statut.RECEVABLE})

    html = texte(reponse)
    assert recevable.numero in html
    assert depose.numero not in html


def test_board_ignores_an_unknown_statut_filter(pilote):
    appel = AppelFactory()
    depose = dossier_depose(appel)

    reponse = client_de(pilote).get(url_tableau(appel), {"statut": "inconnu"})

    assert reponse.status_code == 200
    assert depose.numero in texte(reponse)


def test_financeur_sees_only_dossiers_asking_its_organisation(financeur):
    appel = AppelFactory()
    pour_la_caf = dossier_depose(appel)
    sans_la_caf = DossierFactory(appel=appel, complet=True)
    LigneBudget.objects.filter(dossier=sans_la_caf, financeur__code="caf").update(
        financeur=Organisation.objects.get(code="region-idf")
    )
    sans_la_caf = transitionner(
        dossier=sans_la_caf, transition="deposer", acteur=porteur_du(sans_la_caf)
    )

    html = texte(client_de(financeur).get(url_tableau(appel)))

    assert pour_la_caf.numero in html
    assert sans_la_caf.numero not in html
    assert INDEFINI not in html


def test_financeur_of_another_organisation_sees_no_dossier(autre_financeur):
    appel = AppelFactory()
    dossier = dossier_depose(appel)

    reponse = client_de(autre_financeur).get(url_tableau(appel))

    assert reponse.status_code == 200
    assert dossier.numero not in texte(reponse)


def test_membre_lists_only_the_submitted_dossiers_his_body_examines_without_pilotage_actions(
    membre,
):
    appel = AppelFactory()
    examine = dossier_depose(appel)
    examiner_en_comite(examine)
    non_examine = dossier_depose(appel)
    brouillon = DossierFactory(appel=appel)
    examiner_en_comite(brouillon)

    html = texte(client_de(membre).get(url_tableau(appel)))

    assert examine.numero in html
    assert non_examine.numero not in html
    assert brouillon.numero not in html
    assert (
        reverse("programmation:appel_enveloppes", args=[appel.contrat.slug, appel.annee])
        not in html
    )


@pytest.mark.parametrize("nom", ["porteur", "anonyme"])
def test_board_is_refused_to_porteur_and_anonymous(nom, personne):
    appel = AppelFactory()
    dossier_depose(appel)

    verifier_refus(client_de(personne(nom)).get(url_tableau(appel)), nom)


def test_board_of_an_unknown_call_is_not_found(pilote):
    reponse = client_de(pilote).get(
        reverse("programmation:dossiers_appel", args=[villiers().slug, 1900])
    )
    assert reponse.status_code == 404


def test_board_query_count_does_not_grow_with_dossiers(django_assert_max_num_queries, pilote):
    appel = AppelFactory()
    Enveloppe.objects.create(
        appel=appel,
        financeur=Organisation.objects.get(code="caf"),
        nature=NatureCredit.DROIT_COMMUN,
        montant=Decimal("20000"),
    )
    for _ in range(2):
        dossier_depose(appel)
        dossier_en_instruction(appel)
    client = client_de(pilote)
    with django_assert_max_num_queries(11):
        assert client.get(url_tableau(appel)).status_code == 200
    for _ in range(3):
        dossier_propose(appel)
    with django_assert_max_num_queries(11):
        assert client.get(url_tableau(appel)).status_code == 200


# --- Co-financing summary --------------------------------------------------------------------


def test_cofinancing_summary_computes_remaining_per_envelope_and_droit_commun_first(pilote):
    appel = AppelFactory()
    caf = Organisation.objects.get(code="caf")
    etat = Organisation.objects.get(code="etat")
    Enveloppe.objects.create(
        appel=appel, financeur=caf, nature=NatureCredit.DROIT_COMMUN, montant=Decimal("10000")
    )
    Enveloppe.objects.create(
        appel=appel,
        financeur=etat,
        nature=NatureCredit.CREDITS_SPECIFIQUES,
        montant=Decimal("8000"),
    )
    valide = dossier_valide(appel, caf="3000", etat="5000")  # accordé = proposé
    dossier_propose(appel, caf="2000", etat="4000")  # proposé, pas encore accordé
    refuse = dossier_propose(appel, caf="1000", etat="1000")
    transitionner(dossier=refuse, transition="refuser", acteur=pilote, motif="Hors priorités")
    assert valide.statut == Statut.VALIDE

    synthese = synthese_cofinancement(appel, droits(pilote, appel.contrat))

    lignes = {(ligne.financeur, ligne.nature): ligne for ligne in synthese.lignes}
    ligne_caf = lignes[(caf.nom, NatureCredit.DROIT_COMMUN)]
    assert ligne_caf.enveloppe == Decimal("10000")
    assert ligne_caf.propose == Decimal("5000")
    assert ligne_caf.accorde == Decimal("3000")
    assert ligne_caf.reste == Decimal("5000")  # 10000 − 3000 accordé − 2000 proposé
    ligne_etat = lignes[(etat.nom, NatureCredit.CREDITS_SPECIFIQUES)]
    assert ligne_etat.reste == Decimal("-1000")  # 8000 − 5000 − 4000
    assert ligne_etat.depasse
    assert synthese.droit_commun == Decimal("5000")
    assert synthese.credits_specifiques == Decimal("9000")
    assert synthese.part_droit_commun == 36
    assert not synthese.droit_commun_d_abord

    html = texte(client_de(pilote).get(url_tableau(appel)))
    assert "dépassement" in html
    assert "Les crédits spécifiques dépassent le droit commun" in html
    assert format_euros(Decimal("-1000")) in html


def test_financeur_sees_only_its_own_envelopes_in_the_summary(financeur):
    appel = AppelFactory()
    Enveloppe.objects.create(
        appel=appel,
        financeur=Organisation.objects.get(code="caf"),
        nature=NatureCredit.DROIT_COMMUN,
        montant=Decimal("10000"),
    )
    region = Organisation.objects.get(code="region-idf")
    Enveloppe.objects.create(
        appel=appel, financeur=region, nature=NatureCredit.DROIT_COMMUN, montant=Decimal("777")
    )

    html = texte(client_de(financeur).get(url_tableau(appel)))

    assert format_euros(Decimal("10000")) in html
    assert region.nom not in html


# --- Avis ------------------------------------------------------------------------------------


def url_avis(f: Financement) -> str:
    return reverse("programmation:financement_avis", args=[f.pk])


def test_financeur_gives_its_avis_from_the_board(financeur):
    dossier = dossier_en_instruction()
    ligne_caf = financement(dossier, "caf")
    client = client_de(financeur)

    tableau = texte(client.get(url_tableau(dossier.appel)))
    assert url_avis(ligne_caf) in tableau
    assert url_avis(financement(dossier, "etat")) not in tableau

    page = client.get(url_avis(ligne_caf))
    assert page.status_code == 200
    html = texte(page)
    assert INDEFINI not in html
    assert 'name="version"' in html and 'value="1"' in html

    reponse = client.post(
        url_avis(ligne_caf),
        {"avis": "favorable", "montant_propose": "3 500,00", "commentaire": "Utile", "version": 1},
    )

    assert reponse.status_code == 302
    ligne_caf.refresh_from_db()
    assert ligne_caf.avis == Financement.Avis.FAVORABLE
    assert ligne_caf.montant_propose == Decimal("3500")
    assert ligne_caf.avis_par == financeur
    assert ligne_caf.version == 2
    assert "financement.avis" in actions_de(dossier)


def test_etat_gives_the_avis_of_the_state_line(etat):
    dossier = dossier_en_instruction()
    ligne = financement(dossier, "etat")

    reponse = client_de(etat).post(
        url_avis(ligne), {"avis": "defavorable", "commentaire": "Hors priorités", "version": 1}
    )

    assert reponse.status_code == 302
    ligne.refresh_from_db()
    assert ligne.avis == Financement.Avis.DEFAVORABLE
    assert ligne.montant_propose == Decimal(0)


@pytest.mark.parametrize(
    "nom", ["porteur", "membre", "autre_financeur", "anonyme", "pilote", "etat"]
)
def test_avis_on_a_caf_line_is_refused_to_others(nom, personne):
    dossier = dossier_en_instruction()
    ligne = financement(dossier, "caf")
    client = client_de(personne(nom))

    verifier_refus(client.get(url_avis(ligne)), nom)
    verifier_refus(
        client.post(url_avis(ligne), {"avis": "favorable", "montant_propose": "100", "version": 1}),
        nom,
    )

    ligne.refresh_from_db()
    assert ligne.avis == Financement.Avis.EN_ATTENTE
    assert ligne.version == 1


def test_caf_agent_cannot_give_the_state_avis(financeur):
    dossier = dossier_en_instruction()
    reponse = client_de(financeur).get(url_avis(financement(dossier, "etat")))
    assert reponse.status_code == 403


@pytest.mark.parametrize(
    "donnees, message",
    [
        ({"avis": "favorable", "montant_propose": ""}, "Un avis favorable propose un montant"),
        ({"avis": "favorable", "montant_propose": "-5"}, "Le montant ne peut pas être négatif."),
        ({"avis": "favorable", "montant_propose": "9000"}, "dépasse le montant demandé"),
        (
            {"avis": "reserve", "montant_propose": "douze"},
            "en notation française, par exemple 1 234,56",
        ),
        ({"avis": "", "montant_propose": "100"}, "Ce champ est obligatoire."),
        ({"avis": "en_attente", "montant_propose": "100"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_avis_shows_a_french_message_and_changes_nothing(donnees, message, financeur):
    dossier = dossier_en_instruction()
    ligne = financement(dossier, "caf")
    evenements = len(actions_de(dossier))

    reponse = client_de(financeur).post(url_avis(ligne), {**donnees, "version": 1})

    assert reponse.status_code == 200
    html = texte(reponse)
    assert message in html
    assert "Rien n'a été enregistré" in html or "Le formulaire contient des erreurs" in html
    ligne.refresh_from_db()
    assert ligne.avis == Financement.Avis.EN_ATTENTE
    assert ligne.montant_propose is None
    assert ligne.version == 1
    assert len(actions_de(dossier)) == evenements


def test_avis_outside_instruction_is_refused_with_a_message(financeur):
    dossier = dossier_propose()
    ligne = financement(dossier, "caf")

    reponse = client_de(financeur).post(
        url_avis(ligne), {"avis": "favorable", "montant_propose": "100", "version": ligne.version}
    )

    assert "Les avis se donnent pendant l'instruction" in texte(reponse)
    ligne.refresh_from_db()
    assert ligne.montant_propose == Decimal("3500")


def test_concurrent_avis_second_agent_is_told_and_nothing_is_overwritten(
    financeur, second_agent_caf
):
    dossier = dossier_en_instruction()
    ligne = financement(dossier, "caf")
    premier, second = client_de(financeur), client_de(second_agent_caf)
    assert 'value="1"' in texte(premier.get(url_avis(ligne)))
    assert 'value="1"' in texte(second.get(url_avis(ligne)))

    assert (
        premier.post(
            url_avis(ligne),
            {
                "avis": "favorable",
                "montant_propose": "3000",
                "commentaire": "Premier",
                "version": 1,
            },
        ).status_code
        == 302
    )
    reponse = second.post(
        url_avis(ligne),
        {"avis": "defavorable", "montant_propose": "", "commentaire": "Second", "version": 1},
    )

    assert reponse.status_code == 200
    html = texte(reponse)
    assert CONFLIT in html
    assert str(financeur) in html
    ligne.refresh_from_db()
    assert ligne.avis == Financement.Avis.FAVORABLE
    assert ligne.montant_propose == Decimal("3000")
    assert ligne.commentaire == "Premier"
    assert ligne.version == 2
    assert actions_de(dossier).count("financement.avis") == 1


# --- Granted amount --------------------------------------------------------------------------


def url_accord(f: Financement) -> str:
    return reverse("programmation:financement_accord", args=[f.pk])


def test_financeur_grants_less_than_proposed_after_validation(financeur):
    dossier = dossier_valide()
    ligne = financement(dossier, "caf")
    client = client_de(financeur)

    assert url_accord(ligne) in texte(client.get(url_tableau(dossier.appel)))
    page = client.get(url_accord(ligne))
    assert page.status_code == 200
    assert INDEFINI not in texte(page)

    reponse = client.post(url_accord(ligne), {"montant": "3000", "version": ligne.version})

    assert reponse.status_code == 302
    ligne.refresh_from_db()
    assert ligne.montant_accorde == Decimal("3000")
    assert "financement.accord" in actions_de(dossier)


@pytest.mark.parametrize(
    "montant, message",
    [
        ("5000", "Le montant accordé doit être compris entre 0"),
        ("-1", "Le montant ne peut pas être négatif."),
        ("beaucoup", "en notation française, par exemple 1 234,56"),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_bad_granted_amount_changes_nothing(montant, message, financeur):
    dossier = dossier_valide()
    ligne = financement(dossier, "caf")
    version = ligne.version

    reponse = client_de(financeur).post(url_accord(ligne), {"montant": montant, "version": version})

    assert message in texte(reponse)
    ligne.refresh_from_db()
    assert ligne.montant_accorde == Decimal("3500")
    assert ligne.version == version


def test_granted_amount_before_validation_is_refused(financeur):
    dossier = dossier_en_instruction()
    ligne = financement(dossier, "caf")

    reponse = client_de(financeur).post(url_accord(ligne), {"montant": "100", "version": 1})

    assert "Le montant accordé se fixe après validation" in texte(reponse)
    ligne.refresh_from_db()
    assert ligne.montant_accorde is None


def test_concurrent_granted_amount_is_refused(financeur, second_agent_caf):
    dossier = dossier_valide()
    ligne = financement(dossier, "caf")
    version = ligne.version
    assert (
        client_de(financeur)
        .post(url_accord(ligne), {"montant": "3000", "version": version})
        .status_code
        == 302
    )

    reponse = client_de(second_agent_caf).post(
        url_accord(ligne), {"montant": "1000", "version": version}
    )

    assert CONFLIT in texte(reponse)
    ligne.refresh_from_db()
    assert ligne.montant_accorde == Decimal("3000")


@pytest.mark.parametrize("nom", ["porteur", "membre", "autre_financeur", "anonyme"])
def test_granted_amount_is_refused_to_others(nom, personne):
    dossier = dossier_valide()
    ligne = financement(dossier, "caf")
    client = client_de(personne(nom))

    verifier_refus(client.get(url_accord(ligne)), nom)
    verifier_refus(client.post(url_accord(ligne), {"montant": "1", "version": ligne.version}), nom)

    ligne.refresh_from_db()
    assert ligne.montant_accorde == Decimal("3500")
