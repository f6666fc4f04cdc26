"""Exports what the platform holds about one person, as JSON (RGPD, right of access)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptes import services_rgpd
from historique.erreurs import ErreurMetier
from historique.journal import consigner


class Command(BaseCommand):
    help = (
        "Exporte en JSON (UTF-8, clés en français) les données personnelles qu'a la "
        "plateforme sur une personne, désignée par son identifiant ou son adresse "
        "électronique : sur la sortie standard, ou dans le fichier de --sortie."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("identifiant", help="Identifiant ou adresse électronique du compte.")
        parser.add_argument("--sortie", help="Fichier où écrire l'export (remplacé s'il existe).")

    def handle(self, *args, identifiant: str, sortie: str | None, **options) -> None:
        try:
            compte = services_rgpd.trouver_compte(identifiant)
        except ErreurMetier as erreur:
            raise CommandError(erreur.message) from None
        texte = services_rgpd.en_json(services_rgpd.exporter_donnees(compte))
        consigner("donnees_personnelles.export", personne=compte.pk, par="commande")
        if sortie is None:
            self.stdout.write(texte)
            return
        Path(sortie).write_text(texte + "\n", encoding="utf-8")
        self.stdout.write(f"Données du compte n° {compte.pk} exportées dans {sortie}.")
