"""Fills the transition log from the history of dossiers that changed statut before it existed."""

from django.db import migrations


def reprendre(apps, schema_editor):
    Evenement = apps.get_model("historique", "Evenement")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TransitionDossier = apps.get_model("programmation", "TransitionDossier")
    type_dossier = ContentType.objects.filter(app_label="programmation", model="dossier").first()
    if type_dossier is None:
        return
    evenements = Evenement.objects.filter(
        content_type=type_dossier, action__startswith="dossier.", acteur__isnull=False
    ).order_by("horodatage", "id")
    lignes = []
    for evenement in evenements:
        statut = (evenement.changements or {}).get("statut")
        if not (isinstance(statut, list) and len(statut) == 2 and statut[0]):
            continue
        lignes.append(
            TransitionDossier(
                dossier_id=int(evenement.object_id),
                transition=evenement.action.removeprefix("dossier."),
                de=statut[0],
                vers=statut[1],
                acteur_id=evenement.acteur_id,
                motif=evenement.motif,
                horodatage=evenement.horodatage,
            )
        )
    TransitionDossier.objects.bulk_create(lignes)


class Migration(migrations.Migration):
    dependencies = [
        ("programmation", "0002_journal_des_transitions"),
        ("historique", "0002_horodatage_horloge"),
    ]

    operations = [migrations.RunPython(reprendre, migrations.RunPython.noop)]
