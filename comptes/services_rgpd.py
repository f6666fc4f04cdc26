"""A person's rights over their data (RGPD) and the purge of what is past its retention.

`exporter_donnees` gathers what every app holds about a person (right of access and to
portability, art. 15 and 20); `effacer_personne` erases it, pseudonymising what a record
must keep (art. 17), in one transaction with one history event; `purger` removes, day
after day, what is older than its retention period (config/settings.py, "Personal data").
Each app's part is declared in its `donnees_personnelles.py` (comptes.donnees_personnelles).
The history itself is never touched: it is append-only and sealed (historique.integrite),
and its events point to the account, which keeps its row under a pseudonym.
"""

import json
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q

from comptes.actions import ActionCompte
from comptes.donnees_personnelles import (
    Personne,
    comptes_inactifs,
    declarations,
    est_pseudonymise,
    personne_de,
)
from comptes.models import Utilisateur
from historique import horloge
from historique.erreurs import DonneesInvalides
from historique.services import enregistrer_evenement

DEJA_EFFACEE = "Les données de ce compte sont déjà effacées : il est pseudonymisé."
EN_TETE = "Export"  # the export's first heading: what it is, not data of an app


def trouver_compte(identifiant: str) -> Utilisateur:
    """The account of this identifier or address (case aside), or a French refusal."""
    saisi = identifiant.strip()
    compte = Utilisateur.objects.filter(Q(username__iexact=saisi) | Q(email__iexact=saisi)).first()
    if compte is None:
        raise DonneesInvalides(f"Aucun compte n'a l'identifiant ou l'adresse « {saisi} ».")
    return compte


def exporter_donnees(compte: Utilisateur) -> dict[str, Any]:
    """Everything the platform holds about the person, app by app, under French headings."""
    personne = personne_de(compte)
    export: dict[str, Any] = {
        EN_TETE: {
            "Compte n°": compte.pk,
            "Identifiant": compte.username,
            "Exporté le": horloge.maintenant(),
            "Contenu": "Les données personnelles que la plateforme Contrat de ville "
            "conserve sur vous, par application (docs/donnees-personnelles.md).",
        }
    }
    for declaration in declarations():
        export[apps.get_app_config(declaration.application).verbose_name] = declaration.exporter(
            personne
        )
    return export


def resume(export: dict[str, Any]) -> list[tuple[str, list[tuple[str, int]]]]:
    """Per app, each heading of the export and how many rows it holds (the page's table)."""
    return [
        (application, [(titre, len(rangees)) for titre, rangees in rubriques.items()])
        for application, rubriques in export.items()
        if application != EN_TETE
    ]


def en_json(donnees: dict[str, Any]) -> str:
    """UTF-8 JSON, accents as they are, dates in ISO 8601."""
    return json.dumps(donnees, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _effacer(personne: Personne) -> dict[str, int]:
    # The later apps first: they find the person's records through what the earlier ones
    # still hold (roles, addresses); the account itself goes last.
    effacements: dict[str, int] = {}
    for declaration in reversed(declarations()):
        if declaration.effacer is not None:
            effacements.update(declaration.effacer(personne))
    return effacements


def effacer_personne(
    compte: Utilisateur, *, par: Utilisateur | None = None, motif: str = ""
) -> dict[str, int]:
    """Erase the person's data; what a record must keep (dossiers, decisions, bilans,
    history) stays, naming "Personne effacée n° …". Returns the count per kind."""
    with transaction.atomic():
        compte = Utilisateur.objects.select_for_update().get(pk=compte.pk)
        if est_pseudonymise(compte):
            raise DonneesInvalides(DEJA_EFFACEE)
        effacements = _effacer(personne_de(compte))
        # Recorded once the account is pseudonymised: the event never names the person.
        enregistrer_evenement(
            acteur=par,
            objet=compte,
            action=ActionCompte.DONNEES_EFFACEES,
            changements={"effacements": effacements},
            motif=motif,
        )
    return effacements


def _pseudonymiser_inactifs(moment: datetime, simulation: bool) -> int:
    inactifs = list(comptes_inactifs(moment))
    if simulation:
        return len(inactifs)
    jours = settings.CONSERVATION_COMPTES_INACTIFS
    for compte in inactifs:
        with transaction.atomic():
            effacements = _effacer(personne_de(compte))
            enregistrer_evenement(
                acteur=None,
                objet=compte,
                action=ActionCompte.INACTIF_PSEUDONYMISE,
                changements={"effacements": effacements, "conservation (jours)": jours},
                motif=f"Aucune connexion depuis plus de {jours} jours.",
            )
    return len(inactifs)


def purger(moment: datetime | None = None, *, simulation: bool = False) -> dict[str, int]:
    """Remove what is past its retention period; the count per kind. A simulation counts
    and changes nothing. Each kind removed leaves one history event."""
    moment = moment or horloge.maintenant()
    compte_rendu: dict[str, int] = {}
    for declaration in declarations():
        if declaration.purger is None:
            continue
        with transaction.atomic():
            for purge in declaration.purger(moment, simulation):
                compte_rendu[purge.libelle] = purge.nombre
                if purge.nombre and not simulation:
                    enregistrer_evenement(
                        acteur=None,
                        objet=ContentType.objects.get_for_model(purge.modele),
                        action=ActionCompte.PURGE,
                        changements={
                            "nature": purge.libelle,
                            "supprimés": purge.nombre,
                            "conservation (jours)": purge.conservation,
                        },
                    )
    compte_rendu["Comptes inactifs pseudonymisés"] = _pseudonymiser_inactifs(moment, simulation)
    return compte_rendu
