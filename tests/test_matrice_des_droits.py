"""The whole access policy: every URL pattern, admin page and API operation × every role.

Each domain keeps the table of its own pages beside its tests (TABLES_DES_DOMAINES below:
dossiers, bilans, evaluations, rapports, referential, engagements, meetings, conseil
citoyen, avenants); this module holds the table of everything else (MATRICE: the
contract's pages, territories, accounts, search, the API, the admin site) and the admin's
table by model (ADMIN). Together they are the one declarative table the tests check: a
walk of Django's URL resolver and of the OpenAPI document fails when a pattern or an
operation is in no table, or in two.

Cells: PAGE (200), REFUS (403), ABSENT (404), NON_CONNECTE (401, the API), CONNEXION (302
to the login page), CONNEXION_ADMIN (302 to the admin's login page), REDIRIGE (302
elsewhere: a page that sends a logged-in person on), TRAITE (a POST the view handled).
There is no national reader role yet: when one exists, it gets a column here.
"""

import importlib
import itertools
import re
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.core import mail
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from comptes.models import Role
from contrats.equipe import envoyer_invitation
from contrats.models import Contrat, Habilitation
from tests.outils import client_de

pytestmark = pytest.mark.django_db

PAGE, REFUS, ABSENT, NON_CONNECTE = "200", "403", "404", "401"
CONNEXION, CONNEXION_ADMIN, REDIRIGE, TRAITE = "connexion", "connexion admin", "redirigé", "traité"

ROLES = (
    "anonyme",
    "pilote",  # the town's project team, staff of the admin
    "etat",
    "financeur",  # the CAF
    "autre_financeur",  # the Région, asked nothing by the test dossiers
    "porteur",  # the demo association
    "autre_porteur",  # a structure of no test dossier
    "membre",  # sits in the comité de recevabilité
    "autre_membre",  # sits in the COPIL politique
    "sans_role",  # an account with no role in any contract
)
HABILITES = set(ROLES) - {"anonyme", "sans_role"}
SLUG = "villiers-sur-marne-2015-2020"
QUARTIER = "portes-de-paris-hautes-noues"

# The tables of the domains: module → the URL namespace its MATRICE covers.
TABLES_DES_DOMAINES = {
    "programmation.tests.test_matrice_permissions": "programmation",
    "suivi.tests.test_matrice_permissions_bilans": "suivi",
    "suivi.tests.test_evaluation_matrice_permissions": "suivi",
    "suivi.tests.test_rapport_matrice_permissions": "suivi",
    "suivi.tests.test_referentiel_matrice_permissions": "suivi",
    "suivi.tests.test_permissions_engagements": "suivi",
    "gouvernance.tests.test_permissions_reunions": "gouvernance",
    "gouvernance.tests.test_conseil_citoyen": "gouvernance",
    "contrats.tests.test_avenants_pages": "contrats",
}


def _ligne(defaut: str, **cellules: str) -> dict[str, str]:
    return {role: cellules.get(role, defaut) for role in ROLES}


PUBLIC = _ligne(PAGE)
CONNECTES = _ligne(PAGE, anonyme=CONNEXION)
HABILITES_SEULS = _ligne(PAGE, anonyme=CONNEXION, sans_role=REFUS)
PILOTAGE = _ligne(REFUS, anonyme=CONNEXION, pilote=PAGE, etat=PAGE)
PILOTAGE_POST = _ligne(REFUS, anonyme=CONNEXION, pilote=TRAITE, etat=TRAITE)
PILOTE_SEUL = _ligne(REFUS, anonyme=CONNEXION, pilote=PAGE)
PILOTE_SEUL_POST = _ligne(REFUS, anonyme=CONNEXION, pilote=TRAITE)
ANONYMES_SEULS = _ligne(REDIRIGE, anonyme=PAGE)
API_PUBLIQUE = PUBLIC
API_SESSION = _ligne(PAGE, anonyme=NON_CONNECTE)
ADMIN_STAFF = _ligne(CONNEXION_ADMIN, pilote=PAGE)


# --- Targets: the address each row is tried on, as (method, path) -----------------------------


def _du_contrat(nom: str, *suite) -> Callable[[], tuple[str, str]]:
    return lambda: ("get", reverse(nom, args=(SLUG, *suite)))


def _post_du_contrat(nom: str, *suite) -> Callable[[], tuple[str, str]]:
    return lambda: ("post", reverse(nom, args=(SLUG, *suite)))


def _premier(nom: str, relation: str) -> Callable[[], tuple[str, str]]:
    """The page of the contract's first item of `relation`, by its number."""

    def cible():
        premier = getattr(Contrat.objects.get(slug=SLUG), relation).order_by("pk").first()
        return "get", reverse(nom, args=(SLUG, premier.numero))

    return cible


def _get(chemin: str) -> Callable[[], tuple[str, str]]:
    return lambda: ("get", chemin)


def _post(chemin: str) -> Callable[[], tuple[str, str]]:
    return lambda: ("post", chemin)


def _role_de_l_equipe(nom: str) -> Callable[[], tuple[str, str]]:
    def cible():
        habilitation = Habilitation.objects.filter(contrat__slug=SLUG, role=Role.ETAT).first()
        return "get", reverse(nom, args=(SLUG, habilitation.pk))

    return cible


def _invitation():
    """The link of an invitation, as its e-mail carries it (only its hash is stored)."""
    contrat = Contrat.objects.get(slug=SLUG)
    pilote = Habilitation.objects.filter(contrat=contrat, role=Role.PILOTE).first().utilisateur
    with TestCase.captureOnCommitCallbacks(execute=True):
        envoyer_invitation(
            contrat=contrat,
            email="nouvel-agent@example.fr",
            role=Role.ETAT,
            acteur=pilote,
            adresse_site="http://testserver",
        )
    [lien] = re.findall(r"http://testserver(/\S+/invitation/\S+/)", mail.outbox[-1].body)
    return "get", lien


def _dossier_de_l_api(nom: str):
    def cible():
        from programmation.tests.outils import dossier_en_instruction, porteur_demo_du

        dossier = dossier_en_instruction()
        porteur_demo_du(dossier)  # the demo porteur acts for the dossier's structure
        return "get", reverse(f"api-v1:{nom}", kwargs={"id": dossier.pk})

    return cible


def _mot_de_passe_du_porteur() -> str:
    from comptes.models import Utilisateur

    porteur = Utilisateur.objects.get(username="porteur")
    return reverse("admin:auth_user_password_change", args=[porteur.pk])


def _api(nom: str, **kwargs) -> Callable[[], tuple[str, str]]:
    return lambda: ("get", reverse(f"api-v1:{nom}", kwargs=kwargs))


# fmt: off
MATRICE: dict[str, tuple[dict[str, str], Callable[[], tuple[str, str]]]] = {
    "accueil": (PUBLIC, _get("/")),
    # --- The contract, public (Article 1 to 8) ---
    "contrats:apercu": (PUBLIC, _du_contrat("contrats:apercu")),
    "contrats:cadre": (PUBLIC, _du_contrat("contrats:cadre")),
    "contrats:objectif": (PUBLIC, _du_contrat("contrats:objectif", "4.4.2")),
    "contrats:axe": (PUBLIC, _premier("contrats:axe", "axes")),
    "contrats:plan": (PUBLIC, _du_contrat("contrats:plan")),
    "contrats:diagnostic": (PUBLIC, _du_contrat("contrats:diagnostic")),
    "contrats:indicateurs": (PUBLIC, _du_contrat("contrats:indicateurs")),
    "contrats:indicateur": (PUBLIC, _du_contrat("contrats:indicateur", "population")),
    "contrats:indicateur_csv": (PUBLIC, _du_contrat("contrats:indicateur_csv", "population")),
    "contrats:signataires": (PUBLIC, _du_contrat("contrats:signataires")),
    "contrats:engagements": (PUBLIC, _premier("contrats:engagements", "sections_engagements")),
    "contrats:gouvernance": (PUBLIC, _du_contrat("contrats:gouvernance")),
    "territoires:quartier": (PUBLIC, _get(f"/quartiers/{QUARTIER}/")),
    # --- The pilotage: observations imported, the next contract, the team ---
    "contrats:observations_importer": (PILOTAGE, _du_contrat("contrats:observations_importer")),
    "contrats:observations_confirmer": (
        PILOTAGE_POST, _post_du_contrat("contrats:observations_confirmer"),
    ),
    "contrats:observations_modele": (PUBLIC, _du_contrat("contrats:observations_modele", "csv")),
    "contrats:contrat_suivant": (PILOTE_SEUL, _du_contrat("contrats:contrat_suivant")),
    "contrats:equipe": (PILOTE_SEUL, _du_contrat("contrats:equipe")),
    "contrats:equipe_modifier": (PILOTE_SEUL, _role_de_l_equipe("contrats:equipe_modifier")),
    "contrats:equipe_retirer": (PILOTE_SEUL, _role_de_l_equipe("contrats:equipe_retirer")),
    # An invitation is read by whoever holds its link (its secret), account or not.
    "contrats:invitation": (PUBLIC, _invitation),
    # --- The dashboard of the contract ---
    "suivi:tableau_de_bord": (PILOTAGE, _du_contrat("suivi:tableau_de_bord")),
    "suivi:tableau_de_bord_dossiers": (
        PILOTAGE, _du_contrat("suivi:tableau_de_bord_dossiers"),
    ),
    "suivi:tableau_de_bord_export": (
        PILOTAGE, _du_contrat("suivi:tableau_de_bord_export", "realisations", "csv"),
    ),
    # --- Search ---
    "publication:recherche": (PUBLIC, _get("/recherche/?q=emploi")),
    # --- Accounts ---
    "comptes:connexion": (ANONYMES_SEULS, _get(reverse("comptes:connexion"))),
    # Logging out is a POST (a link followed by a crawler logs nobody out).
    "comptes:deconnexion": (_ligne(TRAITE), _post(reverse("comptes:deconnexion"))),
    "comptes:mon_compte": (CONNECTES, _get(reverse("comptes:mon_compte"))),
    "account_login": (ANONYMES_SEULS, _get(reverse("account_login"))),
    "account_logout": (_ligne(TRAITE), _post(reverse("account_logout"))),
    "account_signup": (ANONYMES_SEULS, _get(reverse("account_signup"))),
    "account_inactive": (PUBLIC, _get(reverse("account_inactive"))),
    "account_reauthenticate": (CONNECTES, _get(reverse("account_reauthenticate"))),
    "account_email": (CONNECTES, _get(reverse("account_email"))),
    "account_email_verification_sent": (PUBLIC, _get(reverse("account_email_verification_sent"))),
    "account_confirm_email": (PUBLIC, _get("/comptes/confirmation/cle-inconnue/")),
    "account_change_password": (CONNECTES, _get(reverse("account_change_password"))),
    # Setting a first password: the accounts here all have one, they are sent to change it.
    "account_set_password": (
        _ligne(REDIRIGE, anonyme=CONNEXION), _get(reverse("account_set_password")),
    ),
    "account_reset_password": (PUBLIC, _get(reverse("account_reset_password"))),
    "account_reset_password_done": (PUBLIC, _get(reverse("account_reset_password_done"))),
    "account_reset_password_from_key": (
        PUBLIC, _get("/comptes/mot-de-passe/reinitialisation/cle/1-cle-inconnue/"),
    ),
    "account_reset_password_from_key_done": (
        PUBLIC, _get(reverse("account_reset_password_from_key_done")),
    ),
    # Each person's own data (RGPD): read and downloaded by that person only.
    "comptes:donnees_personnelles": (CONNECTES, _get(reverse("comptes:donnees_personnelles"))),
    "comptes:export_donnees_personnelles": (
        CONNECTES, _get(reverse("comptes:export_donnees_personnelles")),
    ),
    # --- The second factor (TOTP): one's own, once logged in ---
    "mfa_index": (CONNECTES, _get(reverse("mfa_index"))),
    # The code asked between password and session: nobody is halfway through a login here.
    "mfa_authenticate": (_ligne(REDIRIGE, anonyme=CONNEXION), _get(reverse("mfa_authenticate"))),
    # Confirming one's identity by code: without a second factor, by password instead.
    "mfa_reauthenticate": (
        _ligne(REDIRIGE, anonyme=CONNEXION), _get(reverse("mfa_reauthenticate")),
    ),
    # Activating asks for the password again first.
    "mfa_activate_totp": (_ligne(REDIRIGE, anonyme=CONNEXION), _get(reverse("mfa_activate_totp"))),
    "mfa_deactivate_totp": (
        _ligne(ABSENT, anonyme=CONNEXION), _get(reverse("mfa_deactivate_totp")),
    ),
    "mfa_view_recovery_codes": (
        _ligne(ABSENT, anonyme=CONNEXION), _get(reverse("mfa_view_recovery_codes")),
    ),
    "mfa_generate_recovery_codes": (
        _ligne(REDIRIGE, anonyme=CONNEXION), _get(reverse("mfa_generate_recovery_codes")),
    ),
    "mfa_download_recovery_codes": (
        _ligne(ABSENT, anonyme=CONNEXION), _get(reverse("mfa_download_recovery_codes")),
    ),
    # --- The API (read): the contract is public, the programmation needs a session ---
    "publication:api_docs": (_ligne(REDIRIGE), _get(reverse("publication:api_docs"))),
    # The API's root lists nothing: its document and its pages are below it.
    "api-v1:api-root": (_ligne(ABSENT), _get("/api/v1/")),
    "api-v1:openapi-json": (API_PUBLIQUE, _api("openapi-json")),
    "api-v1:openapi-view": (API_PUBLIQUE, _api("openapi-view")),
    "api-v1:liste_contrats": (API_PUBLIQUE, _api("liste_contrats")),
    "api-v1:detail_contrat": (API_PUBLIQUE, _api("detail_contrat", slug=SLUG)),
    "api-v1:cadre": (API_PUBLIQUE, _api("cadre", slug=SLUG)),
    "api-v1:detail_objectif": (API_PUBLIQUE, _api("detail_objectif", slug=SLUG, numero="4.4.2")),
    "api-v1:plan": (API_PUBLIQUE, _api("plan", slug=SLUG)),
    "api-v1:diagnostic_contrat": (API_PUBLIQUE, _api("diagnostic_contrat", slug=SLUG)),
    "api-v1:liste_signataires": (API_PUBLIQUE, _api("liste_signataires", slug=SLUG)),
    "api-v1:liste_engagements": (API_PUBLIQUE, _api("liste_engagements", slug=SLUG)),
    "api-v1:gouvernance": (API_PUBLIQUE, _api("gouvernance", slug=SLUG)),
    "api-v1:instances": (API_PUBLIQUE, _api("instances", slug=SLUG)),
    "api-v1:reunions": (API_PUBLIQUE, _api("reunions", slug=SLUG)),
    "api-v1:detail_quartier": (API_PUBLIQUE, _api("detail_quartier", slug=QUARTIER)),
    "api-v1:recherche": (API_PUBLIQUE, lambda: ("get", "/api/v1/recherche?q=emploi")),
    "api-v1:liste_appels": (API_PUBLIQUE, _api("liste_appels")),
    "api-v1:liste_dossiers": (API_SESSION, _api("liste_dossiers")),
    "api-v1:detail_dossier": (
        _ligne(REFUS, anonyme=NON_CONNECTE, pilote=PAGE, etat=PAGE, financeur=PAGE, porteur=PAGE),
        _dossier_de_l_api("detail_dossier"),
    ),
    "api-v1:transitions_dossier": (
        _ligne(REFUS, anonyme=NON_CONNECTE, pilote=PAGE, etat=PAGE, financeur=PAGE, porteur=PAGE),
        _dossier_de_l_api("transitions_dossier"),
    ),
    "api-v1:liste_bilans": (API_SESSION, _api("liste_bilans")),
    # --- The admin site (its model pages are in ADMIN) ---
    "admin:index": (ADMIN_STAFF, _get("/admin/")),
    # Someone logged in without the admin's right is told so on its login page.
    "admin:login": (_ligne(PAGE, pilote=REDIRIGE), _get("/admin/login/")),
    "admin:logout": (_ligne(TRAITE), _post("/admin/logout/")),
    "admin:password_change": (ADMIN_STAFF, _get("/admin/password_change/")),
    "admin:password_change_done": (ADMIN_STAFF, _get("/admin/password_change/done/")),
    "admin:jsi18n": (ADMIN_STAFF, _get("/admin/jsi18n/")),
    "admin:autocomplete": (
        _ligne(CONNEXION_ADMIN, pilote=ABSENT),
        _get("/admin/autocomplete/?app_label=contrats&model_name=signataire&field_name=contrat"),
    ),
    "admin:app_list": (
        _ligne(CONNEXION_ADMIN, pilote=PAGE), _get("/admin/contrats/"),
    ),
    # An object's "view on site" link: no model of the platform offers one.
    "admin:view_on_site": (_ligne(CONNEXION_ADMIN, pilote=ABSENT), _get("/admin/r/1/1/")),
    "admin:<path:object_id>/": (
        _ligne(CONNEXION_ADMIN, pilote=REDIRIGE), _get("/admin/contrats/contrat/1/"),
    ),
    # A person's password set by the admin: the superuser's, like the whole accounts model.
    "admin:auth_user_password_change": (
        _ligne(CONNEXION_ADMIN, pilote=REFUS), lambda: ("get", _mot_de_passe_du_porteur()),
    ),
    "admin:(?P<url>.*)$": (_ligne(CONNEXION_ADMIN, pilote=ABSENT), _get("/admin/inconnu/")),
}
# fmt: on

# The admin's model pages, by model: what the staff pilote gets on each view of an object
# of their own contract (everyone else is sent to the admin's login). Pilotes administer
# the contracts app only; the rest belongs to the platform's superusers.
VUES_ADMIN = ("changelist", "add", "change", "delete", "history")
TOUT = dict.fromkeys(VUES_ADMIN, PAGE)
LECTURE = {**TOUT, "add": REFUS, "delete": REFUS}
AUCUNE = dict.fromkeys(VUES_ADMIN, REFUS)
ADMIN: dict[str, dict[str, str]] = {
    "contrats.contrat": {**TOUT, "add": REFUS},
    "contrats.pilier": TOUT,
    "contrats.domaine": TOUT,
    "contrats.objectifoperationnel": TOUT,
    "contrats.axetransversal": TOUT,
    "contrats.ligneplan": TOUT,
    "contrats.organisation": TOUT,
    "contrats.signataire": TOUT,
    "contrats.sectionengagements": TOUT,
    "contrats.engagement": TOUT,
    "contrats.instance": TOUT,
    "contrats.plateformecollaborative": TOUT,
    "contrats.dispositif": TOUT,
    "contrats.articulation": TOUT,
    "contrats.habilitation": LECTURE,
    **dict.fromkeys(
        (
            "account.emailaddress",
            "auth.group",
            "axes.accessattempt",
            "axes.accessfailurelog",
            "axes.accesslog",
            "comptes.utilisateur",
            "django_tasks_database.dbtaskresult",
            "dsfr.dsfrconfig",
            "historique.evenement",
            "mfa.authenticator",
            "suivi.bilan",
            "suivi.ordredereversement",
            "suivi.reportdedates",
            "suivi.transitionbilan",
            "territoires.commune",
            "territoires.importobservations",
            "territoires.indicateur",
            "territoires.observation",
            "territoires.quartierprioritaire",
            "territoires.territoiredereference",
        ),
        AUCUNE,
    ),
}


# --- The walk of the resolver and of the OpenAPI document -------------------------------------


def _motifs(resolveur: URLResolver, espace: str | None = None):
    """(qualified name, route) of every pattern; an unnamed one is known by its route."""
    for motif in resolveur.url_patterns:
        if isinstance(motif, URLResolver):
            sous_espace = motif.namespace or None
            if espace and sous_espace:
                sous_espace = f"{espace}:{sous_espace}"
            yield from _motifs(motif, sous_espace or espace)
        elif isinstance(motif, URLPattern):
            nom = motif.name or str(motif.pattern)
            yield (f"{espace}:{nom}" if espace else nom), str(motif.pattern)


MOTIF_ADMIN = re.compile(r"^admin:(?P<app>\w+?)_(?P<modele>\w+)_(?P<vue>\w+)$")


def _modele_admin(nom: str) -> tuple[str, str] | None:
    """(model label, view) of an admin model page's URL name, or None."""
    for modele in admin.site._registry:
        prefixe = f"admin:{modele._meta.app_label}_{modele._meta.model_name}_"
        if nom.startswith(prefixe):
            return modele._meta.label_lower, nom.removeprefix(prefixe)
    return None


def _noms_des_domaines() -> list[str]:
    noms = []
    for module, espace in TABLES_DES_DOMAINES.items():
        matrice = importlib.import_module(module).MATRICE
        lignes = {ligne[0] for ligne in matrice} if isinstance(matrice, list) else set(matrice)
        noms += [f"{espace}:{nom}" for nom in lignes]
    return noms


def test_every_url_pattern_is_in_exactly_one_table():
    declares = _noms_des_domaines() + list(MATRICE)
    assert len(declares) == len(set(declares)), "une URL figure dans deux tables"
    manquants = []
    # The site's own URLs, whatever a test module may have set as the URL conf meanwhile.
    for nom, route in _motifs(get_resolver("config.urls")):
        modele = _modele_admin(nom)
        if modele is not None:
            label, vue = modele
            if label not in ADMIN or vue not in ADMIN[label]:
                manquants.append(nom)
        elif nom not in declares:
            manquants.append(f"{nom} ({route})")
    assert manquants == [], "URL absentes de la matrice des droits : " + ", ".join(manquants)


def test_every_admin_model_has_a_row_and_every_row_a_model():
    assert set(ADMIN) == {modele._meta.label_lower for modele in admin.site._registry}
    for ligne in ADMIN.values():
        assert tuple(ligne) == VUES_ADMIN


def test_every_operation_of_the_openapi_document_is_in_the_table(client):
    document = client.get("/api/v1/openapi.json").json()
    absentes = []
    for chemin, operations in document["paths"].items():
        exemple = re.sub(r"\{[^}]+\}", "1", chemin)
        nom = resolve(exemple).url_name
        for methode in operations:
            if methode != "get" or f"api-v1:{nom}" not in MATRICE:
                absentes.append(f"{methode.upper()} {chemin}")
    assert absentes == []


def test_every_row_has_a_cell_for_every_role():
    for nom, (ligne, _) in MATRICE.items():
        assert tuple(ligne) == ROLES, nom


# --- Each role, each address ------------------------------------------------------------------


def constater(reponse, methode: str) -> str:
    """What a response means, in the terms of the table."""
    if reponse.status_code == 302:
        cible = reponse["Location"]
        if cible.startswith(reverse("comptes:connexion")):
            return CONNEXION
        if cible.startswith(reverse("admin:login")):
            return CONNEXION_ADMIN
        return TRAITE if methode == "post" else REDIRIGE
    if methode == "post" and reponse.status_code in (200, 400):
        return TRAITE
    return str(reponse.status_code)


def _lire(reponse) -> None:
    # Files are streamed: consuming the stream closes it as the test client expects.
    if reponse.streaming:
        b"".join(reponse.streaming_content)


@pytest.mark.parametrize("nom", list(MATRICE))
def test_each_role_gets_what_the_policy_grants(nom, personne, contrat_charge):
    ligne, cible = MATRICE[nom]
    methode, chemin = cible()
    ecarts = []
    for role in ROLES:
        client = client_de(personne(role))
        reponse = client.post(chemin, {}) if methode == "post" else client.get(chemin)
        _lire(reponse)
        if constater(reponse, methode) != ligne[role]:
            ecarts.append(f"{role} : {reponse.status_code} au lieu de {ligne[role]}")
    assert ecarts == [], f"{nom} ({chemin}) : " + " ; ".join(ecarts)


def _objet_du_contrat(modele, villiers):
    """An object of the pilote's contract, through the admin's own scoping."""
    from django.test import RequestFactory

    administration = admin.site._registry[modele]
    requete = RequestFactory().get("/admin/")
    requete.user = (
        Habilitation.objects.filter(contrat=villiers, role=Role.PILOTE).first().utilisateur
    )
    if hasattr(administration, "chemin_contrat") or modele is Contrat:
        return administration.get_queryset(requete).first()
    return modele._default_manager.first()


# Without the staff status, every account meets the admin site's own refusal, the same on
# every page (admin:index above tries each role): here one such account stands for them.
ROLES_ADMIN = ("anonyme", "pilote", "etat")


@pytest.mark.parametrize("label", sorted(ADMIN))
def test_each_admin_page_answers_each_role_what_the_policy_grants(label, personne, villiers):
    modele = next(m for m in admin.site._registry if m._meta.label_lower == label)
    objet = _objet_du_contrat(modele, villiers)
    prefixe = f"admin:{modele._meta.app_label}_{modele._meta.model_name}"
    ecarts = []
    for role, vue in itertools.product(ROLES_ADMIN, VUES_ADMIN):
        if vue not in ("changelist", "add") and objet is None:
            continue
        arguments = [] if vue in ("changelist", "add") else [objet.pk]
        reponse = client_de(personne(role)).get(reverse(f"{prefixe}_{vue}", args=arguments))
        attendu = ADMIN[label][vue] if role == "pilote" else CONNEXION_ADMIN
        if constater(reponse, "get") != attendu:
            ecarts.append(f"{role} sur {vue} : {reponse.status_code} au lieu de {attendu}")
    assert ecarts == [], f"{label} : " + " ; ".join(ecarts)
