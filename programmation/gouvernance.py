"""What programmation offers the bodies' meetings (gouvernance.extensions): the dossiers a
committee examines on its agenda, and the page of a dossier for the agenda and the relevé."""

from django.urls import reverse

from contrats.models import Instance
from gouvernance.extensions import ObjetExaminable
from programmation.models import Dossier, Statut

# The statut of the dossiers each body examines (Article 3 §1, the call's committees).
STATUT_EXAMINE_PAR = {
    Instance.Nature.COMITE_RECEVABILITE: Statut.DEPOSE,
    Instance.Nature.COPIL_POLITIQUE: Statut.PROPOSE,
}


def dossiers_a_examiner(instance: Instance, seance) -> list[ObjetExaminable]:
    statut = STATUT_EXAMINE_PAR.get(instance.nature)
    if statut is None:
        return []
    dossiers = (
        Dossier.objects.filter(appel__contrat=instance.contrat, statut=statut)
        .select_related("appel")
        .order_by("appel__annee", "numero")
    )
    return [
        ObjetExaminable(
            f"Dossiers de l'appel à projets {d.appel.annee}", d, f"{d.numero} · {d.intitule}"
        )
        for d in dossiers
    ]


def lien_du_dossier(objet) -> str | None:
    if isinstance(objet, Dossier):
        return reverse("programmation:dossier", args=[objet.pk])
    return None
