"""Hardening of what the platform serves: every response carries a Content-Security-Policy
with no inline script, nosniff, a referrer policy, framing protection and a
Permissions-Policy, static files included; without DEBUG the settings are those of HTTPS
(`check --deploy` passes with only the four settings a deployment must give), and the
plain-HTTP run command says so by HTTPS=false."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

RACINE = Path(__file__).resolve().parents[1]
DEPLOIEMENT = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-une-cle-de-test-assez-longue-et-variee-0123456789",
    "ALLOWED_HOSTS": "contrat-de-ville.example.fr",
    "CSRF_TRUSTED_ORIGINS": "https://contrat-de-ville.example.fr",
}


def _directives(politique: str) -> dict[str, list[str]]:
    directives = {}
    for partie in politique.split(";"):
        mots = partie.split()
        if mots:
            directives[mots[0]] = mots[1:]
    return directives


@pytest.mark.parametrize(
    "adresse",
    [
        "/",
        "/contrats/villiers-sur-marne-2015-2020/",
        "/comptes/connexion/",
        "/static/css/plateforme.css",
    ],
)
def test_every_response_carries_the_security_headers(client, villiers, adresse):
    reponse = client.get(adresse)

    assert reponse.status_code == 200
    politique = _directives(reponse["Content-Security-Policy"])
    scripts = politique.get("script-src", politique["default-src"])
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert politique["frame-ancestors"] == ["'none'"]
    assert politique["object-src"] == ["'none'"]
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert "camera=()" in reponse["Permissions-Policy"]


def test_pages_forbid_framing_by_the_old_header_too(client, villiers):
    assert client.get(reverse("accueil"))["X-Frame-Options"] == "DENY"


def _manage(*arguments: str, **environnement: str) -> subprocess.CompletedProcess:
    env = {
        cle: valeur
        for cle, valeur in os.environ.items()
        # The tests' own settings stay out: the command sees a deployment's environment.
        if cle not in {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=RACINE,
        env=env | environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_only_the_four_deployment_settings():
    resultat = _manage("check", "--deploy", "--fail-level", "WARNING", **DEPLOIEMENT)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_serving_plain_http_is_an_explicit_setting_that_check_deploy_reports():
    resultat = _manage("check", "--deploy", "--fail-level", "WARNING", **DEPLOIEMENT, HTTPS="false")
    assert resultat.returncode != 0
    assert "security.W008" in resultat.stderr + resultat.stdout
    assert 'export HTTPS="${HTTPS:-false}"' in (RACINE / "bin" / "demarrer").read_text()


def test_without_debug_the_settings_are_those_of_https():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    resultat = subprocess.run(
        [sys.executable, "-c", code],
        cwd=RACINE,
        env={**os.environ, **DEPLOIEMENT, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultat.stdout.split() == ["True"] * 5, resultat.stderr
