from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from comptes import signals  # noqa: F401  (registers the receivers)
