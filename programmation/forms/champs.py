"""Form fields shared by the programmation forms."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

# Spaces a French amount may group its thousands with: ordinary, no-break, narrow no-break.
ESPACES_MILLIERS = re.compile("[ \u00a0\u202f]")
# ASCII digits only: `\d` would also accept full-width and other scripts' digits. A point
# is read as the decimal separator typed on a numeric keypad, never as a thousands one.
MONTANT_FRANCAIS = re.compile(r"[0-9]+(?:[,.][0-9]{1,2})?")
EXEMPLE = "Saisissez un montant en euros en notation française, par exemple 1 234,56."


def lire_montant(texte: str) -> Decimal:
    """ "1 234,56" → Decimal("1234.56"); anything else (1e3, 1.234, １２３) is refused."""
    compact = ESPACES_MILLIERS.sub("", texte.strip()).removesuffix("€").strip()
    if compact.startswith("-") and MONTANT_FRANCAIS.fullmatch(compact[1:]):
        raise ValidationError("Le montant ne peut pas être négatif.", code="min_value")
    if not MONTANT_FRANCAIS.fullmatch(compact):
        raise ValidationError(EXEMPLE, code="invalid")
    return Decimal(compact.replace(",", "."))


class ChampMontant(forms.DecimalField):
    """An amount typed the French way; the widget shows it the same way."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        kwargs["localize"] = True
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return lire_montant(str(value))
