"""Background tasks of suivi (django-tasks, database backend: `manage.py db_worker`)."""

from django_tasks import task

from suivi.services.generations import produire_les_documents


@task()
def generer_rapport(generation_id: int) -> None:
    """Produce a rapport annuel's PDF and ODT (a GenerationRapport, see its progress)."""
    produire_les_documents(generation_id)
