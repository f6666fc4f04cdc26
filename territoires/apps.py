from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = "Territoires"

    def ready(self) -> None:
        from comptes.donnees_personnelles import inscrire
        from territoires.donnees_personnelles import DECLARATION

        inscrire(DECLARATION)
