from django.apps import AppConfig


class HistoriqueConfig(AppConfig):
    name = "historique"
    verbose_name = "Historique"
