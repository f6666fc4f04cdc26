"""Numbers written the French way, for files and for pages."""

from decimal import Decimal

ESPACE_MILLIERS = "\u202f"  # narrow no-break space, as between thousands in French


def nombre_francais(nombre: Decimal | int) -> str:
    """Decimal("1234.500") → "1234,5": a decimal comma, no useless zero, no exponent (files)."""
    nombre = Decimal(nombre)
    if nombre == 0:
        return "0"
    texte = format(nombre.normalize(), "f")
    return texte.replace(".", ",")


def nombre_lisible(nombre: Decimal | int) -> str:
    """Decimal("27222.50") → "27 222,5": the same, its thousands grouped (pages, documents)."""
    texte = nombre_francais(nombre)
    signe, texte = ("-", texte[1:]) if texte.startswith("-") else ("", texte)
    entiers, virgule, decimales = texte.partition(",")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{signe}{ESPACE_MILLIERS.join(groupes)}{virgule}{decimales}"


NOMBRES_EN_LETTRES = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept"}


def en_lettres(nombre: int, feminin: bool = False) -> str:
    """3 → "trois", 1 → "un" (or "une" before a feminine noun); figures beyond seven."""
    if nombre == 1:
        return "une" if feminin else "un"
    return NOMBRES_EN_LETTRES.get(nombre, str(nombre))
