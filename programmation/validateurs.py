"""Checks of French identifiers, with messages a porteur understands."""

import re

from django.core.exceptions import ValidationError

RNA = re.compile(r"^W\d{9}$")


def cle_luhn_valide(chiffres: str) -> bool:
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        chiffre = int(caractere)
        if rang % 2 == 1:
            chiffre = chiffre * 2 - 9 if chiffre > 4 else chiffre * 2
        total += chiffre
    return total % 10 == 0


def cle_luhn(chiffres: str) -> str:
    """The digit that makes `chiffres` followed by it pass the Luhn check."""
    return next(str(c) for c in range(10) if cle_luhn_valide(f"{chiffres}{c}"))


def valider_siret(valeur: str) -> None:
    if not re.fullmatch(r"\d{14}", valeur):
        raise ValidationError("Le SIRET compte exactement 14 chiffres, sans espace.")
    # La Poste's establishments are numbered outside the Luhn rule (INSEE exception).
    if valeur.startswith("356000000"):
        if sum(int(c) for c in valeur) % 5 != 0:
            raise ValidationError("Ce SIRET n'est pas valide : vérifiez les chiffres saisis.")
        return
    if not cle_luhn_valide(valeur):
        raise ValidationError("Ce SIRET n'est pas valide : vérifiez les chiffres saisis.")


def valider_rna(valeur: str) -> None:
    if not RNA.fullmatch(valeur):
        raise ValidationError(
            "Le numéro RNA commence par W suivi de 9 chiffres (exemple : W941234567)."
        )
