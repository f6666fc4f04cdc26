"""Who gets what from every programmation URL: one table, every role, every URL.

MATRICE below is the whole access policy of the programmation pages at a glance, read
from DESIGN.md §1 (roles) and programmation/permissions.py. Each cell is what a person
of that role gets on the URL (GET, or POST with an empty body for POST-only URLs):

- PAGE: 200, the page (or file) is shown;
- REFUS: 403, a logged-in person without the right;
- CONNEXION: 302 to the login page, an anonymous visitor;
- TRAITE: a POST the view handles (redirection with a message, form errors…), not a 403.

Every URL is tried on an object where it makes sense: a published, open call; the
porteur's sections on a draft; avis on a dossier in instruction; the granted amount on
a validated dossier; conventions of a conventioned dossier; a meeting. The demo porteur
is attached to that dossier's structure; the CAF (demo financeur) is asked money by it,
the Région (another financeur) is not. A test also checks the table has one row per
registered URL name, so a new URL without its row fails.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptes.models import Utilisateur
from contrats.models import Instance
from contrats.selectors import droits
from contrats.tests.factories import UtilisateurFactory
from gouvernance.permissions import est_examine_par
from historique.horloge import aujourdhui
from programmation import urls as urls_programmation
from programmation.models import Dossier, Paiement, Statut
from programmation.services.adhesions import demander_adhesion
from programmation.services.avis_conseil_citoyen import consulter_le_conseil_citoyen
from programmation.services.comites import DecisionDemandee
from programmation.services.conventions_pluriannuelles import rattacher_convention_pluriannuelle
from programmation.services.dossiers import ajouter_piece
from programmation.services.paiements import enregistrer_paiement
from programmation.services.pieces import ajouter_document
from programmation.services.seances import tenir_comite
from programmation.services.transitions import transitionner
from programmation.tests.factories import (
    AppelFactory,
    ConventionPluriannuelleFactory,
    DossierFactory,
    villiers,
)
from programmation.tests.outils import (
    CONTENU_PDF,
    INDEFINI,
    client_de,
    convention_de,
    dossier_conventionne,
    dossier_depose,
    dossier_en_instruction,
    dossier_propose,
    dossier_valide,
    examiner_en_comite,
    financement,
    instructeur_de,
    pilote_du,
    porteur_demo_du,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PAGE = "200"
REFUS = "403"
CONNEXION = "connexion"
TRAITE = "traité"

ROLES = (
    "anonyme",
    "pilote",
    "etat",
    "financeur",  # CAF, asked money by the dossier
    "autre_financeur",  # Région Île-de-France, asked nothing
    "porteur",  # the dossier's structure
    "autre_porteur",  # another structure
    "membre",
)
# URLs that only accept POST: a GET answers 405 (see test_post_only_urls_refuse_get).
POST_SEULEMENT = frozenset(
    {
        "nouveau_dossier",
        "transition",
        "piece_supprimer",
        "document_retirer",
        "appel_publier",
        "mettre_en_instruction_lot",
        "demande_adhesion",
        "accepter_adhesion",
        "refuser_adhesion",
        "inviter_collegue",
        "avis_conseil_citoyen_consulter",
    }
)

# fmt: off
MATRICE = {
    # --- Public pages: the calls and the plan d'actions, for everyone ---
    "appels": {
        "anonyme": PAGE, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    "appel": {
        "anonyme": PAGE, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    "plan_annuel": {
        "anonyme": PAGE, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    "plan_annuel_export": {
        "anonyme": PAGE, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    # --- The porteur's space: anyone logged in may register a structure and become its
    # porteur, so these pages open to every account and show only its own structure ---
    "structure": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    # Only who acts for a structure invites colleagues to it (its référent, or its porteurs
    # when it has none); the form then answers with its message.
    "inviter_collegue": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": TRAITE, "autre_porteur": TRAITE, "membre": REFUS,
    },
    "mes_dossiers": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    "nouveau_dossier": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": TRAITE,
        "autre_financeur": TRAITE, "porteur": TRAITE, "autre_porteur": TRAITE, "membre": TRAITE,
    },
    # --- A dossier in instruction: its porteur, the pilotage, the financeurs it asks and the
    # membres of a body that examines it (here, the membre's committee) read it; the others
    # never. Any reader may post a transition, the service then refuses it with a message if
    # the reader lacks the transition's role ---
    "dossier": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": PAGE,
    },
    "transition": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": TRAITE,
        "autre_financeur": REFUS, "porteur": TRAITE, "autre_porteur": REFUS, "membre": TRAITE,
    },
    "piece": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": PAGE,
    },
    # --- The sections of a draft: its porteur alone edits them ---
    "dossier_action": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "dossier_public": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "dossier_budget": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "dossier_pieces": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "piece_supprimer": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": TRAITE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "dossier_depot": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- The structure's porte-documents: its porteurs (another porteur sees its own);
    # through a dossier that used a piece, the dossier's readers (its committee examines it);
    # the receipt likewise ---
    "porte_documents": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": PAGE, "membre": REFUS,
    },
    "document": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "document_remplacer": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "document_retirer": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": TRAITE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "document_du_dossier": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": PAGE,
    },
    "recepisse": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": PAGE,
    },
    # --- Running the call: the pilote and the État ---
    "appel_nouveau": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "appel_modifier": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "appel_enveloppes": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "appel_publier": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "mettre_en_instruction_lot": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "comite_recevabilite": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "comite_pilotage": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- The conseil citoyen's avis on the programming: while awaited, the pilotage and
    # the conseil's membres read it (none among these roles: the demo membre sits in the
    # comité de recevabilité); the pilotage alone sends the programming ---
    "avis_conseil_citoyen": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "avis_conseil_citoyen_consulter": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- The instruction board: partners of the instruction (a financeur sees only the
    # dossiers asking its organisation) ---
    "dossiers_appel": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": REFUS, "autre_porteur": REFUS, "membre": PAGE,
    },
    "dossiers_appel_export": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": REFUS, "autre_porteur": REFUS, "membre": PAGE,
    },
    # --- The CAF's financement: its avis and granted amount are the CAF's own ---
    "financement_avis": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "financement_accord": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- The CAF's convention: the pilotage, the CAF and the dossier's porteur ---
    "convention_pdf": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    "convention_paiements": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- Corrections: compléments asked by the pilotage or a financeur asked; versions read
    # by the dossier's readers (its committee examines it); a committee's decision reversed
    # by the pilotage; a payment cancelled by the financeur who records it ---
    "demande_complements": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "versions": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": PAGE,
    },
    "revenir_sur_decision": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    "annulation_paiement": {
        "anonyme": CONNEXION, "pilote": REFUS, "etat": REFUS, "financeur": PAGE,
        "autre_financeur": REFUS, "porteur": REFUS, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- Each person's space; joining a structure (refusals come back as messages) ---
    "mon_espace": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
    "demande_adhesion": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": TRAITE,
        "autre_financeur": TRAITE, "porteur": TRAITE, "autre_porteur": TRAITE, "membre": TRAITE,
    },
    "accepter_adhesion": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": TRAITE,
        "autre_financeur": TRAITE, "porteur": TRAITE, "autre_porteur": TRAITE, "membre": TRAITE,
    },
    "refuser_adhesion": {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": TRAITE,
        "autre_financeur": TRAITE, "porteur": TRAITE, "autre_porteur": TRAITE, "membre": TRAITE,
    },
    # --- Conventions pluriannuelles d'objectifs: the pilotage and every financeur read
    # them all (a dossier they may not read stays unnamed), a porteur its structure's;
    # the dossier's porteur, while it may edit it, or the pilotage choose a dossier's ---
    "conventions_pluriannuelles": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": REFUS,
    },
    "dossier_convention_pluriannuelle": {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "autre_financeur": REFUS, "porteur": PAGE, "autre_porteur": REFUS, "membre": REFUS,
    },
    # --- The page of an action of the contract's plan: public ---
    "fiche_action": {
        "anonyme": PAGE, "pilote": PAGE, "etat": PAGE, "financeur": PAGE,
        "autre_financeur": PAGE, "porteur": PAGE, "autre_porteur": PAGE, "membre": PAGE,
    },
}
# fmt: on

SLUG = "villiers-sur-marne-2015-2020"


# --- The object each URL is tried on: (its URL, the dossier whose porteur acts) ----------------


def _url(nom: str, *args) -> str:
    return reverse(f"programmation:{nom}", args=args)


def _page_de_l_appel(nom: str, *suite, preparer=None):
    """A page of a published, open call, holding the dossier `preparer` makes, if any."""

    def cible():
        appel = AppelFactory()
        dossier = preparer(appel) if preparer is not None else None
        return _url(nom, SLUG, appel.annee, *suite), dossier

    return cible


def _du_contrat(nom: str, dossier=None):
    """A page of the contract, while the porteur has a draft."""

    def cible():
        return _url(nom, SLUG), dossier() if dossier is not None else None

    return cible


def _brouillon(nom: str):
    def cible():
        dossier = DossierFactory(complet=True)
        return _url(nom, dossier.pk), dossier

    return cible


def _en_instruction(nom: str, *suite):
    def cible():
        dossier = dossier_en_instruction()
        return _url(nom, dossier.pk, *suite), dossier

    return cible


def _examine(cible):
    """The same target, its dossier on the agenda of the membre's committee (comité de
    recevabilité): the membre reads it as one of its readers."""

    def examinee():
        url, dossier = cible()
        examiner_en_comite(dossier)
        return url, dossier

    return examinee


def _piece(dossier, porteur):
    return ajouter_piece(
        dossier=dossier,
        nature="statuts",
        fichier=SimpleUploadedFile("statuts.pdf", CONTENU_PDF),
        acteur=porteur,
    )


def _piece_deposee():
    dossier = DossierFactory(complet=True)
    porteur = porteur_demo_du(dossier)
    piece = _piece(dossier, porteur)
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    return _url("piece", piece.pk), dossier


def _piece_du_brouillon():
    dossier = DossierFactory(complet=True)
    piece = _piece(dossier, porteur_demo_du(dossier))
    return _url("piece_supprimer", piece.pk), dossier


def _document_du_porteur(nom: str):
    """A piece of the porte-documents of the draft's structure."""

    def cible():
        dossier = DossierFactory(complet=True)
        document = _rib_au_porte_documents(dossier)
        return _url(nom, SLUG, document.pk), dossier

    return cible


def _rib_au_porte_documents(dossier):
    return ajouter_document(
        structure=dossier.structure,
        contrat=villiers(),
        nature="rib",
        fichier=SimpleUploadedFile("rib.pdf", CONTENU_PDF),
        acteur=porteur_demo_du(dossier),
    )


def _depot_avec_le_porte_documents(nom: str):
    """A dossier of a call requiring a RIB, deposited with its structure's one."""

    def cible():
        dossier = DossierFactory(complet=True, appel=AppelFactory(pieces_requises=["rib"]))
        document = _rib_au_porte_documents(dossier)
        transitionner(dossier=dossier, transition="deposer", acteur=porteur_demo_du(dossier))
        suite = document.pk if nom == "document_du_dossier" else 1
        return _url(nom, dossier.pk, suite), dossier

    return cible


def _financement_caf(nom: str, etape):
    def cible():
        dossier = etape()
        return _url(nom, financement(dossier, "caf").pk), dossier

    return cible


def _convention_caf(nom: str):
    def cible():
        dossier = dossier_conventionne()
        return _url(nom, convention_de(dossier, "caf").pk), dossier

    return cible


def _avance_caf():
    dossier = dossier_conventionne()
    convention = convention_de(dossier, "caf")
    paiement = enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.AVANCE,
        montant=Decimal("100"),
        date=aujourdhui(),
        acteur=instructeur_de(convention.financement),
    )
    return _url("annulation_paiement", paiement.pk), dossier


def _valide_en_comite():
    dossier = dossier_propose()
    tenir_comite(
        instance=villiers().instances.get(nature=Instance.Nature.COPIL_POLITIQUE),
        date=aujourdhui(),
        titre="COPIL",
        decisions=[DecisionDemandee(dossier, "valider")],
        acteur=pilote_du(villiers()),
    )
    return _url("revenir_sur_decision", dossier.pk), dossier


def _adhesion(nom: str):
    """A request of a newcomer to join the draft's structure."""

    def cible():
        dossier = DossierFactory(complet=True)
        demande = demander_adhesion(
            structure=dossier.structure, contrat=villiers(), acteur=UtilisateurFactory()
        )
        if nom == "demande_adhesion":
            return _url(nom, SLUG, dossier.structure.pk), dossier
        return _url(nom, demande.pk), dossier

    return cible


def _avis_du_conseil_citoyen(nom: str, consulte: bool):
    """A call whose dossier is proposed to the COPIL, its programming sent or not yet to
    the conseil citoyen."""

    def cible():
        appel = AppelFactory()
        dossier = dossier_propose(appel)
        if consulte:
            consulter_le_conseil_citoyen(appel=appel, acteur=pilote_du(villiers()))
        return _url(nom, SLUG, appel.annee), dossier

    return cible


def _convention_pluriannuelle_et_son_dossier():
    """A CAF CPO of the dossier's structure for its call's year, carrying the dossier (in
    instruction)."""
    dossier = dossier_en_instruction()
    annee = dossier.appel.annee
    convention = ConventionPluriannuelleFactory(
        structure=dossier.structure, annee_debut=annee, annee_fin=annee, numero="CPO-MATRICE"
    )
    rattacher_convention_pluriannuelle(
        dossier=dossier,
        convention=convention,
        acteur=pilote_du(villiers()),
        version=dossier.version,
    )
    return _url("conventions_pluriannuelles", SLUG), dossier


def _fiche_action():
    return _url("fiche_action", SLUG, 1), None


CIBLES = {
    "demande_complements": _en_instruction("demande_complements"),
    "versions": _examine(_en_instruction("versions")),
    "revenir_sur_decision": _valide_en_comite,
    "annulation_paiement": _avance_caf,
    "mon_espace": lambda: (_url("mon_espace"), None),
    "demande_adhesion": _adhesion("demande_adhesion"),
    "accepter_adhesion": _adhesion("accepter_adhesion"),
    "refuser_adhesion": _adhesion("refuser_adhesion"),
    "fiche_action": _fiche_action,
    "conventions_pluriannuelles": _convention_pluriannuelle_et_son_dossier,
    "dossier_convention_pluriannuelle": _brouillon("dossier_convention_pluriannuelle"),
    "appels": _du_contrat("appels", dossier_en_instruction),
    "appel": _page_de_l_appel("appel", preparer=dossier_en_instruction),
    "plan_annuel": _page_de_l_appel("plan_annuel", preparer=dossier_en_instruction),
    "plan_annuel_export": _page_de_l_appel(
        "plan_annuel_export", "csv", preparer=dossier_en_instruction
    ),
    "structure": _du_contrat("structure", DossierFactory),
    "mes_dossiers": _du_contrat("mes_dossiers", DossierFactory),
    "inviter_collegue": _du_contrat("inviter_collegue", DossierFactory),
    "nouveau_dossier": _page_de_l_appel("nouveau_dossier"),
    "dossier": _examine(_en_instruction("dossier")),
    "transition": _examine(_en_instruction("transition", "proposer")),
    "piece": _examine(_piece_deposee),
    "dossier_action": _brouillon("dossier_action"),
    "dossier_public": _brouillon("dossier_public"),
    "dossier_budget": _brouillon("dossier_budget"),
    "dossier_pieces": _brouillon("dossier_pieces"),
    "piece_supprimer": _piece_du_brouillon,
    "dossier_depot": _brouillon("dossier_depot"),
    "porte_documents": _du_contrat("porte_documents", DossierFactory),
    "document": _document_du_porteur("document"),
    "document_remplacer": _document_du_porteur("document_remplacer"),
    "document_retirer": _document_du_porteur("document_retirer"),
    "document_du_dossier": _examine(_depot_avec_le_porte_documents("document_du_dossier")),
    "recepisse": _examine(_depot_avec_le_porte_documents("recepisse")),
    "appel_nouveau": _du_contrat("appel_nouveau"),
    "appel_modifier": _page_de_l_appel("appel_modifier"),
    "appel_enveloppes": _page_de_l_appel("appel_enveloppes"),
    "appel_publier": _page_de_l_appel("appel_publier"),
    "mettre_en_instruction_lot": _page_de_l_appel("mettre_en_instruction_lot"),
    "comite_recevabilite": _page_de_l_appel("comite_recevabilite", preparer=dossier_depose),
    "comite_pilotage": _page_de_l_appel("comite_pilotage", preparer=dossier_propose),
    "dossiers_appel": _page_de_l_appel("dossiers_appel", preparer=dossier_en_instruction),
    "dossiers_appel_export": _page_de_l_appel(
        "dossiers_appel_export", "csv", preparer=dossier_en_instruction
    ),
    "financement_avis": _financement_caf("financement_avis", dossier_en_instruction),
    "financement_accord": _financement_caf("financement_accord", dossier_valide),
    "convention_pdf": _convention_caf("convention_pdf"),
    "convention_paiements": _convention_caf("convention_paiements"),
    "avis_conseil_citoyen": _avis_du_conseil_citoyen("avis_conseil_citoyen", consulte=True),
    "avis_conseil_citoyen_consulter": _avis_du_conseil_citoyen(
        "avis_conseil_citoyen_consulter", consulte=False
    ),
}


def compte(role: str, dossier, personne):
    """The account of a role; the demo porteur is attached to the dossier's structure."""
    if role == "porteur" and dossier is not None:
        return porteur_demo_du(dossier)
    return personne(role)


def constater(reponse) -> str:
    """What a response means, in the terms of the matrix."""
    if reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:connexion")):
        return CONNEXION
    if reponse.status_code in (200, 403):
        return str(reponse.status_code)
    if reponse.status_code in (404, 405) or reponse.status_code >= 500:
        return str(reponse.status_code)
    return TRAITE


def lire(reponse) -> str:
    """The text of a page or export, checked for undefined template variables.

    Files are streamed: consuming the stream closes it as the test client expects (an
    explicit close() would fire request_finished again and drop the test's database
    connection); like PDFs, they are not text.
    """
    if reponse.streaming:
        b"".join(reponse.streaming_content)
        return ""
    if reponse.get("Content-Type", "").startswith("application/pdf"):
        return ""
    corps = reponse.content.decode()
    assert INDEFINI not in corps
    return corps


def lecteurs(dossier: Dossier) -> set[str]:
    """Who may read the dossier (DESIGN.md §1): a draft is its porteur's and the pilotage's;
    the demo membre reads a submitted one only when a body he sits in examines it."""
    if Dossier.objects.get(pk=dossier.pk).statut == Statut.BROUILLON:
        return {"pilote", "etat", "porteur"}
    noms = {"pilote", "etat", "financeur", "porteur"}
    instances = droits(Utilisateur.objects.get(username="membre"), villiers()).instances
    if est_examine_par(instances, dossier):
        noms.add("membre")
    return noms


# --- The tests ------------------------------------------------------------------------------


def test_the_matrix_has_a_row_for_every_programmation_url_and_a_cell_for_every_role():
    noms = [motif.name for motif in urls_programmation.urlpatterns]
    assert len(noms) == len(set(noms)), "un nom d'URL est en double"
    assert set(MATRICE) == set(noms)
    assert set(CIBLES) == set(noms)
    assert POST_SEULEMENT.issubset(noms)
    for nom, ligne in MATRICE.items():
        assert tuple(ligne) == ROLES, nom
        assert set(ligne.values()) <= {PAGE, REFUS, CONNEXION, TRAITE}, nom
        # A POST-only URL shows no page; a page answers no POST in this table.
        if nom in POST_SEULEMENT:
            assert PAGE not in ligne.values(), nom
        else:
            assert TRAITE not in ligne.values(), nom


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_url(nom, role, personne):
    url, dossier = CIBLES[nom]()
    client = client_de(compte(role, dossier, personne))

    reponse = client.post(url, {}) if nom in POST_SEULEMENT else client.get(url)

    corps = lire(reponse)
    assert constater(reponse) == MATRICE[nom][role], (
        f"{role} sur {nom} ({url}) : réponse {reponse.status_code}"
    )
    if dossier is not None and role not in lecteurs(dossier):
        # A page shown to someone who may not read the dossier doesn't name it either.
        assert dossier.numero not in corps, f"{role} lit le dossier {dossier.numero} sur {nom}"


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in sorted(POST_SEULEMENT) for role in ROLES],
    ids=[f"{nom}-{role}" for nom in sorted(POST_SEULEMENT) for role in ROLES],
)
def test_post_only_urls_refuse_get(nom, role, personne):
    url, dossier = CIBLES[nom]()
    reponse = client_de(compte(role, dossier, personne)).get(url)

    # An anonymous visitor may be sent to the login page first: neither way reaches the view.
    attendus = {"405", CONNEXION} if role == "anonyme" else {"405"}
    assert constater(reponse) in attendus, f"{role} sur {nom} : réponse {reponse.status_code}"


def test_membre_cannot_read_a_dossier_no_body_of_theirs_examines(membre):
    """Submitted is not enough: only the bodies the membre sits in open a dossier to him."""
    dossier = dossier_en_instruction()
    client = client_de(membre)
    url = _url("dossier", dossier.pk)

    assert client.get(url).status_code == 403  # on no meeting's agenda

    examiner_en_comite(dossier, "copil-politique")
    reponse = client.get(url)
    assert reponse.status_code == 403  # a body he does not sit in examines it
    assert dossier.numero not in lire(reponse)

    examiner_en_comite(dossier, "comite-recevabilite")
    reponse = client.get(url)
    assert reponse.status_code == 200  # his own committee examines it
    assert dossier.numero in lire(reponse)
