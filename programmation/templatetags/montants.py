"""Amounts in French: 1 234,56 € (narrow no-break space between thousands)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

ESPACE_MILLIERS = "\u202f"
ESPACE_AVANT_SYMBOLE = "\u00a0"


def format_euros(valeur) -> str:
    """Decimal (or int, or numeric string) → "1 234,56 €"; None or "" → "—"."""
    if valeur is None or valeur == "":
        return "—"
    try:
        montant = Decimal(str(valeur)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(valeur)
    signe = "-" if montant < 0 else ""
    entiers, decimales = f"{abs(montant):.2f}".split(".")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{signe}{ESPACE_MILLIERS.join(groupes)},{decimales}{ESPACE_AVANT_SYMBOLE}€"


@register.filter
def euros(valeur) -> str:
    return format_euros(valeur)
