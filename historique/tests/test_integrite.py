"""The tamper-evident history: committed events are sealed into one SHA-256 chain, the
database refuses any delete and any update but the sealing, and verifier_historique names
the first event whose content or place in the chain was changed behind its back."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from historique.integrite import (
    condense,
    sceller,
    sql_gardes,
    sql_retrait_des_gardes,
    verifier,
)
from historique.models import Evenement, TeteDeChaine
from historique.services import enregistrer_evenement

pytestmark = pytest.mark.django_db


@pytest.fixture
def trois_evenements(villiers, django_capture_on_commit_callbacks):
    sceller()  # what the session's loading recorded
    with django_capture_on_commit_callbacks(execute=True):
        evenements = [
            enregistrer_evenement(acteur=None, objet=villiers, action=f"essai.{rang}")
            for rang in range(3)
        ]
    for evenement in evenements:
        evenement.refresh_from_db()
    return evenements


def _sans_gardes(requete: str, *parametres) -> None:
    """What an intruder with the database file does: drop the guard, write, lay it again."""
    with connection.cursor() as curseur:
        for sql in sql_retrait_des_gardes(connection.vendor):
            curseur.execute(sql)
        curseur.execute(requete, parametres)
        for sql in sql_gardes(connection.vendor):
            curseur.execute(sql)


def test_committed_events_are_sealed_in_order_each_linked_to_the_previous(trois_evenements):
    premier, deuxieme, troisieme = trois_evenements
    assert deuxieme.rang == premier.rang + 1 and troisieme.rang == deuxieme.rang + 1
    assert deuxieme.empreinte_precedente == premier.empreinte
    assert troisieme.empreinte_precedente == deuxieme.empreinte
    assert len(troisieme.empreinte) == 64
    tete = TeteDeChaine.objects.get()
    assert (tete.rang, tete.empreinte) == (troisieme.rang, troisieme.empreinte)
    assert condense() == f"historique contrat-de-ville rang={tete.rang} sha256={tete.empreinte}"


def test_an_event_is_never_sealed_before_its_transaction_commits(villiers):
    enregistrer_evenement(acteur=None, objet=villiers, action="essai.en_cours")
    assert Evenement.objects.get(action="essai.en_cours").rang is None


def test_the_intact_chain_verifies(trois_evenements, capsys):
    resultat = verifier()
    assert resultat.intacte
    assert resultat.verifies == Evenement.objects.filter(rang__isnull=False).count()
    call_command("verifier_historique")
    assert "Historique intact" in capsys.readouterr().out


@pytest.mark.parametrize(
    "requete",
    [
        "UPDATE historique_evenement SET objet_libelle = 'autre' WHERE id = %s",
        "UPDATE historique_evenement SET motif = 'ajouté' WHERE id = %s",
        "UPDATE historique_evenement SET empreinte = 'ffff' WHERE id = %s",
        "DELETE FROM historique_evenement WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(trois_evenements, requete):
    cible = trois_evenements[1]
    with (
        pytest.raises(DatabaseError, match="historique"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(requete, [cible.pk])
    cible.refresh_from_db()
    assert (cible.objet_libelle, cible.empreinte) == (
        trois_evenements[1].objet_libelle,
        trois_evenements[1].empreinte,
    )


def test_a_changed_content_is_named_by_its_event(trois_evenements):
    cible = trois_evenements[1]
    _sans_gardes(
        "UPDATE historique_evenement SET objet_libelle = 'falsifié' WHERE id = %s", cible.pk
    )

    resultat = verifier()

    assert (resultat.intacte, resultat.rompu.pk) == (False, cible.pk)
    assert resultat.raison == "son contenu a été modifié depuis son scellement"
    with pytest.raises(CommandError, match=f"l'événement n° {cible.pk} "):
        call_command("verifier_historique")


def test_a_removed_event_breaks_the_chain_at_the_next_one(trois_evenements):
    _sans_gardes("DELETE FROM historique_evenement WHERE id = %s", trois_evenements[1].pk)

    resultat = verifier()

    assert resultat.rompu.pk == trois_evenements[2].pk
    assert "un événement manque" in resultat.raison


def test_removing_the_last_events_is_seen_at_the_chain_s_head(trois_evenements):
    _sans_gardes("DELETE FROM historique_evenement WHERE id = %s", trois_evenements[2].pk)

    resultat = verifier()

    assert not resultat.intacte
    assert resultat.raison == "la tête de la chaîne ne désigne pas son dernier événement"


GARDES = {
    "sqlite": (
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
        {"historique_evenement_sans_suppression", "historique_evenement_sans_modification"},
    ),
    "postgresql": (
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        {"historique_evenement_garde"},
    ),
}


def test_flush_empties_the_database_and_keeps_the_guard(trois_evenements):
    if connection.vendor == "postgresql":
        # Inside the test's transaction, PostgreSQL truncates only once the rows' foreign
        # keys are checked; a real flush runs on its own.
        with connection.cursor() as curseur:
            curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)

    assert not Evenement.objects.exists()
    requete, attendues = GARDES[connection.vendor]
    with connection.cursor() as curseur:
        curseur.execute(requete, ["historique_evenement"])
        assert {nom for (nom,) in curseur.fetchall()} == attendues
