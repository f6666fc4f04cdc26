"""The SQLite → PostgreSQL migration of docs/sauvegarde.md, for real: an installation on a
SQLite file (migrate, both contracts, the 2024-2030 demo programmation, uploaded files)
saved by `manage.py sauvegarder`, restored by `manage.py restaurer` into a fresh PostgreSQL
database that `migrate` prepared. Every table then holds the same rows, read through
Django on both sides, the sequences go on after the restored ids, the files are the same
and the history's chain verifies.

Both databases are the test's own, whatever the run's kind (PostgreSQL always: bin/tester's
server); the commands run as subprocesses, as an operator would type them.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.serveur.production import (
    BaseJetable,
    base_postgresql_jetable,
    environnement_de_production,
    executer,
    preparer,
)

PREPARATION_SQLITE = (
    ("migrate", "--noinput"),
    ("charger_contrat",),
    # The 2024-2030 demo: dossiers, votes, conventions, payments in a few seconds (the
    # 2015-2020 one takes four times longer and adds only more of the same rows).
    ("generer_demo_programmation", "--contrat", "villiers-sur-marne-2024-2030"),
    ("verifier_historique", "--sceller"),
)
FICHIERS = {
    "pieces/2024/statuts.pdf": b"%PDF-1.7\nstatuts\n%%EOF\n",
    "seances/relevé de décisions 2024.pdf": b"%PDF-1.4\nrelev\xc3\xa9\n%%EOF\n",
}
HISTORIQUE = {"historique_evenement", "historique_tetedechaine"}
# Every row of every table, through Django (its conversions make both vendors comparable):
# primary key first, then every column of the table, in primary key order.
LECTURE_DES_TABLES = """
import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from uuid import UUID

from django.apps import apps


def valeur(v):
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).isoformat()
    if isinstance(v, (date, time, timedelta, Decimal, UUID)):
        return str(v)
    if isinstance(v, (bytes, memoryview)):
        return bytes(v).hex()
    raise TypeError(type(v))


tables = {}
for modele in apps.get_models(include_auto_created=True):
    meta = modele._meta
    if meta.managed and not meta.proxy:
        cle = meta.pk.attname
        champs = [cle] + [c.attname for c in meta.local_concrete_fields if c.attname != cle]
        tables[meta.db_table] = list(modele._base_manager.order_by(cle).values_list(*champs))
with open(SORTIE, "w", encoding="utf-8") as sortie:
    json.dump(tables, sortie, default=valeur, ensure_ascii=False)
"""
SEQUENCES_POSTGRESQL = """
SELECT t.relname, s.last_value
FROM pg_sequences s
JOIN pg_class q ON q.relname = s.sequencename AND q.relkind = 'S'
JOIN pg_depend d ON d.objid = q.oid AND d.refclassid = 'pg_class'::regclass
JOIN pg_class t ON t.oid = d.refobjid
WHERE s.schemaname = 'public'
"""


@dataclass(frozen=True)
class Migration:
    source: dict[str, list]
    cible: dict[str, list]
    comptes_source: dict[str, int]
    comptes_cible: dict[str, int]
    sequences: dict[str, int | None]
    verification: str
    fichiers_source: dict[str, str]
    fichiers_cible: dict[str, str]


def lire_les_tables(environnement: dict[str, str], dossier: Path, nom: str) -> dict[str, list]:
    sortie = dossier / f"{nom}.json"
    code = f"SORTIE = {str(sortie)!r}\n{LECTURE_DES_TABLES}"
    executer(environnement, dossier / f"lecture-{nom}.log", "shell", "-c", code)
    return json.loads(sortie.read_text(encoding="utf-8"))


def compter(base: BaseJetable, tables: list[str]) -> dict[str, int]:
    union = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in tables)
    return dict(base.lire(union))


def empreintes(racine: Path) -> dict[str, str]:
    return {
        chemin.relative_to(racine).as_posix(): hashlib.sha256(chemin.read_bytes()).hexdigest()
        for chemin in sorted(racine.rglob("*"))
        if chemin.is_file()
    }


@pytest.fixture(scope="module")
def migration(tmp_path_factory) -> Iterator[Migration]:
    dossier = tmp_path_factory.mktemp("migration-de-base")
    (dossier / "sqlite").mkdir()
    (dossier / "postgresql").mkdir()
    fichier_sqlite = dossier / "sqlite" / "base.sqlite3"
    sqlite = BaseJetable(url=f"sqlite:///{fichier_sqlite}", sqlite=fichier_sqlite)
    avant = environnement_de_production(dossier / "sqlite", sqlite)
    preparer(avant, dossier / "sqlite", PREPARATION_SQLITE, statiques=False)
    for relatif, contenu in FICHIERS.items():
        chemin = Path(avant["MEDIA_ROOT"]) / relatif
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_bytes(contenu)
    source = lire_les_tables(avant, dossier, "source")
    comptes_source = compter(sqlite, sorted(source))
    archive = dossier / "sauvegarde.zip"
    executer(avant, dossier / "sauvegarder.log", "sauvegarder", "--sortie", str(archive))

    with base_postgresql_jetable() as postgresql:
        apres = environnement_de_production(dossier / "postgresql", postgresql)
        executer(apres, dossier / "migrate-postgresql.log", "migrate", "--noinput")
        executer(apres, dossier / "restaurer.log", "restaurer", str(archive))
        journal = dossier / "verifier_historique-postgresql.log"
        executer(apres, journal, "verifier_historique")
        yield Migration(
            source=source,
            cible=lire_les_tables(apres, dossier, "cible"),
            comptes_source=comptes_source,
            comptes_cible=compter(postgresql, sorted(source)),
            sequences=dict(postgresql.lire(SEQUENCES_POSTGRESQL)),
            verification=journal.read_text(),
            fichiers_source=empreintes(Path(avant["MEDIA_ROOT"])),
            fichiers_cible=empreintes(Path(apres["MEDIA_ROOT"])),
        )


def test_chaque_table_compte_autant_de_lignes_sous_postgresql(migration):
    assert sum(migration.comptes_source.values()) > 3000
    for table, lignes in migration.comptes_source.items():
        attendu = lignes + 1 if table == "historique_evenement" else lignes
        assert migration.comptes_cible[table] == attendu, table


def test_chaque_ligne_de_chaque_table_est_la_meme_sous_postgresql(migration):
    assert set(migration.cible) == set(migration.source)
    for table, lignes in migration.source.items():
        if table not in HISTORIQUE:
            assert migration.cible[table] == lignes, f"{table} diffère après la migration"
    # The history as saved, then the restore's own event.
    evenements = migration.source["historique_evenement"]
    assert migration.cible["historique_evenement"][: len(evenements)] == evenements
    (restauration,) = migration.cible["historique_evenement"][len(evenements) :]
    assert "sauvegarde.restauration" in restauration


def test_l_historique_migre_se_verifie(migration):
    scelles = len(migration.source["historique_evenement"])
    assert f"Historique intact : {scelles + 1} événement(s) scellé(s) vérifié(s)." in (
        migration.verification
    )


def test_les_sequences_continuent_apres_les_identifiants_restaures(migration):
    lignes = {table: rangs for table, rangs in migration.cible.items() if rangs}
    for table, rangs in lignes.items():
        if isinstance(rangs[0][0], int) and table in migration.sequences:
            assert migration.sequences[table] >= max(ligne[0] for ligne in rangs), table
    assert {"historique_evenement", "comptes_utilisateur"} <= migration.sequences.keys()


def test_les_fichiers_deposes_sont_migres(migration):
    assert set(migration.fichiers_source) == set(FICHIERS)
    assert migration.fichiers_cible == migration.fichiers_source
