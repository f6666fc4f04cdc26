"""Settings that make the platform servable: its secret key file and SQLite's concurrency."""

import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.settings import read_or_create_secret_key


def test_la_cle_est_creee_privee_puis_relue(tmp_path) -> None:
    fichier = tmp_path / ".cle-secrete"

    premiere = read_or_create_secret_key(fichier)
    seconde = read_or_create_secret_key(fichier)

    assert len(premiere) >= 50
    assert seconde == premiere
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    # Nothing else is left beside the key (the temporary file is linked, then removed).
    assert [p.name for p in tmp_path.iterdir()] == [".cle-secrete"]


def test_des_premiers_demarrages_simultanes_partagent_la_meme_cle(tmp_path) -> None:
    fichier = tmp_path / ".cle-secrete"

    with ThreadPoolExecutor(max_workers=8) as executeur:
        cles = set(executeur.map(lambda _: read_or_create_secret_key(fichier), range(32)))

    assert cles == {fichier.read_text()}


def test_un_fichier_de_cle_vide_est_refuse(tmp_path) -> None:
    fichier = tmp_path / ".cle-secrete"
    fichier.write_text("\n")

    with pytest.raises(ImproperlyConfigured, match="empty"):
        read_or_create_secret_key(fichier)


def test_sqlite_ecrit_a_plusieurs_sans_erreur_de_verrou() -> None:
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        assert options == {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        assert "transaction_mode" not in options


@pytest.mark.django_db
def test_la_base_de_test_accepte_ces_options() -> None:
    """The suite's own database (in memory for SQLite, where WAL does not apply) still works."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1")
        assert curseur.fetchone() == (1,)
    if connection.vendor == "sqlite":
        with connection.cursor() as curseur:
            curseur.execute("PRAGMA journal_mode")
            assert curseur.fetchone()[0] in {"memory", "wal"}
            curseur.execute("PRAGMA synchronous")
            # NORMAL is 1 (FULL, SQLite's default, is 2).
            assert curseur.fetchone() == (1,)
