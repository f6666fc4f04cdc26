"""Backup and restore: one archive holds every row of every table and every uploaded file;
restoring it gives them back exactly (the sealed history included, which still verifies),
and an archive that is damaged, tampered with, made on other migrations or aimed at a
database in use without --remplacer is refused, the database and the files unchanged.

The round trip flushes the database, hence a transactional test (run last, the contract
reloaded by `contrat_charge`); the refusals change nothing and run in the usual rolled-back
transaction."""

import hashlib
import json
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from historique.actions import ActionSauvegarde
from historique.integrite import empreinte, sceller
from historique.models import Evenement, TeteDeChaine
from historique.services import enregistrer_evenement

FICHIERS_DU_SITE = {
    "pieces/2026/statuts.pdf": b"%PDF-1.7\n" + os.urandom(40_000) + b"\n%%EOF\n",
    "seances/relevé de décisions.pdf": b"%PDF-1.4\n" + os.urandom(3_000) + b"\n%%EOF\n",
    "chartes/charte.odt": os.urandom(12_000),
}


def lignes_de_chaque_table() -> dict[str, list[tuple]]:
    """Every row of the table of every model, auto-created many-to-many tables included,
    every column (those no model declares too), as the database returns them."""
    modeles = [
        modele
        for modele in apps.get_models(include_auto_created=True)
        if modele._meta.managed and not modele._meta.proxy
    ]
    lignes = {}
    nom = connection.ops.quote_name
    with connection.cursor() as curseur:
        for modele in modeles:
            table, cle = modele._meta.db_table, modele._meta.pk.column
            curseur.execute(f"SELECT * FROM {nom(table)} ORDER BY {nom(cle)}")
            lignes[table] = curseur.fetchall()
    return lignes


def empreintes(racine: Path) -> dict[str, str]:
    return {
        chemin.relative_to(racine).as_posix(): hashlib.sha256(chemin.read_bytes()).hexdigest()
        for chemin in sorted(racine.rglob("*"))
        if chemin.is_file()
    }


def ecrire(racine: Path, fichiers: dict[str, bytes]) -> Path:
    for relatif, contenu in fichiers.items():
        (racine / relatif).parent.mkdir(parents=True, exist_ok=True)
        (racine / relatif).write_bytes(contenu)
    return racine


@pytest.fixture
def medias(tmp_path):
    """The site's uploaded files, alone in their parent folder (nothing must be left
    beside them)."""
    racine = ecrire(tmp_path / "site" / "media", FICHIERS_DU_SITE)
    with override_settings(MEDIA_ROOT=racine):
        yield racine


# --- Aller et retour -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_une_restauration_rend_chaque_ligne_de_chaque_table_et_chaque_fichier(
    contrat_charge, medias, tmp_path, capsys
):
    sceller()
    evenements = Evenement.objects.order_by("rang")
    # The pitfall: Django's JSON keeps milliseconds; these microseconds must come back.
    assert any(e.horodatage.microsecond % 1000 for e in evenements)
    assert all(e.rang for e in evenements)
    avant, fichiers_avant = lignes_de_chaque_table(), empreintes(medias)
    assert sum(map(len, avant.values())) > 1000
    tete_avant = TeteDeChaine.objects.get()

    call_command("sauvegarder", sortie=tmp_path / "sauvegarde.zip")

    assert "Sauvegarde écrite" in capsys.readouterr().out
    sauvegarde = Evenement.objects.order_by("-id").first()
    assert sauvegarde.action == ActionSauvegarde.SAUVEGARDE
    assert sauvegarde.changements["fichiers"] == len(FICHIERS_DU_SITE)
    assert stat.S_IMODE((tmp_path / "sauvegarde.zip").stat().st_mode) == 0o600

    # Everything changes after the backup: rows, many-to-many links, history, files.
    contrat_charge.communes.clear()
    type(contrat_charge).objects.filter(pk=contrat_charge.pk).update(titre="Écrasé")
    with transaction.atomic():
        enregistrer_evenement(acteur=None, objet=contrat_charge, action="essai.apres")
    get_user_model().objects.filter(username="membre").update(first_name="Autre")
    (medias / "pieces/2026/statuts.pdf").unlink()
    (medias / "chartes/charte.odt").write_bytes(b"autre contenu")
    ecrire(medias, {"nouveau.pdf": b"%PDF-1.4\n%%EOF\n"})
    assert lignes_de_chaque_table() != avant

    call_command("restaurer", tmp_path / "sauvegarde.zip", remplacer=True)

    assert "restaurée" in capsys.readouterr().out
    apres = lignes_de_chaque_table()
    historique = {"historique_evenement", "historique_tetedechaine"}
    for table, lignes in avant.items():
        if table not in historique:
            assert apres[table] == lignes, f"{table} n'est pas restaurée à l'identique"
    # The history as it was, then the restore's own event, sealed after it.
    evenements_avant = avant["historique_evenement"]
    assert apres["historique_evenement"][: len(evenements_avant)] == evenements_avant
    assert len(apres["historique_evenement"]) == len(evenements_avant) + 1
    restauration = Evenement.objects.order_by("-id").first()
    assert restauration.action == ActionSauvegarde.RESTAURATION
    assert (restauration.rang, restauration.empreinte_precedente) == (
        tete_avant.rang + 1,
        tete_avant.empreinte,
    )
    call_command("verifier_historique")
    assert "Historique intact" in capsys.readouterr().out
    assert empreintes(medias) == fichiers_avant
    assert [p.name for p in medias.parent.iterdir()] == ["media"]
    # The sequences follow the restored rows: new rows get new ids.
    get_user_model().objects.create(username="apres-restauration")


# --- Refus -------------------------------------------------------------------------------------


@pytest.fixture
def archive(contrat_charge, tmp_path) -> Path:
    """A backup of the test database with files of its own (not the site's)."""
    source = ecrire(tmp_path / "source", {"ancien.pdf": b"%PDF-1.4\nancien\n%%EOF\n"})
    with override_settings(MEDIA_ROOT=source):
        call_command("sauvegarder", sortie=tmp_path / "sauvegarde.zip")
    return tmp_path / "sauvegarde.zip"


def refuser(archive: Path, medias: Path, message: str, *, remplacer: bool = True) -> None:
    """Restoring is refused with `message`; neither a row nor a file has changed."""
    avant, fichiers_avant = lignes_de_chaque_table(), empreintes(medias)
    with pytest.raises(CommandError, match=message):
        call_command("restaurer", archive, remplacer=remplacer)
    assert lignes_de_chaque_table() == avant
    assert empreintes(medias) == fichiers_avant
    assert [p.name for p in medias.parent.iterdir()] == ["media"]


def reecrire(archive: Path, membre: str, contenu: bytes) -> None:
    """The archive with one member replaced, its manifest left as it was."""
    with zipfile.ZipFile(archive) as ancienne:
        membres = {info.filename: ancienne.read(info) for info in ancienne.infolist()}
    membres[membre] = contenu
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as nouvelle:
        for nom, octets in membres.items():
            nouvelle.writestr(nom, octets)


def test_une_archive_tronquee_est_refusee(archive, medias):
    octets = archive.read_bytes()
    archive.write_bytes(octets[: len(octets) // 2])

    refuser(archive, medias, "est illisible ou corrompue .* rien n'a été changé")


def test_une_archive_abimee_est_refusee_en_nommant_le_membre_abime(archive, medias):
    with zipfile.ZipFile(archive) as lecture:
        abime = max(lecture.infolist(), key=lambda info: info.compress_size)
    octets = bytearray(archive.read_bytes())
    # Its local header: 30 bytes, ending with the lengths of the name and the extra field
    # that follow it, then the compressed data.
    nom, extra = struct.unpack_from("<HH", octets, abime.header_offset + 26)
    debut = abime.header_offset + 30 + nom + extra
    milieu = debut + abime.compress_size // 2
    octets[milieu : milieu + 8] = bytes(b ^ 0xFF for b in octets[milieu : milieu + 8])
    archive.write_bytes(bytes(octets))

    refuser(archive, medias, f"L'archive est corrompue \\({abime.filename} : ")


def test_un_fichier_dont_l_empreinte_differe_du_manifeste_est_refuse(archive, medias):
    reecrire(archive, "fichiers/ancien.pdf", b"%PDF-1.4\nremplace\n%%EOF\n")

    refuser(
        archive, medias, "L'empreinte SHA-256 de fichiers/ancien.pdf n'est pas celle du manifeste"
    )


def test_une_archive_a_l_historique_falsifie_est_refusee_apres_le_chargement(archive, medias):
    """Even with a manifest that matches: the chain is verified before the commit."""
    membre = "donnees/historique.evenement.jsonl"
    with zipfile.ZipFile(archive) as lecture:
        manifeste = json.loads(lecture.read("manifeste.json"))
        lignes = lecture.read(membre).decode().splitlines(keepends=True)
    evenement = json.loads(lignes[0])
    evenement["fields"]["objet_libelle"] = "falsifié"
    falsifie = "".join([json.dumps(evenement, ensure_ascii=False) + "\n", *lignes[1:]]).encode()
    (table,) = [t for t in manifeste["tables"] if t["membre"] == membre]
    table["sha256"] = hashlib.sha256(falsifie).hexdigest()
    reecrire(archive, membre, falsifie)
    reecrire(archive, "manifeste.json", json.dumps(manifeste).encode())
    if connection.vendor == "postgresql":
        # The restore truncates, which the test's transaction allows once its rows' foreign
        # keys are checked (a real restore runs on its own); then deferred again, as in a
        # restore's own transaction.
        connection.check_constraints()

    refuser(
        archive,
        medias,
        r"L'historique restauré ne se vérifie pas \(son contenu a été modifié depuis son "
        r"scellement\) : la restauration est annulée",
    )


def test_une_base_qui_n_est_pas_vide_n_est_remplacee_qu_avec_remplacer(archive, medias):
    refuser(
        archive,
        medias,
        r"La base cible n'est pas vide \(\d+ événement\(s\) d'historique, \d+ compte\(s\)\) : "
        "relancez avec --remplacer",
        remplacer=False,
    )


def test_une_archive_d_autres_migrations_est_refusee(archive, medias):
    MigrationRecorder(connection).record_applied("historique", "9999_essai")

    refuser(
        archive,
        medias,
        "Les migrations de l'archive ne sont pas celles de la base cible "
        r"\(absentes de l'archive : historique\.9999_essai\)",
    )


# --- L'archive et son événement ----------------------------------------------------------------


@pytest.mark.django_db
def test_sans_sortie_l_archive_est_nommee_a_sa_date_et_son_empreinte_inscrite(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with override_settings(MEDIA_ROOT=tmp_path / "aucun"):
        call_command("sauvegarder")

    (chemin,) = (tmp_path / "sauvegardes").iterdir()
    assert chemin.name.startswith("sauvegarde-") and chemin.suffix == ".zip"
    assert len(chemin.stem) == len("sauvegarde-AAAAMMJJ-HHMMSS")
    evenement = Evenement.objects.filter(action=ActionSauvegarde.SAUVEGARDE).get()
    assert evenement.changements["archive"] == chemin.name
    assert evenement.changements["sha256"] == hashlib.sha256(chemin.read_bytes()).hexdigest()
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("sauvegarder", sortie=chemin)


@pytest.mark.django_db
def test_un_historique_relu_a_la_milliseconde_se_verifie_encore(villiers):
    sceller()
    evenements = list(Evenement.objects.filter(rang__isnull=False))
    assert any(e.horodatage.microsecond % 1000 for e in evenements)

    relus = [
        objet.object
        for objet in serializers.deserialize("json", serializers.serialize("json", evenements))
    ]

    assert all(e.horodatage.microsecond % 1000 == 0 for e in relus)
    assert all(empreinte(e, e.rang, e.empreinte_precedente) == e.empreinte for e in relus)
