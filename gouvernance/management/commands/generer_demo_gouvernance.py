from django.core.management.base import BaseCommand, CommandError

from contrats.models import Contrat
from gouvernance.demo import generer_demo_gouvernance


class Command(BaseCommand):
    help = (
        "Génère par les services les réunions de démonstration de chaque instance, de 2015 à "
        "2020 (membres, ordres du jour, présences, relevés de décisions), certaines années en "
        "deçà du minimum du contrat ; une seconde exécution ne change rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contrat", default="villiers-sur-marne-2015-2020")

    def handle(self, *args, contrat: str, **options) -> None:
        cible = Contrat.objects.filter(slug=contrat).first()
        if cible is None:
            raise CommandError(f"Contrat « {contrat} » introuvable : chargez-le d'abord.")
        resultat = generer_demo_gouvernance(cible)
        etat = "déjà à jour, rien créé" if not resultat.total else "créés"
        self.stdout.write(
            self.style.SUCCESS(f"Gouvernance de démonstration ({cible.titre}) : {etat}.")
        )
        for libelle, nombre in resultat.en_dict().items():
            self.stdout.write(f"  {libelle:<24} {nombre:>6}")
