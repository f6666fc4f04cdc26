from django.core.management.base import BaseCommand, CommandError

from contrats.demo import MOT_DE_PASSE_DEMO, creer_comptes_demo
from contrats.models import Contrat


class Command(BaseCommand):
    help = (
        "Crée un compte de démonstration par rôle, habilité sur chaque contrat chargé (ou sur "
        "ceux nommés par --contrat), et les affiche."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contrat", action="append", default=[], dest="contrats")

    def handle(self, *args, contrats: list[str], **options) -> None:
        cibles = list(Contrat.objects.order_by("date_debut"))
        if contrats:
            cibles = [c for c in cibles if c.slug in contrats]
            inconnus = sorted(set(contrats) - {c.slug for c in cibles})
            if inconnus:
                raise CommandError(
                    f"Contrat « {', '.join(inconnus)} » introuvable : chargez-le d'abord."
                )
        if not cibles:
            raise CommandError("Aucun contrat chargé : lancez d'abord charger_contrat.")
        for cible in cibles:
            comptes = creer_comptes_demo(cible)
        titres = " ; ".join(c.titre for c in cibles)
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration ({titres}) :"))
        for compte in comptes:
            self.stdout.write(
                f"  {compte.role.label:<40} identifiant : {compte.identifiant:<10}"
                f" mot de passe : {MOT_DE_PASSE_DEMO}"
            )
