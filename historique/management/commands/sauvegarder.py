"""Saves the database and the uploaded files into one archive (historique.sauvegarde)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from historique.sauvegarde import SauvegardeRefusee, sauvegarder

DOSSIER_PAR_DEFAUT = Path("sauvegardes")


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base de données et les fichiers déposés (MEDIA_ROOT) dans une "
        "seule archive zip, avec son manifeste (migrations, lignes par table, SHA-256 de "
        "chaque fichier)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--sortie",
            type=Path,
            help=(
                "Fichier de l'archive, ou dossier où la nommer "
                "(par défaut sauvegardes/sauvegarde-AAAAMMJJ-HHMMSS.zip)."
            ),
        )

    def handle(self, *args, sortie: Path | None, **options) -> None:
        if sortie is None:
            sortie = DOSSIER_PAR_DEFAUT / f"sauvegarde-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
        try:
            bilan = sauvegarder(sortie)
        except SauvegardeRefusee as erreur:
            raise CommandError(erreur.texte) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {bilan.archive} ({bilan.lignes} ligne(s) de "
                f"{bilan.tables} table(s), {bilan.fichiers} fichier(s))."
            )
        )
