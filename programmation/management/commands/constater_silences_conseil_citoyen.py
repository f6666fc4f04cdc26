from django.core.management.base import BaseCommand

from programmation.services.avis_conseil_citoyen import constater_les_silences


class Command(BaseCommand):
    help = (
        "Répute favorables les avis du conseil citoyen sur la programmation restés sans "
        "réponse un mois après la transmission (un événement par avis). À lancer chaque "
        "jour (cron) ; une seconde exécution ne change rien."
    )

    def handle(self, *args, **options) -> None:
        constates = constater_les_silences()
        self.stdout.write(f"{len(constates)} avis réputé(s) favorable(s).")
        for avis in constates:
            self.stdout.write(f"  {avis} : échéance du {avis.echeance:%d/%m/%Y}")
