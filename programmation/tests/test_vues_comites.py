"""Committees through the pages: one meeting, all its decisions or none; batch instruction."""

import pytest
from django.db.models import F
from django.urls import reverse

from gouvernance.models import Decision, Seance
from historique.horloge import aujourdhui
from historique.models import Evenement
from programmation.models import Dossier, Statut
from programmation.services import seances as service_seances
from programmation.services.erreurs import TransitionInterdite
from programmation.services.transitions import transitionner
from programmation.tests.factories import AppelFactory
from programmation.tests.outils import (
    INDEFINI,
    actions_de,
    client_de,
    dossier_depose,
    dossier_propose,
    dossier_recevable,
    texte,
    url_tableau,
    verifier_refus,
)

pytestmark = pytest.mark.django_db


def url(nom: str, appel) -> str:
    return reverse(f"programmation:{nom}", args=[appel.contrat.slug, appel.annee])


def seance_postee(dossiers_decisions: dict, titre: str = "Comité du printemps") -> dict:
    """POST data: {dossier: (decision, motif)} plus the meeting's date and title."""
    # Held today: a committee records what it decided, never a meeting still to come.
    donnees = {"date": aujourdhui().isoformat(), "titre": titre}
    for dossier, (decision, motif) in dossiers_decisions.items():
        donnees[f"decision_{dossier.pk}"] = decision
        donnees[f"motif_{dossier.pk}"] = motif
        donnees[f"version_{dossier.pk}"] = dossier.version
    return donnees


def photo(appel) -> tuple:
    """What a refused meeting must leave untouched."""
    return (
        Seance.objects.count(),
        Decision.objects.count(),
        Evenement.objects.count(),
        sorted(Dossier.objects.filter(appel=appel).values_list("numero", "statut", "version")),
    )


# --- Comité de recevabilité ------------------------------------------------------------------


def test_admissibility_committee_lists_submitted_dossiers_with_a_decision_each(pilote):
    appel = AppelFactory()
    a, b = dossier_depose(appel), dossier_depose(appel)
    deja = dossier_recevable(appel)

    reponse = client_de(pilote).get(url("comite_recevabilite", appel))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert INDEFINI not in page
    assert a.numero in page and b.numero in page
    assert deja.numero not in page
    assert f'name="decision_{a.pk}"' in page and f'name="motif_{a.pk}"' in page
    assert "Déclarer recevable" in page and "Déclarer irrecevable" in page
    assert "Pas de décision" in page
    assert "Valider" not in page.split('id="decisions-comite"')[1]


def test_admissibility_committee_records_the_meeting_and_all_decisions(pilote):
    appel = AppelFactory()
    a, b, sans_decision = dossier_depose(appel), dossier_depose(appel), dossier_depose(appel)
    client = client_de(pilote)

    reponse = client.post(
        url("comite_recevabilite", appel),
        seance_postee(
            {
                a: ("declarer_recevable", ""),
                b: ("declarer_irrecevable", "Action hors du périmètre du quartier"),
                sans_decision: ("", ""),
            }
        ),
    )

    seance = Seance.objects.get(titre="Comité du printemps")
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("gouvernance:seance", args=[seance.pk])
    assert seance.instance.nature == "comite_recevabilite"
    assert seance.date == aujourdhui()
    assert {d.decision: d.motif for d in seance.decisions.all()} == {
        "declarer_recevable": "",
        "declarer_irrecevable": "Action hors du périmètre du quartier",
    }
    statuts = dict(Dossier.objects.filter(appel=appel).values_list("pk", "statut"))
    assert statuts == {
        a.pk: Statut.RECEVABLE,
        b.pk: Statut.IRRECEVABLE,
        sans_decision.pk: Statut.DEPOSE,
    }
    assert "dossier.declarer_recevable" in actions_de(a)
    assert "dossier.declarer_irrecevable" in actions_de(b)
    assert actions_de(seance).count("seance.decision") == 2
    assert "seance.creation" in actions_de(seance)
    suite = texte(client.get(reponse["Location"]))
    assert f"Séance du {aujourdhui():%d/%m/%Y} enregistrée : 2 décision(s)." in suite


def test_missing_reason_for_inadmissible_names_the_dossier_and_records_nothing(pilote):
    appel = AppelFactory()
    a, b = dossier_depose(appel), dossier_depose(appel)
    avant = photo(appel)

    reponse = client_de(pilote).post(
        url("comite_recevabilite", appel),
        seance_postee({a: ("declarer_recevable", ""), b: ("declarer_irrecevable", "  ")}),
    )

    assert reponse.status_code == 200
    page = texte(reponse)
    assert (
        f"Dossier {b.numero} : Indiquez le motif de la décision « Déclarer irrecevable »." in page
    )
    assert "Rien n'a été enregistré" in page
    assert INDEFINI not in page
    assert photo(appel) == avant


def test_meeting_without_any_decision_is_refused(etat):
    appel = AppelFactory()
    a = dossier_depose(appel)
    avant = photo(appel)

    reponse = client_de(etat).post(url("comite_recevabilite", appel), seance_postee({a: ("", "")}))

    assert "Aucune décision à enregistrer" in texte(reponse)
    assert photo(appel) == avant


@pytest.mark.parametrize(
    "autres, message",
    [
        ({"date": ""}, "Ce champ est obligatoire."),
        ({"date": "32/13/2031"}, "Saisissez une date valide."),
        ({"titre": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_meeting_fields_record_nothing(autres, message, pilote):
    appel = AppelFactory()
    a = dossier_depose(appel)
    avant = photo(appel)

    reponse = client_de(pilote).post(
        url("comite_recevabilite", appel),
        {**seance_postee({a: ("declarer_recevable", "")}), **autres},
    )

    assert reponse.status_code == 200
    assert message in texte(reponse)
    assert photo(appel) == avant


def test_unknown_decision_is_refused(pilote):
    appel = AppelFactory()
    a = dossier_depose(appel)
    avant = photo(appel)

    reponse = client_de(pilote).post(
        url("comite_recevabilite", appel), seance_postee({a: ("valider", "")})
    )

    assert "Sélectionnez un choix valide" in texte(reponse)
    assert photo(appel) == avant


def test_dossier_changed_during_the_meeting_refuses_the_whole_meeting(etat, pilote):
    appel = AppelFactory()
    a, b = dossier_depose(appel), dossier_depose(appel)
    donnees = seance_postee({a: ("declarer_recevable", ""), b: ("declarer_recevable", "")})
    # Someone decides on b between the display of the form and its submission.
    transitionner(dossier=b, transition="declarer_recevable", acteur=etat)
    avant = photo(appel)

    reponse = client_de(pilote).post(url("comite_recevabilite", appel), donnees)

    assert f"Dossier {b.numero} : il a changé pendant votre saisie" in texte(reponse)
    assert photo(appel) == avant


@pytest.mark.parametrize("nom", ["porteur", "membre", "financeur", "autre_financeur", "anonyme"])
@pytest.mark.parametrize("comite", ["comite_recevabilite", "comite_pilotage"])
def test_committee_pages_are_refused_to_others(nom, comite, personne):
    appel = AppelFactory()
    a = dossier_depose(appel)
    b = dossier_propose(appel)
    client = client_de(personne(nom))
    avant = photo(appel)

    verifier_refus(client.get(url(comite, appel)), nom)
    verifier_refus(
        client.post(
            url(comite, appel),
            seance_postee({a: ("declarer_recevable", ""), b: ("valider", "")}),
        ),
        nom,
    )

    assert photo(appel) == avant


# --- Comité de pilotage ----------------------------------------------------------------------


def test_copil_lists_proposed_dossiers_with_their_proposed_amounts(etat):
    appel = AppelFactory()
    propose = dossier_propose(appel)
    depose = dossier_depose(appel)

    reponse = client_de(etat).get(url("comite_pilotage", appel))

    page = texte(reponse)
    assert reponse.status_code == 200
    assert INDEFINI not in page
    assert propose.numero in page and depose.numero not in page
    assert "Valider" in page and "Refuser" in page and "Ajourner" in page
    assert "3\u202f500,00\u00a0€" in page


def test_copil_validates_refuses_and_adjourns_in_one_meeting(etat):
    appel = AppelFactory()
    a, b, c, d = (dossier_propose(appel) for _ in range(4))

    reponse = client_de(etat).post(
        url("comite_pilotage", appel),
        seance_postee(
            {
                a: ("valider", ""),
                b: ("refuser", "Doublon avec une action existante"),
                c: ("ajourner", "Budget à préciser"),
                d: ("", ""),
            },
            titre="COPIL politique",
        ),
    )

    assert reponse.status_code == 302
    seance = Seance.objects.get(titre="COPIL politique")
    assert seance.instance.nature == "copil_politique"
    assert seance.decisions.count() == 3
    statuts = dict(Dossier.objects.filter(appel=appel).values_list("pk", "statut"))
    assert statuts == {
        a.pk: Statut.VALIDE,
        b.pk: Statut.REFUSE,
        c.pk: Statut.AJOURNE,
        d.pk: Statut.PROPOSE,
    }
    assert "dossier.valider" in actions_de(a)
    assert "dossier.refuser" in actions_de(b)
    assert "dossier.ajourner" in actions_de(c)


def test_copil_refusal_without_reason_cancels_the_other_decisions_too(pilote):
    appel = AppelFactory()
    a, b = dossier_propose(appel), dossier_propose(appel)
    avant = photo(appel)

    reponse = client_de(pilote).post(
        url("comite_pilotage", appel),
        seance_postee({a: ("valider", ""), b: ("refuser", "")}),
    )

    assert f"Dossier {b.numero} : Indiquez le motif de la décision « Refuser »." in texte(reponse)
    assert photo(appel) == avant
    a.refresh_from_db()
    assert a.statut == Statut.PROPOSE
    assert a.financements.filter(montant_accorde__isnull=False).count() == 0


def test_committee_without_pending_dossier_says_so(pilote):
    appel = AppelFactory()
    reponse = client_de(pilote).get(url("comite_pilotage", appel))
    assert "Aucun dossier n'attend cette instance." in texte(reponse)


# --- Meeting record --------------------------------------------------------------------------


def _seance_tenue(appel, pilote):
    a, b = dossier_depose(appel), dossier_depose(appel)
    client_de(pilote).post(
        url("comite_recevabilite", appel),
        seance_postee(
            {a: ("declarer_recevable", ""), b: ("declarer_irrecevable", "Hors quartier")}
        ),
    )
    return Seance.objects.get(titre="Comité du printemps"), a, b


@pytest.mark.parametrize("nom", ["pilote", "etat", "membre"])
def test_meeting_record_shows_decisions_with_links_and_reasons(nom, pilote, personne):
    appel = AppelFactory()
    seance, a, b = _seance_tenue(appel, pilote)

    reponse = client_de(personne(nom)).get(reverse("gouvernance:seance", args=[seance.pk]))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert INDEFINI not in page
    assert f"{aujourdhui():%d/%m/%Y}" in page
    assert "Comité de recevabilité" in page
    assert reverse("programmation:dossier", args=[a.pk]) in page
    assert reverse("programmation:dossier", args=[b.pk]) in page
    assert "Déclarer irrecevable" in page and "Hors quartier" in page


@pytest.mark.parametrize("nom", ["porteur", "financeur", "autre_financeur", "anonyme"])
def test_meeting_record_is_refused_to_others(nom, personne, pilote):
    appel = AppelFactory()
    seance, _, _ = _seance_tenue(appel, pilote)

    reponse = client_de(personne(nom)).get(reverse("gouvernance:seance", args=[seance.pk]))

    verifier_refus(reponse, nom)


def test_unknown_meeting_is_not_found(pilote):
    assert client_de(pilote).get(reverse("gouvernance:seance", args=[999999])).status_code == 404


# --- Batch instruction -----------------------------------------------------------------------


def test_pilote_puts_every_admissible_dossier_in_instruction(pilote):
    appel = AppelFactory()
    a, b = dossier_recevable(appel), dossier_recevable(appel)
    depose = dossier_depose(appel)
    client = client_de(pilote)
    assert url("mettre_en_instruction_lot", appel) in texte(client.get(url_tableau(appel)))

    reponse = client.post(url("mettre_en_instruction_lot", appel))

    assert reponse.status_code == 302
    statuts = dict(Dossier.objects.filter(appel=appel).values_list("pk", "statut"))
    assert statuts == {
        a.pk: Statut.EN_INSTRUCTION,
        b.pk: Statut.EN_INSTRUCTION,
        depose.pk: Statut.DEPOSE,
    }
    assert "dossier.mettre_en_instruction" in actions_de(a)
    assert a.financements.count() == 2
    assert "2 dossier(s) mis en instruction." in texte(client.get(reponse["Location"]))


def test_batch_instruction_is_all_or_nothing(monkeypatch, pilote):
    appel = AppelFactory()
    a, b = dossier_recevable(appel), dossier_recevable(appel)
    avant = photo(appel)
    vraie = service_seances.transitionner

    def echoue_sur_b(*, dossier, **kwargs):
        if dossier.pk == b.pk:
            raise TransitionInterdite("Le dossier est verrouillé.")
        return vraie(dossier=dossier, **kwargs)

    monkeypatch.setattr(service_seances, "transitionner", echoue_sur_b)

    reponse = client_de(pilote).post(url("mettre_en_instruction_lot", appel), follow=True)

    page = texte(reponse)
    assert f"Dossier {b.numero} : Le dossier est verrouillé." in page
    assert "Aucun dossier n'a changé de statut." in page
    assert photo(appel) == avant
    a.refresh_from_db()
    assert a.statut == Statut.RECEVABLE
    assert not a.financements.exists()


def test_batch_instruction_without_admissible_dossier_says_so(etat):
    appel = AppelFactory()
    dossier_depose(appel)
    avant = photo(appel)

    reponse = client_de(etat).post(url("mettre_en_instruction_lot", appel), follow=True)

    assert "Aucun dossier recevable à mettre en instruction." in texte(reponse)
    assert photo(appel) == avant


def test_batch_instruction_is_post_only(pilote):
    appel = AppelFactory()
    assert client_de(pilote).get(url("mettre_en_instruction_lot", appel)).status_code == 405


@pytest.mark.parametrize("nom", ["porteur", "membre", "financeur", "autre_financeur", "anonyme"])
def test_batch_instruction_is_refused_to_others(nom, personne):
    appel = AppelFactory()
    dossier_recevable(appel)
    avant = photo(appel)

    verifier_refus(client_de(personne(nom)).post(url("mettre_en_instruction_lot", appel)), nom)

    assert photo(appel) == avant


def test_dossier_whose_version_changed_refuses_the_whole_meeting(pilote):
    appel = AppelFactory()
    a, b = dossier_depose(appel), dossier_depose(appel)
    donnees = seance_postee({a: ("declarer_recevable", ""), b: ("declarer_recevable", "")})
    Dossier.objects.filter(pk=b.pk).update(version=F("version") + 1)
    avant = photo(appel)

    reponse = client_de(pilote).post(url("comite_recevabilite", appel), donnees)

    assert f"Dossier {b.numero} : il a changé pendant votre saisie" in texte(reponse)
    assert photo(appel) == avant


def test_decision_on_a_dossier_of_another_call_is_refused_without_naming_it(pilote):
    appel, autre = AppelFactory(), AppelFactory()
    a = dossier_depose(appel)
    etranger = dossier_recevable(autre)
    avant = photo(appel)

    reponse = client_de(pilote).post(
        url("comite_recevabilite", appel),
        seance_postee({a: ("declarer_recevable", ""), etranger: ("declarer_recevable", "")}),
    )

    page = texte(reponse)
    assert "Une décision porte sur un dossier inconnu de ce comité." in page
    assert etranger.numero not in page
    assert photo(appel) == avant
