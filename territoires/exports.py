"""A series of an indicator as a CSV file, the way a French spreadsheet opens it.

UTF-8 with a byte order mark, ";" between fields, a decimal comma; a text that a
spreadsheet would evaluate (=, +, -, @) is prefixed with an apostrophe.
"""

import csv
import io

from territoires.nombres import nombre_francais
from territoires.selectors import Serie

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def _texte(valeur: str) -> str:
    return f"'{valeur}" if valeur.startswith(DEBUTS_DE_FORMULE) else valeur


def serie_csv(serie: Serie) -> bytes:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(
        [
            "Année",
            *(_texte(c.entete) for c in serie.colonnes),
            "Données de démonstration",
        ]
    )
    for ligne in serie.lignes:
        ecrivain.writerow(
            [
                ligne.annee,
                *(
                    nombre_francais(c.valeur)
                    if c.valeur is not None
                    else ""
                    if c.texte == "—"
                    else _texte(c.texte)
                    for c in ligne.cellules
                ),
                "oui" if ligne.est_demo else "non",
            ]
        )
    return tampon.getvalue().encode("utf-8-sig")
