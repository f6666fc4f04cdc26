"""Erases one person's data at their request (RGPD, right to erasure): what a record must
keep is pseudonymised, the account deactivated. Irreversible: asks for --confirmer."""

from django.core.management.base import BaseCommand, CommandError

from comptes import services_rgpd
from historique.erreurs import ErreurMetier


class Command(BaseCommand):
    help = (
        "Efface les données personnelles d'une personne (identifiant ou adresse "
        "électronique) : compte désactivé et pseudonymisé, sessions fermées, adresses et "
        "double authentification supprimées, rôles retirés ; les dossiers, décisions, "
        "bilans et l'historique sont conservés sous le pseudonyme « Personne effacée n° … ». "
        "Irréversible : exige --confirmer."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("identifiant", help="Identifiant ou adresse électronique du compte.")
        parser.add_argument(
            "--confirmer", action="store_true", help="Confirme l'effacement (irréversible)."
        )
        parser.add_argument(
            "--par", help="Identifiant de l'administrateur qui traite la demande (historique)."
        )
        parser.add_argument("--motif", default="", help="Référence ou motif de la demande.")

    def handle(
        self, *args, identifiant: str, confirmer: bool, par: str | None, motif: str, **options
    ) -> None:
        try:
            compte = services_rgpd.trouver_compte(identifiant)
            auteur = services_rgpd.trouver_compte(par) if par else None
        except ErreurMetier as erreur:
            raise CommandError(erreur.message) from None
        if not confirmer:
            raise CommandError(
                f"L'effacement des données du compte n° {compte.pk} est irréversible : "
                "relancez la commande avec --confirmer. Rien n'a été modifié."
            )
        try:
            effacements = services_rgpd.effacer_personne(compte, par=auteur, motif=motif)
        except ErreurMetier as erreur:
            raise CommandError(erreur.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Données du compte n° {compte.pk} effacées ou pseudonymisées.")
        )
        for libelle, nombre in effacements.items():
            self.stdout.write(f"  {libelle} : {nombre}")
