"""E-mails to porteurs, sent only once the transaction that caused them has committed."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from comptes.models import Role
from contrats.models import Habilitation
from programmation.models import Dossier

if TYPE_CHECKING:
    from programmation.etats import Transition

_suspendus: ContextVar[bool] = ContextVar("courriels_suspendus", default=False)
_adresse_site: ContextVar[str] = ContextVar("adresse_site", default="")


@contextmanager
def courriels_suspendus() -> Iterator[None]:
    """No e-mail leaves while the block runs: the demo replays years nobody must be told of."""
    jeton = _suspendus.set(True)
    try:
        yield
    finally:
        _suspendus.reset(jeton)


def courriels_autorises() -> bool:
    return not _suspendus.get()


def destinataires(dossier: Dossier) -> list[str]:
    return sorted(
        Habilitation.objects.filter(
            contrat=dossier.appel.contrat,
            role=Role.PORTEUR,
            organisation=dossier.structure.organisation_id,
        )
        .exclude(utilisateur__email="")
        .values_list("utilisateur__email", flat=True)
    )


def notifier_porteur(dossier: Dossier, transition: "Transition", motif: str) -> None:
    if not courriels_autorises():
        return
    objet = transition.objet_courriel.format(numero=dossier.numero)
    corps = (
        f"Bonjour,\n\nLe dossier « {dossier.intitule} » ({dossier.numero}) de "
        f"{dossier.structure} est désormais : {dossier.get_statut_display()}.\n"
        + (f"\nMotif : {motif}\n" if motif else "")
        + complement_du_courriel(dossier, transition)
        + "\nVous pouvez le consulter sur la plateforme Contrat de ville.\n"
    )
    adresses = destinataires(dossier)
    if adresses:
        transaction.on_commit(
            lambda: send_mail(objet, corps, settings.DEFAULT_FROM_EMAIL, adresses)
        )


# ---------------------------------------------------------------- links and the deposit receipt


@contextmanager
def adresse_du_site(adresse: str) -> Iterator[None]:
    """Links of the e-mails sent while the block runs start with `adresse` ("https://host")."""
    jeton = _adresse_site.set(adresse.rstrip("/"))
    try:
        yield
    finally:
        _adresse_site.reset(jeton)


def lien(chemin: str) -> str:
    """An absolute link when a page set the site's address, else the path alone."""
    return _adresse_site.get() + chemin


def complement_du_courriel(dossier: Dossier, transition: "Transition") -> str:
    """What a transition's e-mail says beyond the new statut: a deposit gives its receipt."""
    if not transition.donne_recepisse:
        return ""
    version = dossier.versions.order_by("-numero").first()
    if version is None:
        return ""
    chemin = reverse("programmation:recepisse", args=[dossier.pk, version.numero])
    return (
        "\nLe récépissé de dépôt (PDF) liste les pièces déposées et donne l'empreinte de la "
        f"version déposée : {lien(chemin)}\n"
    )
