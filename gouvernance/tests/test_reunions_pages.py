"""A meeting through its pages: prepared, its agenda built, convened with an invitation,
held, attendance and decisions recorded, its relevé published as a PDF."""

import subprocess
from datetime import date, timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from contrats.models import Engagement
from gouvernance.models import Decision, Presence, Seance
from gouvernance.services import ajouter_membre
from gouvernance.tests.outils import (
    LIEU,
    a_midi,
    instance_de,
    pilote_demo,
    seance_preparee,
)
from historique.horloge import aujourdhui
from historique.models import Evenement
from historique.selectors import historique_de
from tests.outils import client_de

pytestmark = pytest.mark.django_db

JOUR = date(2017, 3, 14)


def _texte(reponse) -> str:
    return unescape(reponse.content.decode())


def _messages(reponse) -> list[str]:
    return [str(m) for m in reponse.context["messages"]] if reponse.context else []


def test_pilote_prepares_convenes_holds_and_publishes_a_copil_technique_meeting(
    villiers, membre, django_capture_on_commit_callbacks
):
    client = client_de(pilote_demo())
    copil = instance_de(villiers, "copil-technique")
    elu = ajouter_membre(
        instance=copil,
        acteur=pilote_demo(),
        date_debut=date(2015, 1, 1),
        utilisateur=membre,
        nom="Karim Diallo",
    )
    engagement = Engagement.objects.filter(section__contrat=villiers).first()

    with a_midi(JOUR - timedelta(days=20)):
        reponse = client.post(
            reverse("gouvernance:nouvelle_reunion", args=[villiers.slug]),
            {
                "instance": copil.pk,
                "titre": "COPIL technique de printemps",
                "date": JOUR.isoformat(),
                "heure_debut": "14:00",
                "heure_fin": "16:00",
                "lieu": LIEU,
            },
        )
        seance = Seance.objects.get(titre="COPIL technique de printemps")
        assert reponse["Location"] == reverse("gouvernance:seance", args=[seance.pk])
        page = _texte(client.get(reponse["Location"]))
        assert "Engagements des signataires" in page
        option = page.split('<optgroup label="Engagements des signataires">')[1].split('value="')[1]
        valeur = option.split('"')[0]
        client.post(reverse("gouvernance:ajouter_point", args=[seance.pk]), {"objet": valeur})
        client.post(
            reverse("gouvernance:ajouter_point", args=[seance.pk]),
            {"intitule": "Calendrier de l'appel à projets"},
        )
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(reverse("gouvernance:convoquer", args=[seance.pk]), follow=True)

    assert "Convocation envoyée à 1 destinataire." in _messages(reponse)
    (courriel,) = mail.outbox
    assert courriel.bcc == [membre.email]  # members do not see each other's addresses
    assert "Calendrier de l'appel à projets" in courriel.body
    (nom, contenu, type_mime) = courriel.attachments[0]
    assert nom.endswith(".ics") and type_mime.startswith("text/calendar")
    (evenement,) = Calendar.from_ical(contenu).walk("VEVENT")
    assert (
        str(evenement["SUMMARY"]) == "Comité de pilotage technique — COPIL technique de printemps"
    )
    assert evenement.decoded("DTSTART").date() == JOUR
    seance.refresh_from_db()
    assert seance.statut == Seance.Statut.CONVOQUEE
    assert [p.intitule for p in seance.points.all()][1] == "Calendrier de l'appel à projets"

    with a_midi(JOUR):
        client.post(reverse("gouvernance:tenir", args=[seance.pk]))
        client.post(
            reverse("gouvernance:presences", args=[seance.pk]),
            {f"etat_{elu.pk}": Presence.Etat.REPRESENTE, f"represente_par_{elu.pk}": "Mme Roux"},
        )
        point = seance.points.get(ordre=1)
        client.post(
            reverse("gouvernance:decider", args=[seance.pk, point.pk]),
            {"decision": "Engagement tenu pour 2016", "motif": "Bilan présenté"},
        )
        reponse = client.post(reverse("gouvernance:publier_releve", args=[seance.pk]), follow=True)

    assert "Relevé de décisions publié." in _messages(reponse)
    seance.refresh_from_db()
    assert seance.tenue and seance.releve_publie_le is not None
    assert Presence.objects.get(seance=seance).represente_par == "Mme Roux"
    decision = Decision.objects.get(seance=seance)
    assert decision.objet == engagement and decision.point == point
    actions = list(historique_de(seance).values_list("action", flat=True))
    for action in (
        "seance.creation",
        "seance.point",
        "seance.convocation",
        "seance.tenue",
        "seance.presences",
        "seance.decision",
        "seance.releve",
    ):
        assert action in actions
    assert historique_de(engagement).filter(action="seance.decision").exists()
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.pk])))
    section = engagement.section
    lien = reverse("contrats:engagements", args=[villiers.slug, section.numero])
    assert f'href="{lien}#engagement-{engagement.ordre}"' in page

    pdf = client.get(reverse("gouvernance:releve_pdf", args=[seance.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    texte_pdf = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Relevé de décisions" in texte_pdf
    assert "Engagement tenu pour 2016" in texte_pdf
    assert "Représenté : 1" in texte_pdf


def test_a_meeting_without_place_nor_link_is_refused_with_a_message(villiers):
    copil = instance_de(villiers, "copil-technique")
    avant = Seance.objects.count()

    reponse = client_de(pilote_demo()).post(
        reverse("gouvernance:nouvelle_reunion", args=[villiers.slug]),
        {"instance": copil.pk, "titre": "Sans lieu", "date": aujourdhui().isoformat()},
    )

    assert reponse.status_code == 200
    assert "Indiquez le lieu de la séance ou son lien de visioconférence." in _texte(reponse)
    assert Seance.objects.count() == avant


def test_a_meeting_before_the_contract_is_refused_with_a_message(villiers):
    copil = instance_de(villiers, "copil-technique")
    avant = Evenement.objects.count()

    reponse = client_de(pilote_demo()).post(
        reverse("gouvernance:nouvelle_reunion", args=[villiers.slug]),
        {"instance": copil.pk, "titre": "Trop tôt", "date": "2014-06-01", "lieu": LIEU},
    )

    assert "est hors de la période du contrat (du 01/01/2015" in _texte(reponse)
    assert not Seance.objects.filter(titre="Trop tôt").exists()
    assert Evenement.objects.count() == avant


def test_convening_an_empty_agenda_is_refused_and_changes_nothing(villiers):
    seance = seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=5))

    reponse = client_de(pilote_demo()).post(
        reverse("gouvernance:convoquer", args=[seance.pk]), follow=True
    )

    assert "L'ordre du jour est vide : ajoutez au moins un point." in _messages(reponse)
    seance.refresh_from_db()
    assert seance.statut == Seance.Statut.PREVUE and not mail.outbox


def test_a_future_meeting_cannot_be_held_nor_decide(villiers):
    seance = seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=5))
    client = client_de(pilote_demo())

    reponse = client.post(reverse("gouvernance:tenir", args=[seance.pk]), follow=True)

    assert any("n'a pas encore eu lieu" in m for m in _messages(reponse))
    seance.refresh_from_db()
    assert seance.statut == Seance.Statut.PREVUE
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.pk])))
    assert "Enregistrer la décision" not in page


def test_attendance_must_name_who_represents(villiers, membre):
    copil = instance_de(villiers, "copil-technique")
    elu = ajouter_membre(
        instance=copil, acteur=pilote_demo(), date_debut=date(2015, 1, 1), nom="Élu référent"
    )
    seance = seance_preparee(villiers, "copil-technique", aujourdhui())

    reponse = client_de(pilote_demo()).post(
        reverse("gouvernance:presences", args=[seance.pk]),
        {f"etat_{elu.pk}": Presence.Etat.REPRESENTE, f"represente_par_{elu.pk}": " "},
        follow=True,
    )

    assert "Élu référent est représenté : indiquez par qui." in _messages(reponse)
    assert not Presence.objects.filter(seance=seance).exists()
