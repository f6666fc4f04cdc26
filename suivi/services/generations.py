"""The production of a rapport annuel's documents: the work of the background task
suivi.tasks.generer_rapport (and of the demo, which runs it in its own process).

Each step is written as soon as it starts, outside any transaction, so that the page
polling the generation shows where it is. A generation is taken only while it waits:
run twice (the queue's worker after the demo, two workers), the second run does
nothing. A failure is kept on the generation, in French, and raised again for the
worker's own record.
"""

from django.core.files.base import ContentFile
from django.db import transaction

from historique.horloge import maintenant
from historique.services import enregistrer_evenement
from suivi import rapports_documents
from suivi.actions import ActionSuivi
from suivi.models import GenerationRapport
from suivi.selectors.rapports import ContenuRapport, base_du_nom, contenu_du_rapport

Etat = GenerationRapport.Etat
ETAPES = {
    "lecture": (10, "Lecture des données du contrat et de l'année"),
    "pdf": (40, "Mise en page du PDF"),
    "odt": (75, "Rédaction du document ODT modifiable"),
    "fichiers": (90, "Enregistrement des fichiers"),
}


def _en_cours(generation_id: int):
    return GenerationRapport.objects.filter(pk=generation_id, etat=Etat.EN_COURS)


def _prendre(generation_id: int) -> bool:
    return bool(
        GenerationRapport.objects.filter(pk=generation_id, etat=Etat.EN_ATTENTE).update(
            etat=Etat.EN_COURS, progression=5, etape="Démarrage"
        )
    )


def _avancer(generation_id: int, etape: str) -> str:
    progression, libelle = ETAPES[etape]
    _en_cours(generation_id).update(progression=progression, etape=libelle)
    return libelle


def produire_les_documents(generation_id: int) -> None:
    if not _prendre(generation_id):
        return
    generation = GenerationRapport.objects.select_related("rapport__contrat").get(pk=generation_id)
    etape = "Démarrage"
    try:
        etape = _avancer(generation_id, "lecture")
        contenu = contenu_du_rapport(generation.rapport)
        etape = _avancer(generation_id, "pdf")
        pdf = rapports_documents.document_pdf(contenu)
        etape = _avancer(generation_id, "odt")
        odt = rapports_documents.document_odt(contenu)
        etape = _avancer(generation_id, "fichiers")
        _terminer(generation, contenu, pdf, odt)
    except Exception as erreur:
        _echouer(generation, etape, erreur)
        raise


def _terminer(generation: GenerationRapport, contenu: ContenuRapport, pdf: bytes, odt: bytes):
    rapport = generation.rapport
    base = base_du_nom(rapport)
    generation.pdf.save(f"{base}-{generation.pk}.pdf", ContentFile(pdf), save=False)
    generation.odt.save(f"{base}-{generation.pk}.odt", ContentFile(odt), save=False)
    with transaction.atomic():
        _en_cours(generation.pk).update(
            etat=Etat.TERMINEE,
            progression=100,
            etape="Terminée",
            pdf=generation.pdf.name,
            odt=generation.odt.name,
            nombre_actions=contenu.actions.nombre,
            terminee_le=maintenant(),
        )
        enregistrer_evenement(
            acteur=None,
            objet=rapport,
            action=ActionSuivi.RAPPORT_GENERATION_TERMINEE,
            changements={"generation": generation.pk, "actions": contenu.actions.nombre},
        )


def _echouer(generation: GenerationRapport, etape: str, erreur: Exception) -> None:
    message = (
        f"La génération a échoué à l'étape « {etape} » : {type(erreur).__name__} : {erreur}".strip()
    )
    with transaction.atomic():
        _en_cours(generation.pk).update(etat=Etat.ECHEC, erreur=message)
        enregistrer_evenement(
            acteur=None,
            objet=generation.rapport,
            action=ActionSuivi.RAPPORT_GENERATION_ECHOUEE,
            changements={"generation": generation.pk},
            motif=message,
        )
