from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from comptes.models import Utilisateur
from comptes.services import reinitialiser_double_facteur


def _compte(saisi: str, quoi: str = "compte") -> Utilisateur:
    try:
        return Utilisateur.objects.get(Q(username__iexact=saisi) | Q(email__iexact=saisi))
    except Utilisateur.DoesNotExist:
        raise CommandError(f"Aucun {quoi} « {saisi} ».") from None


class Command(BaseCommand):
    help = (
        "Retire l'application d'authentification et les codes de secours d'une personne "
        "(téléphone perdu) : elle se connecte avec son seul mot de passe, puis active une "
        "nouvelle application. Inscrit à l'historique."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("compte", help="Identifiant ou adresse électronique de la personne.")
        parser.add_argument(
            "--motif",
            required=True,
            help="Pourquoi (inscrit à l'historique), p. ex. « téléphone perdu ».",
        )
        parser.add_argument(
            "--par",
            help="Identifiant de l'administrateur qui réinitialise (auteur de l'événement).",
        )

    def handle(self, *args, compte: str, motif: str, par: str | None, **options) -> None:
        if not motif.strip():
            raise CommandError("Le motif ne peut pas être vide.")
        personne = _compte(compte)
        acteur = _compte(par, "compte d'administrateur") if par else None
        retires = reinitialiser_double_facteur(utilisateur=personne, acteur=acteur, motif=motif)
        if not retires:
            self.stdout.write(f"{personne} n'a pas de double authentification : rien à faire.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Double authentification de {personne} réinitialisée : elle se connectera avec "
                "son mot de passe puis activera une nouvelle application."
            )
        )
