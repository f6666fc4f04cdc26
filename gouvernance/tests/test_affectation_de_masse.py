"""Field-level rules of the meetings' forms: the pilotage sets what its forms offer, no more.

Each test posts a page's own form (tests.outils.Formulaire) plus fields the design keeps
from any form, named as the real model fields (a séance's statut, version, dates of
convocation and relevé, demo mark; objects of another contract), then reads the rows
again. A meeting is created "en préparation" in one of the contract's bodies; its
agenda items and attendance concern this contract only. (A decision written on an agenda
item moves no dossier: programmation/tests/test_affectation_de_masse.py.)
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from contrats.models import Engagement, Organisation
from gouvernance import services
from gouvernance.extensions import ObjetExaminable
from gouvernance.models import PointOrdreDuJour, Presence, Seance
from gouvernance.selectors import cle_de
from gouvernance.tests.outils import instance_de, seance_preparee, seance_tenue
from historique.horloge import aujourdhui
from tests.outils import Formulaire, PageHTML, en_base, html_de, pourquoi

pytestmark = pytest.mark.django_db

# What only the meeting's own steps (convene, hold, publish, cancel) write.
CHAMPS_GARDES = (
    "instance",
    "statut",
    "convoquee_le",
    "releve_publie_le",
    "compte_rendu",
    "est_demo",
)


def _url(nom: str, *args) -> str:
    return reverse(f"gouvernance:{nom}", args=args)


def _reunion(instance, titre: str) -> dict[str, list[str]]:
    """What the new meeting's form asks: its body, its title, a date a week ahead, a place."""
    return {
        "instance": [str(instance.pk)],
        "titre": [titre],
        "date": [(aujourdhui() + timedelta(days=7)).isoformat()],
        "lieu": ["Salle du conseil"],
    }


def test_pilote_prepares_a_meeting_of_its_contract_in_preparation_and_nothing_more(
    villiers, eq2030, pilote
):
    formulaire = Formulaire(pilote, _url("nouvelle_reunion", villiers.slug))
    copil = instance_de(villiers, "copil-technique")

    reponse = formulaire.poster(
        _reunion(copil, "COPIL technique d'hiver")
        | {
            "statut": [Seance.Statut.TENUE],
            "version": ["99"],
            "convoquee_le": ["2020-01-01 10:00"],
            "releve_publie_le": ["2020-01-01 10:00"],
            "compte_rendu": ["Tout est décidé."],
            "est_demo": ["on"],
            "contrat": [str(eq2030.pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    seance = Seance.objects.get(titre="COPIL technique d'hiver")
    assert en_base(seance, *CHAMPS_GARDES) == {
        "instance": copil.pk,
        "statut": Seance.Statut.PREVUE,
        "convoquee_le": None,
        "releve_publie_le": None,
        "compte_rendu": "",
        "est_demo": False,
    }
    assert seance.version < 99
    assert not Seance.objects.filter(instance__contrat=eq2030).exists()


def test_pilote_cannot_prepare_a_meeting_of_another_contract_s_body(villiers, eq2030, pilote):
    formulaire = Formulaire(pilote, _url("nouvelle_reunion", villiers.slug))
    ailleurs = instance_de(eq2030, "copil-technique")

    reponse = formulaire.poster(_reunion(ailleurs, "Séance ailleurs"))

    assert reponse.status_code == 200
    assert "instance" in reponse.context["form"].errors
    assert not Seance.objects.filter(titre="Séance ailleurs").exists()


def texte(reponse) -> str:
    return PageHTML(html_de(reponse)).texte


def _formulaire_de_la_seance(seance: Seance, pilote, action: str) -> Formulaire:
    """A form of the meeting's page (its agenda, its attendance), as the pilote reads it."""
    return Formulaire(pilote, _url("seance", seance.pk), action)


def test_pilote_adds_to_the_agenda_only_what_its_contract_examines(villiers, eq2030, pilote):
    seance = seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=7))
    autre_seance = seance_preparee(villiers, "copil-technique", aujourdhui() + timedelta(days=8))
    formulaire = _formulaire_de_la_seance(seance, pilote, _url("ajouter_point", seance.pk))
    ici = Engagement.objects.filter(section__contrat=villiers).first()
    ailleurs = Engagement.objects.filter(section__contrat=eq2030).first()
    refus = formulaire.poster({"objet": [cle_de(ObjetExaminable("", ailleurs, ""))]}, follow=True)

    assert "Cet objet n'est plus proposé pour l'ordre du jour." in texte(refus)
    assert not seance.points.exists()

    formulaire.poster(
        {
            "objet": [cle_de(ObjetExaminable("", ici, ""))],
            "seance": [str(autre_seance.pk)],
            "ordre": ["99"],
            "content_type": [str(ContentType.objects.get_for_model(ailleurs).pk)],
            "object_id": [str(ailleurs.pk)],
        }
    )

    point = PointOrdreDuJour.objects.get(seance=seance)
    assert (point.objet, point.ordre) == (ici, 1)
    assert not autre_seance.points.exists()


def test_attendance_concerns_the_members_of_the_meeting_s_body_only(villiers, pilote, membre):
    copil = instance_de(villiers, "copil-technique")
    debut = aujourdhui() - timedelta(days=30)
    siege = services.ajouter_membre(
        instance=copil, acteur=pilote, date_debut=debut, nom="Élue du COPIL"
    )
    ailleurs = services.ajouter_membre(
        instance=instance_de(villiers, "comite-recevabilite"),
        acteur=pilote,
        date_debut=debut,
        nom="Membre d'un autre comité",
    )
    seance = seance_tenue(villiers, "copil-technique", aujourdhui() - timedelta(days=2))
    formulaire = _formulaire_de_la_seance(seance, pilote, _url("presences", seance.pk))
    avant = en_base(seance, *CHAMPS_GARDES, "version")

    refus = formulaire.poster(
        {f"etat_{siege.pk}": [Presence.Etat.PRESENT], f"etat_{ailleurs.pk}": ["present"]},
        follow=True,
    )

    assert "Une présence porte sur une personne qui ne siège pas ce jour-là." in texte(refus)
    assert not seance.presences.exists()
    assert en_base(seance, *CHAMPS_GARDES, "version") == avant

    formulaire.poster(
        {
            f"etat_{siege.pk}": [Presence.Etat.PRESENT],
            "statut": [Seance.Statut.ANNULEE],
            "releve_publie_le": ["2020-01-01 10:00"],
        }
    )

    assert list(seance.presences.values_list("membre", "etat")) == [
        (siege.pk, Presence.Etat.PRESENT)
    ]
    assert en_base(seance, *CHAMPS_GARDES) == {k: v for k, v in avant.items() if k != "version"}


def test_pilote_ends_the_mandate_of_a_member_of_that_body_only(villiers, pilote):
    copil = instance_de(villiers, "copil-technique")
    debut = aujourdhui() - timedelta(days=30)
    # The body's page names each member's organisation.
    caf = Organisation.objects.get(code="caf")
    siege = services.ajouter_membre(
        instance=copil, acteur=pilote, date_debut=debut, organisation=caf, nom="Élue"
    )
    ailleurs = services.ajouter_membre(
        instance=instance_de(villiers, "comite-recevabilite"),
        acteur=pilote,
        date_debut=debut,
        organisation=caf,
        nom="Membre d'un autre comité",
    )
    formulaire = Formulaire(
        pilote,
        _url("instance", villiers.slug, copil.code),
        _url("instance_fin_mandat", villiers.slug, copil.code),
    )
    fin = {"date_fin": [aujourdhui().isoformat()]}

    refus = formulaire.poster(fin | {"membre": [str(ailleurs.pk)]})

    assert refus.status_code == 404
    assert en_base(ailleurs, "date_fin", "instance") == {
        "date_fin": None,
        "instance": ailleurs.instance_id,
    }

    reponse = formulaire.poster(
        fin
        | {
            "membre": [str(siege.pk)],
            "instance": [str(ailleurs.instance_id)],
            "date_debut": ["2000-01-01"],
        }
    )

    assert reponse.status_code == 302
    assert en_base(siege, "date_fin", "date_debut", "instance") == {
        "date_fin": aujourdhui(),
        "date_debut": debut,
        "instance": copil.pk,
    }
