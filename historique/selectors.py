from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from historique.models import Evenement


def historique_de(objet: models.Model) -> QuerySet[Evenement]:
    """Events of one object, newest first, with their author in the same query."""
    return Evenement.objects.filter(
        content_type=ContentType.objects.get_for_model(objet, for_concrete_model=False),
        object_id=str(objet.pk),
    ).select_related("acteur")
