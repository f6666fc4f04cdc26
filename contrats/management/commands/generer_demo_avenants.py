from django.core.management.base import BaseCommand, CommandError

from contrats.demo_avenants import CODE_EPT, generer_avenant_d_adhesion
from contrats.models import AccordAvenant, Contrat


class Command(BaseCommand):
    help = (
        "Génère par les services l'avenant de démonstration n° 1 : l'adhésion, en 2016, de "
        "l'Établissement public territorial Paris Est Marne & Bois (Article 4), les accords "
        "de tous les signataires et la version 2 du contrat ; une seconde exécution ne change "
        "rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contrat", default="villiers-sur-marne-2015-2020")

    def handle(self, *args, contrat: str, **options) -> None:
        cible = Contrat.objects.filter(slug=contrat).first()
        if cible is None:
            raise CommandError(f"Contrat « {contrat} » introuvable : chargez-le d'abord.")
        try:
            crees = generer_avenant_d_adhesion(cible)
        except ValueError as erreur:
            raise CommandError(str(erreur)) from erreur
        etat = "créé" if crees else "déjà en place, rien créé"
        self.stdout.write(self.style.SUCCESS(f"Avenant de démonstration ({cible.titre}) : {etat}."))
        comptes = {
            "avenants créés": crees,
            "accords enregistrés": AccordAvenant.objects.filter(
                avenant__contrat=cible, avenant__organisation_entrante__code=CODE_EPT
            ).count(),
            "signataires": cible.signataires.count(),
            "versions du contrat": cible.versions.count(),
        }
        for libelle, nombre in comptes.items():
            self.stdout.write(f"  {libelle:<24} {nombre:>6}")
