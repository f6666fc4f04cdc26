from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territoires.imports import ImportRefuse, Perimetre, Rapport, analyser, importer
from territoires.models import Commune, QuartierPrioritaire


def perimetre_du_contrat(slug: str) -> Perimetre:
    """The communes and QPVs of a contract, read through their reverse relation only."""
    communes = frozenset(Commune.objects.filter(contrats__slug=slug).values_list("pk", flat=True))
    quartiers = frozenset(
        QuartierPrioritaire.objects.filter(contrats__slug=slug).values_list("pk", flat=True)
    )
    if not communes and not quartiers:
        raise CommandError(f"Aucun contrat « {slug} » (ou un contrat sans territoire).")
    return Perimetre(f"du contrat « {slug} »", communes, quartiers)


class Command(BaseCommand):
    help = (
        "Importe des observations d'indicateurs depuis un fichier CSV, XLSX ou ODS "
        "(format : docs/import-observations.md). Tout ou rien ; réimporter ne change rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("fichier", type=Path)
        parser.add_argument("--contrat", help="slug du contrat : ses seuls territoires")
        parser.add_argument("--essai", action="store_true", help="vérifier sans rien écrire")
        parser.add_argument(
            "--demo", action="store_true", help="marquer les observations « démonstration »"
        )

    def handle(self, *args, fichier: Path, contrat: str | None, essai: bool, demo: bool, **o):
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        perimetre = perimetre_du_contrat(contrat) if contrat else None
        contenu = fichier.read_bytes()
        if essai:
            rapport = analyser(fichier.name, contenu, perimetre=perimetre, est_demo=demo)
            if rapport.erreurs:
                raise CommandError(self._erreurs(rapport))
            self.stdout.write(f"Essai, rien n'a été écrit. {self._bilan(rapport)}")
            return
        try:
            rapport = importer(
                fichier.name, contenu, acteur=None, perimetre=perimetre, est_demo=demo
            )
        except ImportRefuse as exc:
            raise CommandError(self._erreurs(exc.rapport)) from None
        etat = "inchangé" if rapport.inchange else "importé"
        self.stdout.write(self.style.SUCCESS(f"{rapport.fichier} : {etat}. {self._bilan(rapport)}"))

    @staticmethod
    def _bilan(rapport: Rapport) -> str:
        return (
            f"{rapport.crees} créée(s), {rapport.modifiees} modifiée(s), "
            f"{rapport.inchangees} inchangée(s)."
        )

    @staticmethod
    def _erreurs(rapport: Rapport) -> str:
        return "Import refusé, rien n'a été écrit.\n" + "\n".join(rapport.erreurs)
