"""The reference territories: France métropolitaine and every département.

The list is read from territoires/references.py, a constant table (INSEE codes).
"""

from django.db import migrations

from territoires.references import DEPARTEMENTS, FRANCE_METROPOLITAINE


def creer(apps, schema_editor):
    Territoire = apps.get_model("territoires", "TerritoireDeReference")
    code, nom = FRANCE_METROPOLITAINE
    Territoire.objects.update_or_create(
        code=code, defaults={"nom": nom, "niveau": "france_metropolitaine"}
    )
    for code, nom in DEPARTEMENTS.items():
        Territoire.objects.update_or_create(
            code=code, defaults={"nom": nom, "niveau": "departement"}
        )


def supprimer(apps, schema_editor):
    Territoire = apps.get_model("territoires", "TerritoireDeReference")
    codes = [FRANCE_METROPOLITAINE[0], *DEPARTEMENTS]
    Territoire.objects.filter(code__in=codes, observations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("territoires", "0002_observations_series_et_references")]

    operations = [migrations.RunPython(creer, supprimer)]
