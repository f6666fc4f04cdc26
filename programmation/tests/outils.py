"""Helpers shared by the programmation tests (not a test module: nothing here is collected).

The state builders bring a dossier to any statut the way real work does: the porteur
deposits it, the pilote takes the committees' decisions, each financeur's own agent
gives its avis and pays its conventions (see `programmation.permissions.peut_instruire`).
No statut is ever written by hand: every change goes through `transitionner`.
"""

from collections import deque
from datetime import datetime, time, timedelta
from decimal import Decimal
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Habilitation, Organisation
from contrats.services import attribuer_habilitation
from contrats.tests.factories import UtilisateurFactory
from gouvernance.models import Seance
from gouvernance.services import ajouter_point, preparer_seance
from historique.horloge import aujourdhui, rejouer_a
from historique.selectors import historique_de
from programmation import extensions
from programmation.etats import Transition, transitions_depuis
from programmation.models import (
    CodeTransition,
    Convention,
    DemandeComplements,
    Dossier,
    Financement,
    Paiement,
    PieceJointe,
    SectionDossier,
    Statut,
    Structure,
)
from programmation.services.complements import demander_complements
from programmation.services.dossiers import ajouter_piece
from programmation.services.instruction import donner_avis
from programmation.services.paiements import enregistrer_paiement, total_paye
from programmation.services.transitions import transitionner
from programmation.tests.factories import DossierFactory
from tests.outils import MARQUEUR_VARIABLE_INDEFINIE
from tests.outils import client_de as client_de  # re-exported: the tests import it from here

INDEFINI = MARQUEUR_VARIABLE_INDEFINIE
# The motif of the decisions that require one, when a test does not give its own.
MOTIF = "Motif de la décision"
CONTENU_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"

# An avis: "favorable", or (avis, proposed amount[, commentaire]); the amount defaults to
# what was asked.
AvisVoulu = str | tuple


# --- People ---------------------------------------------------------------------------------


def porteur_de(structure: Structure, contrat: Contrat | None = None) -> Utilisateur:
    """A porteur of the structure in the contract (Villiers by default): its first, or a new one."""
    contrat = contrat or Contrat.objects.get(slug="villiers-sur-marne-2015-2020")
    existant = _premier(contrat, Role.PORTEUR, organisation=structure.organisation)
    if existant is not None:
        return existant
    return attribuer_habilitation(
        utilisateur=UtilisateurFactory(),
        contrat=contrat,
        role=Role.PORTEUR,
        organisation=structure.organisation,
    ).utilisateur


def porteur_du(dossier: Dossier) -> Utilisateur:
    return porteur_de(dossier.structure, dossier.appel.contrat)


def porteur_demo_du(dossier: Dossier) -> Utilisateur:
    """The demo porteur, attached from now on to the dossier's structure."""
    porteur = Utilisateur.objects.get(username="porteur")
    Habilitation.objects.filter(utilisateur=porteur, role=Role.PORTEUR).update(
        organisation=dossier.structure.organisation
    )
    return porteur


def pilote_du(contrat: Contrat) -> Utilisateur:
    """The contract's first pilote (the demo one in Villiers), or a new one."""
    existant = _premier(contrat, Role.PILOTE)
    if existant is not None:
        return existant
    return attribuer_habilitation(
        utilisateur=UtilisateurFactory(), contrat=contrat, role=Role.PILOTE
    ).utilisateur


def instructeur_de(financement: Financement) -> Utilisateur:
    """Who gives the financeur's avis and pays its conventions (`peut_instruire`).

    The financeur's own agent, else the État's delegate on the État's lines and the
    pilote on the commune's; a financeur without any agent gets one.
    """
    contrat = financement.dossier.appel.contrat
    financeur = financement.financeur
    agent = _premier(contrat, Role.FINANCEUR, organisation=financeur)
    if agent is None and financeur.type == Organisation.Type.ETAT:
        agent = _premier(contrat, Role.ETAT)
    if agent is None and financeur.type == Organisation.Type.COMMUNE:
        agent = _premier(contrat, Role.PILOTE)
    if agent is None:
        agent = attribuer_habilitation(
            utilisateur=UtilisateurFactory(),
            contrat=contrat,
            role=Role.FINANCEUR,
            organisation=financeur,
        ).utilisateur
    return agent


def _premier(contrat: Contrat, role: str, **filtres) -> Utilisateur | None:
    habilitation = (
        Habilitation.objects.filter(contrat=contrat, role=role, **filtres)
        .select_related("utilisateur")
        .order_by("pk")
        .first()
    )
    return habilitation.utilisateur if habilitation else None


# --- State builders -------------------------------------------------------------------------


def prochaine_transition(depuis: str, cible: str) -> Transition | None:
    """The first transition of a shortest way between two statuts, if there is one.

    The way goes forward: the corrections of a mistake (a decision reversed, a payment
    cancelled) are never taken to reach a statut.
    """
    premieres: dict[str, Transition | None] = {depuis: None}
    a_voir = deque([depuis])
    while a_voir:
        statut = a_voir.popleft()
        for transition in transitions_depuis(statut):
            if getattr(transition, "correction", False):
                continue
            if transition.vers not in premieres:
                premieres[transition.vers] = premieres[statut] or transition
                a_voir.append(transition.vers)
    return None if cible == depuis else premieres.get(cible)


def mener_au_statut(
    dossier: Dossier,
    statut: str,
    *,
    avis: dict[str, AvisVoulu] | None = None,
    motif: str = MOTIF,
) -> Dossier:
    """Drive the dossier along the state machine, through the services, up to `statut`.

    `avis` gives, per financeur code, the avis given before proposing (favourable for
    the amount asked, by default); decisions that need a motif get `motif`. Every
    convention is paid its balance to close the dossier. A dossier of a call whose
    deposit window is not today is deposited at its opening date.
    """
    dossier = Dossier.objects.select_related("appel__contrat", "structure__organisation").get(
        pk=dossier.pk
    )
    appel = dossier.appel
    if dossier.statut == Statut.BROUILLON and not (
        appel.date_ouverture <= aujourdhui() <= appel.date_cloture
    ):
        ouverture = timezone.make_aware(datetime.combine(appel.date_ouverture, time(12)))
        with rejouer_a(ouverture):
            return _mener(dossier, statut, avis or {}, motif)
    return _mener(dossier, statut, avis or {}, motif)


def _mener(dossier: Dossier, statut: str, avis: dict, motif: str) -> Dossier:
    while dossier.statut != statut:
        depuis = dossier.statut
        transition = prochaine_transition(dossier.statut, statut)
        if transition is None:
            raise ValueError(f"Aucun chemin de « {dossier.statut} » à « {statut} ».")
        if transition.code == CodeTransition.SOLDER:
            payer_les_soldes(dossier)  # the last balance closes the dossier
        else:
            if transition.code == CodeTransition.PROPOSER:
                donner_les_avis(dossier, avis)
            _prendre(transition, dossier, motif)
        dossier = Dossier.objects.get(pk=dossier.pk)
        if dossier.statut == depuis:
            raise ValueError(f"Le dossier n'a pas quitté « {depuis} » par « {transition.code} ».")
    return dossier


def _prendre(transition: Transition, dossier: Dossier, motif: str) -> None:
    """Take the transition the way its screen does: a request for corrections has its form."""
    acteur = _acteur(transition, dossier)
    if transition.code == CodeTransition.DEMANDER_COMPLEMENTS:
        demander_les_complements(dossier, motif, acteur)
        return
    transitionner(
        dossier=dossier,
        transition=transition.code,
        acteur=acteur,
        motif=motif if transition.motif_obligatoire else "",
    )


def demander_les_complements(
    dossier: Dossier, message: str = MOTIF, acteur: Utilisateur | None = None
) -> DemandeComplements:
    """The pilote (by default) asks to rework the action, due in a fortnight."""
    return demander_complements(
        dossier=dossier,
        acteur=acteur or pilote_du(dossier.appel.contrat),
        message=message,
        sections=[SectionDossier.ACTION],
        echeance=aujourdhui() + timedelta(days=15),
    )


def _acteur(transition: Transition, dossier: Dossier) -> Utilisateur:
    if Role.PORTEUR in transition.roles:
        return porteur_du(dossier)
    return pilote_du(dossier.appel.contrat)


def donner_les_avis(dossier: Dossier, avis: dict[str, AvisVoulu] | None = None) -> None:
    """Each financeur still silent gives its avis (`avis` as in `mener_au_statut`)."""
    attente = (
        Financement.objects.filter(dossier=dossier, avis=Financement.Avis.EN_ATTENTE)
        .select_related("financeur", "dossier__appel__contrat")
        .order_by("pk")
    )
    for financement in attente:
        voulu = (avis or {}).get(financement.financeur.code, Financement.Avis.FAVORABLE)
        choix, montant, commentaire = _avis_voulu(voulu)
        if not commentaire and choix == Financement.Avis.DEFAVORABLE:
            commentaire = f"Avis de {financement.financeur.nom}"
        donner_avis(
            financement=financement,
            acteur=instructeur_de(financement),
            avis=choix,
            montant_propose=financement.montant_demande if montant is None else Decimal(montant),
            commentaire=commentaire,
            version=financement.version,
        )


def _avis_voulu(voulu: AvisVoulu) -> tuple[str, str | None, str]:
    """("favorable", None, ""), ("favorable", "3500", "") or as given, from the short forms."""
    if isinstance(voulu, str):
        return voulu, None, ""
    choix, *suite = voulu
    montant = suite[0] if suite else None
    commentaire = suite[1] if len(suite) > 1 else ""
    return choix, montant, commentaire


def preparer_le_solde(dossier: Dossier) -> None:
    """What the later apps require before a balance (suivi: a validated bilan), through
    their services (programmation.extensions.preparations_du_solde)."""
    extensions.preparer_le_solde(dossier)


def payer_les_soldes(dossier: Dossier) -> None:
    """Each financeur pays what its conventions still owe, as their balance, once what the
    balance waits for is there (preparer_le_solde)."""
    preparer_le_solde(dossier)
    conventions = (
        Convention.objects.filter(financement__dossier=dossier)
        .exclude(paiements__nature=Paiement.Nature.SOLDE)
        .select_related("financement__financeur", "financement__dossier__appel__contrat")
        .order_by("pk")
    )
    for convention in conventions:
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.SOLDE,
            montant=convention.montant - total_paye(convention),
            date=aujourdhui(),
            acteur=instructeur_de(convention.financement),
        )


def dossier_au_statut(
    statut: str, *, avis: dict[str, AvisVoulu] | None = None, motif: str = MOTIF, **champs
) -> Dossier:
    """A complete dossier (DossierFactory's budget asks the CAF and the État) in `statut`."""
    return mener_au_statut(DossierFactory(complet=True, **champs), statut, avis=avis, motif=motif)


def dossier_depose(appel=None, **champs) -> Dossier:
    return dossier_au_statut(Statut.DEPOSE, **_appel(appel), **champs)


def dossier_recevable(appel=None, **champs) -> Dossier:
    return dossier_au_statut(Statut.RECEVABLE, **_appel(appel), **champs)


def dossier_en_instruction(appel=None, **champs) -> Dossier:
    return dossier_au_statut(Statut.EN_INSTRUCTION, **_appel(appel), **champs)


def dossier_propose(
    appel=None,
    caf: str = "3500",
    etat: str = "5000",
    avis_caf: str = "favorable",
    avis_etat: str = "favorable",
) -> Dossier:
    """Proposed to the COPIL: the CAF proposes 3 500 € of its 4 000, the État all its 5 000."""
    return dossier_au_statut(
        Statut.PROPOSE, avis={"caf": (avis_caf, caf), "etat": (avis_etat, etat)}, **_appel(appel)
    )


def dossier_valide(appel=None, **avis) -> Dossier:
    return mener_au_statut(dossier_propose(appel, **avis), Statut.VALIDE)


def dossier_conventionne(appel=None, **avis) -> Dossier:
    return mener_au_statut(dossier_propose(appel, **avis), Statut.CONVENTIONNE)


def _appel(appel) -> dict:
    return {"appel": appel} if appel is not None else {}


def examiner_en_comite(dossier: Dossier, code: str = "comite-recevabilite") -> Seance:
    """Put the dossier on the agenda of a new meeting of the body `code` of its contract,
    prepared by the pilote: that body's membres read it from then on."""
    contrat = dossier.appel.contrat
    pilote = pilote_du(contrat)
    seance = preparer_seance(
        instance=contrat.instances.get(code=code),
        date=aujourdhui(),
        titre=f"Examen du dossier {dossier.numero}",
        lieu="Salle du conseil, hôtel de ville",
        acteur=pilote,
    )
    ajouter_point(seance=seance, acteur=pilote, objet=dossier)
    return seance


# --- Reading -------------------------------------------------------------------------------


def verifier_refus(reponse, nom: str) -> None:
    """A refusal: the login page for the anonymous visitor, 403 for anyone else."""
    if nom == "anonyme":
        assert reponse.status_code == 302
        assert reverse("comptes:connexion") in reponse["Location"]
    else:
        assert reponse.status_code == 403


def texte(reponse) -> str:
    """The page's HTML with entities decoded, to compare with messages containing quotes."""
    return unescape(reponse.content.decode())


def html_brut(reponse) -> str:
    """The page's HTML as served (entities escaped), checked for undefined variables."""
    html = reponse.content.decode()
    assert INDEFINI not in html
    return html


def actions_de(objet) -> list[str]:
    return [e.action for e in historique_de(objet)]


def url_tableau(appel) -> str:
    return reverse("programmation:dossiers_appel", args=[appel.contrat.slug, appel.annee])


def financement(dossier: Dossier, code: str) -> Financement:
    return Financement.objects.get(dossier=dossier, financeur__code=code)


def convention_de(dossier: Dossier, code: str = "caf") -> Convention:
    return Convention.objects.select_related("financement__dossier").get(
        financement__dossier=dossier, financement__financeur__code=code
    )


def piece_de(dossier: Dossier, nom: str = "statuts-2024.pdf") -> PieceJointe:
    """A PDF its porteur attached to the draft."""
    return ajouter_piece(
        dossier=dossier,
        nature="statuts",
        fichier=SimpleUploadedFile(nom, CONTENU_PDF),
        acteur=porteur_du(dossier),
    )
