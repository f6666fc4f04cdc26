from django.apps import AppConfig


class SuiviConfig(AppConfig):
    name = "suivi"
    verbose_name = "Suivi et évaluation"

    def ready(self) -> None:
        """Plug the bilans and the dashboard into programmation and gouvernance, which never
        import suivi."""
        from gouvernance import extensions as gouvernance
        from programmation import extensions
        from suivi import gouvernance as examen
        from suivi.demo import bilan_valide_pour_le_solde
        from suivi.selectors.bilans import section_bilan, taches_des_bilans
        from suivi.selectors.engagements import taches_des_engagements
        from suivi.selectors.evaluations import section_decisions, taches_des_evaluations
        from suivi.selectors.rapports import tache_du_rapport_annuel
        from suivi.selectors.referentiel import tache_du_referentiel
        from suivi.selectors.tableau_de_bord import tache_du_tableau_de_bord
        from suivi.services.bilans import refus_du_solde

        _inscrire(extensions.preconditions_du_solde, refus_du_solde)
        _inscrire(extensions.preparations_du_solde, bilan_valide_pour_le_solde)
        _inscrire(extensions.fournisseurs_de_taches, taches_des_bilans)
        _inscrire(extensions.fournisseurs_de_taches, tache_du_tableau_de_bord)
        _inscrire(extensions.fournisseurs_de_taches, tache_du_referentiel)
        _inscrire(extensions.sections_du_dossier, section_bilan)
        _inscrire(extensions.fournisseurs_de_taches, taches_des_evaluations)
        _inscrire(extensions.sections_du_dossier, section_decisions)
        _inscrire(extensions.fournisseurs_de_taches, tache_du_rapport_annuel)
        _inscrire(extensions.fournisseurs_de_taches, taches_des_engagements)
        _inscrire(gouvernance.sources_de_points, examen.bilans_et_evaluations_a_examiner)
        _inscrire(gouvernance.liens_des_objets, examen.lien_du_bilan_ou_de_l_evaluation)
        # What suivi holds about a person (RGPD: export, erasure).
        from comptes.donnees_personnelles import inscrire
        from suivi.donnees_personnelles import DECLARATION

        inscrire(DECLARATION)


def _inscrire(registre: list, fonction) -> None:
    # ready() may run more than once (tests, reloads): register each function once.
    if fonction not in registre:
        registre.append(fonction)
