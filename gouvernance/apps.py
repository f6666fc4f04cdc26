from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"

    def ready(self) -> None:
        """Put the meetings held per body and year on the contract's governance page."""
        from contrats import extensions
        from gouvernance.selectors import section_des_frequences

        # ready() may run more than once (tests, reloads): register once.
        if section_des_frequences not in extensions.sections_de_la_gouvernance:
            extensions.sections_de_la_gouvernance.append(section_des_frequences)
        # A seat in a body makes its organisation take part in the contract (admin scoping).
        if "sieges__instance__contrat" not in extensions.chemins_organisation_contrat:
            extensions.chemins_organisation_contrat.append("sieges__instance__contrat")
        # What gouvernance holds about a person (RGPD: export, erasure).
        from comptes.donnees_personnelles import inscrire
        from gouvernance.donnees_personnelles import DECLARATION

        inscrire(DECLARATION)
