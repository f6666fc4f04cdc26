"""What the rapport annuel's transitions check first and do (suivi/etats_rapports.py).

Each function receives (rapport, acteur, decision), the rapport being locked by
transitionner_rapport, which saves it afterwards in the same transaction. The consulted
bodies have one month to give their avis (décret n° 2015-1118, art. 2): without an
answer by then, theirs is reputed favourable.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from contrats.models import Instance
from historique.horloge import aujourdhui, maintenant
from programmation.services.erreurs import DonneesInvalides
from suivi.models import (
    AvisRapport,
    CodeTransitionRapport,
    GenerationRapport,
    RapportAnnuel,
    TransitionRapport,
)

Organe = AvisRapport.Organe
CONSEIL_CITOYEN = "Conseil citoyen"


@dataclass(frozen=True)
class Decision:
    """What the pilote gave with the transition."""

    motif: str = ""
    date_deliberation: date | None = None
    reference_deliberation: str = ""


def un_mois_apres(jour: date) -> date:
    """The same day of the next month; the month's last day when it has no such day."""
    annee, mois = (jour.year + 1, 1) if jour.month == 12 else (jour.year, jour.month + 1)
    return date(annee, mois, min(jour.day, calendar.monthrange(annee, mois)[1]))


def _generations_terminees(rapport: RapportAnnuel):
    return GenerationRapport.objects.filter(rapport=rapport, etat=GenerationRapport.Etat.TERMINEE)


# ---------------------------------------------------------------- soumettre


def verifier_document_genere(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    if not _generations_terminees(rapport).exists():
        raise DonneesInvalides(
            "Générez le rapport avant de le soumettre pour avis : les instances consultées "
            "en lisent le document."
        )


def organes_consultes(rapport: RapportAnnuel) -> list[tuple[str, str]]:
    """(organe, nom): the contract's conseil citoyen, then each commune's conseil municipal."""
    instance = (
        Instance.objects.filter(contrat=rapport.contrat, nature=Instance.Nature.CONSEIL_CITOYEN)
        .order_by("ordre")
        .first()
    )
    communes = rapport.contrat.communes.order_by("nom").values_list("nom", flat=True)
    return [
        (Organe.CONSEIL_CITOYEN, instance.nom if instance else CONSEIL_CITOYEN),
        *((Organe.CONSEIL_MUNICIPAL, f"Conseil municipal de {nom}") for nom in communes),
    ]


def ouvrir_la_consultation(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    """One month from today; every consulted body's avis expected (again, after a
    reprise: the avis given on the former projet stay in the history)."""
    rapport.soumis_le = aujourdhui()
    rapport.fin_consultation = un_mois_apres(rapport.soumis_le)
    for organe, nom in organes_consultes(rapport):
        AvisRapport.objects.update_or_create(
            rapport=rapport,
            organe=organe,
            nom=nom,
            defaults={
                "sens": AvisRapport.Sens.ATTENDU,
                "texte": "",
                "recu_le": None,
                "saisi_par": None,
            },
        )


# ---------------------------------------------------------------- reprendre


def clore_la_consultation(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    rapport.soumis_le = None
    rapport.fin_consultation = None


# ---------------------------------------------------------------- adopter


def verifier_adoption(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    jour = decision.date_deliberation
    if jour is None:
        raise DonneesInvalides("Indiquez la date de la délibération qui adopte le rapport.")
    if jour > aujourdhui():
        raise DonneesInvalides(
            f"La délibération ne peut pas être datée dans le futur ({jour:%d/%m/%Y})."
        )
    if jour < rapport.soumis_le:
        raise DonneesInvalides(
            f"La délibération ne peut pas précéder la soumission du rapport pour avis, le "
            f"{rapport.soumis_le:%d/%m/%Y}."
        )
    attendus = list(
        rapport.avis.filter(sens=AvisRapport.Sens.ATTENDU).values_list("nom", flat=True)
    )
    if attendus and jour <= rapport.fin_consultation:
        raise DonneesInvalides(
            f"Avis non reçu : {', '.join(attendus)}. Sans cet avis, le rapport ne peut être "
            f"adopté qu'après la fin du délai d'un mois, le {rapport.fin_consultation:%d/%m/%Y} "
            "(l'avis est alors réputé favorable)."
        )


def adopter(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    """The date and reference of the délibération; no answer in time counts as favourable."""
    rapport.date_deliberation = decision.date_deliberation
    rapport.reference_deliberation = decision.reference_deliberation.strip()
    rapport.avis.filter(sens=AvisRapport.Sens.ATTENDU).update(sens=AvisRapport.Sens.TACITE)


# ---------------------------------------------------------------- publier


def adopte_le(rapport: RapportAnnuel):
    """When the rapport was last adopted (None before)."""
    derniere = (
        TransitionRapport.objects.filter(rapport=rapport, transition=CodeTransitionRapport.ADOPTER)
        .order_by("-horodatage", "-id")
        .first()
    )
    return derniere.horodatage if derniere else None


def verifier_document_adopte(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    """The published documents are those of the adopted rapport: with its avis annexed
    and its délibération."""
    adoption = adopte_le(rapport)
    if (
        adoption is None
        or not _generations_terminees(rapport).filter(demandee_le__gte=adoption).exists()
    ):
        raise DonneesInvalides(
            "Générez de nouveau le rapport depuis son adoption avant de le publier : le "
            "document publié annexe les avis reçus et mentionne la délibération."
        )


def publier(rapport: RapportAnnuel, acteur, decision: Decision) -> None:
    rapport.publie_le = maintenant()
