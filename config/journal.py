"""Structured logging: every record is one JSON line (time, level, logger, message and the
record's fields), and every request leaves one on the "requetes" logger; a refused access
is also a security event."""

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from historique.journal import consigner

journal_des_requetes = logging.getLogger("requetes")


class FormatJSON(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        donnees = {
            "horodatage": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "niveau": record.levelname,
            "journal": record.name,
            "message": record.getMessage(),
            **getattr(record, "champs", {}),
        }
        statut = getattr(record, "status_code", None)
        if statut is not None:
            donnees.setdefault("statut", statut)
        if record.exc_info:
            donnees["exception"] = self.formatException(record.exc_info)
        return json.dumps(donnees, ensure_ascii=False, default=str)


class JournalDesRequetesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        debut = time.perf_counter()
        response = self.get_response(request)
        utilisateur = getattr(request, "user", None)
        champs = {
            "methode": request.method,
            "chemin": request.path,
            "statut": response.status_code,
            "duree_ms": round((time.perf_counter() - debut) * 1000, 1),
            "adresse": request.META.get("REMOTE_ADDR", ""),
            "utilisateur": utilisateur.pk
            if utilisateur is not None and utilisateur.is_authenticated
            else None,
        }
        journal_des_requetes.info(
            f"{request.method} {request.path} {response.status_code}", extra={"champs": champs}
        )
        if response.status_code in (401, 403):
            consigner("acces.refuse", request, statut=response.status_code)
        return response
