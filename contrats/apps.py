from django.apps import AppConfig


class ContratsConfig(AppConfig):
    name = "contrats"
    verbose_name = "Contrats de ville"
