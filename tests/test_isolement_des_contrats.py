"""A person of one contract never reads nor writes an object of another, whatever the id.

Two contracts are loaded: Villiers 2015-2020 (A, the root conftest's) and Villiers
2024-2030 (B). B's demo years give it calls, dossiers in every state, financings,
conventions, payments, meetings with their decisions, bilans and engagements' follow-ups,
all lived through the services (a few seconds, once for the module); what its demo lacks
(a draft with its piece, a porte-documents, a join request, compléments, a prepared meeting
with its document, a postponement, an indicator and its measure, an evaluation, a rapport
annuel with its generation and avis, an avenant, an invitation, a follow-up with its proof,
a commune and a quartier of its own) is added through the services too. The demo accounts
act in both contracts, so the people of A are fresh ones (`_personas_de_a`), with roles in
A only; A's pilote is staff, as the demo pilote is.

MOTIFS is the one table of every URL pattern that takes a parameter (pages, API, the
admin's URLs beyond its model objects): the model of B it designates and how each
parameter reads off that object (`CONTRAT` for the contract's slug, a lookup path, fixed
values), the query string likewise. A pattern or an API parameter missing from it fails
`test_chaque_motif_a_parametres_est_declare` / `test_chaque_parametre_de_l_api_est_declare`;
B's own people reach what it designates (`test_les_gens_de_b_atteignent…`), so a refusal
to A's people means something. Then:

- the property (hypothesis): a persona of A, a pattern, an object of B (or an id that
  exists nowhere), the slug of A or of B next to ids of B's objects; GET, POST with an
  empty body, POST with the fields B's own people are offered on that page; or, for A's
  staff pilote, an admin URL of one of B's objects. The answer is a refusal (401, 403,
  404, 405, the login page, the admin index saying the object "n'existe pas"), or, where
  the table says the page is public by design (or open to every account, or A's own page
  named by a key that B's object shares), a page; no body holds B's non-public data
  (`_secrets`); no history event about B's objects is written, no targeted row changes;
- the same property on every pattern, with one object of B (`test_aucun_motif…`);
- the admin, for every registered ModelAdmin: B's rows neither listed nor reachable, no
  B-only object among the choices of a related field; the shared referentials read but
  never changed.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from html import unescape
from typing import Any

import pytest
from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.forms.formsets import BaseFormSet
from django.http import HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptes.models import Role, Utilisateur
from conftest import DOSSIER_VILLIERS, SLUG_VILLIERS
from contrats import avenants, equipe
from contrats.demo import groupe_pilotes
from contrats.models import (
    Avenant,
    AxeTransversal,
    Contrat,
    Engagement,
    FicheAction,
    Habilitation,
    Instance,
    Invitation,
    ObjectifOperationnel,
    Organisation,
    SectionEngagements,
    Signataire,
    VersionContrat,
)
from contrats.selectors import premiere_personne
from contrats.services import attribuer_habilitation, charger_contrat
from contrats.tests.factories import CommuneFactory, QuartierFactory, UtilisateurFactory
from gouvernance.demo import generer_demo_gouvernance
from gouvernance.models import DocumentSeance, PointOrdreDuJour, Seance
from gouvernance.services import ajouter_point, joindre_document, preparer_seance
from historique.horloge import aujourdhui
from historique.models import Evenement
from programmation.actions import ActionProgrammation
from programmation.demo import generer_demo as generer_demo_programmation
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import (
    AppelAProjets,
    CodeTransition,
    Convention,
    DemandeAdhesion,
    DocumentStructure,
    Dossier,
    Financement,
    Paiement,
    PieceJointe,
    SectionDossier,
    Statut,
    Structure,
    VersionDossier,
)
from programmation.services.adhesions import demander_adhesion
from programmation.services.complements import demander_complements
from programmation.services.dossiers import ajouter_piece, creer_dossier
from programmation.services.pieces import ajouter_document
from programmation.tests.factories import AppelFactory, StructureFactory
from programmation.tests.outils import CONTENU_PDF
from publication.api import api
from suivi.actions import ActionSuivi
from suivi.demo_complete import generer_demo_suivi
from suivi.models import (
    AvisRapport,
    Bilan,
    CodeTransitionBilan,
    CodeTransitionRapport,
    ConstatObjectif,
    Evaluation,
    GenerationRapport,
    IndicateurResultat,
    MesureIndicateur,
    RapportAnnuel,
    ReportDeDates,
    StatutBilan,
    StatutEngagement,
    SuiviEngagement,
)
from suivi.permissions import peut_proposer_suivi_engagement
from suivi.services import rapports as services_rapports
from suivi.services.bilans import demander_report
from suivi.services.engagements import proposer_suivi_engagement
from suivi.services.evaluations import enregistrer_constat, ouvrir_evaluation
from suivi.services.referentiel import DonneesIndicateur, creer_indicateur, enregistrer_mesure
from suivi.tests.outils_rapports import executer_les_taches, sans_mise_en_page
from territoires.models import Indicateur, Observation, QuartierPrioritaire, TerritoireDeReference
from tests.outils import client_de

# One process builds contract B once for the module (bin/tester runs two).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("isolement-des-contrats")]

SLUG_2024_2030 = "villiers-sur-marne-2024-2030"
INEXISTANT = 987_654_321  # an id no row has
ROLES = ("pilote", "etat", "financeur", "porteur", "membre")

# What B holds that nobody outside B may read: found in a body, it is a leak.
BROUILLON = "Atelier confidentiel du contrat suivant"
CONSTAT = "Constat confidentiel de l'évaluation du contrat suivant"
INDICATEUR = "Indicateur confidentiel du contrat suivant"
SEANCE = "Séance préparatoire confidentielle du contrat suivant"
DOCUMENT_SEANCE = "Note confidentielle aux membres du contrat suivant"
PERSPECTIVES = "Perspectives confidentielles du rapport du contrat suivant"
COMPLEMENTS = "Compléments confidentiels demandés au porteur du contrat suivant"
REPORT = "Report confidentiel demandé par le porteur du contrat suivant"
ADHESION = "Demande confidentielle d'adhésion au contrat suivant"
PIECE = "statuts-confidentiels-contrat-suivant.pdf"
DOCUMENT_PORTEUR = "rib-confidentiel-contrat-suivant.pdf"
PREUVE = "preuve-confidentielle-contrat-suivant.pdf"
INVITEE = "invitee-confidentielle@contrat-suivant.test"


# --- The table: every URL pattern with parameters, and what each parameter designates ---------

CONTRAT = "<contrat>"  # the contract's slug: B's, or A's next to ids of B's objects
TYPE_DE_CONTENU = "<type>"  # the content type id of the motif's model


@dataclass(frozen=True)
class Fixe:
    """A parameter that designates no object: one of these values."""

    valeurs: tuple[Any, ...]

    def __init__(self, *valeurs: Any) -> None:
        object.__setattr__(self, "valeurs", valeurs)


class Acces:
    RESERVE = "réservé"  # to the people of its contract: refused to the others
    PUBLIC = "public"  # to everyone, by design: a page, but none of B's non-public data
    COMPTE = "compte"  # to every account, by design (a newcomer joins a contract there)
    HORS_CONTRAT = "hors contrat"  # an account's token: no contract data behind it


@dataclass(frozen=True)
class Motif:
    """What a URL pattern designates: an object of `modele` in B (B itself for Contrat),
    each parameter read off it (`CONTRAT`, a lookup path from it, or `Fixe` values); the
    query string likewise (`requete`)."""

    modele: type[models.Model] | None
    parametres: dict[str, Any]
    acces: str = Acces.RESERVE
    requete: dict[str, Any] = field(default_factory=dict)
    # History actions the pattern writes on B's objects by design.
    ecritures_permises: frozenset[str] = frozenset()
    # The view answers a refused POST by a redirection with an error message.
    refus_par_message: bool = False
    # B's objects tried first (by the test of every pattern): the most telling ones.
    choix: Q | None = None


def _contrat(acces: str = Acces.RESERVE, **autres: Any) -> Motif:
    return Motif(Contrat, {"slug": CONTRAT, **autres}, acces)


def _public(modele: type[models.Model], **parametres: Any) -> Motif:
    return Motif(modele, {"slug": CONTRAT, **parametres}, Acces.PUBLIC)


def _de_b(
    modele: type[models.Model],
    refus_par_message: bool = False,
    choix: Q | None = None,
    **parametres: Any,
) -> Motif:
    return Motif(
        modele, parametres or {"pk": "pk"}, refus_par_message=refus_par_message, choix=choix
    )


def _dans(modele: type[models.Model], **parametres: Any) -> Motif:
    """An object of B under a contract's slug."""
    return Motif(modele, {"slug": CONTRAT, **parametres})


TRANSITIONS = Fixe(*CodeTransition.values)
CSV = Fixe("csv")
BROUILLON_DE_B = Q(statut=Statut.BROUILLON)
EN_INSTRUCTION = Q(dossier__statut=Statut.EN_INSTRUCTION)
BILAN_ATTENDU = Q(statut=StatutBilan.ATTENDU)
AVEC_DOCUMENT = Q(document__gt="")

# fmt: off
MOTIFS: dict[str, Motif] = {
    # --- contrats: the contract's public pages, its team, its avenants and versions ---
    "contrats:apercu": _contrat(Acces.PUBLIC),
    "contrats:contrat_suivant": _contrat(),
    "contrats:cadre": _contrat(Acces.PUBLIC),
    "contrats:objectif": _public(ObjectifOperationnel, numero="numero"),
    "contrats:axe": _public(AxeTransversal, numero="numero"),
    "contrats:plan": _contrat(Acces.PUBLIC),
    "contrats:diagnostic": _contrat(Acces.PUBLIC),
    "contrats:indicateurs": _contrat(Acces.PUBLIC),
    # The indicators are a shared referential: B's series are its territories' observations.
    "contrats:indicateur": _public(Observation, code="indicateur__code"),
    "contrats:indicateur_csv": _public(Observation, code="indicateur__code"),
    "contrats:observations_importer": _contrat(),
    "contrats:observations_confirmer": _contrat(),
    "contrats:observations_modele": _contrat(Acces.PUBLIC, format=CSV),  # a blank template
    "contrats:signataires": _contrat(Acces.PUBLIC),
    "contrats:engagements": _public(SectionEngagements, numero="numero"),
    "contrats:gouvernance": _contrat(Acces.PUBLIC),
    "contrats:equipe": _contrat(),
    "contrats:equipe_modifier": _dans(Habilitation, pk="pk"),
    "contrats:equipe_retirer": _dans(Habilitation, pk="pk"),
    # The token is the invitee's credential: an unknown one here, B's own under A's slug in
    # test_le_jeton_d_une_invitation_ne_vaut_que_dans_son_contrat.
    "contrats:invitation": Motif(Invitation, {"slug": CONTRAT, "jeton": Fixe("jeton-inconnu")}),
    "contrats:avenants": _contrat(Acces.PUBLIC),
    "contrats:avenant_nouveau": _contrat(),
    "contrats:avenant": _public(Avenant, numero="numero"),
    "contrats:avenant_recueil": _dans(Avenant, numero="numero"),
    "contrats:avenant_accord": _dans(Avenant, numero="numero"),
    "contrats:versions_comparer": _contrat(Acces.PUBLIC),
    "contrats:version": _public(VersionContrat, numero="numero"),
    # --- gouvernance: meetings, bodies, conseil citoyen ---
    "gouvernance:calendrier": _contrat(Acces.PUBLIC),
    "gouvernance:frequences": _contrat(Acces.PUBLIC),
    "gouvernance:reunions": _contrat(),
    "gouvernance:nouvelle_reunion": _contrat(),
    "gouvernance:seance": _de_b(Seance),
    "gouvernance:ajouter_point": _de_b(Seance),
    "gouvernance:retirer_point": _de_b(PointOrdreDuJour, pk="seance", point="pk"),
    "gouvernance:decider": _de_b(PointOrdreDuJour, pk="seance", point="pk"),
    "gouvernance:convoquer": _de_b(Seance),
    "gouvernance:tenir": _de_b(Seance),
    "gouvernance:annuler": _de_b(Seance),
    "gouvernance:presences": _de_b(Seance),
    "gouvernance:publier_releve": _de_b(Seance),
    "gouvernance:releve_pdf": _de_b(Seance),
    "gouvernance:joindre_document": _de_b(Seance),
    "gouvernance:document": _de_b(DocumentSeance),
    "gouvernance:instance": _public(Instance, code="code"),
    "gouvernance:instance_membre": _dans(Instance, code="code"),
    "gouvernance:instance_fin_mandat": _dans(Instance, code="code"),
    "gouvernance:conseil_citoyen": _contrat(Acces.PUBLIC),
    "gouvernance:conseil_citoyen_membre": _contrat(),
    "gouvernance:conseil_citoyen_fin_mandat": _contrat(),
    "gouvernance:conseil_citoyen_charte": _contrat(),
    "gouvernance:conseil_citoyen_charte_fichier": _contrat(Acces.PUBLIC),
    # --- programmation: public pages, the porteur's, the pilotage's, corrections ---
    "programmation:fiche_action": _public(FicheAction, page="fiche_page"),
    "programmation:appels": _contrat(Acces.PUBLIC),
    "programmation:appel": _public(AppelAProjets, annee="annee"),
    "programmation:plan_annuel": _public(AppelAProjets, annee="annee"),
    "programmation:plan_annuel_export": _public(AppelAProjets, annee="annee", format=CSV),
    # Anyone logged in may register a structure in any contract and act for it there.
    "programmation:structure": _contrat(Acces.COMPTE),
    "programmation:inviter_collegue": _contrat(),
    "programmation:porte_documents": _contrat(),
    "programmation:document": _dans(DocumentStructure, pk="pk"),
    "programmation:document_remplacer": _dans(DocumentStructure, pk="pk"),
    "programmation:document_retirer": _dans(DocumentStructure, pk="pk"),
    "programmation:mes_dossiers": _contrat(Acces.COMPTE),
    "programmation:nouveau_dossier": Motif(
        AppelAProjets, {"slug": CONTRAT, "annee": "annee"}, refus_par_message=True
    ),
    "programmation:dossier": _de_b(Dossier, choix=BROUILLON_DE_B),
    "programmation:transition": _de_b(Dossier, choix=BROUILLON_DE_B, pk="pk", nom=TRANSITIONS),
    "programmation:dossier_action": _de_b(Dossier, choix=BROUILLON_DE_B),
    # The CERFA's "public visé" section of a draft, not a public page.
    "programmation:dossier_public": _de_b(Dossier, choix=BROUILLON_DE_B),
    "programmation:dossier_budget": _de_b(Dossier, choix=BROUILLON_DE_B),
    "programmation:dossier_pieces": _de_b(Dossier, choix=BROUILLON_DE_B),
    # A porte-documents piece through a draft that uses it.
    "programmation:document_du_dossier": _de_b(
        DocumentStructure,
        choix=Q(structure__dossiers__statut=Statut.BROUILLON),
        pk="structure__dossiers",
        document="pk",
    ),
    "programmation:dossier_depot": _de_b(Dossier, choix=BROUILLON_DE_B),
    "programmation:dossier_convention_pluriannuelle": _de_b(Dossier, choix=BROUILLON_DE_B),
    "programmation:recepisse": _de_b(VersionDossier, pk="dossier", numero="numero"),
    "programmation:piece": _de_b(PieceJointe),
    "programmation:piece_supprimer": _de_b(PieceJointe),
    "programmation:appel_nouveau": _contrat(),
    "programmation:conventions_pluriannuelles": _contrat(),
    "programmation:appel_modifier": _dans(AppelAProjets, annee="annee"),
    "programmation:appel_enveloppes": _dans(AppelAProjets, annee="annee"),
    "programmation:appel_publier": _dans(AppelAProjets, annee="annee"),
    "programmation:dossiers_appel": _dans(AppelAProjets, annee="annee"),
    "programmation:dossiers_appel_export": _dans(AppelAProjets, annee="annee", format=CSV),
    "programmation:mettre_en_instruction_lot": _dans(AppelAProjets, annee="annee"),
    "programmation:comite_recevabilite": _dans(AppelAProjets, annee="annee"),
    "programmation:comite_pilotage": _dans(AppelAProjets, annee="annee"),
    # Once rendered and past its month, the conseil citoyen's avis is public.
    "programmation:avis_conseil_citoyen": _public(AppelAProjets, annee="annee"),
    "programmation:avis_conseil_citoyen_consulter": _dans(AppelAProjets, annee="annee"),
    "programmation:financement_avis": _de_b(Financement, choix=EN_INSTRUCTION),
    "programmation:financement_accord": _de_b(Financement, choix=Q(dossier__statut=Statut.VALIDE)),
    "programmation:convention_pdf": _de_b(Convention),
    "programmation:convention_paiements": _de_b(Convention),
    "programmation:demande_complements": _de_b(Dossier),
    "programmation:versions": _de_b(Dossier),
    "programmation:revenir_sur_decision": _de_b(Dossier),
    "programmation:annulation_paiement": _de_b(Paiement),
    # Joining a structure is open to every account of any contract (one structure per
    # SIRET, README): the request is written, nothing else.
    "programmation:demande_adhesion": Motif(
        Structure,
        {"slug": CONTRAT, "pk": "pk"},
        Acces.COMPTE,
        ecritures_permises=frozenset({ActionProgrammation.ADHESION_DEMANDEE}),
    ),
    "programmation:accepter_adhesion": _de_b(DemandeAdhesion, refus_par_message=True),
    "programmation:refuser_adhesion": _de_b(DemandeAdhesion, refus_par_message=True),
    # --- suivi: bilans, dashboard, referential, evaluations, rapports, engagements ---
    "suivi:bilan_du_dossier": _de_b(Bilan, pk="dossier"),
    "suivi:bilan_saisie": _de_b(Bilan, choix=BILAN_ATTENDU),
    "suivi:bilan_transition": _de_b(
        Bilan, choix=BILAN_ATTENDU, pk="pk", code=Fixe(*CodeTransitionBilan.values)
    ),
    "suivi:bilan_report": _de_b(Bilan, choix=BILAN_ATTENDU),
    "suivi:report_decision": _de_b(ReportDeDates),
    # Every account lists there the bilans it may read; the page first creates, as the
    # system (no author), the expected bilans of the contract's funded dossiers, whoever reads.
    "suivi:bilans_du_contrat": Motif(
        Contrat,
        {"slug": CONTRAT},
        Acces.COMPTE,
        ecritures_permises=frozenset({ActionSuivi.BILAN_CREATION}),
    ),
    "suivi:tableau_de_bord": _contrat(),
    "suivi:tableau_de_bord_dossiers": _contrat(),
    "suivi:tableau_de_bord_export": _contrat(table=Fixe("financements", "natures"), format=CSV),
    "suivi:referentiel": _contrat(),
    "suivi:indicateur_nouveau": _contrat(),
    "suivi:indicateur": _de_b(IndicateurResultat),
    "suivi:indicateur_modifier": _de_b(IndicateurResultat),
    "suivi:mesure_enregistrer": _de_b(IndicateurResultat),
    "suivi:mesure_supprimer": _de_b(MesureIndicateur),
    "suivi:evaluations": _contrat(),
    "suivi:evaluation_ouvrir": _contrat(),
    "suivi:evaluation": _de_b(Evaluation),
    "suivi:evaluation_constat": _de_b(ConstatObjectif, pk="evaluation", objectif_pk="objectif"),
    "suivi:evaluation_sections": _de_b(Evaluation),
    "suivi:evaluation_decision": _de_b(
        Evaluation, pk="pk", dossier_pk="contrat__appels__dossiers"
    ),
    "suivi:evaluation_arreter": _de_b(Evaluation),
    "suivi:rapports_annuels": _contrat(),
    "suivi:rapport_annuel": _dans(RapportAnnuel, annee="annee"),
    "suivi:rapport_perspectives": _dans(RapportAnnuel, annee="annee"),
    "suivi:rapport_generer": _dans(RapportAnnuel, annee="annee"),
    "suivi:rapport_generation": _dans(GenerationRapport, annee="rapport__annee", pk="pk"),
    "suivi:rapport_transition": _dans(
        RapportAnnuel, annee="annee", code=Fixe(*CodeTransitionRapport.values)
    ),
    "suivi:rapport_avis": _dans(AvisRapport, annee="rapport__annee", pk="pk"),
    "suivi:rapport_document": _dans(RapportAnnuel, annee="annee", format=Fixe("pdf", "odt")),
    "suivi:rapports_publies": _contrat(Acces.PUBLIC),
    # Only a published rapport is public: B's is a projet.
    "suivi:rapport_publie_document": _public(RapportAnnuel, annee="annee", format=Fixe("pdf")),
    # The public reads the validated follow-ups of the engagements.
    "suivi:suivi_engagements": _contrat(Acces.PUBLIC),
    "suivi:suivi_engagements_export": _contrat(Acces.PUBLIC, format=CSV),
    "suivi:suivi_engagements_signataire": _public(Signataire, code="organisation__code"),
    "suivi:suivi_engagement_proposer": _dans(Engagement, pk="pk", annee=Fixe(2025)),
    "suivi:suivi_engagement_examiner": _dans(SuiviEngagement, pk="pk"),
    "suivi:suivi_engagement_document": Motif(
        SuiviEngagement, {"slug": CONTRAT, "pk": "pk"}, choix=AVEC_DOCUMENT
    ),
    # --- territoires and publication ---
    "territoires:quartier": Motif(QuartierPrioritaire, {"slug": "slug"}, Acces.PUBLIC),
    "publication:recherche": Motif(
        Contrat, {}, Acces.PUBLIC, requete={"contrat": CONTRAT, "q": Fixe("confidentiel")}
    ),
    # --- the API (django-ninja, publication/api*.py): path and query parameters ---
    "api-v1:detail_contrat": _contrat(Acces.PUBLIC),
    "api-v1:cadre": _contrat(Acces.PUBLIC),
    "api-v1:detail_objectif": _public(ObjectifOperationnel, numero="numero"),
    "api-v1:plan": Motif(
        Contrat, {"slug": CONTRAT}, Acces.PUBLIC,
        requete={"pilier": Fixe(""), "domaine": Fixe(""), "objectif": Fixe("")},
    ),
    "api-v1:diagnostic_contrat": _contrat(Acces.PUBLIC),
    "api-v1:liste_signataires": _contrat(Acces.PUBLIC),
    "api-v1:liste_engagements": _contrat(Acces.PUBLIC),
    "api-v1:gouvernance": _contrat(Acces.PUBLIC),
    "api-v1:detail_quartier": Motif(QuartierPrioritaire, {"slug": "slug"}, Acces.PUBLIC),
    "api-v1:recherche": Motif(
        Contrat, {}, Acces.PUBLIC,
        requete={"contrat": CONTRAT, "q": Fixe("confidentiel"), "page": Fixe(1)},
    ),
    # The lists answer every account with what it may read: none of B's dossiers or bilans.
    "api-v1:liste_dossiers": Motif(
        Dossier, {}, Acces.COMPTE,
        requete={
            "contrat": CONTRAT,
            "annee": "appel__annee",
            "statut": "statut",
            "structure": "structure__organisation__nom",
            "page": Fixe(1),
        },
    ),
    "api-v1:detail_dossier": _de_b(Dossier, id="pk"),
    "api-v1:transitions_dossier": _de_b(Dossier, id="pk"),
    "api-v1:liste_bilans": Motif(
        Bilan, {}, Acces.COMPTE,
        requete={"contrat": CONTRAT, "annee": "annee", "statut": "statut", "page": Fixe(1)},
    ),
    "api-v1:instances": _contrat(Acces.PUBLIC),
    "api-v1:reunions": Motif(
        Contrat, {"slug": CONTRAT}, Acces.PUBLIC, requete={"page": Fixe(1)}
    ),
    # --- the admin's URLs that are no registered model's object URLs ---
    "admin:view_on_site": _de_b(Dossier, content_type_id=TYPE_DE_CONTENU, object_id="pk"),
    "admin:auth_user_password_change": _de_b(Utilisateur, id="pk"),
    "admin:app_list": Motif(None, {"app_label": Fixe("contrats")}, Acces.HORS_CONTRAT),
    # Django's admin catch-all: a missing page, or the admin's login.
    "admin/(?P<url>.*)$": Motif(None, {"url": Fixe("inexistant/")}, Acces.HORS_CONTRAT),
    # --- accounts (allauth): tokens of an account, no contract data behind them ---
    "account_confirm_email": Motif(None, {"key": Fixe("cle")}, Acces.HORS_CONTRAT),
    "account_reset_password_from_key": Motif(
        None, {"uidb36": Fixe("1"), "key": Fixe("cle")}, Acces.HORS_CONTRAT
    ),
}
# fmt: on


# --- The URL patterns, walked through Django's resolver --------------------------------------


@dataclass(frozen=True)
class Route:
    nom: str  # with its namespaces, "" for an unnamed pattern
    gabarit: str
    parametres: tuple[str, ...]


def routes(resolveur=None, prefixe: str = "", espace: str = "", herites=()) -> Iterator[Route]:
    """Every URL pattern, through nested resolvers, with the parameters of its whole path."""
    resolveur = resolveur or get_resolver("config.urls")
    for motif in resolveur.url_patterns:
        parametres = (*herites, *motif.pattern.regex.groupindex)
        if isinstance(motif, URLResolver):
            sous = ":".join(filter(None, (espace, motif.namespace)))
            yield from routes(motif, prefixe + str(motif.pattern), sous, parametres)
        elif isinstance(motif, URLPattern):
            nom = ":".join(filter(None, (espace, motif.name))) if motif.name else ""
            yield Route(nom, prefixe + str(motif.pattern), parametres)


def routes_a_parametres() -> list[Route]:
    return [route for route in routes() if route.parametres]


def url_d_objet_administre(route: Route) -> bool:
    """A registered ModelAdmin's URL of one object: covered by the admin tests below."""
    for modele in admin.site._registry:
        base = f"admin/{modele._meta.app_label}/{modele._meta.model_name}/<path:object_id>/"
        noms = {f"admin:{modele._meta.app_label}_{modele._meta.model_name}_{vue}" for vue in VUES}
        if route.nom in noms or (not route.nom and route.gabarit == base):
            return True
    return False


VUES = ("change", "delete", "history")


# --- Which objects are B's ---------------------------------------------------------------------


@cache
def chemin_vers(modele: type[models.Model], cible: type[models.Model]) -> str | None:
    """The shortest lookup path of foreign keys from `modele` to `cible` ("pk" for itself)."""
    if modele is cible:
        return "pk"
    frontiere, vus = [(modele, "")], {modele}
    while frontiere:
        suivante = []
        for courant, chemin in frontiere:
            for champ in courant._meta.get_fields():
                if not (champ.concrete and (champ.many_to_one or champ.one_to_one)):
                    continue
                suivant = champ.related_model
                suite = f"{chemin}__{champ.name}" if chemin else champ.name
                if suivant is cible:
                    return suite
                if suivant not in vus:
                    vus.add(suivant)
                    suivante.append((suivant, suite))
        frontiere = suivante
    return None


def chemin_vers_le_contrat(modele: type[models.Model]) -> str | None:
    return chemin_vers(modele, Contrat)


@cache
def liens_vers_les_contrats(modele: type[models.Model]) -> tuple[str, ...]:
    """For a model without a contract of its own (an organisation, a person, a commune…),
    the lookups to the contracts it takes part in, through any relation."""
    liens = []
    for champ in modele._meta.get_fields():
        cible = champ.related_model if champ.is_relation else None
        chemin = chemin_vers_le_contrat(cible) if cible not in (None, modele) else None
        if chemin is not None:
            liens.append(f"{champ.name}__{chemin}")
    return tuple(liens)


def modele_au_bout(modele: type[models.Model], chemin: str) -> type[models.Model] | None:
    """The model a lookup path ends on ("seance", "structure__dossiers", "pk"), or None
    when it ends on a plain field (a natural key: "numero", "annee"…)."""
    for nom in chemin.split("__"):
        if nom == "pk":
            return modele
        champ = modele._meta.get_field(nom)
        if not champ.is_relation:
            return None
        modele = champ.related_model
    return modele


# --- The world: contract B lived through its demo, the people of A ----------------------------


@dataclass
class Monde:
    a: Contrat
    b: Contrat
    personas: dict[str, Utilisateur]
    gens_de_b: tuple[Utilisateur, ...]  # B's pilote, its État, a porteur of B alone
    jeton_b: str  # the token of an invitation to B
    secrets: tuple[str, ...]
    _cles: dict[type[models.Model], frozenset] = field(default_factory=dict)

    def cles_de_b(self, modele: type[models.Model]) -> frozenset:
        """The pks of B's objects of `modele`: those of its contract; for a model without
        one, those that take part in B and not in A (or hang on such objects)."""
        if modele not in self._cles:
            self._cles[modele] = frozenset(self._cles_de_b(modele))
        return self._cles[modele]

    def _cles_de_b(self, modele: type[models.Model]) -> set:
        gerant = modele._default_manager
        chemin = chemin_vers_le_contrat(modele)
        if chemin is not None:
            return set(gerant.filter(**{chemin: self.b.pk}).values_list("pk", flat=True))
        if liens := liens_vers_les_contrats(modele):
            return _lies(gerant, liens, self.b) - _lies(gerant, liens, self.a)
        cles = set()
        for champ in modele._meta.get_fields():
            cible = champ.related_model if champ.concrete and champ.many_to_one else None
            if cible is not None and cible is not modele and liens_vers_les_contrats(cible):
                filtre = {f"{champ.name}__in": self.cles_de_b(cible)}
                cles |= set(gerant.filter(**filtre).values_list("pk", flat=True))
        return cles

    def objets_de_b(self, modele: type[models.Model]) -> models.QuerySet:
        return modele._default_manager.filter(pk__in=self.cles_de_b(modele)).order_by("pk")

    def est_de_b(self, evenement: Evenement) -> bool:
        modele = evenement.content_type.model_class()
        chemin = chemin_vers_le_contrat(modele)
        if chemin is not None:
            objets = modele._default_manager.filter(pk=evenement.object_id, **{chemin: self.b.pk})
            return objets.exists()
        return evenement.object_id in {str(cle) for cle in self.cles_de_b(modele)}


def _lies(gerant: models.Manager, liens: tuple[str, ...], contrat: Contrat) -> set:
    condition = Q()
    for lien in liens:
        condition |= Q(pk__in=gerant.filter(**{lien: contrat.pk}).values("pk"))
    return set(gerant.filter(condition).values_list("pk", flat=True))


def _pdf(nom: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, CONTENU_PDF, content_type="application/pdf")


def _personas_de_a(a: Contrat) -> dict[str, Utilisateur]:
    """One fresh person per role, in A only (the demo accounts also act in B). The
    financeur is the Département's agent: B's dossiers ask the Département (none asks the
    CAF), so a rule that forgot the contract would show them to this agent."""
    membre = {"instance": a.instances.get(code="comite-recevabilite")}
    departement = Organisation.objects.get(code="departement-94")
    roles = {
        "pilote": (Role.PILOTE, {}),
        "etat": (Role.ETAT, {}),
        "financeur": (Role.FINANCEUR, {"organisation": departement}),
        "porteur": (Role.PORTEUR, {"organisation": StructureFactory().organisation}),
        "membre": (Role.MEMBRE, membre),
    }
    personas = {}
    for nom, (role, rattachement) in roles.items():
        utilisateur = UtilisateurFactory(username=f"{nom}-du-contrat-a")
        attribuer_habilitation(utilisateur=utilisateur, contrat=a, role=role, **rattachement)
        personas[nom] = utilisateur
    # A's pilote administers A's data, as the demo pilote does (contrats.demo).
    personas["pilote"].is_staff = True
    personas["pilote"].save(update_fields=["is_staff"])
    personas["pilote"].groups.add(groupe_pilotes())
    return personas


def _vivre_le_contrat_b() -> Contrat:
    b, _ = charger_contrat(dossier=DOSSIER_VILLIERS.parent / SLUG_2024_2030)
    generer_demo_programmation(b)
    generer_demo_gouvernance(b)
    generer_demo_suivi(b)
    return b


@dataclass(frozen=True)
class GensDeB:
    pilote: Utilisateur
    porteur: Utilisateur
    structure: Structure


def _gens_de_b(a: Contrat, b: Contrat) -> GensDeB:
    """B's pilote and the porteur of a structure that works in B alone."""
    structure = (
        Structure.objects.filter(organisation__habilitations__contrat=b)
        .exclude(organisation__habilitations__contrat=a)
        .order_by("pk")
        .first()
    )
    porteur = premiere_personne(b, Role.PORTEUR, organisation=structure.organisation)
    return GensDeB(premiere_personne(b, Role.PILOTE), porteur, structure)


def _brouillon_et_ses_pieces(b: Contrat, gens: GensDeB) -> Dossier:
    """A draft in an open call of B, its piece, and a piece of its structure's porte-documents;
    a funder only this draft's budget names."""
    appel = AppelFactory(contrat=b, annee=2027, pieces_requises=["rib"])
    brouillon = creer_dossier(
        appel=appel, structure=gens.structure, intitule=BROUILLON, acteur=gens.porteur
    )
    ajouter_piece(dossier=brouillon, nature="statuts", fichier=_pdf(PIECE), acteur=gens.porteur)
    ajouter_document(
        structure=gens.structure,
        contrat=b,
        nature="rib",
        fichier=_pdf(DOCUMENT_PORTEUR),
        acteur=gens.porteur,
    )
    fondation = Organisation.objects.create(
        code="fondation-du-contrat-suivant", nom="Fondation du contrat suivant"
    )
    brouillon.lignes_budget.create(
        sens="produit",
        compte="74",
        libelle="Fondation",
        montant=Decimal("500"),
        financeur=fondation,
        nature="autre",
    )
    return brouillon


def _corrections_et_demandes(b: Contrat, gens: GensDeB) -> None:
    """A join request, compléments asked, a postponement asked."""
    demander_adhesion(
        structure=gens.structure, contrat=b, acteur=UtilisateurFactory(), message=ADHESION
    )
    # The dossier in instruction stays so: its financings take avis.
    recevable = Dossier.objects.filter(appel__contrat=b, statut=Statut.RECEVABLE).first()
    demander_complements(
        dossier=recevable,
        acteur=gens.pilote,
        message=COMPLEMENTS,
        sections=[SectionDossier.ACTION],
        echeance=aujourdhui() + timedelta(days=10),
    )
    bilan = (
        Bilan.objects.filter(dossier__appel__contrat=b, statut=StatutBilan.ATTENDU)
        .select_related("dossier__structure", "dossier__appel")
        .first()
    )
    porteur = premiere_personne(b, Role.PORTEUR, organisation=bilan.dossier.structure.organisation)
    demander_report(
        bilan=bilan,
        date_debut=bilan.dossier.date_debut,
        date_fin=bilan.dossier.date_fin + timedelta(days=90),
        motif=REPORT,
        acteur=porteur,
    )


def _seance_preparee(b: Contrat, gens: GensDeB) -> None:
    instance = b.instances.filter(nature=Instance.Nature.COPIL_TECHNIQUE).first()
    seance = preparer_seance(
        instance=instance, date=aujourdhui(), titre=SEANCE, lieu="Mairie", acteur=gens.pilote
    )
    ajouter_point(seance=seance, acteur=gens.pilote, intitule="Point confidentiel")
    joindre_document(
        seance=seance, acteur=gens.pilote, titre=DOCUMENT_SEANCE, fichier=_pdf("note.pdf")
    )


def _evaluation_et_referentiel(b: Contrat, gens: GensDeB) -> None:
    objectif = ObjectifOperationnel.objects.filter(domaine__pilier__contrat=b).first()
    indicateur = creer_indicateur(
        contrat=b,
        donnees=DonneesIndicateur(
            code="indicateur-confidentiel",
            libelle=INDICATEUR,
            unite="%",
            objectif=objectif,
            action=None,
            valeur_reference=Decimal("10"),
            date_reference=date(2024, 1, 1),
            valeur_cible=Decimal("5"),
            date_cible=date(2030, 12, 31),
            sens=IndicateurResultat.Sens.BAISSE,
        ),
        acteur=gens.pilote,
    )
    enregistrer_mesure(
        indicateur=indicateur, date=date(2025, 6, 30), valeur=Decimal("8"), acteur=gens.pilote
    )
    evaluation = ouvrir_evaluation(contrat=b, nature=Evaluation.Nature.ANNUELLE, acteur=gens.pilote)
    enregistrer_constat(evaluation=evaluation, objectif=objectif, texte=CONSTAT, acteur=gens.pilote)


def _rapport_soumis(b: Contrat, gens: GensDeB) -> None:
    rapport = services_rapports.creer_rapport(contrat=b, annee=2025, acteur=gens.pilote)
    services_rapports.modifier_perspectives(
        rapport=rapport, perspectives=PERSPECTIVES, acteur=gens.pilote
    )
    services_rapports.demander_generation(rapport=rapport, acteur=gens.pilote)
    with sans_mise_en_page():
        executer_les_taches()
    services_rapports.transitionner_rapport(
        rapport=rapport, transition=CodeTransitionRapport.SOUMETTRE, acteur=gens.pilote
    )


def _avenant_et_invitation(b: Contrat, gens: GensDeB) -> str:
    """An avenant proposed (version 1 frozen), an invitation sent: its token."""
    avenants.proposer_avenant(
        contrat=b,
        nature=Avenant.Nature.ANNEXES,
        regle=avenants.regle_par_defaut(b, Avenant.Nature.ANNEXES),
        objet="Mise à jour des fiches-actions",
        expose="Les fiches-actions changent.",
        acteur=gens.pilote,
    )
    mail.outbox = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        equipe.inviter(
            contrat=b,
            email=INVITEE,
            role=Role.ETAT,
            acteur=gens.pilote,
            adresse_site="http://testserver/",
        )
    return re.search(r"/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)


def _suivi_avec_preuve(b: Contrat, gens: GensDeB) -> None:
    """A draft follow-up of an engagement of the commune, with its proof (a PDF)."""
    engagement = next(
        engagement
        for engagement in Engagement.objects.filter(section__contrat=b).order_by("pk")
        if peut_proposer_suivi_engagement(gens.pilote, engagement)
        and not SuiviEngagement.objects.filter(engagement=engagement, annee=2026).exists()
    )
    proposer_suivi_engagement(
        engagement=engagement,
        annee=2026,
        statut=StatutEngagement.EN_COURS,
        acteur=gens.pilote,
        version=0,
        commentaire="En cours.",
        document=_pdf(PREUVE),
        brouillon=True,
    )


def _fiche_numerotee(b: Contrat) -> None:
    """B's plan numbers none of its fiches, so none has its public page: one gets a number
    (written as the files would have loaded it)."""
    fiche = FicheAction.objects.filter(ligne__contrat=b).order_by("pk").first()
    FicheAction.objects.filter(pk=fiche.pk).update(fiche_page=1)


def _territoire_propre(b: Contrat) -> None:
    """A commune and a quartier of B alone, with an observation."""
    quartier = QuartierFactory(communes=[CommuneFactory()])
    b.quartiers.add(quartier)
    b.communes.add(*quartier.communes.all())
    Observation.objects.create(
        indicateur=Indicateur.objects.order_by("pk").first(),
        quartier=quartier,
        date=date(2024, 1, 1),
        valeur=Decimal("12"),
        valeur_texte="12",
        origine=Observation.Origine.IMPORT,
    )


def _secrets(b: Contrat, gens: GensDeB) -> tuple[str, ...]:
    """B's non-public data: its texts above, the numbers of its dossiers that were not
    programmed, its structures' SIRET, its own people's addresses."""
    non_programmes = Dossier.objects.filter(appel__contrat=b).exclude(statut__in=STATUTS_PROGRAMMES)
    return (
        BROUILLON, CONSTAT, INDICATEUR, SEANCE, DOCUMENT_SEANCE, PERSPECTIVES, COMPLEMENTS,
        REPORT, ADHESION, PIECE, DOCUMENT_PORTEUR, PREUVE, INVITEE, gens.structure.siret,
        gens.porteur.email,
        *non_programmes.values_list("numero", flat=True),
    )  # fmt: skip


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Monde]:
    """Contract B and the people of A, built once for the module, rolled back after it."""
    medias = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), medias, transaction.atomic():
        a = Contrat.objects.get(slug=SLUG_VILLIERS)
        b = _vivre_le_contrat_b()
        gens = _gens_de_b(a, b)
        _brouillon_et_ses_pieces(b, gens)
        _corrections_et_demandes(b, gens)
        _seance_preparee(b, gens)
        _evaluation_et_referentiel(b, gens)
        _rapport_soumis(b, gens)
        jeton = _avenant_et_invitation(b, gens)
        _suivi_avec_preuve(b, gens)
        _fiche_numerotee(b)
        _territoire_propre(b)
        yield Monde(
            a=a,
            b=b,
            personas=_personas_de_a(a),
            gens_de_b=(gens.pilote, premiere_personne(b, Role.ETAT), gens.porteur),
            jeton_b=jeton,
            secrets=_secrets(b, gens),
        )
        transaction.set_rollback(True)


# --- A request on B's objects, and what its answer may be -------------------------------------


def _chemins(motif: Motif) -> list[str]:
    """The lookup paths the motif's parameters and query string read off B's object."""
    valeurs = [*motif.parametres.values(), *motif.requete.values()]
    return [v for v in valeurs if isinstance(v, str) and v not in (CONTRAT, TYPE_DE_CONTENU)]


def designe_par_cle(motif: Motif) -> bool:
    """Whether a parameter is an object's id (not a key B's object may share with A's)."""
    return any(modele_au_bout(motif.modele, chemin) for chemin in _chemins(motif))


def slugs_possibles(monde: Monde, motif: Motif) -> tuple[str, ...]:
    """B's slug; A's too next to ids or keys of B's objects (A's pilote may act on A)."""
    if CONTRAT not in [*motif.parametres.values(), *motif.requete.values()]:
        return ("",)
    return (monde.b.slug, monde.a.slug) if _chemins(motif) else (monde.b.slug,)


def lignes_de_b(monde: Monde, motif: Motif, limite: int = 40) -> list[dict[str, Any]]:
    """The values each of B's objects of the motif gives its parameters (at most `limite`),
    those of its `choix` first."""
    chemins = sorted(set(_chemins(motif)) - {"pk"})
    objets = monde.objets_de_b(motif.modele)
    premiers = objets.filter(motif.choix) if motif.choix is not None else objets.none()
    lignes = []
    for ensemble in (premiers, objets):
        for ligne in ensemble.values("pk", *chemins):
            if None not in ligne.values() and ligne not in lignes:
                lignes.append(ligne)
            if len(lignes) == limite:
                return lignes
    return lignes


@dataclass(frozen=True)
class Requete:
    nom: str
    motif: Motif
    slug: str
    parametres: dict[str, Any]
    requete: dict[str, Any]
    cibles: tuple[tuple[type[models.Model], Any], ...]  # B's rows the URL designates

    @property
    def url(self) -> str:
        return reverse(self.nom, kwargs=self.parametres)


def construire(
    nom: str,
    motif: Motif,
    ligne: dict[str, Any],
    slug: str,
    inexistant: bool = False,
    choisir: Callable[[tuple], Any] = lambda valeurs: valeurs[0],
) -> Requete:
    """The request on one of B's objects (`ligne`), or on ids no row has (`inexistant`)."""
    cibles = [(motif.modele, ligne["pk"])] if motif.modele is not None else []

    def valeur(designation: Any) -> Any:
        if designation == CONTRAT:
            return slug
        if designation == TYPE_DE_CONTENU:
            return ContentType.objects.get_for_model(motif.modele).pk
        if isinstance(designation, Fixe):
            return choisir(designation.valeurs)
        trouvee = ligne[designation]
        if modele_au_bout(motif.modele, designation) is not None:
            cibles.append((modele_au_bout(motif.modele, designation), trouvee))
        if inexistant:
            return INEXISTANT if isinstance(trouvee, int) else "inexistant"
        return trouvee

    parametres = {nom_: valeur(d) for nom_, d in motif.parametres.items()}
    requete = {nom_: valeur(d) for nom_, d in motif.requete.items()}
    return Requete(nom, motif, slug, parametres, requete, tuple(dict.fromkeys(cibles)))


def page_permise(monde: Monde, requete: Requete) -> bool:
    """A page (or a handled POST) is an answer only on a page public by design, open to
    every account, or A's own page named by a key B's object shares (an objective's
    number, a year…); its body then holds none of B's non-public data."""
    motif = requete.motif
    if motif.acces in (Acces.PUBLIC, Acces.COMPTE):
        return True
    return requete.slug == monde.a.slug and not designe_par_cle(motif)


def messages_de(reponse: HttpResponse) -> list[messages.storage.base.Message]:
    return list(messages.get_messages(reponse.wsgi_request))


def est_un_refus(reponse: HttpResponse, refus_par_message: bool = False) -> bool:
    """401, 403, 404 or 405; the login page; the admin index saying the object does not
    exist; for a view that answers so, a redirection with nothing but error messages."""
    if reponse.status_code in (401, 403, 404, 405):
        return True
    if reponse.status_code != 302:
        return False
    lieu = reponse["Location"]
    if lieu.startswith((reverse("comptes:connexion"), reverse("admin:login"))):
        return True
    textes = [str(m) for m in messages_de(reponse)]
    if lieu == reverse("admin:index"):
        return any("existe pas" in texte for texte in textes)
    niveaux = {m.level for m in messages_de(reponse)}
    return refus_par_message and niveaux == {messages.ERROR}


def corps(reponse: HttpResponse) -> str:
    """The body as text: JSON decoded (its escapes would hide accents), files read."""
    contenu = (
        b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    ).decode("utf-8", errors="ignore")
    if reponse.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(contenu), ensure_ascii=False)
    return unescape(contenu)


@cache
def motif_des_secrets(secrets_: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(s) for s in sorted(secrets_, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def photographie(cibles: tuple[tuple[type[models.Model], Any], ...]) -> list:
    return [
        modele._default_manager.filter(pk=cle).values().first()
        for modele, cle in cibles
        if isinstance(cle, int) and cle != INEXISTANT
    ]


def essayer(
    monde: Monde,
    client: Client,
    requete: Requete,
    methode: str,
    donnees: dict[str, Any] | None = None,
    refus_par_message: bool = False,
) -> list[str]:
    """Send the request, undo whatever it wrote; what went wrong (nothing: [])."""
    fautes = []
    with transaction.atomic():
        dernier = Evenement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        avant = photographie(requete.cibles)
        url = requete.url
        if methode == "GET":
            reponse = client.get(url, requete.requete)
        else:
            chaine = f"?{urlencode(requete.requete)}" if requete.requete else ""
            reponse = client.post(url + chaine, donnees or {})
        if not (
            est_un_refus(reponse, refus_par_message or requete.motif.refus_par_message)
            or (reponse.status_code < 500 and page_permise(monde, requete))
        ):
            lieu = reponse.get("Location", "")
            fautes.append(f"{methode} {url} : {reponse.status_code} {lieu}".strip())
        if trouves := set(motif_des_secrets(monde.secrets).findall(corps(reponse))):
            fautes.append(f"{methode} {url} montre {sorted(trouves)}")
        ecrits = Evenement.objects.filter(pk__gt=dernier).exclude(
            action__in=requete.motif.ecritures_permises
        )
        fautes += [
            f"{methode} {url} écrit « {e.action} » sur {e.objet_libelle}"
            for e in ecrits
            if monde.est_de_b(e)
        ]
        if photographie(requete.cibles) != avant:
            fautes.append(f"{methode} {url} modifie {requete.cibles}")
        transaction.set_rollback(True)
    client.cookies.pop("messages", None)
    return fautes


# --- The fields B's own people are offered on each page -----------------------------------------


def _valeur_postee(valeur: Any) -> Any:
    if valeur is None:
        return ""
    if isinstance(valeur, list | tuple):
        return [_valeur_postee(v) for v in valeur]
    return getattr(valeur, "pk", valeur)


def _champs(objet: Any, donnees: dict[str, Any], profondeur: int = 0) -> None:
    if isinstance(objet, BaseFormSet):
        _champs(objet.management_form, donnees)
        for formulaire in objet.forms:
            _champs(formulaire, donnees)
    elif isinstance(objet, forms.BaseForm):
        for nom, champ in objet.fields.items():
            if not isinstance(champ, forms.FileField):
                donnees[objet.add_prefix(nom)] = _valeur_postee(objet[nom].value())
    elif isinstance(objet, list | tuple) and profondeur < 2:
        for element in objet:
            _champs(element, donnees, profondeur + 1)


def champs_offerts(reponse: HttpResponse) -> dict[str, Any]:
    """Every form of the page with the values it shows: ready to post back."""
    donnees: dict[str, Any] = {}
    contextes = reponse.context if isinstance(reponse.context, list) else [reponse.context]
    for contexte in filter(None, contextes):
        for valeur in contexte.flatten().values():
            _champs(valeur, donnees)
    return donnees


# --- Fixtures of the tests ----------------------------------------------------------------------

A_ESSAYER = [nom for nom, motif in MOTIFS.items() if motif.acces != Acces.HORS_CONTRAT]
MODELES_ADMINISTRES = sorted(admin.site._registry, key=lambda modele: modele._meta.label)
MOTIF_ADMIN = Motif(None, {"object_id": "pk"})


@dataclass(frozen=True)
class PagesDeB:
    """What B's own people (`gens_de_b_pour`) get on each motif: the fields its page
    offers them (what a POST from A's people plausibly holds), and the status of the first
    of them not refused (the table designates objects that exist)."""

    champs: dict[str, dict[str, Any]]
    statuts: dict[str, int]


def gens_de_b_pour(monde: Monde, motif: Motif, ligne: dict[str, Any]) -> list[Utilisateur]:
    """Who acts in B on the motif's object: B's pilotage and a porteur, the porteur of its
    structure, the agent of its financeur."""
    gens = list(monde.gens_de_b)
    objet = motif.modele._default_manager.filter(pk=ligne["pk"])
    for cible, champ, role in (
        (Structure, "organisation", Role.PORTEUR),
        (Financement, "financeur", Role.FINANCEUR),
    ):
        chemin = chemin_vers(motif.modele, cible)
        if chemin is not None:
            lookup = champ if chemin == "pk" else f"{chemin}__{champ}"
            organisation = objet.values_list(lookup, flat=True).first()
            if personne := premiere_personne(monde.b, role, organisation_id=organisation):
                gens.append(personne)
    return gens


@pytest.fixture(scope="module")
def pages_de_b(monde: Monde, django_db_blocker) -> PagesDeB:
    champs, statuts, clients = {}, {}, {}
    with django_db_blocker.unblock():
        for nom in A_ESSAYER:
            motif = MOTIFS[nom]
            lignes = lignes_de_b(monde, motif, limite=1)
            if motif.acces == Acces.PUBLIC or not lignes:
                continue
            requete = construire(nom, motif, lignes[0], slugs_possibles(monde, motif)[0])
            for personne in gens_de_b_pour(monde, motif, lignes[0]):
                client = clients.setdefault(personne.pk, client_de(personne))
                with transaction.atomic():  # a POST-only URL is posted to, then undone
                    reponse = client.get(requete.url, requete.requete)
                    if reponse.status_code == 405:
                        reponse = client.post(requete.url)
                    transaction.set_rollback(True)
                statuts[nom] = reponse.status_code
                if reponse.status_code == 200 and (offerts := champs_offerts(reponse)):
                    champs[nom] = offerts
                if reponse.status_code != 403:
                    break
    return PagesDeB(champs, statuts)


@pytest.fixture
def clients(monde: Monde) -> dict[str, Client]:
    return {role: client_de(personne) for role, personne in monde.personas.items()}


def _requete_admin(modele: type[models.Model], vue: str, cle: Any) -> Requete:
    nom = f"admin:{modele._meta.app_label}_{modele._meta.model_name}_{vue}"
    return Requete(nom, MOTIF_ADMIN, "", {"object_id": cle}, {}, ((modele, cle),))


def _donnees_admin(vue: str) -> dict[str, str]:
    return {"post": "yes"} if vue == "delete" else {}


# --- The table is whole ---------------------------------------------------------------------


def test_chaque_motif_a_parametres_est_declare():
    a_declarer = [route for route in routes_a_parametres() if not url_d_objet_administre(route)]
    manquants = sorted({route.nom or route.gabarit for route in a_declarer} - set(MOTIFS))
    assert not manquants, f"Motifs à déclarer dans MOTIFS : {manquants}"
    faux = [
        f"{route.nom} : {sorted(route.parametres)}"
        for route in a_declarer
        if set(MOTIFS[route.nom or route.gabarit].parametres) != set(route.parametres)
    ]
    assert not faux, f"Paramètres mal déclarés : {faux}"
    assert not set(MOTIFS) - {route.nom or route.gabarit for route in routes()}


def test_chaque_parametre_de_l_api_est_declare():
    noms = {route.gabarit: route.nom for route in routes() if route.nom.startswith("api-v1:")}
    fautes = []
    for chemin, operations in api.get_openapi_schema()["paths"].items():
        nom = noms[chemin.lstrip("/").replace("{", "<").replace("}", ">")]
        for operation in operations.values():
            parametres = operation.get("parameters", [])
            dans_le_chemin = {p["name"] for p in parametres if p["in"] == "path"}
            dans_la_requete = {p["name"] for p in parametres if p["in"] == "query"}
            motif = MOTIFS.get(nom, Motif(None, {}))
            if (set(motif.parametres), set(motif.requete)) != (dans_le_chemin, dans_la_requete):
                fautes.append(f"{nom} : {sorted(dans_le_chemin)} ?{sorted(dans_la_requete)}")
    assert not fautes, f"Paramètres de l'API à déclarer dans MOTIFS : {fautes}"


def test_les_gens_de_b_atteignent_ce_que_le_tableau_designe(pages_de_b):
    """A refusal to A's people means something only if B's own people reach the URL."""
    non_atteints = {
        nom: statut
        for nom, statut in pages_de_b.statuts.items()
        if statut in (403, 404) and not nom.startswith("admin:") and nom != "contrats:invitation"
    }
    assert not non_atteints, non_atteints


def test_chaque_motif_designe_des_objets_du_contrat_b(monde):
    sans_objet = [nom for nom in A_ESSAYER if not lignes_de_b(monde, MOTIFS[nom], limite=1)]
    assert not sans_objet
    assert all(monde.cles_de_b(modele) for modele in (Organisation, QuartierPrioritaire))


# --- The property ---------------------------------------------------------------------------


MAX_EXEMPLES = 150


def test_une_personne_du_contrat_a_ne_lit_ni_n_ecrit_aucun_objet_du_contrat_b(
    monde, pages_de_b, clients
):
    lignes = {nom: lignes_de_b(monde, MOTIFS[nom]) for nom in A_ESSAYER}
    cibles_admin = [(modele, vue) for modele in MODELES_ADMINISTRES for vue in VUES]

    @settings(
        max_examples=MAX_EXEMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(donnees=st.data())
    def propriete(donnees):
        inexistant = donnees.draw(st.integers(0, 9), label="inexistant") == 0
        methode = donnees.draw(st.sampled_from(("GET", "POST", "POST+champs")), label="méthode")
        if donnees.draw(st.integers(0, 5), label="administration") == 0:
            modele, vue = donnees.draw(st.sampled_from(cibles_admin), label="admin")
            cles = sorted(monde.cles_de_b(modele))
            cle = INEXISTANT if inexistant or not cles else donnees.draw(st.sampled_from(cles))
            requete, role = _requete_admin(modele, vue, cle), "pilote"
            envoi = {} if methode == "GET" else _donnees_admin(vue)
        else:
            nom = donnees.draw(st.sampled_from(A_ESSAYER), label="motif")
            motif = MOTIFS[nom]
            requete = construire(
                nom,
                motif,
                donnees.draw(st.sampled_from(lignes[nom]), label="objet de B"),
                donnees.draw(st.sampled_from(slugs_possibles(monde, motif)), label="contrat"),
                inexistant,
                lambda valeurs: donnees.draw(st.sampled_from(valeurs)),
            )
            role = donnees.draw(st.sampled_from(ROLES), label="rôle")
            envoi = pages_de_b.champs.get(nom, {}) if methode == "POST+champs" else {}
        fautes = essayer(monde, clients[role], requete, methode.split("+")[0], envoi)
        assert not fautes, f"{role} : {fautes}"

    propriete()


def test_aucun_motif_ne_montre_ni_ne_change_un_objet_du_contrat_b(monde, pages_de_b, clients):
    """Every declared pattern, on one of B's objects, under each slug it may take: GET, and
    POST with the fields B's people are offered (or an empty body). Under B's slug or by
    id, every role of A holds the same rights in B (none): the roles take turns. Under A's
    slug, where A's rights weigh, A's pilote (staff, the most rights) tries too. The
    property draws every role on every pattern."""
    fautes = []
    for rang, nom in enumerate(A_ESSAYER):
        motif = MOTIFS[nom]
        (ligne,) = lignes_de_b(monde, motif, limite=1)
        a_tour_de_role = ROLES[rang % len(ROLES)]
        for slug in slugs_possibles(monde, motif):
            requete = construire(nom, motif, ligne, slug)
            roles = ("pilote", a_tour_de_role) if slug == monde.a.slug else (a_tour_de_role,)
            for role in dict.fromkeys(roles):
                client, envoi = clients[role], pages_de_b.champs.get(nom, {})
                fautes += [f"{role} · {f}" for f in essayer(monde, client, requete, "GET")]
                fautes += [f"{role} · {f}" for f in essayer(monde, client, requete, "POST", envoi)]
    assert not fautes, "\n".join(fautes)


def test_le_jeton_d_une_invitation_ne_vaut_que_dans_son_contrat(monde, clients):
    motif = MOTIFS["contrats:invitation"]
    sous_a = Requete(
        "contrats:invitation", motif, monde.a.slug, {"slug": monde.a.slug, "jeton": monde.jeton_b},
        {}, ((Invitation, Invitation.objects.get(contrat=monde.b).pk),),
    )  # fmt: skip
    fautes = []
    for role in ROLES:
        fautes += essayer(monde, clients[role], sous_a, "GET")
        fautes += essayer(monde, clients[role], sous_a, "POST")
    assert not fautes
    # The token is B's own: under B's slug, it opens the invitation.
    reponse = Client().get(reverse("contrats:invitation", args=[monde.b.slug, monde.jeton_b]))
    assert reponse.status_code == 200
    assert INVITEE in reponse.content.decode()


# --- The admin: every registered ModelAdmin ---------------------------------------------------


def _url_admin(modele: type[models.Model], vue: str, *args: Any) -> str:
    return reverse(f"admin:{modele._meta.app_label}_{modele._meta.model_name}_{vue}", args=args)


def _liste_visible(client: Client, modele: type[models.Model]) -> set | None:
    """The pks the changelist shows A's pilote (all its pages), None if refused."""
    reponse = client.get(_url_admin(modele, "changelist"))
    assert reponse.status_code in (200, 403), reponse.status_code
    if reponse.status_code == 403:
        return None
    return set(reponse.context["cl"].queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("modele", MODELES_ADMINISTRES, ids=lambda m: m._meta.label)
def test_l_administration_ne_liste_ni_n_ouvre_aucun_objet_du_contrat_b(monde, clients, modele):
    client = clients["pilote"]
    visibles = _liste_visible(client, modele) or set()
    assert not visibles & monde.cles_de_b(modele), "objets de B listés"
    essais = [(vue, "GET") for vue in VUES] + [("delete", "POST")]
    fautes = essayer(monde, client, _requete_admin(modele, "change", INEXISTANT), "GET")
    for cle in sorted(monde.cles_de_b(modele))[:1]:
        for vue, methode in essais:
            requete = _requete_admin(modele, vue, cle)
            fautes += essayer(monde, client, requete, methode, _donnees_admin(vue))
    assert not fautes, "\n".join(fautes)


def objet_de_a(monde: Monde, modele: type[models.Model]) -> Any:
    """The pk of one of A's objects of `modele`, if it has any."""
    gerant = modele._default_manager
    if (chemin := chemin_vers_le_contrat(modele)) is not None:
        return gerant.filter(**{chemin: monde.a.pk}).values_list("pk", flat=True).first()
    if liens := liens_vers_les_contrats(modele):
        return min(_lies(gerant, liens, monde.a), default=None)
    return None


def champs_relationnels(reponse: HttpResponse) -> Iterator[tuple[str, forms.Field]]:
    """The fields with choices of objects in an admin form and its inlines."""
    formulaires = [reponse.context["adminform"].form]
    for inline in reponse.context.get("inline_admin_formsets", []):
        formulaires += [*inline.formset.forms, inline.formset.empty_form]
    for formulaire in formulaires:
        for nom, champ in formulaire.fields.items():
            # A formset's hidden id field lists no choice: it names the row edited.
            if hasattr(champ, "queryset") and not champ.widget.is_hidden:
                yield f"{type(formulaire).__name__}.{nom}", champ


@pytest.mark.parametrize("modele", MODELES_ADMINISTRES, ids=lambda m: m._meta.label)
def test_les_choix_de_l_administration_n_offrent_aucun_objet_du_contrat_b(monde, clients, modele):
    """The add form, or for a model nobody adds by hand the change form of one of A's
    objects: the same fields, inlines included."""
    client = clients["pilote"]
    reponse = client.get(_url_admin(modele, "add"))
    if reponse.status_code == 403 and (objet := objet_de_a(monde, modele)) is not None:
        reponse = client.get(_url_admin(modele, "change", objet))
    if reponse.status_code != 200:
        return
    fautes = []
    for nom, champ in champs_relationnels(reponse):
        offerts = set(champ.queryset.values_list("pk", flat=True))
        if de_b := offerts & monde.cles_de_b(champ.queryset.model):
            fautes.append(f"{reponse.wsgi_request.path} {nom} offre {sorted(de_b)[:5]}")
    assert not fautes, "\n".join(fautes)


REFERENTIELS_PARTAGES = [Indicateur, TerritoireDeReference]


@pytest.mark.parametrize("modele", REFERENTIELS_PARTAGES, ids=lambda m: m.__name__)
def test_les_referentiels_partages_ne_se_modifient_pas_dans_l_administration(
    monde, clients, modele
):
    client = clients["pilote"]
    objet = modele.objects.order_by("pk").first()
    avant = photographie(((modele, objet.pk),))
    assert client.post(_url_admin(modele, "change", objet.pk), {}).status_code == 403
    assert client.post(_url_admin(modele, "delete", objet.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url_admin(modele, "add"), {}).status_code == 403
    assert photographie(((modele, objet.pk),)) == avant
