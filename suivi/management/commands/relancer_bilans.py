from django.core.management.base import BaseCommand

from contrats.models import Contrat
from suivi.services.relances import JOURS_AVANT_ECHEANCE, relancer_bilans


class Command(BaseCommand):
    help = (
        f"Relance par courriel les porteurs dont le bilan est attendu dans les "
        f"{JOURS_AVANT_ECHEANCE} jours ou en retard (une fois par bilan et par seuil). "
        "À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options) -> None:
        relances = relancer_bilans(Contrat.objects.all())
        self.stdout.write(f"{len(relances)} bilan(s) relancé(s).")
