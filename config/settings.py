"""Settings of the Contrat de ville platform.

Everything that varies between machines comes from the environment through the
typed helpers below, which refuse a malformed value instead of guessing.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_or_create_secret_key(path: Path) -> str:
    """The key kept in path, generated there on first use, readable by its owner only.

    The key is written to a private temporary file then hard-linked into place: a link
    never replaces an existing file, so concurrent first starts (gunicorn workers,
    parallel test processes) all end up with the key of the one that linked first.
    """
    if not path.exists():
        # mkstemp creates the file exclusively, with mode 600.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        with os.fdopen(fd, "w") as out:
            out.write(get_random_secret_key())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"The secret key file {path} is empty")
    return key


# On by default for the tools (manage.py; the tests, where pytest-django turns it off while
# testing). Whatever serves the platform turns it off: config/wsgi.py for any WSGI server,
# hence bin/demarrer's gunicorn; bin/developper (runserver) asks for it explicitly.
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_secret_key(
    Path(env_str("SECRET_KEY_FILE", str(BASE_DIR / ".cle-secrete")))
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "ninja",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "historique",
    "comptes",
    "territoires",
    "contrats",
    "gouvernance",
    "programmation",
    "suivi",
    "publication",
]

MIDDLEWARE = [
    "config.journal.JournalDesRequetesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise: the static files get the policy and the headers too.
    "csp.middleware.CSPMiddleware",
    "config.securite.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "comptes.sessions.SessionLimiteeMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the session's bounds and allauth's: a pilote, State agent or financeur without
    # a second factor is sent to its activation.
    "contrats.double_facteur.DoubleFacteurObligatoireMiddleware",
    "programmation.middleware.AdresseDuSiteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its French page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.erreurs.csrf_refuse"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write at once. IMMEDIATE takes the write lock when a
    # transaction starts, so a writer waits (up to timeout seconds) instead of failing on
    # a read lock it cannot upgrade; WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (django-tasks): queued in the database, run by `manage.py db_worker`,
# which bin/demarrer and bin/developper start beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "comptes.Utilisateur"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "programmation:mon_espace"
LOGOUT_REDIRECT_URL = "accueil"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): a person signs up with an e-mail address, confirmed by a
# link before the first login; agents log in with their identifier or their address.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account: changing it replaces the old one once the new one is confirmed.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Sessions keep Django's lifetime, as before sign-up existed: no "remember me" box.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Contrat de ville] "
ACCOUNT_ADAPTER = "comptes.adapter.AdaptateurComptes"
ACCOUNT_FORMS = {
    "login": "comptes.forms.ConnexionForm",
    "signup": "comptes.forms.InscriptionForm",
    "reset_password": "comptes.forms.DemandeReinitialisationForm",
    "reset_password_from_key": "comptes.forms.NouveauMotDePasseForm",
    "change_password": "comptes.forms.ChangementMotDePasseForm",
    "set_password": "comptes.forms.DefinitionMotDePasseForm",
    "add_email": "comptes.forms.AjoutAdresseForm",
    "reauthenticate": "comptes.forms.ReauthentificationForm",
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
# Outside DEBUG, WhiteNoise serves the files bin/demarrer collects (collectstatic) into
# STATIC_ROOT; in DEBUG, finders serve them from the apps and static/.
STATIC_ROOT = None if DEBUG else Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies, but no hashed names: a manifest storage rewrites the url() of
    # django-dsfr's CSS, which then fails the integrity checksum its template asks for
    # and the browser refuses the stylesheet.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CONTRATS_DATA_DIR = BASE_DIR / "data" / "contrats"

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded files are never served as static media: a view checks who may read them.
MEDIA_URL = "/fichiers-inaccessibles/"
TAILLE_MAX_PIECE_JOINTE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Contrat de ville <ne-pas-repondre@contrat-de-ville.test>"
)

# Security ---------------------------------------------------------------------------------
# Served without DEBUG means served over HTTPS, unless the environment says otherwise:
# bin/demarrer serves plain HTTP on the loopback and sets HTTPS=false for that.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy that terminates TLS and says so in X-Forwarded-Proto.
if env_bool("PROXY_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# A session ends after 30 minutes without a request, and 10 hours after the login at the
# latest (comptes.sessions); the cookie never outlives the second.
SESSION_INACTIVITE_MAX = env_int("SESSION_INACTIVITE_MINUTES", 30) * 60
SESSION_DUREE_MAX = env_int("SESSION_DUREE_HEURES", 10) * 3600
SESSION_COOKIE_AGE = SESSION_DUREE_MAX
# Second factor (allauth's MFA): an authenticator app (TOTP) and single-use recovery codes.
# Required of pilotes, State agents, financeurs and administrators (contrats.double_facteur)
# wherever the platform is served; the demo instance (bin/demarrer) turns it off.
DOUBLE_FACTEUR_OBLIGATOIRE = env_bool("DOUBLE_FACTEUR_OBLIGATOIRE", not DEBUG)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Contrat de ville"
# One 30-second step either side: a code typed as it changes, or a phone's clock a little
# off, still passes (each code is accepted once).
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "comptes.double_facteur.AdaptateurDoubleFacteur"
MFA_FORMS = {
    "authenticate": "comptes.forms.CodeDoubleFacteurForm",
    "reauthenticate": "comptes.forms.ReauthentificationDoubleFacteurForm",
    "activate_totp": "comptes.forms.ActivationTotpForm",
}
# allauth refuses a second factor while an address is unconfirmed, lest an unconfirmed
# sign-up lock its address's owner out; here no one logs in before confirming (above), so a
# protected account may change its address by the usual confirmation link.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Confirming one's identity again (activating, deactivating the second factor, showing the
# recovery codes) by password or code of the app; no code sent by e-mail.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script is a file of the site's own (django-dsfr, htmx, ours): no inline script, no
# eval. Inline styles stay allowed: htmx writes its indicators' style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Login throttling (django-axes): after 5 failures for one account, or from one address,
# logins are refused for 15 minutes, whatever the password; a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "comptes.securite.compte_vise"
AXES_LOCKOUT_CALLABLE = "comptes.securite.connexion_bloquee"
AXES_VERBOSE = False

# Logging: JSON lines on the standard error (gunicorn's log under bin/demarrer), one per
# request ("requetes"), per security event ("securite") and per server error.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.journal.FormatJSON"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    # The named loggers only set their level: their records go up to the root's handler.
    "loggers": {
        "requetes": {"level": env_str("JOURNAL_REQUETES", "INFO")},
        "securite": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Personal data (RGPD) ---------------------------------------------------------------------
# How long personal data is kept, in days (docs/donnees-personnelles.md): `manage.py
# purger_donnees`, run daily, removes or pseudonymises what is older.
# Login attempts and the access log (django-axes): six months, as the CNIL advises for logs.
CONSERVATION_TENTATIVES_CONNEXION = env_int("CONSERVATION_TENTATIVES_CONNEXION", 180)
# Sessions, counted from their expiry.
CONSERVATION_SESSIONS = env_int("CONSERVATION_SESSIONS", 0)
# Invitations never accepted, counted from their expiry; sign-ups whose address was never
# confirmed, counted from the sign-up.
CONSERVATION_INVITATIONS = env_int("CONSERVATION_INVITATIONS", 90)
# Accounts without a login for three years are pseudonymised; the records they are tied
# to (history, dossiers, decisions) are kept and point to the pseudonymised account.
CONSERVATION_COMPTES_INACTIFS = env_int("CONSERVATION_COMPTES_INACTIFS", 3 * 365)
