"""What territoires holds about a person (comptes.donnees_personnelles): the imports of
observations they made. The import keeps its author, as the history does: the account,
once erased, names "Personne effacée n° …"."""

from comptes.donnees_personnelles import Declaration, Personne, Rubriques, lignes
from territoires.models import ImportObservations


def exporter(personne: Personne) -> Rubriques:
    return {
        "Imports d'observations": lignes(
            ImportObservations.objects.filter(auteur=personne.compte).order_by("importe_le"),
            {
                "Importé le": "importe_le",
                "Fichier": "fichier",
                "Observations créées": "crees",
                "Observations modifiées": "modifiees",
            },
        )
    }


DECLARATION = Declaration(application="territoires", exporter=exporter)
