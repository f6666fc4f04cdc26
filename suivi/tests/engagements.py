"""Builders of the engagements follow-up tests (a helper, not a test module)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from contrats.models import Contrat, Engagement, Instance
from gouvernance.models import Seance
from programmation.tests.outils import CONTENU_PDF
from suivi.models import StatutEngagement, SuiviEngagement
from suivi.services.engagements import Examen, examiner_suivi_engagement, proposer_suivi_engagement

LIEN = "https://www.caf.fr/allocataires/caf-du-val-de-marne/partenaires/villiers-2016"
COMMENTAIRE = "Deux actions de soutien à la parentalité financées au quartier."


def engagement_de(contrat: Contrat, section: str = "2.7", ordre: int = 1) -> Engagement:
    """An engagement of the contract: by default the CAF's first (section 2.7)."""
    return Engagement.objects.select_related("section__contrat").get(
        section__contrat=contrat, section__numero=section, ordre=ordre
    )


def version_de(engagement: Engagement, annee: int) -> int:
    suivi = SuiviEngagement.objects.filter(engagement=engagement, annee=annee).first()
    return suivi.version if suivi else 0


def proposer(engagement: Engagement, acteur, annee: int = 2016, **champs) -> SuiviEngagement:
    """The year's follow-up proposed on the version in base (a form just loaded)."""
    champs = {"statut": StatutEngagement.EN_COURS, "commentaire": COMMENTAIRE, **champs}
    return proposer_suivi_engagement(
        engagement=engagement,
        annee=annee,
        acteur=acteur,
        version=champs.pop("version", version_de(engagement, annee)),
        **champs,
    )


def examiner(suivi: SuiviEngagement, acteur, examen: str = Examen.VALIDER, **champs):
    suivi.refresh_from_db()
    return examiner_suivi_engagement(
        suivi=suivi,
        examen=examen,
        acteur=acteur,
        version=champs.pop("version", suivi.version),
        **champs,
    )


def seance_du_copil(contrat: Contrat, nature: str = Instance.Nature.COPIL_TECHNIQUE, **champs):
    instance = contrat.instances.filter(nature=nature).order_by("ordre").first()
    champs = {
        "date": date(2016, 12, 8),
        "titre": "Comité de pilotage technique",
        "statut": Seance.Statut.TENUE,
        **champs,
    }
    return Seance.objects.create(instance=instance, **champs)


def pdf(nom: str = "bilan-caf-2016.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, CONTENU_PDF, content_type="application/pdf")
