from django.core.management.base import BaseCommand, CommandError

from contrats.models import Contrat
from suivi.demo_complete import generer_demo_suivi


class Command(BaseCommand):
    help = (
        "Génère par les services le suivi de démonstration : les bilans des actions 2015 à "
        "2019 (dans chaque état, soldes versés après validation), le référentiel "
        "d'évaluation, le suivi 2015 et l'évaluation à mi-parcours 2017, le rapport annuel "
        "2019 généré et adopté ; une seconde exécution ne change rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contrat", default="villiers-sur-marne-2015-2020")

    def handle(self, *args, contrat: str, **options) -> None:
        cible = Contrat.objects.filter(slug=contrat).first()
        if cible is None:
            raise CommandError(f"Contrat « {contrat} » introuvable : chargez-le d'abord.")
        resultat = generer_demo_suivi(cible)
        etat = "déjà à jour, rien créé" if not resultat.total else "créés"
        self.stdout.write(self.style.SUCCESS(f"Suivi de démonstration ({cible.titre}) : {etat}."))
        for libelle, nombre in resultat.en_dict().items():
            self.stdout.write(f"  {libelle:<20} {nombre:>6}")
