"""Field-level rules of the contract's forms: a pilote attaches nothing to a contract it does
not pilot, through the admin or the team's pages.

The second contract is the 2024-2030 one (root conftest `eq2030`), in which the demo pilote
holds no role. Each admin test posts the change form as the page renders it
(tests.outils.Formulaire, its inlines included) with one foreign key pointing into that
other contract: a form error, nothing saved; the same form posted untampered is saved, which
proves the refusal comes from that key.
"""

import pytest
from django.urls import reverse

from comptes.models import Role
from contrats.models import (
    AccordAvenant,
    Avenant,
    Habilitation,
    Invitation,
    LignePlan,
    ObjectifOperationnel,
    Organisation,
    Signataire,
)
from contrats.tests.factories import OrganisationFactory, UtilisateurFactory
from contrats.tests.outils_avenants import proposer_et_ouvrir
from historique.horloge import aujourdhui
from tests.outils import Formulaire, client_de, en_base, pourquoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def autre_contrat(eq2030, pilote):
    """A contract the demo pilote has no role in."""
    assert not Habilitation.objects.filter(contrat=eq2030, utilisateur=pilote).exists()
    return eq2030


def _change(modele, objet) -> str:
    return reverse(f"admin:contrats_{modele._meta.model_name}_change", args=[objet.pk])


def _formulaire_d_administration(pilote, objet) -> Formulaire:
    """The admin's change form of that object, as the pilote reads it."""
    return Formulaire(pilote, _change(type(objet), objet))


def _erreurs(reponse) -> dict:
    return reponse.context["adminform"].form.errors if reponse.context else {}


def test_admin_refuses_a_signatory_moved_to_another_contract(villiers, autre_contrat, pilote):
    signataire = Signataire.objects.filter(contrat=villiers).order_by("ordre").first()
    formulaire = _formulaire_d_administration(pilote, signataire)
    avant = en_base(signataire, "contrat", "organisation", "qualite")

    refus = formulaire.poster({"contrat": [str(autre_contrat.pk)]})

    assert refus.status_code == 200 and "contrat" in _erreurs(refus), pourquoi(refus)
    assert en_base(signataire, "contrat", "organisation", "qualite") == avant

    reponse = formulaire.poster({"qualite": ["Maire de Villiers-sur-Marne"]})

    assert reponse.status_code == 302, _erreurs(reponse)
    assert en_base(signataire, "contrat", "qualite") == {
        "contrat": villiers.pk,
        "qualite": "Maire de Villiers-sur-Marne",
    }


def _du_contrat(contrat, champ: str) -> str:
    """The pk of an object of that contract a plan line could point to through `champ`."""
    if champ == "pilier":
        return str(contrat.piliers.order_by("pk").first().pk)
    if champ == "domaine":
        return str(contrat.piliers.order_by("pk").first().domaines.order_by("pk").first().pk)
    return str(
        ObjectifOperationnel.objects.filter(domaine__pilier__contrat=contrat).order_by("pk")[0].pk
    )


@pytest.mark.parametrize("champ", ["pilier", "domaine", "objectifs_operationnels"])
def test_admin_refuses_a_plan_line_pointing_into_another_contract(
    champ, villiers, autre_contrat, pilote
):
    ligne = LignePlan.objects.filter(contrat=villiers).order_by("ordre").first()
    formulaire = _formulaire_d_administration(pilote, ligne)
    avant = en_base(ligne, "contrat", "pilier", "domaine", "orientations")
    objectifs = set(ligne.objectifs_operationnels.values_list("pk", flat=True))

    refus = formulaire.poster({champ: [_du_contrat(autre_contrat, champ)]})

    assert refus.status_code == 200 and champ in _erreurs(refus), pourquoi(refus)
    assert en_base(ligne, "contrat", "pilier", "domaine", "orientations") == avant
    assert set(ligne.objectifs_operationnels.values_list("pk", flat=True)) == objectifs

    reponse = formulaire.poster({"orientations": ['["Orientation revue"]']})

    assert reponse.status_code == 302, _erreurs(reponse)
    assert en_base(ligne, "orientations")["orientations"] == ["Orientation revue"]


def test_admin_adds_no_role_in_a_contract_the_pilote_does_not_pilot(autre_contrat, pilote):
    """Refused either way: a form error on the contract, or no adding of roles in the admin
    at all (they are granted on the team's page)."""
    reponse = client_de(pilote).post(
        reverse("admin:contrats_habilitation_add"),
        {
            "utilisateur": str(UtilisateurFactory().pk),
            "contrat": str(autre_contrat.pk),
            "role": Role.FINANCEUR,
            "organisation": str(Organisation.objects.get(code="caf").pk),
        },
    )

    assert reponse.status_code == 403 or "contrat" in _erreurs(reponse), pourquoi(reponse)
    assert not Habilitation.objects.filter(contrat=autre_contrat).exists()


@pytest.mark.parametrize("champ", ["contrat", "instance"])
def test_admin_moves_no_role_into_another_contract(champ, villiers, autre_contrat, membre, pilote):
    """A membre's role pointed at the other contract, or at a body of it: refused."""
    habilitation = Habilitation.objects.get(contrat=villiers, utilisateur=membre)
    cible = autre_contrat if champ == "contrat" else autre_contrat.instances.order_by("pk")[0]
    url = _change(Habilitation, habilitation)
    avant = en_base(habilitation, "contrat", "instance", "role")

    reponse = client_de(pilote).post(
        url,
        {
            "utilisateur": str(membre.pk),
            "contrat": str(villiers.pk),
            "role": Role.MEMBRE,
            "instance": str(habilitation.instance_id or ""),
        }
        | {champ: str(cible.pk)},
    )

    assert reponse.status_code == 403 or champ in _erreurs(reponse), pourquoi(reponse)
    assert en_base(habilitation, "contrat", "instance", "role") == avant


# --- The team's pages ---------------------------------------------------------------------


def test_pilote_changes_a_role_within_the_contract_s_organisations_and_roles(
    villiers, autre_contrat, financeur, pilote
):
    habilitation = Habilitation.objects.get(contrat=villiers, utilisateur=financeur)
    url = reverse("contrats:equipe_modifier", args=[villiers.slug, habilitation.pk])
    formulaire = Formulaire(pilote, url)
    avant = en_base(habilitation, "utilisateur", "contrat", "role", "organisation")

    for champ, valeur in (("role", Role.PILOTE), ("organisation", OrganisationFactory().pk)):
        refus = formulaire.poster({champ: [str(valeur)]})
        assert refus.status_code == 400 and champ in refus.context["form"].errors, champ
        assert en_base(habilitation, "utilisateur", "contrat", "role", "organisation") == avant

    region = Organisation.objects.get(code="region-idf")
    reponse = formulaire.poster(
        {
            "organisation": [str(region.pk)],
            "contrat": [str(autre_contrat.pk)],
            "utilisateur": [str(pilote.pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(habilitation, "utilisateur", "contrat", "role", "organisation") == avant | {
        "organisation": region.pk
    }


def test_pilote_s_invitation_is_for_its_contract_pending_and_signed_by_it(
    villiers, autre_contrat, pilote
):
    formulaire = Formulaire(pilote, reverse("contrats:equipe", args=[villiers.slug]))

    reponse = formulaire.poster(
        {
            "email": ["agente@caf.fr"],
            "role": [Role.FINANCEUR],
            "organisation": [str(Organisation.objects.get(code="caf").pk)],
            "contrat": [str(autre_contrat.pk)],
            "statut": [Invitation.Statut.ACCEPTEE],
            "invitee_par": [str(UtilisateurFactory().pk)],
            "empreinte_jeton": ["0" * 64],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    invitation = Invitation.objects.get(email="agente@caf.fr")
    assert (invitation.contrat, invitation.statut, invitation.invitee_par) == (
        villiers,
        Invitation.Statut.EN_ATTENTE,
        pilote,
    )
    assert invitation.empreinte_jeton != "0" * 64
    assert not Invitation.objects.filter(contrat=autre_contrat).exists()


# --- The avenants: each signatory's agent records its own organisation's letter ----------


def test_financeur_records_its_own_organisation_s_letter_and_decides_nothing_else(
    villiers, autre_contrat, pilote, financeur
):
    avenant = proposer_et_ouvrir(villiers, pilote)
    caf, etat = (Organisation.objects.get(code=code) for code in ("caf", "etat"))
    formulaire = Formulaire(
        financeur,
        reverse("contrats:avenant", args=[villiers.slug, avenant.numero]),
        reverse("contrats:avenant_accord", args=[villiers.slug, avenant.numero]),
    )
    gardes = ("statut", "date_effet", "version", "contrat", "organisation_entrante")
    avant = en_base(avenant, *gardes)
    lettre = {
        "sens": [AccordAvenant.Sens.ACCORD],
        "date": [aujourdhui().isoformat()],
        "statut": [Avenant.Statut.ACCEPTE],
        "date_effet": ["2020-01-01"],
        "contrat": [str(autre_contrat.pk)],
        "avenant": ["0"],
        "enregistre_par": [str(pilote.pk)],
        "organisations_requises": [str(caf.pk)],
    }

    refus = formulaire.poster(lettre | {"organisation": [str(etat.pk)]})

    assert refus.status_code == 400
    assert not avenant.accords.exists()

    reponse = formulaire.poster(lettre | {"organisation": [str(caf.pk)]})

    assert reponse.status_code == 302, pourquoi(reponse)
    assert list(avenant.accords.values_list("organisation", "enregistre_par")) == [
        (caf.pk, financeur.pk)
    ]
    apres = en_base(avenant, *gardes)
    assert apres == avant | {"version": apres["version"]}
    assert avenant.organisations_requises.count() > 1
