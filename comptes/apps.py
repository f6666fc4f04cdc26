from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from comptes import double_facteur, signals  # noqa: F401  (registers the receivers)
        from comptes.donnees_personnelles import DECLARATION, inscrire

        inscrire(DECLARATION)
