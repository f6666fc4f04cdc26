"""Accounts made before sign-up existed keep logging in.

They were created by the platform (demo) or by an administrator, never by their owner:
with e-mail verification now mandatory, their addresses are taken as verified rather
than stopping each of them at the next login.
"""

from django.db import migrations


def verifier_les_adresses_existantes(apps, schema_editor):
    Utilisateur = apps.get_model("comptes", "Utilisateur")
    EmailAddress = apps.get_model("account", "EmailAddress")
    deja = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
        for pk, email in Utilisateur.objects.exclude(email="").values_list("pk", "email")
        if pk not in deja
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(verifier_les_adresses_existantes, migrations.RunPython.noop),
    ]
