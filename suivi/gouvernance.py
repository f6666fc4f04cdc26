"""What suivi offers the bodies' meetings (gouvernance.extensions): the COPIL technique
follows the bilans and the evaluations (Article 3 §1.2); their pages, for the agenda."""

from django.urls import reverse

from contrats.models import Instance
from gouvernance.extensions import ObjetExaminable
from suivi.models import Bilan, Evaluation, StatutBilan


def bilans_et_evaluations_a_examiner(instance: Instance, seance) -> list[ObjetExaminable]:
    if instance.nature != Instance.Nature.COPIL_TECHNIQUE:
        return []
    bilans = (
        Bilan.objects.filter(dossier__appel__contrat=instance.contrat, statut=StatutBilan.DEPOSE)
        .select_related("dossier")
        .order_by("annee", "dossier__numero")
    )
    evaluations = Evaluation.objects.filter(contrat=instance.contrat).order_by("-pk")
    return [
        ObjetExaminable("Bilans déposés", b, f"Bilan {b.annee} · {b.dossier}") for b in bilans
    ] + [ObjetExaminable("Évaluations", e, str(e)) for e in evaluations]


def lien_du_bilan_ou_de_l_evaluation(objet) -> str | None:
    if isinstance(objet, Bilan):
        return reverse("suivi:bilan_du_dossier", args=[objet.dossier_id])
    if isinstance(objet, Evaluation):
        return reverse("suivi:evaluation", args=[objet.pk])
    return None
