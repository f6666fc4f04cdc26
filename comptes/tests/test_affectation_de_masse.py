"""Field-level rules of the account forms: signing up grants nothing but an account.

The sign-up page's own form (tests.outils.valeurs_du_formulaire) is posted with the
fields of a user a newcomer must never set, named as the real model fields: staff,
superuser, groups and permissions, an identifier of its choosing, a verified address, a
role in a contract. The account is created, and is none of those.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comptes.models import Role, Utilisateur
from contrats.demo import groupe_pilotes
from contrats.models import Contrat, Habilitation
from tests.outils import client_de, pourquoi, valeurs_du_formulaire

pytestmark = pytest.mark.django_db

INSCRIPTION = reverse("account_signup")
MOT_DE_PASSE = "Quartiers-en-mouvement-2026"


def test_newcomer_signing_up_grants_itself_no_staff_group_role_or_verified_address(db):
    client = client_de(None)
    valeurs = valeurs_du_formulaire(client.get(INSCRIPTION))
    pilotes: Group = groupe_pilotes()
    contrat = Contrat.objects.order_by("pk").first()

    reponse = client.post(
        INSCRIPTION,
        valeurs
        | {
            "first_name": ["Inès"],
            "last_name": ["Garnier"],
            "email": ["ines.garnier@exemple.fr"],
            "password1": [MOT_DE_PASSE],
            "password2": [MOT_DE_PASSE],
            "username": ["pilote-bis"],
            "is_staff": ["on"],
            "is_superuser": ["on"],
            "groups": [str(pilotes.pk)],
            "user_permissions": [str(Permission.objects.order_by("pk").first().pk)],
            "verified": ["on"],
            "primary": ["on"],
            "role": [Role.PILOTE],
            "contrat": [str(contrat.pk)],
            "habilitations": [str(Habilitation.objects.order_by("pk").first().pk)],
        },
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    utilisateur = Utilisateur.objects.get(email="ines.garnier@exemple.fr")
    assert (utilisateur.is_staff, utilisateur.is_superuser) == (False, False)
    assert utilisateur.username != "pilote-bis"
    assert not utilisateur.groups.exists() and not utilisateur.user_permissions.exists()
    assert not Habilitation.objects.filter(utilisateur=utilisateur).exists()
    assert not EmailAddress.objects.get(user=utilisateur).verified
