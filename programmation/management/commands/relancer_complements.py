from django.core.management.base import BaseCommand

from programmation.services.complements import JOURS_AVANT_RELANCE, relancer_avant_echeance


class Command(BaseCommand):
    help = (
        f"Relance par courriel les porteurs dont les compléments sont attendus dans les "
        f"{JOURS_AVANT_RELANCE} jours (une fois par demande). À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options) -> None:
        relancees = relancer_avant_echeance()
        self.stdout.write(f"{len(relancees)} porteur(s) relancé(s).")
