"""Helpers shared by the gouvernance tests (not a test module: nothing here is collected)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from comptes.models import Utilisateur
from contrats.models import Contrat, Instance
from gouvernance import services
from gouvernance.models import Seance
from historique.horloge import rejouer_a

LIEU = "Salle du conseil, hôtel de ville"


def instance_de(contrat: Contrat, code: str) -> Instance:
    return contrat.instances.get(code=code)


def pilote_demo() -> Utilisateur:
    """Camille Martin, the demo pilote of the Villiers contract."""
    return Utilisateur.objects.get(username="pilote")


def a_midi(jour: date):
    """Replay the block at noon of `jour` (historique.horloge): meetings need a past."""
    return rejouer_a(timezone.make_aware(datetime.combine(jour, time(12))))


def seance_tenue(contrat: Contrat, code: str, jour: date, titre: str = "Séance") -> Seance:
    """A meeting recorded as held on `jour`, as a pilote records one after the fact."""
    with a_midi(jour + timedelta(days=1)):
        return services.creer_seance(
            instance=instance_de(contrat, code), date=jour, titre=titre, acteur=pilote_demo()
        )


def seance_preparee(contrat: Contrat, code: str, jour: date, titre: str = "Séance") -> Seance:
    return services.preparer_seance(
        instance=instance_de(contrat, code),
        date=jour,
        titre=titre,
        lieu=LIEU,
        acteur=pilote_demo(),
    )
