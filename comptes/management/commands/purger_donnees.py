"""Removes the personal data past its retention period (config/settings.py, "Personal
data (RGPD)"). To run every day (cron), like relancer_complements."""

from django.core.management.base import BaseCommand

from comptes import services_rgpd


class Command(BaseCommand):
    help = (
        "Supprime les données personnelles arrivées au terme de leur durée de conservation "
        "(tentatives et journal des connexions, sessions expirées, invitations jamais "
        "acceptées, inscriptions jamais confirmées) et pseudonymise les comptes inactifs ; "
        "affiche le nombre par nature. --simulation compte sans rien modifier. "
        "À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--simulation",
            action="store_true",
            help="Compte ce qui serait supprimé, sans rien modifier.",
        )

    def handle(self, *args, simulation: bool, **options) -> None:
        compte_rendu = services_rgpd.purger(simulation=simulation)
        verbe = (
            "à supprimer ou pseudonymiser (simulation)"
            if simulation
            else "supprimés ou pseudonymisés"
        )
        self.stdout.write(f"Données personnelles {verbe} :")
        for libelle, nombre in compte_rendu.items():
            self.stdout.write(f"  {libelle} : {nombre}")
