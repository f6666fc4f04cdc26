from django.core.management.base import BaseCommand, CommandError

from contrats.demo import MOT_DE_PASSE_DEMO, creer_comptes_demo
from contrats.models import Contrat


class Command(BaseCommand):
    help = "Crée un compte de démonstration par rôle sur un contrat et les affiche."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contrat", default="villiers-sur-marne-2015-2020")

    def handle(self, *args, contrat: str, **options) -> None:
        cible = Contrat.objects.filter(slug=contrat).first()
        if cible is None:
            raise CommandError(f"Contrat « {contrat} » introuvable : chargez-le d'abord.")
        comptes = creer_comptes_demo(cible)
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration ({cible.titre}) :"))
        for compte in comptes:
            self.stdout.write(
                f"  {compte.role.label:<40} identifiant : {compte.identifiant:<10}"
                f" mot de passe : {MOT_DE_PASSE_DEMO}"
            )
