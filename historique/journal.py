"""The security log: logins, failures, lockouts, logouts, role changes and refused
accesses, one structured record each on the "securite" logger (written as JSON lines by
config.journal). It names who and from where, never a password."""

import logging

from django.http import HttpRequest

journal = logging.getLogger("securite")


def adresse_de(request: HttpRequest | None) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def consigner(quoi: str, request: HttpRequest | None = None, **champs) -> None:
    """One security event: `quoi` names it ("connexion.echec"), `champs` say the rest."""
    if request is not None:
        champs.setdefault("adresse", adresse_de(request))
        champs.setdefault("chemin", request.path)
        utilisateur = getattr(request, "user", None)
        if utilisateur is not None and utilisateur.is_authenticated:
            champs.setdefault("utilisateur", utilisateur.pk)
    journal.info(quoi, extra={"champs": {"evenement": quoi, **champs}})
