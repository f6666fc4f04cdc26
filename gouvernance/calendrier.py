"""Meetings as iCalendar (RFC 5545): the public calendar of a contract and the invitation
attached to each convocation, written by the `icalendar` library."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from gouvernance.models import Seance
from historique.horloge import maintenant

# Without a time, a meeting is a whole-day event; with a start and no end, two hours.
DUREE_PAR_DEFAUT = timedelta(hours=2)
STATUTS = {
    Seance.Statut.PREVUE: "TENTATIVE",
    Seance.Statut.CONVOQUEE: "CONFIRMED",
    Seance.Statut.TENUE: "CONFIRMED",
    Seance.Statut.ANNULEE: "CANCELLED",
}


def uid(seance: Seance) -> str:
    """Stable across exports, so that a calendar that imported it updates the same event."""
    return f"seance-{seance.pk}@{seance.instance.contrat.slug}.contrat-de-ville"


def _evenement(seance: Seance, horodatage: datetime) -> Event:
    evenement = Event()
    evenement.add("uid", uid(seance))
    evenement.add("dtstamp", horodatage)
    evenement.add("summary", f"{seance.instance.nom} — {seance.titre}")
    if seance.heure_debut:
        zone = ZoneInfo(settings.TIME_ZONE)
        debut = datetime.combine(seance.date, seance.heure_debut, tzinfo=zone)
        fin = (
            datetime.combine(seance.date, seance.heure_fin, tzinfo=zone)
            if seance.heure_fin
            else debut + DUREE_PAR_DEFAUT
        )
        evenement.add("dtstart", debut)
        evenement.add("dtend", fin)
    else:
        evenement.add("dtstart", seance.date)
        evenement.add("dtend", seance.date + timedelta(days=1))
    lieu = seance.lieu or seance.lien_visio
    if lieu:
        evenement.add("location", lieu)
    if seance.lien_visio:
        evenement.add("url", seance.lien_visio)
    description = [seance.instance.nom]
    description += [str(point) for point in seance.points.all()]
    evenement.add("description", "\n".join(description))
    evenement.add("status", STATUTS[seance.statut])
    evenement.add("sequence", seance.version)
    return evenement


def _calendrier(nom: str, methode: str | None = None) -> Calendar:
    calendrier = Calendar()
    calendrier.add("prodid", "-//Plateforme Contrat de ville//FR")
    calendrier.add("version", "2.0")
    calendrier.add("x-wr-calname", nom)
    if methode:
        calendrier.add("method", methode)
    return calendrier


def calendrier_public(nom: str, seances) -> bytes:
    calendrier = _calendrier(nom)
    horodatage = maintenant()
    for seance in seances:
        calendrier.add_component(_evenement(seance, horodatage))
    return calendrier.to_ical()


def invitation(seance: Seance) -> bytes:
    """The .ics attached to a convocation (METHOD:REQUEST, or CANCEL once cancelled)."""
    methode = "CANCEL" if seance.statut == Seance.Statut.ANNULEE else "REQUEST"
    calendrier = _calendrier(seance.instance.nom, methode)
    calendrier.add_component(_evenement(seance, maintenant()))
    return calendrier.to_ical()
