"""The tamper-evident history: every committed event is sealed into one chain, each link
the SHA-256 of the event's content and of the previous link; database triggers keep
events append-only (no delete; an update only to seal an unsealed event).

Sealing runs after the commit of any transaction that recorded an event (on_commit), in
a short transaction of its own that locks the chain's head: events get their rank in the
order they are sealed, and no domain transaction ever waits for the chain. `verifier`
walks the whole chain and names the first broken event (manage.py verifier_historique).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from historique.models import Evenement, TeteDeChaine

PAQUET = 1000
TABLE = "historique_evenement"
# The columns an event's content is made of: none of them changes once inserted.
COLONNES_FIGEES = (
    "id",
    "horodatage",
    "acteur_id",
    "action",
    "content_type_id",
    "object_id",
    "objet_libelle",
    "changements",
    "motif",
)
REFUS_SUPPRESSION = "historique : un événement ne se supprime pas"
# No quote in these messages: they are written into the triggers' SQL as they are.
REFUS_MODIFICATION = "historique : un événement ne se modifie pas, seul son sceau est ajouté"


def _horodatage(moment: datetime) -> str:
    # To the millisecond: Django's JSON serialisation (dumpdata, loaddata) keeps no more,
    # and a history reloaded from it must still verify.
    return moment.isoformat(timespec="milliseconds")


def contenu(evenement: Evenement, rang: int, precedente: str) -> bytes:
    """What the link hashes: the event as written, its rank and the previous link."""
    type_ = ContentType.objects.get_for_id(evenement.content_type_id)
    return json.dumps(
        {
            "id": evenement.pk,
            "rang": rang,
            "precedente": precedente,
            "horodatage": _horodatage(evenement.horodatage),
            "acteur": evenement.acteur_id,
            "action": evenement.action,
            "objet": f"{type_.app_label}.{type_.model}:{evenement.object_id}",
            "libelle": evenement.objet_libelle,
            "changements": evenement.changements,
            "motif": evenement.motif,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode()


def empreinte(evenement: Evenement, rang: int, precedente: str) -> str:
    return hashlib.sha256(contenu(evenement, rang, precedente)).hexdigest()


def sceller() -> int:
    """Seal the events committed and not sealed yet, in id order; how many were."""
    total = 0
    while True:
        with transaction.atomic():
            tete, _ = TeteDeChaine.objects.select_for_update().get_or_create(pk=1)
            paquet = list(Evenement.objects.filter(rang__isnull=True).order_by("id")[:PAQUET])
            for evenement in paquet:
                evenement.rang = tete.rang + 1
                evenement.empreinte_precedente = tete.empreinte
                evenement.empreinte = empreinte(evenement, evenement.rang, tete.empreinte)
                tete.rang, tete.empreinte = evenement.rang, evenement.empreinte
            Evenement.objects.bulk_update(paquet, ["rang", "empreinte_precedente", "empreinte"])
            tete.save()
        total += len(paquet)
        if len(paquet) < PAQUET:
            return total


def sceller_apres_validation() -> None:
    """Schedule sealing once the current transaction commits (once per transaction)."""
    if any(fonction is sceller for _, fonction, _ in connection.run_on_commit):
        return
    # robust: a sealing that fails (it is retried by the next one) never fails the request
    # whose data is already committed.
    transaction.on_commit(sceller, robust=True)


@dataclass(frozen=True)
class Verification:
    verifies: int
    non_scelles: int
    rompu: Evenement | None = None
    raison: str = ""

    @property
    def intacte(self) -> bool:
        return self.rompu is None and not self.raison


def verifier() -> Verification:
    """Walk the chain in rank order: each link must follow the previous one and hash the
    event's content as it is now."""
    precedente, rang_attendu, verifies = "", 1, 0
    tete = TeteDeChaine.objects.filter(pk=1).first()
    for evenement in (
        Evenement.objects.filter(rang__isnull=False).order_by("rang").iterator(chunk_size=PAQUET)
    ):
        raison = ""
        if evenement.rang != rang_attendu:
            raison = f"rang {evenement.rang} au lieu de {rang_attendu} : un événement manque"
        elif evenement.empreinte_precedente != precedente:
            raison = "son lien vers l'événement précédent ne correspond pas"
        elif evenement.empreinte != empreinte(evenement, evenement.rang, precedente):
            raison = "son contenu a été modifié depuis son scellement"
        if raison:
            return Verification(verifies, _non_scelles(), evenement, raison)
        precedente, rang_attendu, verifies = evenement.empreinte, rang_attendu + 1, verifies + 1
    if tete is not None and (tete.rang, tete.empreinte) != (verifies, precedente):
        return Verification(
            verifies,
            _non_scelles(),
            None,
            "la tête de la chaîne ne désigne pas son dernier événement",
        )
    return Verification(verifies, _non_scelles())


def _non_scelles() -> int:
    return Evenement.objects.filter(rang__isnull=True).count()


def condense() -> str:
    """The chain's head in one line, to have timestamped by an outside authority."""
    tete = TeteDeChaine.objects.filter(pk=1).first()
    rang, valeur = (tete.rang, tete.empreinte) if tete else (0, "")
    return f"historique contrat-de-ville rang={rang} sha256={valeur or '-'}"


# ---------------------------------------------------------------- the database's guard


def _condition_modification(ancien: str, nouveau: str, different: str) -> str:
    """An update is refused once sealed, or when it touches the event's content."""
    changes = " OR ".join(f"{nouveau}.{c} {different} {ancien}.{c}" for c in COLONNES_FIGEES)
    return f"{ancien}.rang IS NOT NULL OR {changes}"


def sql_gardes(vendor: str) -> list[str]:
    if vendor == "postgresql":
        condition = _condition_modification("OLD", "NEW", "IS DISTINCT FROM")
        return [
            f"""CREATE OR REPLACE FUNCTION historique_evenement_garde() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{REFUS_SUPPRESSION}'; END IF;
  IF {condition} THEN RAISE EXCEPTION '{REFUS_MODIFICATION}'; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER historique_evenement_garde BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION historique_evenement_garde()",
        ]
    condition = _condition_modification("OLD", "NEW", "IS NOT")
    return [
        f"CREATE TRIGGER historique_evenement_sans_suppression BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUS_SUPPRESSION}'); END",
        f"CREATE TRIGGER historique_evenement_sans_modification BEFORE UPDATE ON {TABLE} "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{REFUS_MODIFICATION}'); END",
    ]


def sql_retrait_des_gardes(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS historique_evenement_garde ON {TABLE}",
            "DROP FUNCTION IF EXISTS historique_evenement_garde()",
        ]
    return [
        "DROP TRIGGER IF EXISTS historique_evenement_sans_suppression",
        "DROP TRIGGER IF EXISTS historique_evenement_sans_modification",
    ]
