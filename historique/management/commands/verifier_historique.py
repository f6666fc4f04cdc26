"""Checks the whole chain of the history and names the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from historique import integrite


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'intégrité de l'historique (empreintes SHA-256 chaînées) et nomme "
        "le premier événement rompu ; code de sortie non nul si la chaîne est rompue."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--sceller",
            action="store_true",
            help="Scelle d'abord les événements validés qui ne le sont pas encore.",
        )
        parser.add_argument(
            "--condense",
            action="store_true",
            help="Affiche le condensé de la tête de la chaîne, à faire horodater chaque jour.",
        )

    def handle(self, *args, sceller: bool, condense: bool, **options) -> None:
        if sceller:
            self.stdout.write(f"Événements scellés : {integrite.sceller()}.")
        resultat = integrite.verifier()
        if not resultat.intacte:
            quoi = f"l'événement n° {resultat.rompu.pk}" if resultat.rompu else "la chaîne"
            raise CommandError(
                f"Historique rompu : {quoi} ({resultat.raison}). "
                f"{resultat.verifies} événement(s) vérifié(s) avant lui."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Historique intact : {resultat.verifies} événement(s) scellé(s) vérifié(s)."
            )
        )
        if resultat.non_scelles:
            self.stdout.write(
                self.style.WARNING(
                    f"{resultat.non_scelles} événement(s) pas encore scellé(s) : "
                    "relancez avec --sceller."
                )
            )
        if condense:
            self.stdout.write(integrite.condense())
