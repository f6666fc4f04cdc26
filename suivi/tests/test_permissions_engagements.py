"""Who gets what from every URL of the engagements follow-up: one table, every role.

Each cell is what a person of that role gets (GET, or POST with an empty body for the
POST-only URLs), as in the other suivi matrices (suivi/tests/matrice.py). The follow-ups:
the 2016 one of the CAF's engagement 2.7 n° 1, proposed by the CAF's agent (the demo
financeur) with a PDF, and the 2016 one of 2.7 n° 2, validated. The financeur is the
section's signatory; the Région's agent (autre_financeur) is another signatory's. The
pages are public; the public reads only the validated follow-up. A test fails when a URL
of the follow-up has no row.
"""

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from comptes.models import Role, Utilisateur
from contrats.models import Engagement, SectionEngagements
from contrats.tests.factories import HabilitationFactory
from programmation.tests.factories import villiers
from programmation.tests.outils import client_de, pilote_du
from suivi import permissions, urls_engagements
from suivi.models import PropositionSuivi, SuiviEngagement
from suivi.tests.engagements import engagement_de, examiner, pdf, proposer
from suivi.tests.matrice import CONNEXION, PAGE, REFUS, TRAITE, constater, verifier_la_forme
from tests.outils import ROLE_TESTE

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]
ROLES = ("anonyme", "pilote", "etat", "financeur", "autre_financeur", "porteur", "membre")
HABILITES = set(ROLES) - {"anonyme"}
POST_SEULEMENT = frozenset({"suivi_engagement_proposer", "suivi_engagement_examiner"})
PROPOSE = "Proposition de la CAF encore à examiner."
VALIDE = "Engagement tenu : suivi validé."

PUBLIC = dict.fromkeys(ROLES, PAGE)
HABILITES_SEULS = {**dict.fromkeys(ROLES, PAGE), "anonyme": CONNEXION}
MATRICE = {
    # Public pages: everyone, each reading what the policy lets them read.
    "suivi_engagements": PUBLIC,
    "suivi_engagements_export": PUBLIC,
    "suivi_engagements_signataire": PUBLIC,
    # The section's signatory alone proposes.
    "suivi_engagement_proposer": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": TRAITE,
        "autre_financeur": REFUS, "porteur": REFUS, "membre": REFUS,
    },
    # The COPIL technique (pilote and État) reviews.
    "suivi_engagement_examiner": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "membre": REFUS,
    },
    # The document: whoever is habilitated on the contract, never the public.
    "suivi_engagement_document": HABILITES_SEULS,
}  # fmt: skip


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        contrat = villiers()
        financeur = Utilisateur.objects.get(username="financeur")
        propose = proposer(
            engagement_de(contrat), financeur, commentaire=PROPOSE, document=pdf("preuve.pdf")
        )
        valide = proposer(engagement_de(contrat, ordre=2), financeur, commentaire=VALIDE)
        examiner(valide, pilote_du(contrat))
        yield contrat, propose
        transaction.set_rollback(True)


def _cibles(contrat, propose: SuiviEngagement) -> dict[str, str]:
    slug = contrat.slug
    return {
        "suivi_engagements": reverse("suivi:suivi_engagements", args=[slug]),
        "suivi_engagements_export": reverse("suivi:suivi_engagements_export", args=[slug, "csv"]),
        "suivi_engagements_signataire": reverse(
            "suivi:suivi_engagements_signataire", args=[slug, "caf"]
        ),
        "suivi_engagement_proposer": reverse(
            "suivi:suivi_engagement_proposer", args=[slug, propose.engagement_id, 2016]
        ),
        "suivi_engagement_examiner": reverse(
            "suivi:suivi_engagement_examiner", args=[slug, propose.pk]
        ),
        "suivi_engagement_document": reverse(
            "suivi:suivi_engagement_document", args=[slug, propose.pk]
        ),
    }


def test_the_matrix_has_a_row_for_every_engagements_follow_up_url_and_a_cell_for_every_role(
    monde,
):
    verifier_la_forme(MATRICE, urls_engagements.urlpatterns, _cibles(*monde), ROLES, POST_SEULEMENT)


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_follow_up_url(monde, nom, role, personne):
    post = nom in POST_SEULEMENT
    client = client_de(personne(role))
    url = _cibles(*monde)[nom]

    reponse = client.post(url, {}) if post else client.get(url)

    assert constater(reponse, post) == MATRICE[nom][role], (
        f"{role} sur {nom} : {reponse.status_code}"
    )
    if nom == "suivi_engagements_signataire":
        corps = reponse.content.decode()
        assert VALIDE in corps
        assert (PROPOSE in corps) == (role in HABILITES), f"{role} lit la proposition"
        assert ("preuve.pdf" in corps) == (role in HABILITES), f"{role} voit le document"


@pytest.mark.parametrize("nom", sorted(POST_SEULEMENT))
def test_post_only_follow_up_urls_refuse_get(monde, nom, pilote):
    assert client_de(pilote).get(_cibles(*monde)[nom]).status_code == 405


def test_an_empty_post_changes_nothing_in_the_follow_ups(monde, pilote, financeur):
    contrat, propose = monde
    avant = list(SuiviEngagement.objects.order_by("pk").values_list("pk", "proposition", "version"))
    for personne in (pilote, financeur):
        for nom in sorted(POST_SEULEMENT):
            client_de(personne).post(_cibles(contrat, propose)[nom], {})

    assert (
        list(SuiviEngagement.objects.order_by("pk").values_list("pk", "proposition", "version"))
        == avant
    )


def test_the_export_of_the_public_counts_only_validated_follow_ups(monde, personne):
    contrat, _ = monde
    url = reverse("suivi:suivi_engagements_export", args=[contrat.slug, "csv"])

    public = client_de(None).get(url).content.decode("utf-8-sig")
    habilite = client_de(personne("membre")).get(url).content.decode("utf-8-sig")

    caf_public = next(
        ligne for ligne in public.splitlines() if "Allocations" in ligne and ";2016;" in ligne
    )
    caf_membre = next(
        ligne for ligne in habilite.splitlines() if "Allocations" in ligne and ";2016;" in ligne
    )
    assert caf_public.split(";")[2:] == ["5", "0", "1", "0", "0", "0", "4"]
    assert caf_membre.split(";")[2:] == ["5", "0", "2", "0", "0", "0", "3", "1"]


# ---------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("pilote", {"2.1"}),
        ("etat", {"2.2"}),
        ("financeur", {"2.7"}),
        ("autre_financeur", {"2.3"}),
        ("porteur", set()),
        ("membre", set()),
        ("anonyme", set()),
    ],
)
def test_each_signatory_proposes_its_own_sections_and_the_predicate_agrees(
    villiers, personne, role, sections
):
    qui = personne(role)
    proposables = set(
        permissions.sections_proposables(qui, villiers).values_list("numero", flat=True)
    )

    assert proposables == sections
    for engagement in Engagement.objects.filter(section__contrat=villiers, ordre=1):
        assert permissions.peut_proposer_suivi_engagement(qui, engagement) == (
            engagement.section.numero in sections
        ), (role, engagement.section.numero)


def test_an_agent_of_one_of_several_signatories_proposes_their_shared_section(villiers):
    bailleurs = SectionEngagements.objects.get(contrat=villiers, numero="2.12")
    paris_habitat = bailleurs.organisations.get(code="paris-habitat")
    agent = HabilitationFactory(
        contrat=villiers, role=Role.FINANCEUR, organisation=paris_habitat
    ).utilisateur

    assert set(
        permissions.sections_proposables(agent, villiers).values_list("numero", flat=True)
    ) == {"2.12"}


@pytest.mark.parametrize("role", ROLES)
def test_the_readable_follow_ups_are_those_the_predicate_lets_read(monde, personne, role):
    contrat, _ = monde
    qui = personne(role)
    lisibles = set(permissions.suivis_engagements_lisibles(qui, contrat))

    for suivi in SuiviEngagement.objects.filter(engagement__section__contrat=contrat):
        assert (suivi in lisibles) == permissions.peut_lire_suivi_engagement(qui, suivi)
    attendus = {"anonyme": {PropositionSuivi.VALIDE}}.get(
        role, {PropositionSuivi.VALIDE, PropositionSuivi.PROPOSE}
    )
    assert {suivi.proposition for suivi in lisibles} == attendus


def test_the_pilote_who_proposed_the_commune_s_follow_up_is_told_another_reviews_it(
    villiers, pilote, etat
):
    suivi = proposer(engagement_de(villiers, "2.1"), pilote)
    url = reverse("suivi:suivi_engagement_examiner", args=[villiers.slug, suivi.pk])

    reponse = client_de(pilote).post(
        url, {"version": suivi.version, "examen": "valider", "signataire": "commune"}
    )

    assert reponse.status_code == 200
    assert (
        "un autre membre du comité de pilotage technique l'examine"
        in reponse.content.decode().replace("&#x27;", "'")
    )
    assert suivi not in permissions.suivis_engagements_a_examiner(pilote, villiers)
    assert suivi in permissions.suivis_engagements_a_examiner(etat, villiers)
    assert SuiviEngagement.objects.get(pk=suivi.pk).proposition == PropositionSuivi.PROPOSE


@pytest.mark.parametrize(
    "chemin",
    [
        "suivi/selectors/engagements.py",
        "suivi/views/engagements.py",
        "suivi/services/engagements.py",
        "suivi/forms_engagements.py",
        "templates/suivi/engagements",
    ],
)
def test_no_selector_view_service_or_template_of_the_follow_up_tests_a_role(chemin):
    cible = RACINE / chemin
    fichiers = sorted(cible.rglob("*")) if cible.is_dir() else [cible]
    fautifs = [
        f"{fichier.relative_to(RACINE)}:{numero}"
        for fichier in fichiers
        for numero, ligne in enumerate(fichier.read_text().splitlines(), 1)
        if ROLE_TESTE.search(ligne) or re.search(r"\bpropose_par_id\b", ligne)
    ]
    assert fautifs == [], "ask suivi.permissions instead"
