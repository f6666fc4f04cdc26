from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contrats.services import ErreurChargement, charger_contrat


class Command(BaseCommand):
    help = "Charge (ou recharge) un contrat de ville depuis son dossier de données YAML."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "dossiers",
            nargs="*",
            type=Path,
            help="Dossiers data/contrats/<slug> ; par défaut, tous les contrats livrés.",
        )

    def handle(self, *args, dossiers: list[Path], **options) -> None:
        base = Path(settings.CONTRATS_DATA_DIR)
        for dossier in dossiers or sorted(p for p in base.iterdir() if p.is_dir()):
            try:
                contrat, bilan = charger_contrat(dossier=dossier)
            except ErreurChargement as exc:
                raise CommandError(f"Chargement refusé, rien n'a été écrit. {exc}") from None
            etat = "inchangé" if bilan.inchange else "mis à jour"
            self.stdout.write(self.style.SUCCESS(f"{contrat.titre} : {etat}."))
            for libelle, compteur in bilan.en_dict().items():
                if compteur:
                    detail = ", ".join(f"{n} {nom}" for nom, n in compteur.items())
                    self.stdout.write(f"  {libelle} : {detail}")
