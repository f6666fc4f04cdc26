from django.apps import AppConfig

CHEMINS_ORGANISATION_CONTRAT = (
    "structure__dossiers__appel__contrat",
    "financements__dossier__appel__contrat",
    "enveloppes__appel__contrat",
    "lignes_budget__dossier__appel__contrat",
    "conventions_pluriannuelles__contrat",
)


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
        # How an organisation takes part in a contract through its calls (admin scoping).
        from contrats import extensions as extensions_contrats

        for chemin in CHEMINS_ORGANISATION_CONTRAT:
            if chemin not in extensions_contrats.chemins_organisation_contrat:
                extensions_contrats.chemins_organisation_contrat.append(chemin)
        # What programmation holds about a person (RGPD: export, erasure).
        from comptes.donnees_personnelles import inscrire
        from programmation.donnees_personnelles import DECLARATION

        inscrire(DECLARATION)
