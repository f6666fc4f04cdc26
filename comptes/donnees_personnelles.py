"""What the platform holds about one person, app by app (RGPD, docs/donnees-personnelles.md).

The rule "what is this person's data" spans every app, and comptes may not import the apps
that come after it (ARCHITECTURE.md): each app declares its part in its own
`donnees_personnelles.py` and registers it here from its AppConfig.ready(), as the
extensions.py modules do. A declaration says how to export the person's data (French
headings → rows), how to erase it (pseudonymise what must be kept) and what its purge
removes once the retention period set in config/settings.py is over.
`comptes.services_rgpd` runs them all.

The person is an account; where a record names people in free text (a structure's legal
representative, a bilan's signatory, a representative at a meeting), the apps also look
for the person's name, but only among the records tied to them (`Personne.nommee_dans`),
and replace it by the pseudonym (`Personne.pseudonymiser`).

This module also holds comptes' own part: the account, its addresses, second factor,
sessions and login attempts, and the history of what the person did (historique, which
comes before comptes, cannot declare it itself).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q

from comptes.models import Utilisateur
from historique import horloge
from historique.models import Evenement

# French heading → rows of French column → value.
Rubriques = dict[str, list[dict[str, Any]]]

# What may follow a name written with more: "Zoé Quintard, présidente", "… (adjointe)".
SUITE_DU_NOM = re.compile(r"\s*[,(]|\s+[–-]\s")
# A pseudonymised account: "Personne effacée n° 12", identifier personne-effacee-12.
PRENOM_PSEUDONYME = "Personne effacée"
PREFIXE_PSEUDONYME = "personne-effacee-"
DOMAINE_PSEUDONYME = "effacee.invalid"  # a reserved domain (RFC 2606): no mail goes out
# allauth's own rows of an account (addresses, authenticators): they go with the account.
APPLICATIONS_DU_COMPTE = {"account", "mfa"}


@dataclass(frozen=True)
class Personne:
    """The person whose data is exported or erased, as they were before any change."""

    compte: Utilisateur
    noms: frozenset[str]  # normalised: "prénom nom" and "nom prénom"
    courriels: frozenset[str]  # lower case
    pseudonyme: str  # what replaces their name where a record must be kept
    adresse_pseudonyme: str  # what replaces their address

    def _longueur_du_nom(self, texte: str) -> int:
        """How many characters of the text (spaces collapsed) are the person's name: the
        text is the name, or begins with it then a comma, a bracket or a dash ("Zoé
        Quintard, présidente"); 0 otherwise."""
        for nom in self.noms:
            if texte[: len(nom)].casefold() == nom and (
                len(texte) == len(nom) or SUITE_DU_NOM.match(texte, len(nom))
            ):
                return len(nom)
        return 0

    def est_nommee(self, texte: str) -> bool:
        return bool(self._longueur_du_nom(" ".join(texte.split())))

    def sans_son_nom(self, texte: str) -> str:
        """The text with the person's name replaced by the pseudonym; the rest (a quality)
        stays."""
        texte = " ".join(texte.split())
        longueur = self._longueur_du_nom(texte)
        return self.pseudonyme + texte[longueur:] if longueur else texte

    def nommee_dans(self, requete: models.QuerySet, champ: str) -> models.QuerySet:
        """Those rows whose free-text field `champ` names the person, in the same order.
        The name is looked for among these rows only: the apps give those tied to them."""
        nommees = [
            pk
            for pk, texte in requete.exclude(**{champ: ""}).values_list("pk", champ)
            if self.est_nommee(texte)
        ]
        return requete.filter(pk__in=nommees)

    def pseudonymiser(self, requete: models.QuerySet, champ: str) -> int:
        """Replace the person's name by the pseudonym in the field `champ` of these rows
        (what follows the name, a quality, stays); how many rows."""
        objets = list(requete)
        for objet in objets:
            setattr(objet, champ, self.sans_son_nom(getattr(objet, champ)))
            objet.save(update_fields=[champ])
        return len(objets)


@dataclass(frozen=True)
class Purge:
    """One kind of data a purge removed (or, in a simulation, would remove)."""

    libelle: str  # "Tentatives de connexion"
    modele: type[models.Model]  # the purge's history event is on this model's type
    nombre: int
    conservation: int  # the retention period applied, in days


@dataclass(frozen=True)
class Declaration:
    """One app's part: `exporter` gives its headings; `effacer` erases or pseudonymises
    and counts the rows it changed per kind; `purger(maintenant, simulation)` removes what
    is past its retention period (a simulation only counts)."""

    application: str  # the app's label
    exporter: Callable[[Personne], Rubriques]
    effacer: Callable[[Personne], dict[str, int]] | None = None
    purger: Callable[[datetime, bool], list[Purge]] | None = None


_declarations: dict[str, Declaration] = {}


def inscrire(declaration: Declaration) -> None:
    # ready() may run more than once (tests, reloads): one declaration per app.
    _declarations[declaration.application] = declaration


def declarations() -> list[Declaration]:
    """In the order of the apps, comptes first: the order of the export."""
    ordre = [config.label for config in apps.get_app_configs()]
    return sorted(_declarations.values(), key=lambda d: ordre.index(d.application))


def personne_de(compte: Utilisateur) -> Personne:
    """The person as the account says now, with the pseudonym that would replace them."""
    prenom, nom = normaliser(compte.first_name), normaliser(compte.last_name)
    # A first name alone, or a last name alone, names too many people to be looked for.
    noms = {f"{prenom} {nom}", f"{nom} {prenom}"} if prenom and nom else set()
    courriels = set(EmailAddress.objects.filter(user=compte).values_list("email", flat=True)) | {
        compte.email
    }
    return Personne(
        compte=compte,
        noms=frozenset(noms),
        courriels=frozenset(c.lower() for c in courriels if c),
        pseudonyme=f"{PRENOM_PSEUDONYME} n° {compte.pk}",
        adresse_pseudonyme=f"{PREFIXE_PSEUDONYME}{compte.pk}@{DOMAINE_PSEUDONYME}",
    )


def normaliser(texte: str) -> str:
    return " ".join(texte.split()).casefold()


def lignes(requete: models.QuerySet, colonnes: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of a queryset under French column names, e.g. {"Dossier": "dossier__numero"}."""
    return [
        {titre: ligne[chemin] for titre, chemin in colonnes.items()}
        for ligne in requete.values(*dict.fromkeys(colonnes.values()))
    ]


def supprimer(requete: models.QuerySet, simulation: bool) -> int:
    """Delete the rows (or only count them, in a simulation); how many of the model."""
    if simulation:
        return requete.count()
    return requete.delete()[1].get(requete.model._meta.label, 0)


def est_pseudonymise(compte: Utilisateur) -> bool:
    return compte.username.startswith(PREFIXE_PSEUDONYME)


# ---------------------------------------------------------------- comptes' own part


def _identifiants_de_connexion(personne: Personne) -> set[str]:
    """What django-axes stored as the username: the account's key (comptes.securite), the
    identifier (its access log) or what was typed."""
    compte = personne.compte
    return {f"compte-{compte.pk}", compte.username, compte.username.casefold(), *personne.courriels}


def _tentatives(personne: Personne, modele: type[models.Model]) -> models.QuerySet:
    return modele.objects.filter(username__in=_identifiants_de_connexion(personne))


def _sessions(compte: Utilisateur, maintenant: datetime) -> list[Session]:
    # A session holds its account's id in its encoded data only.
    return [
        session
        for session in Session.objects.filter(expire_date__gt=maintenant)
        if session.get_decoded().get(SESSION_KEY) == str(compte.pk)
    ]


def _evenements_sur_le_compte(compte: Utilisateur) -> list[dict[str, Any]]:
    evenements = Evenement.objects.filter(
        content_type=ContentType.objects.get_for_model(Utilisateur), object_id=str(compte.pk)
    ).order_by("horodatage", "id")
    # Who acted on the account is someone else's data: only whether it was the person.
    return [
        {
            "Date": e.horodatage,
            "Action": e.action,
            "Par": "vous-même"
            if e.acteur_id == compte.pk
            else ("la plateforme" if e.acteur_id is None else "un agent ou un administrateur"),
        }
        for e in evenements
    ]


def exporter(personne: Personne) -> Rubriques:
    compte = personne.compte
    connexion = {"Date": "attempt_time", "Adresse IP": "ip_address", "Navigateur": "user_agent"}
    return {
        "Compte": lignes(
            Utilisateur.objects.filter(pk=compte.pk),
            {
                "Identifiant": "username",
                "Prénom": "first_name",
                "Nom": "last_name",
                "Adresse électronique": "email",
                "Inscrit le": "date_joined",
                "Dernière connexion": "last_login",
                "Actif": "is_active",
                "Administrateur": "is_staff",
            },
        ),
        "Adresses électroniques": lignes(
            EmailAddress.objects.filter(user=compte).order_by("pk"),
            {"Adresse": "email", "Vérifiée": "verified", "Principale": "primary"},
        ),
        # Never the secrets: only which factor, and when.
        "Double authentification": lignes(
            Authenticator.objects.filter(user=compte).order_by("pk"),
            {"Type": "type", "Activée le": "created_at", "Dernière utilisation": "last_used_at"},
        ),
        "Sessions ouvertes": [
            {"Expire le": session.expire_date}
            for session in _sessions(compte, horloge.maintenant())
        ],
        "Tentatives de connexion": lignes(
            _tentatives(personne, AccessAttempt).order_by("attempt_time"),
            {**connexion, "Échecs": "failures_since_start"},
        ),
        "Échecs de connexion": lignes(
            _tentatives(personne, AccessFailureLog).order_by("attempt_time"), connexion
        ),
        "Connexions": lignes(
            _tentatives(personne, AccessLog).order_by("attempt_time"),
            {**connexion, "Déconnexion": "logout_time"},
        ),
        # The object's label and the changes may name other people: the kind and the
        # number of the object only.
        "Historique : actions de la personne": lignes(
            Evenement.objects.filter(acteur=compte).order_by("horodatage", "id"),
            {
                "Date": "horodatage",
                "Action": "action",
                "Type d'objet": "content_type__model",
                "Objet n°": "object_id",
            },
        ),
        "Historique : événements sur son compte": _evenements_sur_le_compte(compte),
        "Journal de l'administration": lignes(
            LogEntry.objects.filter(user=compte).order_by("action_time", "pk"),
            {
                "Date": "action_time",
                "Type d'objet": "content_type__model",
                "Objet n°": "object_id",
                "Action (1 ajout, 2 modification, 3 suppression)": "action_flag",
            },
        ),
    }


def effacer(personne: Personne) -> dict[str, int]:
    """The account keeps its row (records point to it) under the pseudonym; what only
    served to log in goes."""
    compte = personne.compte
    sessions = _sessions(compte, horloge.maintenant())
    Session.objects.filter(pk__in=[s.pk for s in sessions]).delete()
    tentatives = sum(
        supprimer(_tentatives(personne, modele), simulation=False)
        for modele in (AccessAttempt, AccessFailureLog, AccessLog)
    )
    adresses, _ = EmailAddress.objects.filter(user=compte).delete()
    facteurs, _ = Authenticator.objects.filter(user=compte).delete()
    compte.username = f"{PREFIXE_PSEUDONYME}{compte.pk}"
    compte.first_name, compte.last_name = PRENOM_PSEUDONYME, f"n° {compte.pk}"
    compte.email = personne.adresse_pseudonyme
    compte.set_unusable_password()
    compte.is_active = compte.is_staff = compte.is_superuser = False
    compte.last_login = None
    compte.save()
    compte.groups.clear()
    compte.user_permissions.clear()
    return {
        "Compte pseudonymisé": 1,
        "Sessions fermées": len(sessions),
        "Tentatives et connexions supprimées": tentatives,
        "Adresses électroniques supprimées": adresses,
        "Moyens de double authentification supprimés": facteurs,
    }


def _est_rattache(compte: Utilisateur) -> bool:
    """Whether any record besides allauth's own rows points to the account."""
    for relation in Utilisateur._meta.related_objects:
        if relation.related_model._meta.app_label in APPLICATIONS_DU_COMPTE:
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: compte}).exists():
            return True
    return False


def inscriptions_non_confirmees(maintenant: datetime) -> list[Utilisateur]:
    """Sign-ups never confirmed nor used, older than the retention, tied to nothing."""
    limite = maintenant - timedelta(days=settings.CONSERVATION_INVITATIONS)
    candidats = (
        Utilisateur.objects.filter(
            last_login__isnull=True, date_joined__lt=limite, is_staff=False, is_superuser=False
        )
        .exclude(emailaddress__verified=True)
        .exclude(username__startswith=PREFIXE_PSEUDONYME)
    )
    return [compte for compte in candidats if not _est_rattache(compte)]


def purger(maintenant: datetime, simulation: bool) -> list[Purge]:
    purges = []
    jours = settings.CONSERVATION_TENTATIVES_CONNEXION
    for libelle, modele in (
        ("Tentatives de connexion", AccessAttempt),
        ("Échecs de connexion", AccessFailureLog),
        ("Journal des connexions", AccessLog),
    ):
        anciennes = modele.objects.filter(attempt_time__lt=maintenant - timedelta(days=jours))
        purges.append(Purge(libelle, modele, supprimer(anciennes, simulation), jours))
    jours = settings.CONSERVATION_SESSIONS
    expirees = Session.objects.filter(expire_date__lt=maintenant - timedelta(days=jours))
    purges.append(Purge("Sessions expirées", Session, supprimer(expirees, simulation), jours))
    comptes = inscriptions_non_confirmees(maintenant)
    if not simulation:
        Utilisateur.objects.filter(pk__in=[c.pk for c in comptes]).delete()
    purges.append(
        Purge(
            "Inscriptions jamais confirmées",
            Utilisateur,
            len(comptes),
            settings.CONSERVATION_INVITATIONS,
        )
    )
    return purges


def comptes_inactifs(maintenant: datetime) -> models.QuerySet[Utilisateur]:
    """Accounts without a login (or, never used, since their creation) for longer than
    the retention: the purge pseudonymises them (comptes.services_rgpd)."""
    limite = maintenant - timedelta(days=settings.CONSERVATION_COMPTES_INACTIFS)
    return Utilisateur.objects.filter(
        Q(last_login__lt=limite) | Q(last_login__isnull=True, date_joined__lt=limite)
    ).exclude(username__startswith=PREFIXE_PSEUDONYME)


DECLARATION = Declaration(application="comptes", exporter=exporter, effacer=effacer, purger=purger)
