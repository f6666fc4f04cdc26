from django.apps import AppConfig


class ProgrammationConfig(AppConfig):
    name = "programmation"
    verbose_name = "Programmation"

    def ready(self) -> None:
        from gouvernance import extensions
        from programmation import gouvernance

        # ready() may run more than once (tests, reloads): register each function once.
        for registre, fonction in (
            (extensions.sources_de_points, gouvernance.dossiers_a_examiner),
            (extensions.liens_des_objets, gouvernance.lien_du_dossier),
        ):
            if fonction not in registre:
                registre.append(fonction)
