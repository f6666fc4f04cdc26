"""Django's flush, which the test suite and the developers use to empty a database: on
SQLite it deletes every row, which the history's guard refuses, so the guard is lifted for
the flush and laid again at once (PostgreSQL truncates, which row triggers let pass)."""

from django.core.management.commands import flush
from django.db import connections

from historique.integrite import sql_gardes, sql_retrait_des_gardes


class Command(flush.Command):
    def handle(self, **options) -> None:
        connexion = connections[options["database"]]
        if connexion.vendor != "sqlite":
            return super().handle(**options)
        with connexion.cursor() as curseur:
            for requete in sql_retrait_des_gardes(connexion.vendor):
                curseur.execute(requete)
        try:
            super().handle(**options)
        finally:
            with connexion.cursor() as curseur:
                for requete in sql_gardes(connexion.vendor):
                    curseur.execute(requete)
