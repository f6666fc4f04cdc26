"""File sizes in French, as download links show them: 850 octets, 12 ko, 1,2 Mo.

Units of 1 000 octets (ko, Mo, Go as in the SI; Django's filesizeformat counts by 1 024
and writes "Ko"): one rendering everywhere the platform states a size.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

ESPACE_AVANT_UNITE = "\u00a0"
# (unit, octets in one, decimals shown)
UNITES = (("ko", 10**3, 0), ("Mo", 10**6, 1), ("Go", 10**9, 1))


def format_taille(octets) -> str:
    """12 345 → "12 ko", 1 234 567 → "1,2 Mo", 850 → "850 octets"; not a number → ""."""
    try:
        octets = int(octets)
    except (TypeError, ValueError):
        return ""
    if octets < 1000:
        return f"{octets}{ESPACE_AVANT_UNITE}octet{'s' if octets > 1 else ''}"
    for unite, taille, decimales in UNITES:
        arrondi = (Decimal(octets) / taille).quantize(Decimal(1).scaleb(-decimales), ROUND_HALF_UP)
        # 999 600 octets round to 1 000 ko: that is written 1,0 Mo.
        if arrondi < 1000 or unite == UNITES[-1][0]:
            break
    return f"{arrondi}".replace(".", ",") + f"{ESPACE_AVANT_UNITE}{unite}"


@register.filter
def taille_fichier(octets) -> str:
    return format_taille(octets)
