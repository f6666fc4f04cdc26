from django.core.management.base import BaseCommand, CommandError

from contrats.models import Contrat
from programmation.demo import DemoImpossible, generer_demo


class Command(BaseCommand):
    help = (
        "Génère les données de démonstration de la programmation (appels 2015 à 2020, "
        "dossiers, comités, avis, conventions, paiements) par les services de la plateforme, "
        "chaque étape à sa date ; une seconde exécution ne change rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contrat", default="villiers-sur-marne-2015-2020")

    def handle(self, *args, contrat: str, **options) -> None:
        cible = Contrat.objects.filter(slug=contrat).first()
        if cible is None:
            raise CommandError(f"Contrat « {contrat} » introuvable : chargez-le d'abord.")
        try:
            bilan = generer_demo(cible)
        except DemoImpossible as erreur:
            raise CommandError(f"Démonstration non générée, rien n'a été écrit. {erreur}") from None
        etat = "déjà à jour, rien créé" if not bilan.total else "créées"
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration de la programmation ({cible.titre}) : {etat}."
            )
        )
        for libelle, nombre in bilan.en_dict().items():
            self.stdout.write(f"  {libelle:<28} {nombre:>6}")
        for annee in bilan.annees_ignorees:
            self.stdout.write(
                self.style.WARNING(
                    f"  Appel {annee} ignoré : un appel réel existe déjà pour cette année."
                )
            )
