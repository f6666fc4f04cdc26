"""The second factor (allauth's MFA, TOTP and recovery codes): required of pilotes, State
agents and financeurs where DOUBLE_FACTEUR_OBLIGATOIRE is on, asked at every login once
active, its pages in French, its changes in the security log and in the history.

Codes are computed from the secret the page shows, by RFC 6238 (comptes.tests.outils).
"""

import logging
import re
import time
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from comptes.actions import ActionCompte
from comptes.tests.factories import CompteFactory
from comptes.tests.outils import code_totp, texte_de
from contrats.demo import MOT_DE_PASSE_DEMO
from historique.models import Evenement
from tests.outils import PageHTML, client_de, html_de

pytestmark = pytest.mark.django_db

CONNEXION = reverse("comptes:connexion")
MON_ESPACE = reverse("programmation:mon_espace")
MON_COMPTE = reverse("comptes:mon_compte")
ACTIVATION = reverse("mfa_activate_totp")
CODE = reverse("mfa_authenticate")
CODES_DE_SECOURS = reverse("mfa_view_recovery_codes")
API_DOSSIERS = "/api/v1/dossiers"
EXIGEE = (
    "La double authentification est exigée des pilotes, des services de l'État et des financeurs"
)
AVIS_PRODUCTION = (
    "La double authentification (application TOTP sur votre téléphone) est exigée des "
    "pilotes, des services de l'État et des financeurs."
)
AVIS_DEMONSTRATION = "Instance de démonstration : la double authentification n'est pas exigée."
CODE_INCORRECT = "Code incorrect."


@pytest.fixture
def obligatoire():
    with override_settings(DOUBLE_FACTEUR_OBLIGATOIRE=True):
        yield


def se_connecter(client: Client, identifiant: str = "pilote"):
    return client.post(CONNEXION, {"login": identifiant, "password": MOT_DE_PASSE_DEMO})


def connecte(client: Client) -> bool:
    return client.session.get(SESSION_KEY) is not None


def cle_affichee(reponse) -> str:
    """The secret the activation page writes out for manual entry."""
    (cle,) = re.findall(r'<code id="cle-totp">([A-Z2-7]+)</code>', html_de(reponse))
    return cle


def code_faux(cle: str) -> str:
    """A code none of the steps allauth accepts now (one either side) gives."""
    valides = {code_totp(cle, time.time() + 30 * pas) for pas in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valides)


def pret_a_activer(identifiant: str = "pilote") -> Client:
    """Logged in, password confirmed again as allauth asks before adding a second factor."""
    client = Client()
    se_connecter(client, identifiant)
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE_DEMO})
    return client


def activer(client: Client) -> tuple[str, list[str]]:
    """Activates the app from its page; the secret and the recovery codes then shown."""
    cle = cle_affichee(client.get(ACTIVATION))
    reponse = client.post(ACTIVATION, {"code": code_totp(cle)}, follow=True)
    assert reponse.redirect_chain == [(CODES_DE_SECOURS, 302)]
    return cle, re.findall(r"<code>(\d{8})</code>", html_de(reponse))


@dataclass
class Protege:
    """A person whose app is active: the client that activated it (still logged in, password
    recently confirmed), the app's secret and the recovery codes."""

    client: Client
    cle: str
    codes: list[str]


@pytest.fixture
def pilote_protege(pilote) -> Protege:
    client = pret_a_activer()
    return Protege(client, *activer(client))


def evenements_de(caplog, quoi: str) -> list[dict]:
    return [r.champs for r in caplog.records if r.name == "securite" and r.msg == quoi]


# --- Who must have it ---------------------------------------------------------------------------


@pytest.mark.parametrize("nom", ["pilote", "etat", "financeur"])
def test_un_pilote_etat_ou_financeur_sans_application_va_a_son_activation(
    obligatoire, personne, nom
):
    client = client_de(personne(nom))

    reponse = client.get(MON_ESPACE)

    assert (reponse.status_code, reponse.url) == (302, ACTIVATION)
    reponse = client.get(reponse.url, follow=True)
    # allauth first asks for the password again; the reason is said there already.
    assert reponse.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert EXIGEE in texte_de(reponse)


def test_un_administrateur_sans_role_doit_aussi_l_activer(obligatoire, contrat_charge):
    administrateur = CompteFactory(is_staff=True)

    reponse = client_de(administrateur).get(reverse("admin:index"))

    assert (reponse.status_code, reponse.url) == (302, ACTIVATION)


@pytest.mark.parametrize("nom", ["porteur", "membre", "sans_role"])
def test_un_porteur_un_membre_ou_un_nouveau_venu_n_y_est_pas_tenu(obligatoire, personne, nom):
    client = client_de(personne(nom))

    assert client.get(MON_ESPACE).status_code == 200
    assert client.get(API_DOSSIERS).status_code == 200


def test_sans_le_reglage_personne_n_est_envoye_a_l_activation(pilote, settings):
    settings.DOUBLE_FACTEUR_OBLIGATOIRE = False

    assert client_de(pilote).get(MON_ESPACE).status_code == 200


def test_l_api_refuse_en_json_et_en_francais(obligatoire, pilote):
    reponse = client_de(pilote).get(API_DOSSIERS)

    assert reponse.status_code == 403
    assert reponse.headers["Content-Type"] == "application/json"
    assert reponse.json() == {
        "detail": f"{EXIGEE} : activez-la sur {ACTIVATION} avant d'utiliser l'API."
    }


def test_sans_application_un_pilote_lit_les_pages_publiques_et_se_deconnecte(
    obligatoire, pilote, villiers
):
    client = client_de(pilote)

    assert client.get(reverse("contrats:apercu", args=[villiers.slug])).status_code == 200
    assert client.get(reverse("publication:recherche"), {"q": "emploi"}).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    reponse = client.post(reverse("comptes:deconnexion"))
    assert (reponse.status_code, reponse.url) == (302, reverse("accueil"))
    assert not connecte(client)


def test_sans_application_un_pilote_n_ecrit_rien_et_n_administre_rien(
    obligatoire, pilote, villiers
):
    client = client_de(pilote)

    assert client.get(reverse("admin:index")).url == ACTIVATION
    assert client.get(MON_COMPTE).url == ACTIVATION
    # Even a public page's form: read, not written to.
    appels = reverse("programmation:appels", args=[villiers.slug])
    assert client.post(appels).url == ACTIVATION


def test_une_requete_htmx_est_redirigee_par_htmx(obligatoire, pilote):
    reponse = client_de(pilote).get(MON_ESPACE, HTTP_HX_REQUEST="true")

    assert reponse.headers["HX-Redirect"] == ACTIVATION


# --- Activation -------------------------------------------------------------------------------


def test_un_code_faux_n_active_rien_et_le_dit_en_francais(obligatoire, pilote):
    client = pret_a_activer()
    cle = cle_affichee(client.get(ACTIVATION))
    reponse = client.post(ACTIVATION, {"code": code_faux(cle)})

    assert CODE_INCORRECT in texte_de(reponse)
    assert not Authenticator.objects.filter(user=pilote).exists()
    assert not Evenement.objects.filter(action=ActionCompte.DOUBLE_FACTEUR_ACTIVATION).exists()
    assert client.get(MON_ESPACE).url == ACTIVATION


def test_la_page_d_activation_montre_le_code_qr_et_la_cle(obligatoire, pilote):
    html = html_de(pret_a_activer().get(ACTIVATION))

    assert 'src="data:image/svg+xml;base64,' in html
    assert "Clé à saisir à la main" in html
    assert len(re.findall(r'<code id="cle-totp">([A-Z2-7]{32})</code>', html)) == 1


def test_le_bon_code_active_l_application_et_l_historique_le_garde(
    obligatoire, pilote, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="securite")
    client = pret_a_activer()
    cle = cle_affichee(client.get(ACTIVATION))

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(ACTIVATION, {"code": code_totp(cle)})

    # allauth's message comes with its commit, after the test client's response: the browser
    # test reads it (tests/e2e/test_double_facteur.py).
    assert reponse.url == CODES_DE_SECOURS
    assert len(re.findall(r"<code>\d{8}</code>", html_de(client.get(CODES_DE_SECOURS)))) == 10
    assert set(Authenticator.objects.filter(user=pilote).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    evenement = Evenement.objects.get(action=ActionCompte.DOUBLE_FACTEUR_ACTIVATION)
    assert (evenement.acteur, evenement.object_id) == (pilote, str(pilote.pk))
    assert [e["utilisateur"] for e in evenements_de(caplog, "double_facteur.activation")] == [
        pilote.pk
    ]
    assert client.get(MON_ESPACE).status_code == 200


def test_mon_compte_mene_a_la_double_authentification_et_dit_son_etat(
    obligatoire, pilote, pilote_protege, porteur
):
    page = PageHTML(html_de(client_de(porteur).get(MON_COMPTE)))
    assert page.lien(reverse("mfa_index")) == "Double authentification"
    assert "Double authentification non activée" in page.texte

    assert "Double authentification activée" in texte_de(client_de(pilote).get(MON_COMPTE))


# --- Logging in with it -------------------------------------------------------------------------


def test_la_connexion_suivante_demande_le_code_refuse_le_faux_accepte_le_bon(
    obligatoire, pilote, pilote_protege, caplog
):
    caplog.set_level(logging.INFO, logger="securite")
    cle = pilote_protege.cle
    client = Client()

    reponse = se_connecter(client)
    assert (reponse.status_code, reponse.url) == (302, CODE)
    assert not connecte(client)

    reponse = client.post(CODE, {"code": code_faux(cle)})
    assert CODE_INCORRECT in texte_de(reponse)
    assert not connecte(client)
    (echec,) = evenements_de(caplog, "double_facteur.echec")
    assert (echec["utilisateur"], echec["reauthentification"]) == (pilote.pk, False)

    reponse = client.post(CODE, {"code": code_totp(cle)})
    assert (reponse.status_code, reponse.url) == (302, MON_ESPACE)
    assert client.session[SESSION_KEY] == str(pilote.pk)
    assert client.get(MON_ESPACE).status_code == 200


def test_la_page_du_code_est_en_francais_et_permet_d_abandonner(obligatoire, pilote_protege):
    client = Client()
    se_connecter(client)

    texte = texte_de(client.get(CODE))

    assert "Votre compte est protégé par la double authentification" in texte
    assert "Vous n'avez plus votre téléphone ?" in texte
    reponse = client.post(reverse("account_logout"), {"next": CONNEXION})
    assert reponse.url == CONNEXION
    assert client.get(CODE).url == CONNEXION


def test_un_code_de_secours_sert_une_fois_pas_deux(obligatoire, pilote, pilote_protege, caplog):
    caplog.set_level(logging.INFO, logger="securite")
    codes = pilote_protege.codes
    client = Client()
    se_connecter(client)

    assert client.post(CODE, {"code": codes[0]}).url == MON_ESPACE
    assert connecte(client)
    (usage,) = evenements_de(caplog, "double_facteur.code_de_secours")
    assert (usage["utilisateur"], usage["codes_restants"]) == (pilote.pk, 9)

    client.post(reverse("comptes:deconnexion"))
    se_connecter(client)
    assert CODE_INCORRECT in texte_de(client.post(CODE, {"code": codes[0]}))
    assert not connecte(client)
    assert client.post(CODE, {"code": codes[1]}).url == MON_ESPACE


def test_les_codes_faux_sont_limites_meme_le_bon_ensuite(obligatoire, pilote_protege):
    cle = pilote_protege.cle
    client = Client()
    # allauth's limits as in production (the suite turns them off): 5 tries per 5 minutes.
    with override_settings(ACCOUNT_RATE_LIMITS={}):
        se_connecter(client)
        for _ in range(5):
            client.post(CODE, {"code": code_faux(cle)})
        reponse = client.post(CODE, {"code": code_totp(cle)})

    assert "Trop de tentatives de connexion échouées" in texte_de(reponse)
    assert not connecte(client)


@pytest.mark.parametrize(
    ("obligatoire_ici", "avis", "autre"),
    [(True, AVIS_PRODUCTION, AVIS_DEMONSTRATION), (False, AVIS_DEMONSTRATION, AVIS_PRODUCTION)],
)
def test_la_page_de_connexion_dit_si_la_double_authentification_est_exigee(
    client, db, settings, obligatoire_ici, avis, autre
):
    settings.DOUBLE_FACTEUR_OBLIGATOIRE = obligatoire_ici

    texte = texte_de(client.get(CONNEXION))

    assert avis in texte
    assert autre not in texte


# --- Deactivation, renewal, reset ------------------------------------------------------------


def test_la_desactivation_retire_application_et_codes_et_s_inscrit_a_l_historique(
    obligatoire, pilote, caplog
):
    caplog.set_level(logging.INFO, logger="securite")
    client = pret_a_activer()
    activer(client)

    reponse = client.post(reverse("mfa_deactivate_totp"), follow=True)

    assert "La double authentification est désactivée" in texte_de(reponse)
    assert not Authenticator.objects.filter(user=pilote).exists()
    evenement = Evenement.objects.get(action=ActionCompte.DOUBLE_FACTEUR_DESACTIVATION)
    assert (evenement.acteur, evenement.object_id) == (pilote, str(pilote.pk))
    assert len(evenements_de(caplog, "double_facteur.desactivation")) == 1
    # Required of a pilote: straight back to an activation (a new phone, say).
    assert client.get(MON_ESPACE).url == ACTIVATION


def test_de_nouveaux_codes_de_secours_remplacent_les_anciens(
    pilote, django_capture_on_commit_callbacks
):
    client = pret_a_activer()
    _, anciens = activer(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))

    nouveaux = re.findall(r"<code>(\d{8})</code>", html_de(client.get(CODES_DE_SECOURS)))
    assert len(nouveaux) == 10
    assert set(nouveaux).isdisjoint(anciens)
    assert Evenement.objects.filter(
        action=ActionCompte.CODES_DE_SECOURS_RENOUVELLEMENT, acteur=pilote
    ).exists()


def test_un_administrateur_reinitialise_la_double_authentification_d_un_telephone_perdu(
    obligatoire, pilote, pilote_protege, capsys
):
    administrateur = CompteFactory(username="admin.plateforme", is_staff=True)

    call_command(
        "reinitialiser_double_facteur", "pilote", motif="Téléphone perdu", par="admin.plateforme"
    )

    assert "Double authentification de Camille Martin réinitialisée" in capsys.readouterr().out
    assert not Authenticator.objects.filter(user=pilote).exists()
    evenement = Evenement.objects.get(action=ActionCompte.DOUBLE_FACTEUR_REINITIALISATION)
    assert (evenement.acteur, evenement.object_id) == (administrateur, str(pilote.pk))
    assert (evenement.motif, evenement.changements) == (
        "Téléphone perdu",
        {"retires": ["recovery_codes", "totp"]},
    )
    # The password alone logs in again, then the platform asks for a new app.
    client = Client()
    assert se_connecter(client).url == MON_ESPACE
    assert client.get(MON_ESPACE).url == ACTIVATION


def test_la_reinitialisation_exige_un_motif_et_un_compte_connu(pilote):
    with pytest.raises(Exception, match="Aucun compte « personne »"):
        call_command("reinitialiser_double_facteur", "personne", motif="Téléphone perdu")
    with pytest.raises(Exception, match="Le motif ne peut pas être vide"):
        call_command("reinitialiser_double_facteur", "pilote", motif=" ")
    assert not Evenement.objects.filter(
        action=ActionCompte.DOUBLE_FACTEUR_REINITIALISATION
    ).exists()


# --- The pages -------------------------------------------------------------------------------


def test_les_pages_de_la_double_authentification_sont_en_francais_sans_script_en_ligne(
    pilote_protege,
):
    client = pilote_protege.client
    pages = {
        reverse("mfa_index"): "Codes de secours",
        CODES_DE_SECOURS: "gardez-les en lieu sûr",
        reverse("mfa_generate_recovery_codes"): "Générer de nouveaux codes de secours",
        reverse("mfa_deactivate_totp"): "Désactiver la double authentification",
        reverse("mfa_reauthenticate"): "saisissez le code que votre application",
    }
    for chemin, attendu in pages.items():
        html = html_de(client.get(chemin))
        assert attendu in PageHTML(html).texte, chemin
        # The Content-Security-Policy refuses inline scripts: every script is a file.
        scripts = re.findall(r"<script\b([^>]*)>", html)
        assert scripts and all("src=" in attributs for attributs in scripts), chemin


def test_les_codes_de_secours_se_telechargent_en_texte(pilote_protege):
    reponse = pilote_protege.client.get(reverse("mfa_download_recovery_codes"))

    assert reponse.headers["Content-Disposition"].startswith("attachment;")
    texte = reponse.content.decode()
    assert "Codes de secours — Contrat de ville" in texte
    assert re.findall(r"^\d{8}$", texte, re.MULTILINE) == pilote_protege.codes
