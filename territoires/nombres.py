"""Numbers written the French way, for pages and files."""

from decimal import Decimal


def nombre_francais(nombre: Decimal | int) -> str:
    """Decimal("1234.500") → "1234,5": a decimal comma, no useless zero, no exponent."""
    nombre = Decimal(nombre)
    if nombre == 0:
        return "0"
    texte = format(nombre.normalize(), "f")
    return texte.replace(".", ",")
