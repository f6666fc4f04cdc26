"""French DSFR pages for refused access (403), unknown address (404) and failure (500).

Tests run with DEBUG off (pytest-django), as in production: an error never shows Django's
debug page.
"""

import copy

import pytest
from django.test import Client, override_settings

from comptes.models import Utilisateur
from conftest import MARQUEUR_VARIABLE_INDEFINIE, SLUG_VILLIERS

URLS_PANNE = "tests.serveur.urls_panne"


def _page_d_erreur_du_dsfr(html: str) -> None:
    assert '<html lang="fr"' in html
    assert 'class="fr-header"' in html
    assert '<a class="fr-btn" href="/">Retour à la page d\'accueil</a>' in html
    assert MARQUEUR_VARIABLE_INDEFINIE not in html
    assert "Traceback" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "adresse",
    ["/cette-page-n-existe-pas/", f"/contrats/{SLUG_VILLIERS}-inconnu/"],
    ids=["adresse-inconnue", "objet-inexistant"],
)
def test_404_en_francais(client, settings, adresse) -> None:
    settings.DEBUG = False
    reponse = client.get(adresse)
    html = reponse.content.decode()

    assert reponse.status_code == 404
    _page_d_erreur_du_dsfr(html)
    assert "<h1>Page introuvable</h1>" in html
    assert "Erreur 404" in html
    # Django's debug page lists the URL patterns it tried; its default page is in English.
    assert "URLconf" not in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_403_en_francais_avec_la_raison_du_refus(client, settings) -> None:
    settings.DEBUG = False
    client.force_login(Utilisateur.objects.get(username="porteur"))

    reponse = client.get(f"/contrats/{SLUG_VILLIERS}/appels/nouveau/")
    html = reponse.content.decode()

    assert reponse.status_code == 403
    _page_d_erreur_du_dsfr(html)
    assert "<h1>Accès refusé</h1>" in html
    assert "Réservé au pilote et à l&#x27;État." in html
    assert 'href="/comptes/mon-compte/"' in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=URLS_PANNE)
def test_500_en_francais_sans_base_de_donnees(settings, django_assert_num_queries) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    # Rendering the page reads nothing: it shows when the database is what failed.
    with django_assert_num_queries(0):
        reponse = client.get("/panne/")
    html = reponse.content.decode()

    assert reponse.status_code == 500
    _page_d_erreur_du_dsfr(html)
    assert "<h1>Erreur inattendue</h1>" in html
    assert "Erreur 500" in html
    assert "panne simulée" not in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=URLS_PANNE)
def test_500_en_francais_quand_un_processeur_de_contexte_echoue(settings) -> None:
    settings.DEBUG = False
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(f"{URLS_PANNE}.processeur_en_panne")
    settings.TEMPLATES = templates
    client = Client(raise_request_exception=False)

    reponse = client.get("/")

    assert reponse.status_code == 500
    _page_d_erreur_du_dsfr(reponse.content.decode())


@pytest.mark.django_db
def test_un_formulaire_refuse_par_le_controle_csrf_le_dit_en_francais(settings) -> None:
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)

    reponse = client.post("/comptes/connexion/", {"login": "pilote", "password": "x"})
    html = reponse.content.decode()

    assert reponse.status_code == 403
    _page_d_erreur_du_dsfr(html)
    assert "<h1>Accès refusé</h1>" in html
    assert "Rechargez la page, puis recommencez ; rien n&#x27;a été enregistré." in html
    assert "CSRF verification failed" not in html
