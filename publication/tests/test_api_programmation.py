"""The read API of programmation: calls, dossiers and transitions, as the logged-in user reads them.

The data of these tests are built with the factories and driven through the services
(`transitionner`, `donner_avis`, `enregistrer_paiement`): no statut is written by hand.
"""

import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from comptes.models import Role, Utilisateur
from contrats.demo import COMPTES_DEMO
from contrats.models import Contrat, Organisation
from contrats.tests.factories import ContratFactory, HabilitationFactory, UtilisateurFactory
from historique.horloge import aujourdhui
from programmation.models import (
    AppelAProjets,
    CodeTransition,
    Convention,
    Dossier,
    Financement,
    LigneBudget,
    NatureCredit,
    Paiement,
    Statut,
    Structure,
)
from programmation.permissions import peut_lire_dossier
from programmation.services.dossiers import enregistrer_budget
from programmation.services.instruction import donner_avis
from programmation.services.paiements import enregistrer_paiement
from programmation.services.transitions import transitionner
from programmation.tests.factories import AppelFactory, DossierFactory, StructureFactory
from programmation.tests.outils import examiner_en_comite
from publication.api_programmation import NON_AUTORISE, NON_CONNECTE, PAR_PAGE
from tests.outils import ecarts_au_schema

RACINE = "/api/v1"
ANNEE = 2091
ANNEE_NON_PUBLIEE = 2092
CHEMINS = {
    "/api/v1/appels": {"200"},
    "/api/v1/dossiers": {"200", "401", "404", "422"},
    "/api/v1/dossiers/{id}": {"200", "401", "403", "404", "422"},
    "/api/v1/dossiers/{id}/transitions": {"200", "401", "403", "404", "422"},
}
CLES_DOSSIER = {"id", "numero", "statut", "appel", "structure", "financeurs", "financements"}
CLES_FINANCEMENT = {
    "financeur",
    "nature",
    "montant_demande",
    "montant_propose",
    "montant_accorde",
    "montant_paye",
}
# Session, user, calls, rights in each contract, count, page, financements, budget lines.
MAX_REQUETES_LISTE = 10


# --- People and states, through the services ------------------------------------------------


def compte(identifiant: str) -> Utilisateur:
    return Utilisateur.objects.get(username=identifiant)


def organisation(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def passer(dossier: Dossier, code: CodeTransition, acteur: Utilisateur, motif: str = "") -> Dossier:
    return transitionner(dossier=dossier, transition=code, acteur=acteur, motif=motif)


def deposer(dossier: Dossier, porteur: Utilisateur) -> Dossier:
    return passer(dossier, CodeTransition.DEPOSER, porteur)


def mettre_en_instruction(dossier: Dossier, porteur: Utilisateur) -> Dossier:
    dossier = passer(deposer(dossier, porteur), CodeTransition.DECLARER_RECEVABLE, compte("pilote"))
    return passer(dossier, CodeTransition.METTRE_EN_INSTRUCTION, compte("pilote"))


def donner_les_avis(dossier: Dossier, proposes: dict[str, str]) -> None:
    """The CAF's agent and the prefect's delegate give a favourable avis for these amounts."""
    instructeurs = {"caf": compte("financeur"), "etat": compte("etat")}
    for financement in Financement.objects.filter(dossier=dossier).select_related("financeur"):
        code = financement.financeur.code
        donner_avis(
            financement=financement,
            acteur=instructeurs[code],
            avis=Financement.Avis.FAVORABLE,
            montant_propose=Decimal(proposes[code]),
            commentaire="",
            version=financement.version,
        )


def conventionner(dossier: Dossier, porteur: Utilisateur) -> Dossier:
    """Instructed (the CAF proposes 3 500 € of its 4 000, the État its 5 000), validated,
    its conventions established."""
    pilote = compte("pilote")
    dossier = mettre_en_instruction(dossier, porteur)
    donner_les_avis(dossier, {"caf": "3500", "etat": "5000"})
    dossier = passer(dossier, CodeTransition.PROPOSER, pilote)
    dossier = passer(dossier, CodeTransition.VALIDER, pilote)
    return passer(dossier, CodeTransition.CONVENTIONNER, pilote)


def payer_la_caf(dossier: Dossier, *montants: str) -> None:
    convention = Convention.objects.get(
        financement__dossier=dossier, financement__financeur__code="caf"
    )
    for montant in montants:
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.AVANCE,
            montant=Decimal(montant),
            date=aujourdhui(),
            acteur=compte("financeur"),
        )


def demander_a_la_region(dossier: Dossier, porteur: Utilisateur) -> Dossier:
    """The draft's budget asks the Région and the État, no longer the CAF."""
    lignes = [
        {"sens": "charge", "compte": "64", "libelle": "Animateurs", "montant": Decimal(9000)},
        {
            "sens": "produit",
            "compte": "74",
            "libelle": "Région",
            "montant": Decimal(4000),
            "financeur": organisation("region-idf"),
            "nature": NatureCredit.DROIT_COMMUN,
        },
        {
            "sens": "produit",
            "compte": "74",
            "libelle": "État",
            "montant": Decimal(5000),
            "financeur": organisation("etat"),
            "nature": NatureCredit.CREDITS_SPECIFIQUES,
        },
    ]
    return enregistrer_budget(
        dossier=dossier, lignes=lignes, acteur=porteur, version=dossier.version
    )


def porteur_de(structure: Structure) -> Utilisateur:
    """A new porteur of that structure in Villiers."""
    return HabilitationFactory(
        contrat=Contrat.objects.get(slug="villiers-sur-marne-2015-2020"),
        role=Role.PORTEUR,
        organisation=structure.organisation,
    ).utilisateur


def structure_du_porteur_demo() -> Structure:
    """The structure of the demo porteur's organisation (created if the demo has none)."""
    habilitation = (
        compte("porteur")
        .habilitations.select_related("organisation")
        .get(contrat__slug="villiers-sur-marne-2015-2020", role=Role.PORTEUR)
    )
    existante = Structure.objects.filter(organisation=habilitation.organisation).first()
    return existante or StructureFactory(organisation=habilitation.organisation)


@dataclass
class Jeu:
    """Dossiers of every kind a reader tells apart, in two calls of Villiers and one elsewhere."""

    appel: AppelAProjets
    appel_non_publie: AppelAProjets
    appel_autre_contrat: AppelAProjets
    structure_porteur: Structure
    structure_autre: Structure
    porteur_autre: Utilisateur
    pilote_autre_contrat: Utilisateur
    brouillon_porteur: Dossier
    brouillon_autre: Dossier
    depose: Dossier
    depose_region: Dossier
    conventionne: Dossier
    instruit_non_publie: Dossier
    brouillon_autre_contrat: Dossier

    def ids(self, *noms: str) -> set[int]:
        return {getattr(self, nom).pk for nom in noms}


@pytest.fixture
def jeu(contrat_charge) -> Jeu:
    appel = AppelFactory(contrat=contrat_charge, annee=ANNEE)
    appel_non_publie = AppelFactory(contrat=contrat_charge, annee=ANNEE_NON_PUBLIEE, publie=False)
    autre_contrat = ContratFactory()
    appel_autre_contrat = AppelFactory(contrat=autre_contrat, annee=ANNEE)
    structure_porteur = structure_du_porteur_demo()
    structure_autre = StructureFactory()
    porteur, porteur_autre = compte("porteur"), porteur_de(structure_autre)

    def dossier(appel_du_dossier: AppelAProjets, structure: Structure) -> Dossier:
        return DossierFactory(appel=appel_du_dossier, structure=structure, complet=True)

    conventionne = conventionner(dossier(appel, structure_porteur), porteur)
    payer_la_caf(conventionne, "1000", "500")
    jeu = Jeu(
        appel=appel,
        appel_non_publie=appel_non_publie,
        appel_autre_contrat=appel_autre_contrat,
        structure_porteur=structure_porteur,
        structure_autre=structure_autre,
        porteur_autre=porteur_autre,
        pilote_autre_contrat=HabilitationFactory(contrat=autre_contrat).utilisateur,
        brouillon_porteur=dossier(appel, structure_porteur),
        brouillon_autre=dossier(appel, structure_autre),
        depose=deposer(dossier(appel, structure_autre), porteur_autre),
        depose_region=deposer(
            demander_a_la_region(dossier(appel, structure_autre), porteur_autre), porteur_autre
        ),
        conventionne=conventionne,
        instruit_non_publie=mettre_en_instruction(
            dossier(appel_non_publie, structure_autre), porteur_autre
        ),
        brouillon_autre_contrat=DossierFactory(appel=appel_autre_contrat),
    )
    # The demo membre's committee examines a submitted dossier and a draft.
    examiner_en_comite(jeu.depose_region)
    examiner_en_comite(jeu.brouillon_autre)
    return jeu


# --- Reading the API ------------------------------------------------------------------------


def client_de(utilisateur: Utilisateur | None) -> Client:
    client = Client()
    if utilisateur is not None:
        client.force_login(utilisateur)
    return client


def lire(client: Client, chemin: str, **parametres) -> Any:
    reponse = client.get(f"{RACINE}{chemin}", parametres)
    assert reponse.status_code == 200, reponse.content
    return reponse.json()


def ids_lus(client: Client, **filtres) -> list[int]:
    """The ids of every page of /dossiers, checking that the pages add up to `count`."""
    ids: list[int] = []
    page = lire(client, "/dossiers", **filtres)
    while True:
        ids += [d["id"] for d in page["items"]]
        if len(ids) >= page["count"]:
            break
        page = lire(client, "/dossiers", page=len(ids) // PAR_PAGE + 1, **filtres)
    assert len(ids) == page["count"] == len(set(ids))
    return ids


def lus_dans_l_annee(utilisateur: Utilisateur, annee: int = ANNEE) -> set[int]:
    return set(ids_lus(client_de(utilisateur), annee=annee))


def lisibles_selon_la_regle(utilisateur: Utilisateur) -> set[int]:
    dossiers = Dossier.objects.select_related("appel__contrat", "structure")
    return {d.pk for d in dossiers if peut_lire_dossier(utilisateur, d)}


# --- Calls ----------------------------------------------------------------------------------


def annees(appels: list[dict], contrat: str = "villiers-sur-marne-2015-2020") -> set[int]:
    return {a["annee"] for a in appels if a["contrat"] == contrat}


def test_a_visitor_lists_the_published_calls_with_their_contract_and_dates(jeu):
    appels = lire(Client(), "/appels")
    assert {
        "contrat": "villiers-sur-marne-2015-2020",
        "annee": ANNEE,
        "titre": jeu.appel.titre,
        "date_ouverture": jeu.appel.date_ouverture.isoformat(),
        "date_cloture": jeu.appel.date_cloture.isoformat(),
        "publie": True,
    } in appels
    assert ANNEE_NON_PUBLIEE not in annees(appels)
    assert ANNEE in annees(appels, jeu.appel_autre_contrat.contrat.slug)
    assert all(a["publie"] for a in appels)


@pytest.mark.parametrize("identifiant", ["pilote", "etat"])
def test_the_pilotage_also_lists_its_unpublished_calls(jeu, identifiant):
    appels = lire(client_de(compte(identifiant)), "/appels")
    assert {ANNEE, ANNEE_NON_PUBLIEE} <= annees(appels)
    non_publie = next(a for a in appels if a["annee"] == ANNEE_NON_PUBLIEE)
    assert non_publie["publie"] is False


@pytest.mark.parametrize("identifiant", ["financeur", "porteur", "membre"])
def test_other_roles_do_not_list_unpublished_calls(jeu, identifiant):
    appels = lire(client_de(compte(identifiant)), "/appels")
    assert ANNEE in annees(appels)
    assert ANNEE_NON_PUBLIEE not in annees(appels)


def test_the_pilote_of_another_contract_does_not_list_villiers_unpublished_call(jeu):
    appels = lire(client_de(jeu.pilote_autre_contrat), "/appels")
    assert ANNEE_NON_PUBLIEE not in annees(appels)
    assert ANNEE in annees(appels, jeu.appel_autre_contrat.contrat.slug)


# --- One dossier: its shape ---------------------------------------------------------------


def test_a_conventioned_dossier_gives_its_amounts_asked_proposed_granted_and_paid(jeu):
    caf, etat = organisation("caf").nom, organisation("etat").nom
    dossier = lire(client_de(compte("pilote")), f"/dossiers/{jeu.conventionne.pk}")
    assert dossier == {
        "id": jeu.conventionne.pk,
        "numero": jeu.conventionne.numero,
        "statut": "conventionne",
        "appel": ANNEE,
        "structure": jeu.structure_porteur.organisation.nom,
        "financeurs": sorted([caf, etat]),
        "financements": [
            {
                "financeur": etat,
                "nature": "credits_specifiques",
                "montant_demande": "5000.00",
                "montant_propose": "5000.00",
                "montant_accorde": "5000.00",
                "montant_paye": "0.00",
            },
            {
                "financeur": caf,
                "nature": "droit_commun",
                "montant_demande": "4000.00",
                "montant_propose": "3500.00",
                "montant_accorde": "3500.00",
                "montant_paye": "1500.00",
            },
        ],
    }


def test_a_draft_names_the_financeurs_of_its_budget_and_has_no_financement_yet(jeu):
    dossier = lire(client_de(compte("pilote")), f"/dossiers/{jeu.brouillon_autre.pk}")
    assert dossier["statut"] == "brouillon"
    assert dossier["financeurs"] == sorted([organisation("caf").nom, organisation("etat").nom])
    assert dossier["financements"] == []


def test_the_financeurs_follow_the_budget_of_the_dossier(jeu):
    dossier = lire(client_de(compte("pilote")), f"/dossiers/{jeu.depose_region.pk}")
    assert dossier["financeurs"] == sorted(
        [organisation("region-idf").nom, organisation("etat").nom]
    )


def test_an_instructed_dossier_has_a_financement_per_financeur_and_nature_not_yet_decided(jeu):
    dossier = lire(client_de(compte("pilote")), f"/dossiers/{jeu.instruit_non_publie.pk}")
    assert dossier["statut"] == "en_instruction"
    assert dossier["appel"] == ANNEE_NON_PUBLIEE
    assert [(f["nature"], f["montant_demande"]) for f in dossier["financements"]] == [
        ("credits_specifiques", "5000.00"),
        ("droit_commun", "4000.00"),
    ]
    for financement in dossier["financements"]:
        assert set(financement) == CLES_FINANCEMENT
        assert financement["montant_propose"] is None
        assert financement["montant_accorde"] is None
        assert financement["montant_paye"] == "0.00"


def test_the_list_gives_each_dossier_as_its_detail_does(jeu):
    client = client_de(compte("pilote"))
    page = lire(client, "/dossiers", annee=ANNEE)
    assert set(page) == {"items", "count"}
    for item in page["items"]:
        assert set(item) == CLES_DOSSIER
        assert item == lire(client, f"/dossiers/{item['id']}")


# --- Filters --------------------------------------------------------------------------------


def test_filter_by_year(jeu):
    pilote = compte("pilote")
    assert lus_dans_l_annee(pilote) == jeu.ids(
        "brouillon_porteur", "brouillon_autre", "depose", "depose_region", "conventionne"
    )
    assert lus_dans_l_annee(pilote, ANNEE_NON_PUBLIEE) == jeu.ids("instruit_non_publie")


def test_filter_by_statut(jeu):
    client = client_de(compte("pilote"))
    assert set(ids_lus(client, annee=ANNEE, statut="depose")) == jeu.ids("depose", "depose_region")
    assert set(ids_lus(client, statut="conventionne", annee=ANNEE)) == jeu.ids("conventionne")


def test_filter_by_structure_name(jeu):
    client = client_de(compte("pilote"))
    nom = jeu.structure_autre.organisation.nom
    assert set(ids_lus(client, structure=nom)) == jeu.ids(
        "brouillon_autre", "depose", "depose_region", "instruit_non_publie"
    )
    assert set(ids_lus(client, structure=nom, annee=ANNEE_NON_PUBLIEE)) == jeu.ids(
        "instruit_non_publie"
    )
    assert ids_lus(client, structure="Structure inconnue") == []


def test_filter_by_contract(jeu):
    slug = jeu.appel_autre_contrat.contrat.slug
    assert set(ids_lus(client_de(jeu.pilote_autre_contrat), contrat=slug)) == jeu.ids(
        "brouillon_autre_contrat"
    )
    assert ids_lus(client_de(compte("pilote")), contrat=slug) == []
    villiers = set(ids_lus(client_de(compte("pilote")), contrat="villiers-sur-marne-2015-2020"))
    assert jeu.ids("conventionne", "instruit_non_publie") <= villiers
    assert jeu.brouillon_autre_contrat.pk not in villiers


def test_an_unknown_contract_answers_404_in_french(jeu):
    reponse = client_de(compte("pilote")).get(f"{RACINE}/dossiers", {"contrat": "inconnu"})
    assert reponse.status_code == 404
    assert reponse.json() == {"detail": "Contrat « inconnu » introuvable."}


def test_an_unknown_statut_answers_422_in_french_with_the_known_codes(jeu):
    reponse = client_de(compte("pilote")).get(f"{RACINE}/dossiers", {"statut": "gagne"})
    assert reponse.status_code == 422
    detail = reponse.json()["detail"]
    assert detail.startswith("Statut « gagne » inconnu. Statuts possibles : brouillon, depose")
    assert all(code in detail for code in Statut.values)


@pytest.mark.parametrize("parametres", [{"annee": "deux-mille"}, {"page": "0"}, {"page": "x"}])
def test_a_parameter_of_the_wrong_type_answers_422(jeu, parametres):
    reponse = client_de(compte("pilote")).get(f"{RACINE}/dossiers", parametres)
    assert reponse.status_code == 422
    (erreur,) = reponse.json()["detail"]
    assert erreur["loc"][-1] == next(iter(parametres))


# --- Pagination -----------------------------------------------------------------------------


@pytest.fixture
def cinquante_cinq_brouillons(contrat_charge) -> list[int]:
    appel = AppelFactory(contrat=contrat_charge, annee=2093)
    structure = StructureFactory()
    return [DossierFactory(appel=appel, structure=structure).pk for _ in range(55)]


def test_pages_of_50_dossiers_with_the_total_count(cinquante_cinq_brouillons):
    client = client_de(compte("pilote"))
    premiere = lire(client, "/dossiers", annee=2093)
    seconde = lire(client, "/dossiers", annee=2093, page=2)
    assert PAR_PAGE == 50
    assert (premiere["count"], len(premiere["items"])) == (55, 50)
    assert (seconde["count"], len(seconde["items"])) == (55, 5)
    ids = [d["id"] for d in premiere["items"] + seconde["items"]]
    assert sorted(ids) == sorted(cinquante_cinq_brouillons)
    numeros = [d["numero"] for d in premiere["items"] + seconde["items"]]
    assert numeros == sorted(numeros)


def test_a_page_beyond_the_last_answers_404_in_french(cinquante_cinq_brouillons):
    reponse = client_de(compte("pilote")).get(f"{RACINE}/dossiers", {"annee": 2093, "page": 3})
    assert reponse.status_code == 404
    assert reponse.json() == {"detail": "Page 3 introuvable : 55 dossier(s), 50 par page."}


def test_the_first_page_of_nothing_is_empty_and_the_second_is_not_found(contrat_charge):
    client = client_de(compte("pilote"))
    assert lire(client, "/dossiers", annee=2094) == {"items": [], "count": 0}
    assert client.get(f"{RACINE}/dossiers", {"annee": 2094, "page": 2}).status_code == 404


# --- Who reads what -------------------------------------------------------------------------


def test_a_porteur_lists_only_its_structure_s_dossiers_drafts_included(jeu):
    assert lus_dans_l_annee(compte("porteur")) == jeu.ids("brouillon_porteur", "conventionne")
    assert lus_dans_l_annee(jeu.porteur_autre) == jeu.ids(
        "brouillon_autre", "depose", "depose_region"
    )


def test_a_financeur_lists_only_submitted_dossiers_that_ask_its_organisation(jeu):
    financeur = compte("financeur")
    assert lus_dans_l_annee(financeur) == jeu.ids("depose", "conventionne")
    assert lus_dans_l_annee(financeur, ANNEE_NON_PUBLIEE) == jeu.ids("instruit_non_publie")
    caf = organisation("caf").nom
    for item in lire(client_de(financeur), "/dossiers")["items"]:
        assert caf in item["financeurs"]
        assert item["statut"] != "brouillon"


def test_a_member_lists_the_submitted_dossiers_his_body_examines_and_no_draft(jeu):
    items = lire(client_de(compte("membre")), "/dossiers", annee=ANNEE)["items"]
    # Not brouillon_autre (a draft, though examined), nor depose (examined by no body of his).
    assert {d["id"] for d in items} == jeu.ids("depose_region")
    assert {d["statut"] for d in items} == {"depose"}


def test_the_pilote_of_another_contract_reads_none_of_villiers(jeu):
    assert lus_dans_l_annee(jeu.pilote_autre_contrat) == jeu.ids("brouillon_autre_contrat")


def test_someone_without_a_role_reads_no_dossier(jeu):
    assert lire(client_de(UtilisateurFactory()), "/dossiers") == {"items": [], "count": 0}


def test_for_every_persona_the_list_is_exactly_what_peut_lire_dossier_allows(jeu):
    demo = [c.identifiant for c in COMPTES_DEMO]
    personnes = [
        *Utilisateur.objects.filter(username__in=demo),
        jeu.porteur_autre,
        jeu.pilote_autre_contrat,
        UtilisateurFactory(),
    ]
    assert {"pilote", "etat", "financeur", "porteur", "membre"} <= {p.username for p in personnes}
    attendus = {p.username: lisibles_selon_la_regle(p) for p in personnes}
    for personne in personnes:
        assert set(ids_lus(client_de(personne))) == attendus[personne.username], personne
    # The data tell the personas apart: the check above compares different sets.
    assert len({frozenset(ids) for ids in attendus.values()}) >= 6


def test_an_anonymous_visitor_is_refused_with_401_in_french(jeu):
    client = Client()
    for chemin in (
        "/dossiers",
        f"/dossiers/{jeu.depose.pk}",
        f"/dossiers/{jeu.depose.pk}/transitions",
        "/dossiers/999999999",
    ):
        reponse = client.get(f"{RACINE}{chemin}")
        assert reponse.status_code == 401, chemin
        assert reponse.json() == {"detail": NON_CONNECTE}
        assert "connectez-vous" in reponse.json()["detail"]


@pytest.mark.parametrize("suffixe", ["", "/transitions"])
@pytest.mark.parametrize(
    ("identifiant", "nom"),
    [
        ("porteur", "brouillon_autre"),
        ("porteur", "depose"),
        ("financeur", "brouillon_porteur"),
        ("financeur", "depose_region"),
        ("membre", "brouillon_autre"),
        ("membre", "depose"),
    ],
)
def test_a_dossier_the_user_may_not_read_answers_403(jeu, identifiant, nom, suffixe):
    dossier = getattr(jeu, nom)
    utilisateur = compte(identifiant)
    assert not peut_lire_dossier(utilisateur, dossier)
    reponse = client_de(utilisateur).get(f"{RACINE}/dossiers/{dossier.pk}{suffixe}")
    assert reponse.status_code == 403
    assert reponse.json() == {"detail": NON_AUTORISE}


@pytest.mark.parametrize("suffixe", ["", "/transitions"])
@pytest.mark.parametrize(
    ("identifiant", "nom"),
    [("porteur", "brouillon_porteur"), ("financeur", "depose"), ("membre", "depose_region")],
)
def test_a_dossier_the_user_may_read_answers_200(jeu, identifiant, nom, suffixe):
    reponse = client_de(compte(identifiant)).get(
        f"{RACINE}/dossiers/{getattr(jeu, nom).pk}{suffixe}"
    )
    assert reponse.status_code == 200


@pytest.mark.parametrize("suffixe", ["", "/transitions"])
def test_an_unknown_dossier_answers_404_in_french(jeu, suffixe):
    inconnu = Dossier.objects.order_by("-pk").first().pk + 1000
    reponse = client_de(compte("pilote")).get(f"{RACINE}/dossiers/{inconnu}{suffixe}")
    assert reponse.status_code == 404
    assert reponse.json() == {"detail": f"Dossier « {inconnu} » introuvable."}


@pytest.mark.parametrize("suffixe", ["", "/transitions"])
def test_a_dossier_id_that_is_not_an_integer_answers_422(jeu, suffixe):
    reponse = client_de(compte("pilote")).get(f"{RACINE}/dossiers/abc{suffixe}")
    assert reponse.status_code == 422
    (erreur,) = reponse.json()["detail"]
    assert erreur["loc"] == ["path", "id"]


# --- Transitions ----------------------------------------------------------------------------


@pytest.fixture
def dossier_ajourne_puis_conventionne(jeu) -> Dossier:
    """Deposited, instructed, adjourned by the COPIL, instructed again, validated, conventioned."""
    pilote = compte("pilote")
    dossier = DossierFactory(appel=jeu.appel, structure=jeu.structure_porteur, complet=True)
    dossier = mettre_en_instruction(dossier, compte("porteur"))
    donner_les_avis(dossier, {"caf": "4000", "etat": "5000"})
    dossier = passer(dossier, CodeTransition.PROPOSER, pilote)
    dossier = passer(dossier, CodeTransition.AJOURNER, pilote, motif="Budget à préciser")
    for code in (
        CodeTransition.METTRE_EN_INSTRUCTION,
        CodeTransition.PROPOSER,
        CodeTransition.VALIDER,
        CodeTransition.CONVENTIONNER,
    ):
        dossier = passer(dossier, code, pilote)
    return dossier


def test_the_transitions_chain_from_draft_to_the_dossier_s_statut(
    dossier_ajourne_puis_conventionne,
):
    dossier = dossier_ajourne_puis_conventionne
    client = client_de(compte("porteur"))
    transitions = lire(client, f"/dossiers/{dossier.pk}/transitions")
    assert [(t["de"], t["vers"]) for t in transitions] == [
        ("brouillon", "depose"),
        ("depose", "recevable"),
        ("recevable", "en_instruction"),
        ("en_instruction", "propose"),
        ("propose", "ajourne"),
        ("ajourne", "en_instruction"),
        ("en_instruction", "propose"),
        ("propose", "valide"),
        ("valide", "conventionne"),
    ]
    assert transitions[0]["de"] == "brouillon"
    for precedente, suivante in itertools.pairwise(transitions):
        assert suivante["de"] == precedente["vers"]
    assert transitions[-1]["vers"] == lire(client, f"/dossiers/{dossier.pk}")["statut"]


def test_each_transition_gives_its_actor_motif_and_an_iso_datetime(
    dossier_ajourne_puis_conventionne,
):
    transitions = lire(
        client_de(compte("pilote")), f"/dossiers/{dossier_ajourne_puis_conventionne.pk}/transitions"
    )
    for transition in transitions:
        assert set(transition) == {"de", "vers", "date", "acteur", "motif"}
    assert transitions[0]["acteur"] == str(compte("porteur"))
    assert {t["acteur"] for t in transitions[1:]} == {str(compte("pilote"))}
    ajournement = next(t for t in transitions if t["vers"] == "ajourne")
    assert ajournement["motif"] == "Budget à préciser"
    assert transitions[0]["motif"] == ""
    dates = [datetime.fromisoformat(t["date"]) for t in transitions]
    assert all(d.tzinfo is not None for d in dates)
    assert dates == sorted(dates)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", t["date"]) for t in transitions)


def test_a_draft_has_no_transition_yet(jeu):
    assert (
        lire(client_de(compte("porteur")), f"/dossiers/{jeu.brouillon_porteur.pk}/transitions")
        == []
    )


# --- OpenAPI --------------------------------------------------------------------------------


@pytest.fixture
def openapi(db) -> dict[str, Any]:
    reponse = Client().get(f"{RACINE}/openapi.json")
    assert reponse.status_code == 200
    return json.loads(reponse.content)


def test_the_openapi_document_lists_the_four_paths_with_every_status(openapi):
    for chemin, statuts in CHEMINS.items():
        assert set(openapi["paths"][chemin]) == {"get"}, chemin
        assert set(openapi["paths"][chemin]["get"]["responses"]) == statuts, chemin


def test_the_dossiers_need_the_session_and_the_calls_do_not(openapi):
    schemas = openapi["components"]["securitySchemes"]
    for chemin in CHEMINS:
        operation = openapi["paths"][chemin]["get"]
        if chemin == "/api/v1/appels":
            assert "security" not in operation
            continue
        ((nom, _),) = (next(iter(s.items())) for s in operation["security"])
        assert schemas[nom] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def test_the_openapi_document_describes_errors_in_french(openapi):
    reponses = openapi["paths"]["/api/v1/dossiers/{id}"]["get"]["responses"]
    assert reponses["401"]["description"].startswith("Non connecté")
    assert reponses["403"]["description"].startswith("Dossier que la personne")
    assert reponses["404"]["description"] == "Dossier introuvable."


def test_the_documented_codes_are_those_of_the_models(openapi):
    composants = openapi["components"]["schemas"]
    assert composants["Statut"]["enum"] == list(Statut.values)
    nature = composants["FinancementOut"]["properties"]["nature"]
    assert nature["enum"] == [n.value for n in NatureCredit.financees()]
    montant = composants["FinancementOut"]["properties"]["montant_demande"]
    assert (montant["type"], montant["pattern"]) == ("string", r"^\d+\.\d{2}$")


def schema_de(openapi: dict, chemin: str, statut: int) -> dict:
    reponse = openapi["paths"][chemin]["get"]["responses"][str(statut)]
    return reponse["content"]["application/json"]["schema"]


def test_the_validator_catches_what_departs_from_the_schema(openapi):
    composants = openapi["components"]["schemas"]
    schema = {"$ref": "#/components/schemas/FinancementOut"}
    juste = {
        "financeur": "CAF",
        "nature": "droit_commun",
        "montant_demande": "4000.00",
        "montant_propose": None,
        "montant_accorde": None,
        "montant_paye": "0.00",
    }
    assert ecarts_au_schema(juste, schema, composants) == []
    for faux in ({"nature": "valorisation"}, {"montant_demande": 4000}, {"montant_paye": "0"}):
        assert ecarts_au_schema({**juste, **faux}, schema, composants) != [], faux


def test_every_response_matches_the_openapi_document(
    openapi, jeu, dossier_ajourne_puis_conventionne
):
    composants = openapi["components"]["schemas"]
    pilote = client_de(compte("pilote"))
    dossier = dossier_ajourne_puis_conventionne.pk
    reponses = [
        ("/api/v1/appels", 200, Client().get(f"{RACINE}/appels")),
        ("/api/v1/appels", 200, pilote.get(f"{RACINE}/appels")),
        ("/api/v1/dossiers", 200, pilote.get(f"{RACINE}/dossiers")),
        ("/api/v1/dossiers", 401, Client().get(f"{RACINE}/dossiers")),
        ("/api/v1/dossiers", 404, pilote.get(f"{RACINE}/dossiers", {"contrat": "inconnu"})),
        ("/api/v1/dossiers", 422, pilote.get(f"{RACINE}/dossiers", {"statut": "gagne"})),
        ("/api/v1/dossiers", 422, pilote.get(f"{RACINE}/dossiers", {"page": "x"})),
        ("/api/v1/dossiers/{id}", 200, pilote.get(f"{RACINE}/dossiers/{dossier}")),
        ("/api/v1/dossiers/{id}", 200, pilote.get(f"{RACINE}/dossiers/{jeu.conventionne.pk}")),
        (
            "/api/v1/dossiers/{id}",
            403,
            client_de(compte("financeur")).get(f"{RACINE}/dossiers/{jeu.brouillon_porteur.pk}"),
        ),
        ("/api/v1/dossiers/{id}", 404, pilote.get(f"{RACINE}/dossiers/999999999")),
        (
            "/api/v1/dossiers/{id}/transitions",
            200,
            pilote.get(f"{RACINE}/dossiers/{dossier}/transitions"),
        ),
        (
            "/api/v1/dossiers/{id}/transitions",
            422,
            pilote.get(f"{RACINE}/dossiers/abc/transitions"),
        ),
    ]
    for chemin, statut, reponse in reponses:
        assert reponse.status_code == statut, (chemin, reponse.content)
        corps = reponse.json()
        assert corps, f"réponse vide : rien à confronter au schéma ({chemin})"
        assert ecarts_au_schema(corps, schema_de(openapi, chemin, statut), composants) == [], chemin


# --- Queries --------------------------------------------------------------------------------


def test_the_list_s_queries_do_not_grow_with_the_dossiers(
    contrat_charge, django_assert_max_num_queries
):
    appel = AppelFactory(contrat=contrat_charge, annee=2095)
    structure, porteur = structure_du_porteur_demo(), compte("porteur")

    def ajouter(nombre: int) -> None:
        for _ in range(nombre):
            dossier = conventionner(
                DossierFactory(appel=appel, structure=structure, complet=True), porteur
            )
            payer_la_caf(dossier, "1000")

    client = client_de(compte("pilote"))
    ajouter(1)
    with django_assert_max_num_queries(MAX_REQUETES_LISTE) as pour_un:
        assert lire(client, "/dossiers", annee=2095)["count"] == 1
    ajouter(4)
    with django_assert_max_num_queries(MAX_REQUETES_LISTE) as pour_cinq:
        page = lire(client, "/dossiers", annee=2095)
    assert page["count"] == len(page["items"]) == 5
    assert {f["montant_paye"] for d in page["items"] for f in d["financements"]} == {
        "1000.00",
        "0.00",
    }
    assert len(pour_cinq.captured_queries) == len(pour_un.captured_queries)


def test_a_dossier_and_its_transitions_are_read_in_a_few_queries(
    dossier_ajourne_puis_conventionne, django_assert_max_num_queries
):
    client = client_de(compte("financeur"))
    chemin = f"/dossiers/{dossier_ajourne_puis_conventionne.pk}"
    with django_assert_max_num_queries(9):
        lire(client, chemin)
    with django_assert_max_num_queries(7):
        assert len(lire(client, f"{chemin}/transitions")) == 9


def test_budget_lines_without_financeur_are_not_financeurs(jeu):
    assert LigneBudget.objects.filter(dossier=jeu.brouillon_autre, financeur__isnull=True).exists()
    dossier = lire(client_de(compte("pilote")), f"/dossiers/{jeu.brouillon_autre.pk}")
    assert len(dossier["financeurs"]) == 2
