"""The convocation e-mail: to every member of the body with an address (their account, or
the membres habilitated in that body), with the invitation as an .ics file."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from comptes.models import Role
from contrats.models import Habilitation
from gouvernance.calendrier import invitation
from gouvernance.models import Seance
from gouvernance.selectors import membres_en_fonction


def destinataires(seance: Seance) -> list[str]:
    comptes = {
        m.utilisateur.email
        for m in membres_en_fonction(seance.instance, seance.date).select_related("utilisateur")
        if m.utilisateur_id and m.utilisateur.email
    }
    habilites = Habilitation.objects.filter(
        contrat=seance.instance.contrat, role=Role.MEMBRE, instance=seance.instance
    ).exclude(utilisateur__email="")
    comptes |= set(habilites.values_list("utilisateur__email", flat=True))
    return sorted(comptes)


def envoyer(seance: Seance, adresses: list[str], adresse_site: str) -> None:
    if not adresses:
        return
    lien = adresse_site.rstrip("/") + reverse("gouvernance:seance", args=[seance.pk])
    horaire = f" à {seance.heure_debut:%H h %M}" if seance.heure_debut else ""
    lieu = seance.lieu or seance.lien_visio
    points = "\n".join(f"  {point}" for point in seance.points.all())
    corps = (
        f"Bonjour,\n\nVous êtes convoqué(e) à la séance « {seance.titre} » de "
        f"{seance.instance.nom}, le {seance.date:%d/%m/%Y}{horaire}"
        + (f", {lieu}" if lieu else "")
        + f".\n\nOrdre du jour :\n{points}\n\n"
        f"Les documents de la séance : {lien}\n\n"
        "L'invitation est jointe (fichier .ics) pour votre agenda.\n"
    )
    message = EmailMessage(
        subject=f"Convocation : {seance.instance.nom}, {seance.date:%d/%m/%Y}",
        body=corps,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.DEFAULT_FROM_EMAIL],
        bcc=adresses,
    )
    message.attach("invitation.ics", invitation(seance), "text/calendar; method=REQUEST")
    message.send()
