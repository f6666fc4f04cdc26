"""Field-level rules of every programmation form: no role sets what is not theirs.

Each test loads the page as its user, posts the form's own values (tests.outils.Formulaire)
plus fields the design keeps from that role, named as the real model fields (a statut, an
amount granted, an avis, someone else's structure, call, financing…), then reads the rows
again: the allowed change is there (the form was accepted), the forbidden fields are as
they were. A porteur never sets a statut, an amount or an avis; a financeur writes only its
own financing; the pilote sets no numero, version or est_demo.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptes.models import Role
from contrats.models import Habilitation, Invitation, Organisation
from contrats.tests.factories import (
    ContratFactory,
    HabilitationFactory,
    ObjectifFactory,
    OrganisationFactory,
    UtilisateurFactory,
)
from gouvernance.models import Decision
from gouvernance.services import ajouter_point, preparer_seance, tenir_seance
from historique.horloge import aujourdhui
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    CodeTransition,
    ConventionPluriannuelle,
    DemandeAdhesion,
    DocumentStructure,
    Dossier,
    Enveloppe,
    Financement,
    LigneBudget,
    Paiement,
    PieceJointe,
    SectionDossier,
    Statut,
    Structure,
    TransitionDossier,
)
from programmation.services.adhesions import demander_adhesion
from programmation.services.complements import demander_complements
from programmation.services.paiements import enregistrer_paiement
from programmation.services.pieces import ajouter_document
from programmation.tests.factories import (
    AppelFactory,
    ConventionPluriannuelleFactory,
    DossierFactory,
    StructureFactory,
    villiers,
)
from programmation.tests.outils import (
    CONTENU_PDF,
    MOTIF,
    client_de,
    convention_de,
    dossier_conventionne,
    dossier_depose,
    dossier_en_instruction,
    dossier_propose,
    dossier_recevable,
    dossier_valide,
    financement,
    instructeur_de,
    pilote_du,
    porteur_demo_du,
    texte,
)
from programmation.validateurs import cle_luhn
from tests.outils import Formulaire, en_base, pourquoi, valeurs_du_formulaire

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

# What no form but the state machine and the services write on a dossier.
CHAMPS_GARDES = (
    "statut",
    "numero",
    "est_demo",
    "structure",
    "appel",
    "motif_decision",
    "depose_le",
    "cree_le",
    "convention_pluriannuelle",
)
CHAMPS_DU_FINANCEMENT = (
    "financeur",
    "nature",
    "montant_demande",
    "avis",
    "montant_propose",
    "montant_accorde",
    "avis_par",
    "commentaire",
    "version",
)


def _url(nom: str, *args) -> str:
    return reverse(f"programmation:{nom}", args=args)


def _formulaire_du_porteur(dossier: Dossier, nom: str) -> Formulaire:
    """The form of the dossier's page `nom` as its structure's demo porteur reads it."""
    return Formulaire(porteur_demo_du(dossier), _url(nom, dossier.pk))


def _bouton(utilisateur, dossier: Dossier, code: str) -> Formulaire:
    """The form of a transition's button on the dossier's page, as that person reads it."""
    return Formulaire(
        utilisateur, _url("dossier", dossier.pk), _url("transition", dossier.pk, code)
    )


def financements_de(dossier: Dossier) -> list[dict]:
    return list(
        Financement.objects.filter(dossier=dossier).order_by("pk").values(*CHAMPS_DU_FINANCEMENT)
    )


def etat_du_dossier(dossier: Dossier) -> dict:
    """What a porteur's form may never change on a dossier, its financements included."""
    return {**en_base(dossier, *CHAMPS_GARDES), "financements": financements_de(dossier)}


def version_de(dossier: Dossier) -> int:
    return en_base(dossier, "version")["version"]


def interdits_au_porteur(autre: Dossier) -> dict[str, str]:
    """Fields no porteur form sets, aimed at someone else's objects: another structure's
    dossier and call, the Région, a CPO; a statut, an avis, amounts, a decision."""
    return {
        "statut": Statut.VALIDE,
        "numero": "2099-999",
        "est_demo": "on",
        "structure": str(autre.structure_id),
        "appel": str(autre.appel_id),
        "dossier": str(autre.pk),
        "motif_decision": "Validé d'office",
        "depose_le": "2020-01-01 10:00",
        "cree_le": "2000-01-01 10:00",
        "convention_pluriannuelle": str(ConventionPluriannuelleFactory().pk),
        "avis": Financement.Avis.FAVORABLE,
        "avis_par": str(UtilisateurFactory().pk),
        "montant_propose": "99999",
        "montant_accorde": "99999",
        "financeur": str(Organisation.objects.get(code="region-idf").pk),
        "decision": CodeTransition.VALIDER,
        "transition": CodeTransition.VALIDER,
    }


# --- The porteur's sections of a dossier ---------------------------------------------------


def _brouillon() -> Dossier:
    return DossierFactory(complet=True)


def _a_completer() -> Dossier:
    """In instruction (its financements open, avis awaited), every section asked again."""
    dossier = dossier_en_instruction()
    demander_complements(
        dossier=dossier,
        acteur=pilote_du(villiers()),
        message=MOTIF,
        sections=list(SectionDossier.values),
        echeance=aujourdhui() + timedelta(days=15),
    )
    return Dossier.objects.get(pk=dossier.pk)


def _changer_l_intitule(valeurs: dict, dossier: Dossier) -> None:
    valeurs["intitule"] = ["Intitulé revu par le porteur"]


def _intitule_change(dossier: Dossier) -> bool:
    return en_base(dossier, "intitule")["intitule"] == "Intitulé revu par le porteur"


def _changer_le_public(valeurs: dict, dossier: Dossier) -> None:
    valeurs["femmes_de_6_a_11"] = ["15"]


def _public_change(dossier: Dossier) -> bool:
    return Beneficiaires.objects.get(dossier=dossier, tranche="6-11").femmes == 15


def _changer_le_budget(valeurs: dict, dossier: Dossier) -> None:
    premiere = next(cle for cle, v in valeurs.items() if cle.endswith("-libelle") and v[0])
    valeurs[premiere] = ["Ligne revue par le porteur"]


def _budget_change(dossier: Dossier) -> bool:
    return LigneBudget.objects.filter(
        dossier=dossier, libelle="Ligne revue par le porteur"
    ).exists()


def _joindre_une_piece(valeurs: dict, dossier: Dossier) -> None:
    valeurs["fichier"] = SimpleUploadedFile("statuts-revus.pdf", CONTENU_PDF)


def _piece_jointe(dossier: Dossier) -> bool:
    return PieceJointe.objects.filter(dossier=dossier, nom_original="statuts-revus.pdf").exists()


SECTIONS = {
    "dossier_action": (_changer_l_intitule, _intitule_change),
    "dossier_public": (_changer_le_public, _public_change),
    "dossier_budget": (_changer_le_budget, _budget_change),
    "dossier_pieces": (_joindre_une_piece, _piece_jointe),
}
ETATS = {"brouillon": _brouillon, "a_completer": _a_completer}


@pytest.mark.parametrize("etat", sorted(ETATS))
@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_porteur_sets_no_statut_amount_avis_or_foreign_key_through_a_section(
    section, etat, porteur
):
    dossier = ETATS[etat]()
    autre = _brouillon()
    avant, autre_avant, version = etat_du_dossier(dossier), etat_du_dossier(autre), dossier.version
    formulaire = _formulaire_du_porteur(dossier, section)
    changer, change = SECTIONS[section]

    changer(formulaire.valeurs, dossier)
    reponse = formulaire.poster(interdits_au_porteur(autre))

    assert reponse.status_code == 302, pourquoi(reponse)
    assert change(dossier), "le changement permis n'est pas enregistré"
    assert etat_du_dossier(dossier) == avant
    assert etat_du_dossier(autre) == autre_avant
    assert version_de(autre) == autre.version
    # A piece changes no version (the deposit freezes them); the other sections count one.
    assert version_de(dossier) == version + (section != "dossier_pieces")


@pytest.mark.parametrize("section", ["dossier_action", "dossier_public", "dossier_budget"])
def test_porteur_cannot_bump_the_version_of_a_section(section, porteur):
    dossier = _brouillon()
    formulaire = _formulaire_du_porteur(dossier, section)
    cle = "dossier-version" if section == "dossier_budget" else "version"
    changer, change = SECTIONS[section]

    changer(formulaire.valeurs, dossier)
    reponse = formulaire.poster({cle: [str(dossier.version + 5)]})

    assert reponse.status_code == 200
    assert "modifié par quelqu'un d'autre" in texte(reponse)
    assert not change(dossier)
    assert version_de(dossier) == dossier.version


def test_porteur_cannot_attach_another_contracts_pillar_objective_or_plan_action(porteur):
    dossier = _brouillon()
    formulaire = _formulaire_du_porteur(dossier, "dossier_action")
    ailleurs = ObjectifFactory(domaine__pilier__contrat=ContratFactory())
    avant = en_base(dossier, "intitule", "pilier", "version")

    reponse = formulaire.poster(
        {
            "intitule": ["Intitulé revu par le porteur"],
            "pilier": [str(ailleurs.domaine.pilier_id)],
            "objectifs_operationnels": [str(ailleurs.pk)],
        }
    )

    assert reponse.status_code == 200
    assert reponse.context["form"].errors.keys() == {"pilier", "objectifs_operationnels"}
    assert en_base(dossier, "intitule", "pilier", "version") == avant
    assert not dossier.objectifs_operationnels.filter(pk=ailleurs.pk).exists()


def test_porteur_cannot_ask_a_financeur_outside_the_contract_in_its_budget(porteur):
    dossier = _brouillon()
    formulaire = _formulaire_du_porteur(dossier, "dossier_budget")
    etranger = OrganisationFactory()
    ligne_caf = next(
        cle for cle, v in formulaire.valeurs.items() if cle.endswith("-libelle") and v == ["CAF"]
    )
    avant = list(dossier.lignes_budget.values("libelle", "financeur"))

    reponse = formulaire.poster({ligne_caf.replace("-libelle", "-financeur"): [str(etranger.pk)]})

    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert list(dossier.lignes_budget.values("libelle", "financeur")) == avant


# --- The deposit and the buttons of the state machine ------------------------------------


def test_porteur_deposits_with_its_confirmation_and_sets_nothing_else(porteur):
    dossier = _brouillon()
    autre = _brouillon()
    formulaire = _formulaire_du_porteur(dossier, "dossier_depot")
    avant, autre_avant = etat_du_dossier(dossier), etat_du_dossier(autre)

    reponse = formulaire.poster({"confirmation": "on", **interdits_au_porteur(autre)})

    assert reponse.status_code == 302, pourquoi(reponse)
    apres = etat_du_dossier(dossier)
    assert apres.pop("statut") == Statut.DEPOSE
    assert apres.pop("depose_le") is not None
    for champ in ("statut", "depose_le"):
        avant.pop(champ)
    assert apres == avant
    assert etat_du_dossier(autre) == autre_avant


# The porteur's own buttons on its dossier: (the dossier's builder, the statut they lead to).
BOUTONS_DU_PORTEUR = {
    CodeTransition.RETIRER: (dossier_depose, Statut.RETIRE),
    CodeTransition.REDEPOSER: (_a_completer, Statut.EN_INSTRUCTION),
}


@pytest.mark.parametrize("code", sorted(BOUTONS_DU_PORTEUR))
def test_porteur_s_button_takes_its_own_transition_and_sets_no_other_statut(code, porteur):
    constructeur, attendu = BOUTONS_DU_PORTEUR[code]
    dossier = constructeur()
    formulaire = _bouton(porteur_demo_du(dossier), dossier, code)
    autre = _brouillon()
    avant = en_base(dossier, "numero", "est_demo", "structure", "appel", "convention_pluriannuelle")
    financements = financements_de(dossier)

    reponse = formulaire.poster(interdits_au_porteur(autre))

    assert reponse.status_code == 302
    assert en_base(dossier, "statut")["statut"] == attendu
    assert en_base(dossier, *avant) == avant
    assert financements_de(dossier) == financements
    assert etat_du_dossier(autre)["statut"] == Statut.BROUILLON


TRANSITIONS_DU_PILOTAGE = {
    CodeTransition.DECLARER_RECEVABLE: dossier_depose,
    CodeTransition.DECLARER_IRRECEVABLE: dossier_depose,
    CodeTransition.METTRE_EN_INSTRUCTION: dossier_recevable,
    CodeTransition.PROPOSER: dossier_en_instruction,
    CodeTransition.DEMANDER_COMPLEMENTS: dossier_en_instruction,
    CodeTransition.VALIDER: dossier_propose,
    CodeTransition.REFUSER: dossier_propose,
    CodeTransition.AJOURNER: dossier_propose,
    CodeTransition.CONVENTIONNER: dossier_valide,
    CodeTransition.REVENIR_SUR_DECISION: dossier_valide,
    CodeTransition.SOLDER: dossier_conventionne,
}
REFUS_DE_TRANSITION = (
    "Vous n'avez pas le droit de",
    "Cette action ne se fait pas depuis ce bouton",
)


@pytest.mark.parametrize("code", sorted(TRANSITIONS_DU_PILOTAGE))
def test_porteur_posting_another_transition_s_code_is_refused(code, porteur):
    dossier = TRANSITIONS_DU_PILOTAGE[code]()
    client = client_de(porteur_demo_du(dossier))
    statut, journal = dossier.statut, TransitionDossier.objects.filter(dossier=dossier).count()

    reponse = client.post(
        _url("transition", dossier.pk, code),
        {"version": str(dossier.version), "motif": MOTIF, "statut": Statut.VALIDE},
        follow=True,
    )

    assert any(refus in texte(reponse) for refus in REFUS_DE_TRANSITION)
    assert en_base(dossier, "statut")["statut"] == statut
    assert TransitionDossier.objects.filter(dossier=dossier).count() == journal


def test_pilote_posting_the_porteur_s_deposit_is_refused(pilote):
    dossier = _brouillon()

    reponse = client_de(pilote).post(
        _url("transition", dossier.pk, CodeTransition.DEPOSER),
        {"version": str(dossier.version)},
        follow=True,
    )

    assert "Vous n'avez pas le droit de" in texte(reponse)
    assert en_base(dossier, "statut")["statut"] == Statut.BROUILLON


def test_pilote_s_transition_button_sets_no_numero_version_or_est_demo(pilote):
    dossier = dossier_recevable()
    autre = _brouillon()
    formulaire = _bouton(pilote, dossier, CodeTransition.METTRE_EN_INSTRUCTION)
    avant = en_base(dossier, "numero", "est_demo", "structure", "appel", "version")

    reponse = formulaire.poster(interdits_au_porteur(autre))

    assert reponse.status_code == 302
    apres = en_base(dossier, "statut", "numero", "est_demo", "structure", "appel", "version")
    assert apres == {**avant, "statut": Statut.EN_INSTRUCTION, "version": avant["version"] + 1}


# --- Creating a dossier, the structure, joining it --------------------------------------


def test_porteur_s_new_dossier_takes_its_structure_call_and_first_statut(porteur):
    structure_du_porteur = _brouillon().structure
    porteur = porteur_demo_du(structure_du_porteur.dossiers.get())
    appel = AppelFactory()
    autre = _brouillon()
    formulaire = Formulaire(
        porteur,
        _url("mes_dossiers", villiers().slug),
        _url("nouveau_dossier", villiers().slug, appel.annee),
    )

    reponse = formulaire.poster(
        {"intitule": ["Nouvelle action"], "version": ["7"]} | interdits_au_porteur(autre)
    )

    assert reponse.status_code == 302
    cree = Dossier.objects.get(intitule="Nouvelle action")
    assert (cree.appel, cree.structure, cree.statut) == (appel, structure_du_porteur, "brouillon")
    assert (cree.numero, cree.version, cree.est_demo) == (f"{appel.annee}-001", 1, False)
    assert cree.convention_pluriannuelle is None and cree.motif_decision == ""
    assert not Financement.objects.filter(dossier=cree).exists()
    assert Dossier.objects.filter(appel=autre.appel).count() == 1


def _structure_du_porteur_demo() -> Structure:
    dossier = _brouillon()
    porteur_demo_du(dossier)
    return dossier.structure


def _page_de_la_structure() -> str:
    """The porteur's page of its structure: its details, requests to join, invitations."""
    return _url("structure", villiers().slug)


def test_porteur_updates_its_structure_but_not_its_name_referent_or_organisation(porteur):
    structure = _structure_du_porteur_demo()
    autre = StructureFactory()
    formulaire = Formulaire(porteur, _page_de_la_structure())
    gardes = ("organisation", "referent", "est_demo")
    avant, nom = en_base(structure, *gardes), structure.organisation.nom

    reponse = formulaire.poster(
        {
            "adresse": ["2 rue Nouvelle"],
            "nom": ["Nom imposé"],
            "organisation": [str(autre.organisation_id)],
            "referent": [str(UtilisateurFactory().pk)],
            "est_demo": ["on"],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(structure, "adresse")["adresse"] == "2 rue Nouvelle"
    assert en_base(structure, *gardes) == avant
    assert Organisation.objects.get(pk=structure.organisation_id).nom == nom
    assert en_base(autre, "adresse")["adresse"] == autre.adresse


def _siret(rang: int) -> str:
    base = f"5129999{rang:06d}"
    return base + cle_luhn(base)


def _structure_remplie(siret: str) -> dict[str, list[str]]:
    """What a newcomer fills in to register its structure."""
    return {
        "nom": ["Association des Hautes-Noues"],
        "siret": [siret],
        "rna": ["W941000002"],
        "adresse": ["3 rue des Hautes-Noues"],
        "code_postal": ["94350"],
        "commune": ["Villiers-sur-Marne"],
        "representant_nom": ["Ada Lovelace"],
        "representant_qualite": ["Présidente"],
    }


def test_newcomer_registers_a_structure_it_is_the_referent_of_and_no_one_else(sans_role):
    caf = Organisation.objects.get(code="caf")
    formulaire = Formulaire(sans_role, _page_de_la_structure())

    reponse = formulaire.poster(
        _structure_remplie(_siret(1))
        | {
            "est_demo": ["on"],
            "referent": [str(UtilisateurFactory().pk)],
            "organisation": [str(caf.pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    structure = Structure.objects.get(siret=_siret(1))
    assert (structure.referent, structure.est_demo) == (sans_role, False)
    assert not Structure.objects.filter(organisation=caf).exists()
    assert set(
        Habilitation.objects.filter(utilisateur=sans_role).values_list("role", flat=True)
    ) == {Role.PORTEUR}


def test_newcomer_asking_to_join_a_structure_grants_itself_nothing(sans_role):
    structure = StructureFactory()
    formulaire = Formulaire(sans_role, _page_de_la_structure())
    refus = formulaire.poster(_structure_remplie(structure.siret))
    action = _url("demande_adhesion", villiers().slug, structure.pk)
    valeurs = valeurs_du_formulaire(refus, action)

    reponse = formulaire.client.post(
        action,
        valeurs
        | {
            "message": ["Je suis trésorière."],
            "statut": [DemandeAdhesion.Statut.ACCEPTEE],
            "demandeur": [str(UtilisateurFactory().pk)],
            "traitee_par": [str(sans_role.pk)],
            "role": [Role.PILOTE],
        },
    )

    assert reponse.status_code == 302
    demande = DemandeAdhesion.objects.get(structure=structure)
    assert (demande.demandeur, demande.statut) == (sans_role, DemandeAdhesion.Statut.EN_ATTENTE)
    assert demande.traitee_par is None and demande.message == "Je suis trésorière."
    assert not Habilitation.objects.filter(utilisateur=sans_role).exists()


def test_referent_accepting_a_request_grants_a_porteur_role_of_its_structure_only(porteur):
    structure = _structure_du_porteur_demo()
    demandeur = UtilisateurFactory()
    demande = demander_adhesion(structure=structure, contrat=villiers(), acteur=demandeur)
    ailleurs = demander_adhesion(
        structure=StructureFactory(), contrat=villiers(), acteur=UtilisateurFactory()
    )
    formulaire = Formulaire(porteur, _page_de_la_structure(), _url("accepter_adhesion", demande.pk))

    reponse = formulaire.poster(
        {
            "role": [Role.PILOTE],
            "organisation": [str(Organisation.objects.get(code="caf").pk)],
            "contrat": [str(ContratFactory().pk)],
            "demande": [str(ailleurs.pk)],
        }
    )

    assert reponse.status_code == 302
    assert list(
        Habilitation.objects.filter(utilisateur=demandeur).values_list(
            "contrat", "role", "organisation"
        )
    ) == [(villiers().pk, Role.PORTEUR, structure.organisation_id)]
    assert en_base(ailleurs, "statut")["statut"] == DemandeAdhesion.Statut.EN_ATTENTE


def test_referent_cannot_accept_a_request_to_join_another_structure(porteur):
    _structure_du_porteur_demo()
    demandeur = UtilisateurFactory()
    ailleurs = demander_adhesion(structure=StructureFactory(), contrat=villiers(), acteur=demandeur)

    reponse = client_de(porteur).post(_url("accepter_adhesion", ailleurs.pk), follow=True)

    assert "Seul le référent de la structure accepte ses nouveaux membres." in texte(reponse)
    assert en_base(ailleurs, "statut")["statut"] == DemandeAdhesion.Statut.EN_ATTENTE
    assert not Habilitation.objects.filter(utilisateur=demandeur).exists()


def test_referent_invites_a_colleague_as_porteur_of_its_structure_only(porteur):
    structure = _structure_du_porteur_demo()
    formulaire = Formulaire(
        porteur, _page_de_la_structure(), _url("inviter_collegue", villiers().slug)
    )

    reponse = formulaire.poster(
        {
            "email": ["collegue@exemple.fr"],
            "role": [Role.PILOTE],
            "organisation": [str(Organisation.objects.get(code="caf").pk)],
            "instance": [str(villiers().instances.first().pk)],
            "contrat": [str(ContratFactory().pk)],
            "statut": [Invitation.Statut.ACCEPTEE],
        }
    )

    assert reponse.status_code == 302
    invitation = Invitation.objects.get(email="collegue@exemple.fr")
    assert (invitation.contrat, invitation.role, invitation.organisation_id) == (
        villiers(),
        Role.PORTEUR,
        structure.organisation_id,
    )
    assert (invitation.instance, invitation.statut) == (None, Invitation.Statut.EN_ATTENTE)


# --- The porte-documents and the CPO of a dossier -------------------------------------------


def test_porteur_keeps_a_piece_in_its_own_porte_documents_only(porteur):
    structure = _structure_du_porteur_demo()
    autre = StructureFactory()
    formulaire = Formulaire(porteur, _url("porte_documents", villiers().slug))

    reponse = formulaire.poster(
        {
            "nature": ["rib"],
            "fichier": SimpleUploadedFile("rib.pdf", CONTENU_PDF),
            "structure": [str(autre.pk)],
            "deposee_par": [str(UtilisateurFactory().pk)],
            "retiree_le": ["2020-01-01 10:00"],
            "empreinte": ["0" * 64],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    document = DocumentStructure.objects.get(nom_original="rib.pdf")
    assert (document.structure, document.deposee_par, document.retiree_le) == (
        structure,
        porteur,
        None,
    )
    assert document.empreinte != "0" * 64
    assert not autre.documents.exists()


def test_porteur_replacing_a_piece_keeps_its_nature_and_structure(porteur):
    structure = _structure_du_porteur_demo()
    ancien = ajouter_document(
        structure=structure,
        contrat=villiers(),
        nature="rib",
        fichier=SimpleUploadedFile("rib-2023.pdf", CONTENU_PDF),
        acteur=porteur,
    )
    formulaire = Formulaire(porteur, _url("document_remplacer", villiers().slug, ancien.pk))

    reponse = formulaire.poster(
        {
            "fichier": SimpleUploadedFile("rib-2024.pdf", CONTENU_PDF),
            "nature": ["statuts"],
            "structure": [str(StructureFactory().pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    nouveau = DocumentStructure.objects.get(nom_original="rib-2024.pdf")
    assert (nouveau.nature, nouveau.structure) == ("rib", structure)


def test_porteur_chooses_only_a_cpo_of_its_structure_and_changes_nothing_else(porteur):
    dossier = _brouillon()
    annee = dossier.appel.annee
    sienne = ConventionPluriannuelleFactory(
        structure=dossier.structure, annee_debut=annee, annee_fin=annee
    )
    d_une_autre = ConventionPluriannuelleFactory(annee_debut=annee, annee_fin=annee)
    formulaire = _formulaire_du_porteur(dossier, "dossier_convention_pluriannuelle")
    avant = etat_du_dossier(dossier)

    refus = formulaire.poster({"convention": [str(d_une_autre.pk)]})

    assert refus.status_code == 200 and "convention" in refus.context["form"].errors
    assert etat_du_dossier(dossier) == avant

    reponse = formulaire.poster(
        {
            "convention": [str(sienne.pk)],
            "montant_annuel": ["99999"],
            **interdits_au_porteur(_brouillon()),
        }
        | {"convention_pluriannuelle": [str(d_une_autre.pk)]}
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert etat_du_dossier(dossier) == {**avant, "convention_pluriannuelle": sienne.pk}
    assert en_base(sienne, "montant_annuel")["montant_annuel"] == Decimal("5000")


# --- Financeurs: each writes its own financing ------------------------------------------------


def _interdits_au_financeur(autre: Financement) -> dict[str, list[str]]:
    """Fields aimed at another financeur's financing of the same dossier, or at its own
    financeur, amount granted or author."""
    return {
        "financement": [str(autre.pk)],
        "pk": [str(autre.pk)],
        "id": [str(autre.pk)],
        f"avis_{autre.pk}": [Financement.Avis.DEFAVORABLE],
        f"montant_propose_{autre.pk}": ["1"],
        "financeur": [str(Organisation.objects.get(code="region-idf").pk)],
        "nature": ["credits_specifiques"],
        "montant_demande": ["99999"],
        "avis_par": [str(UtilisateurFactory().pk)],
        "dossier": [str(_brouillon().pk)],
    }


def _ecrire_sur_le_financement_de_la_caf(
    financeur, dossier: Dossier, page: str, champs: dict
) -> tuple[dict, dict]:
    """The CAF's agent posts its financing's form on `page`, `champs` and fields aimed at
    the État's financing of the same dossier over it: the form is taken, the État's
    financing and the dossier's statut are left as they were. The CAF's financing, before
    and after."""
    caf, etat = financement(dossier, "caf"), financement(dossier, "etat")
    etat_avant = en_base(etat, *CHAMPS_DU_FINANCEMENT)
    caf_avant = en_base(caf, *CHAMPS_DU_FINANCEMENT)
    formulaire = Formulaire(financeur, _url(page, caf.pk))

    reponse = formulaire.poster(champs | _interdits_au_financeur(etat))

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(etat, *CHAMPS_DU_FINANCEMENT) == etat_avant
    assert en_base(dossier, "statut")["statut"] == dossier.statut
    return caf_avant, en_base(caf, *CHAMPS_DU_FINANCEMENT)


def test_financeur_gives_its_own_avis_and_touches_no_other_financing(financeur):
    avant, apres = _ecrire_sur_le_financement_de_la_caf(
        financeur,
        dossier_en_instruction(),
        "financement_avis",
        {"avis": ["favorable"], "montant_propose": ["3 000"], "montant_accorde": ["4000"]},
    )

    assert apres == avant | {
        "avis": Financement.Avis.FAVORABLE,
        "montant_propose": Decimal("3000"),
        "avis_par": financeur.pk,
        "version": avant["version"] + 1,
    }


def test_financeur_grants_its_own_amount_only(financeur):
    avant, apres = _ecrire_sur_le_financement_de_la_caf(
        financeur,
        dossier_valide(),
        "financement_accord",
        {
            "montant": ["3 000"],
            "avis": [Financement.Avis.DEFAVORABLE],
            "montant_propose": ["1"],
            "commentaire": ["Réécrit"],
        },
    )

    assert apres == avant | {"montant_accorde": Decimal("3000"), "version": avant["version"] + 1}


@pytest.mark.parametrize(
    ("nom", "etape", "donnees"),
    [
        ("financement_avis", dossier_en_instruction, {"avis": "defavorable", "commentaire": "Non"}),
        ("financement_accord", dossier_valide, {"montant": "1"}),
    ],
    ids=["avis", "accord"],
)
def test_financeur_posting_on_another_financeur_s_financing_is_refused(
    nom, etape, donnees, financeur
):
    etat = financement(etape(), "etat")
    avant = en_base(etat, *CHAMPS_DU_FINANCEMENT)

    reponse = client_de(financeur).post(
        _url(nom, etat.pk), {**donnees, "version": str(etat.version)}
    )

    assert reponse.status_code == 403
    assert en_base(etat, *CHAMPS_DU_FINANCEMENT) == avant


def _paiements(convention) -> list[tuple]:
    return list(
        Paiement.objects.filter(convention=convention)
        .order_by("pk")
        .values_list("nature", "montant", "acteur", "annule", "contre_passation_de")
    )


def test_financeur_pays_its_own_convention_only(financeur):
    dossier = dossier_conventionne()
    caf, etat = convention_de(dossier, "caf"), convention_de(dossier, "etat")
    formulaire = Formulaire(financeur, _url("convention_paiements", caf.pk))

    # Its own fields (a payment's nature) win over those aimed at the other financing.
    reponse = formulaire.poster(
        _interdits_au_financeur(etat.financement)
        | formulaire.valeurs
        | {
            "montant": ["100"],
            "convention": [str(etat.pk)],
            "acteur": [str(UtilisateurFactory().pk)],
            "annule": ["on"],
            "motif": ["Sans objet"],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert _paiements(caf) == [("avance", Decimal("100"), financeur.pk, False, None)]
    assert _paiements(etat) == []


def test_financeur_cannot_post_a_cancellation_as_a_payment(financeur):
    caf = convention_de(dossier_conventionne(), "caf")
    formulaire = Formulaire(financeur, _url("convention_paiements", caf.pk))

    reponse = formulaire.poster({"montant": ["100"], "nature": ["annulation"]})

    assert reponse.status_code == 200
    assert "nature" in reponse.context["form"].errors
    assert _paiements(caf) == []


def test_financeur_paying_another_financeur_s_convention_is_refused(financeur):
    etat = convention_de(dossier_conventionne(), "etat")

    reponse = client_de(financeur).post(
        _url("convention_paiements", etat.pk),
        {"nature": "avance", "montant": "100", "date": aujourdhui().isoformat()},
    )

    assert reponse.status_code == 403
    assert _paiements(etat) == []


def test_financeur_cancelling_another_financeur_s_payment_is_refused(financeur):
    etat = convention_de(dossier_conventionne(), "etat")
    avance = enregistrer_paiement(
        convention=etat,
        nature=Paiement.Nature.AVANCE,
        montant=Decimal("100"),
        date=aujourdhui(),
        acteur=instructeur_de(etat.financement),
    )

    reponse = client_de(financeur).post(
        _url("annulation_paiement", avance.pk), {"motif": "Saisi par erreur"}
    )

    assert reponse.status_code == 403
    assert _paiements(etat) == [("avance", Decimal("100"), avance.acteur_id, False, None)]


# --- The pilotage: calls, envelopes, committees, CPO ------------------------------------------


def test_pilote_modifies_a_call_but_not_its_year_publication_contract_or_demo_mark(pilote):
    appel = AppelFactory(annee=2018, publie=False)
    formulaire = Formulaire(pilote, _url("appel_modifier", villiers().slug, appel.annee))
    gardes = ("annee", "publie", "est_demo", "contrat")
    avant = en_base(appel, *gardes)

    reponse = formulaire.poster(
        {
            "titre": ["Appel revu"],
            "annee": [str(appel.annee + 1)],
            "publie": ["on"],
            "est_demo": ["on"],
            "contrat": [str(ContratFactory().pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(appel, "titre")["titre"] == "Appel revu"
    assert en_base(appel, *gardes) == avant


def test_pilote_opens_a_call_in_its_own_contract_unpublished(pilote):
    ailleurs = ContratFactory()
    formulaire = Formulaire(pilote, _url("appel_nouveau", villiers().slug))

    reponse = formulaire.poster(
        {
            "annee": ["2019"],
            "titre": ["Appel à projets 2019"],
            "date_ouverture": ["2018-11-01"],
            "date_cloture": ["2018-12-15"],
            "publie": ["on"],
            "est_demo": ["on"],
            "contrat": [str(ailleurs.pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    appel = AppelAProjets.objects.get(titre="Appel à projets 2019")
    assert (appel.contrat, appel.annee, appel.publie, appel.est_demo) == (
        villiers(),
        2019,
        False,
        False,
    )
    assert not ailleurs.appels.exists()


def test_pilote_sets_envelopes_of_the_contract_s_financeurs_only(pilote):
    appel = AppelFactory()
    autre_appel = AppelFactory()
    etranger = OrganisationFactory()
    caf = Organisation.objects.get(code="caf")
    formulaire = Formulaire(pilote, _url("appel_enveloppes", villiers().slug, appel.annee))

    reponse = formulaire.poster(
        {
            f"enveloppe_{caf.pk}_droit_commun": ["12 000"],
            f"enveloppe_{etranger.pk}_droit_commun": ["99 999"],
            "appel": [str(autre_appel.pk)],
            "financeur": [str(etranger.pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert list(Enveloppe.objects.filter(appel=appel).values_list("financeur", "montant")) == [
        (caf.pk, Decimal("12000"))
    ]
    assert not Enveloppe.objects.filter(financeur=etranger).exists()
    assert not autre_appel.enveloppes.exists()


def _comite(pilote, appel: AppelAProjets) -> Formulaire:
    """The form of the committee's decisions on a call's dossiers, as the pilote reads it."""
    return Formulaire(pilote, _url("comite_pilotage", villiers().slug, appel.annee))


def test_pilote_s_committee_refuses_a_decision_on_another_call_s_dossier(pilote):
    appel = AppelFactory()
    dossier, d_un_autre_appel = dossier_propose(appel), dossier_propose()
    formulaire = _comite(pilote, appel)

    reponse = formulaire.poster(
        {
            f"decision_{dossier.pk}": [CodeTransition.VALIDER],
            f"decision_{d_un_autre_appel.pk}": [CodeTransition.VALIDER],
        }
    )

    assert reponse.status_code == 200
    assert "Une décision porte sur un dossier inconnu de ce comité." in texte(reponse)
    assert en_base(dossier, "statut")["statut"] == Statut.PROPOSE
    assert en_base(d_un_autre_appel, "statut")["statut"] == Statut.PROPOSE


def test_pilote_s_committee_grants_what_was_proposed_not_what_is_posted(pilote):
    appel = AppelFactory()
    dossier = dossier_propose(appel)
    formulaire = _comite(pilote, appel)
    ailleurs = ContratFactory()

    reponse = formulaire.poster(
        {
            f"decision_{dossier.pk}": [CodeTransition.VALIDER],
            f"montant_accorde_{dossier.pk}": ["1"],
            "montant_accorde": ["1"],
            f"statut_{dossier.pk}": [Statut.SOLDE],
            "instance": [str(villiers().instances.get(code="comite-recevabilite").pk)],
            "contrat": [str(ailleurs.pk)],
        }
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    assert en_base(dossier, "statut")["statut"] == Statut.VALIDE
    accordes = {f["financeur__code"]: f["montant_accorde"] for f in _accordes(dossier)}
    assert accordes == {"caf": Decimal("3500"), "etat": Decimal("5000")}
    journal = TransitionDossier.objects.filter(dossier=dossier).latest("pk")
    assert journal.seance.instance.code == "copil-politique"
    assert journal.seance.instance.contrat == villiers()


def _accordes(dossier: Dossier):
    return Financement.objects.filter(dossier=dossier).values("financeur__code", "montant_accorde")


def test_a_decision_written_on_a_meeting_s_agenda_item_never_moves_its_dossier(pilote):
    """Only the committees' pages decide on a dossier (the state machine): the relevé's
    free decision on a dossier's agenda item records a line and changes nothing else."""
    dossier = dossier_propose()
    seance = preparer_seance(
        instance=villiers().instances.get(code="copil-politique"),
        date=aujourdhui(),
        titre="COPIL",
        lieu="Salle du conseil",
        acteur=pilote,
    )
    point = ajouter_point(seance=seance, acteur=pilote, objet=dossier)
    autre = ajouter_point(seance=seance, acteur=pilote, intitule="Divers")
    tenir_seance(seance=seance, acteur=pilote)
    formulaire = Formulaire(
        pilote,
        reverse("gouvernance:seance", args=[seance.pk]),
        reverse("gouvernance:decider", args=[seance.pk, point.pk]),
    )

    reponse = formulaire.poster(
        {
            "decision": [CodeTransition.VALIDER],
            "statut": [Statut.VALIDE],
            "transition": [CodeTransition.VALIDER],
            "point": [str(autre.pk)],
            "objet_libelle": ["Autre chose"],
            "acteur": [str(UtilisateurFactory().pk)],
            "montant_accorde": ["99999"],
        }
    )

    assert reponse.status_code == 302
    decision = Decision.objects.get(seance=seance)
    assert (decision.point, decision.objet, decision.acteur) == (point, dossier, pilote)
    assert (decision.decision, decision.decision_libelle) == ("releve", CodeTransition.VALIDER)
    assert en_base(dossier, "statut")["statut"] == Statut.PROPOSE
    assert not TransitionDossier.objects.filter(dossier=dossier, seance=seance).exists()
    assert not Financement.objects.filter(dossier=dossier, montant_accorde__isnull=False).exists()


def test_pilote_signs_a_cpo_for_a_porteur_structure_of_its_own_contract_only(pilote):
    porteuse = StructureFactory()
    HabilitationFactory(contrat=villiers(), role=Role.PORTEUR, organisation=porteuse.organisation)
    sans_porteur_ici = StructureFactory()
    ailleurs = ContratFactory()
    formulaire = Formulaire(pilote, _url("conventions_pluriannuelles", villiers().slug))
    cpo = {
        "numero": ["CPO-2016-01"],
        "intitule": ["Accompagnement à la scolarité"],
        "financeur": [str(Organisation.objects.get(code="caf").pk)],
        "annee_debut": ["2016"],
        "annee_fin": ["2018"],
        "montant_annuel": ["5 000"],
    }

    refus = formulaire.poster(cpo | {"structure": [str(sans_porteur_ici.pk)]})

    assert refus.status_code == 200 and "structure" in refus.context["form"].errors
    assert not ConventionPluriannuelle.objects.filter(numero="CPO-2016-01").exists()

    reponse = formulaire.poster(
        cpo | {"structure": [str(porteuse.pk)], "contrat": [str(ailleurs.pk)], "est_demo": ["on"]}
    )

    assert reponse.status_code == 302, pourquoi(reponse)
    convention = ConventionPluriannuelle.objects.get(numero="CPO-2016-01")
    assert (convention.contrat, convention.structure, convention.est_demo) == (
        villiers(),
        porteuse,
        False,
    )
