from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from historique.integrite import sceller_apres_validation
from historique.models import Evenement


def enregistrer_evenement(
    *,
    acteur: Any | None,
    objet: models.Model,
    action: str,
    changements: dict[str, Any] | None = None,
    motif: str = "",
) -> Evenement:
    """Append one event to the history; every service that writes domain data calls it.
    The event joins the chain once the transaction commits (historique.integrite)."""
    evenement = Evenement.objects.create(
        acteur=acteur if getattr(acteur, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(objet, for_concrete_model=False),
        object_id=str(objet.pk),
        objet_libelle=str(objet)[:300],
        action=action,
        changements=changements or {},
        motif=motif,
    )
    sceller_apres_validation()
    return evenement


def differences(avant: dict[str, Any], apres: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field changes as {field: [old, new]}, only for fields that changed."""
    return {
        champ: [avant.get(champ), valeur]
        for champ, valeur in apres.items()
        if avant.get(champ) != valeur
    }
