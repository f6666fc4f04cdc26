"""Restores an archive written by manage.py sauvegarder (historique.sauvegarde)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from historique.sauvegarde import SauvegardeRefusee, restaurer


class Command(BaseCommand):
    help = (
        "Restaure une archive de manage.py sauvegarder : la base de données et les fichiers "
        "déposés, en une transaction ; refuse une archive abîmée ou d'autres migrations."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="Archive zip écrite par sauvegarder.")
        parser.add_argument(
            "--remplacer",
            action="store_true",
            help="Remplace les données d'une base qui n'est pas vide (elles sont perdues).",
        )

    def handle(self, *args, archive: Path, remplacer: bool, **options) -> None:
        try:
            bilan = restaurer(archive, remplacer=remplacer)
        except SauvegardeRefusee as erreur:
            raise CommandError(erreur.texte) from None
        date = timezone.localtime(bilan.date)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde du {date:%d/%m/%Y à %H:%M:%S} restaurée : {bilan.lignes} ligne(s) "
                f"de {bilan.tables} table(s), {bilan.fichiers} fichier(s) ; historique intact "
                f"({bilan.evenements_verifies} événement(s) scellé(s) vérifié(s))."
            )
        )
