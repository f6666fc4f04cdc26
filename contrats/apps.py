from django.apps import AppConfig


class ContratsConfig(AppConfig):
    name = "contrats"
    verbose_name = "Contrats de ville"

    def ready(self) -> None:
        from comptes.donnees_personnelles import inscrire
        from contrats.donnees_personnelles import DECLARATION

        inscrire(DECLARATION)
