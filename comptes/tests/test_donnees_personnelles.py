"""A person's data (RGPD): the export gathers it from every app and holds nobody else's;
the erasure pseudonymises what must be kept and removes the rest, in one transaction with
one history event, and the history's chain still verifies; the purge removes only what
is past its retention period; a person downloads their own export from "Mon compte"."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.urls import reverse

from comptes.actions import ActionCompte
from comptes.donnees_personnelles import personne_de
from comptes.models import Role, Utilisateur
from comptes.services_rgpd import effacer_personne, en_json, exporter_donnees, purger
from comptes.tests.factories import CompteFactory
from contrats.models import Contrat, Habilitation, Instance, Invitation
from contrats.services import attribuer_habilitation
from gouvernance import services as gouvernance
from gouvernance.models import MembreInstance, Presence
from gouvernance.selectors import membres_en_fonction
from gouvernance.tests.outils import seance_tenue
from historique import integrite
from historique.horloge import maintenant
from historique.models import Evenement
from programmation.models import DemandeAdhesion, Dossier, Structure, TransitionDossier
from programmation.tests.factories import AppelFactory, StructureFactory
from programmation.tests.outils import dossier_depose
from suivi.models import Bilan
from territoires.models import ImportObservations
from tests.outils import client_de

pytestmark = pytest.mark.django_db

IP_DE_ZOE, IP_DE_BASILE = "203.0.113.7", "198.51.100.23"
TELEPHONE_DE_ZOE = "06 98 76 54 31"
PSEUDONYME = "Personne effacée n° {}"


@dataclass
class Monde:
    zoe: Utilisateur  # the person whose data is exported or erased
    basile: Utilisateur  # someone who worked with her
    pilote: Utilisateur
    structure: Structure
    dossier: Dossier


def _compte(prenom: str, nom: str, identifiant: str) -> Utilisateur:
    return CompteFactory(
        username=identifiant,
        first_name=prenom,
        last_name=nom,
        email=f"{identifiant}@courriel-perso.test",
    )


def _connexions(compte: Utilisateur, ip: str) -> None:
    commun = {"ip_address": ip, "user_agent": f"Navigateur de {compte.username}"}
    commun |= {"http_accept": "text/html", "path_info": "/comptes/connexion/"}
    AccessAttempt.objects.create(
        username=f"compte-{compte.pk}", get_data="", post_data="", failures_since_start=2, **commun
    )
    AccessLog.objects.create(username=compte.username, **commun)


def _siege(instance: Instance, pilote: Utilisateur, **champs) -> MembreInstance:
    return gouvernance.ajouter_membre(
        instance=instance, acteur=pilote, date_debut=date(2015, 6, 1), **champs
    )


def _seance_avec_presences(contrat: Contrat, code: str, pilote, etats: dict) -> None:
    """A meeting held in 2016 where every member in office attends, but those of `etats`
    ({membre: (état, représenté par)})."""
    jour = date(2016, 3, 10)
    seance = seance_tenue(contrat, code, jour)
    presences = {m.pk: ("present", "") for m in membres_en_fonction(seance.instance, jour)}
    presences |= {membre.pk: etat for membre, etat in etats.items()}
    gouvernance.enregistrer_presences(seance=seance, acteur=pilote, presences=presences)


@pytest.fixture
def monde(villiers, pilote) -> Monde:
    """Zoé Quintard, porteuse and référente of her association, its legal representative,
    habitante of the conseil citoyen, representing a member of the COPIL technique; and
    Basile Ormesson, porteur of the same association, who invited her to the contract."""
    zoe = _compte("Zoé", "Quintard", "zoe.quintard")
    basile = _compte("Basile", "Ormesson", "basile.ormesson")
    structure = StructureFactory(
        referent=zoe, representant_nom="Zoé Quintard", representant_qualite="Présidente"
    )
    client_de(zoe)  # an open session; a login clears the failures (AXES_RESET_ON_SUCCESS)
    for personne in (zoe, basile):
        attribuer_habilitation(
            utilisateur=personne,
            contrat=villiers,
            role=Role.PORTEUR,
            organisation=structure.organisation,
            acteur=pilote,
        )
        _connexions(personne, IP_DE_ZOE if personne == zoe else IP_DE_BASILE)
    Authenticator.objects.create(user=zoe, type=Authenticator.Type.TOTP, data={"secret": "X"})
    Invitation.objects.create(
        contrat=villiers,
        email=zoe.email,
        role=Role.ETAT,
        empreinte_jeton="0" * 64,
        statut=Invitation.Statut.EN_ATTENTE,
        invitee_par=basile,
        creee_le=maintenant(),
        expire_le=maintenant() + timedelta(days=14),
    )
    ImportObservations.objects.create(auteur=zoe, fichier="releves-2016.csv", empreinte="1" * 64)
    conseil = villiers.instances.get(nature=Instance.Nature.CONSEIL_CITOYEN)
    siege = _siege(
        conseil, pilote, nom="Zoé Quintard", utilisateur=zoe, college="habitants", sexe="F"
    )
    _siege(
        conseil, pilote, nom="Basile Ormesson", utilisateur=basile, college="habitants", sexe="H"
    )
    _seance_avec_presences(villiers, conseil.code, pilote, {siege: ("present", "")})
    copil = villiers.instances.get(code="copil-technique")
    caf = _siege(copil, pilote, organisation=structure.organisation)
    _seance_avec_presences(villiers, copil.code, pilote, {caf: ("represente", "Zoé QUINTARD")})
    autre = StructureFactory(representant_nom="Basile Ormesson")
    DemandeAdhesion.objects.create(
        structure=autre,
        contrat=villiers,
        demandeur=zoe,
        message=f"Joignable au {TELEPHONE_DE_ZOE}.",
    )
    dossier = dossier_depose(AppelFactory(), structure=structure)
    Bilan.objects.create(
        dossier=dossier,
        annee=dossier.appel.annee,
        date_limite=date(dossier.appel.annee + 1, 6, 30),
        signataire="Zoé  Quintard, présidente",
    )
    return Monde(zoe=zoe, basile=basile, pilote=pilote, structure=structure, dossier=dossier)


# ---------------------------------------------------------------- export


def test_l_export_reunit_les_donnees_de_la_personne_de_chaque_application(monde):
    export = exporter_donnees(monde.zoe)

    comptes = export["Comptes"]
    assert comptes["Compte"][0]["Adresse électronique"] == monde.zoe.email
    assert [a["Adresse"] for a in comptes["Adresses électroniques"]] == [monde.zoe.email]
    assert [f["Type"] for f in comptes["Double authentification"]] == ["totp"]
    assert len(comptes["Sessions ouvertes"]) == 1
    assert [t["Adresse IP"] for t in comptes["Tentatives de connexion"]] == [IP_DE_ZOE]
    # Her session's login (the test client's, without address), then the one built here.
    assert [c["Adresse IP"] for c in comptes["Connexions"]] == [None, IP_DE_ZOE]
    assert ("dossier", str(monde.dossier.pk)) in {
        (e["Type d'objet"], e["Objet n°"]) for e in comptes["Historique : actions de la personne"]
    }
    assert export["Territoires"]["Imports d'observations"][0]["Fichier"] == "releves-2016.csv"
    contrats = export["Contrats de ville"]
    assert [r["Rôle"] for r in contrats["Rôles"]] == [Role.PORTEUR]
    assert [i["Adresse"] for i in contrats["Invitations reçues"]] == [monde.zoe.email]
    gouvernance_ = export["Gouvernance"]
    assert [s["Nom"] for s in gouvernance_["Sièges dans les instances"]] == ["Zoé Quintard"]
    assert len(gouvernance_["Présences aux séances"]) == 1
    assert len(gouvernance_["Représentations à des séances"]) == 1
    programmation = export["Programmation"]
    assert [s["Structure"] for s in programmation["Structures dont vous êtes le référent"]] == [
        monde.structure.organisation.nom
    ]
    assert [r["Nom"] for r in programmation["Représentation légale d'une structure"]] == [
        "Zoé Quintard"
    ]
    assert TELEPHONE_DE_ZOE in programmation["Demandes d'adhésion à une structure"][0]["Message"]
    assert [v["Dossier"] for v in programmation["Versions de dossiers déposées"]] == [
        monde.dossier.numero
    ]
    assert programmation["Changements de statut des dossiers"]
    assert [b["Dossier"] for b in export["Suivi et évaluation"]["Bilans signés"]] == [
        monde.dossier.numero
    ]


def test_l_export_ne_contient_les_donnees_de_personne_d_autre(monde):
    texte_zoe = en_json(exporter_donnees(monde.zoe))
    texte_basile = en_json(exporter_donnees(monde.basile))

    for trace_de_basile in ("Basile", "Ormesson", monde.basile.email, IP_DE_BASILE):
        assert trace_de_basile not in texte_zoe
    for trace_de_zoe in ("Zoé", "Quintard", monde.zoe.email, IP_DE_ZOE, TELEPHONE_DE_ZOE):
        assert trace_de_zoe not in texte_basile
    # Her invitation came from Basile: he sees he sent one, not to whom.
    assert json.loads(texte_basile)["Contrats de ville"]["Invitations envoyées"]


def test_la_commande_exporte_en_json_utf8_dans_un_fichier(monde, tmp_path):
    sortie = tmp_path / "export.json"
    call_command("exporter_donnees_personnelles", "ZOE.QUINTARD", "--sortie", str(sortie))

    texte = sortie.read_text(encoding="utf-8")
    assert "Zoé" in texte  # accents as they are
    assert json.loads(texte)["Export"]["Compte n°"] == monde.zoe.pk
    with pytest.raises(CommandError, match="Aucun compte n'a l'identifiant ou l'adresse"):
        call_command("exporter_donnees_personnelles", "personne-inconnue")


# ---------------------------------------------------------------- erasure


def test_l_effacement_pseudonymise_et_desactive_le_compte(monde):
    zoe = monde.zoe
    effacements = effacer_personne(zoe, par=monde.pilote, motif="Demande du 2 mars")

    zoe.refresh_from_db()
    assert str(zoe) == PSEUDONYME.format(zoe.pk)
    assert zoe.username == f"personne-effacee-{zoe.pk}"
    assert zoe.email == f"personne-effacee-{zoe.pk}@effacee.invalid"
    assert not zoe.is_active and not zoe.has_usable_password()
    assert not EmailAddress.objects.filter(user=zoe).exists()
    assert not Authenticator.objects.filter(user=zoe).exists()
    assert not Habilitation.objects.filter(utilisateur=zoe).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(zoe.pk)]
    assert not AccessAttempt.objects.filter(ip_address=IP_DE_ZOE).exists()
    assert not AccessLog.objects.filter(ip_address=IP_DE_ZOE).exists()
    assert effacements["Compte pseudonymisé"] == 1
    assert effacements["Sessions fermées"] == 1
    assert effacements["Tentatives et connexions supprimées"] == 3


def test_l_effacement_remplace_le_nom_dans_les_enregistrements_conserves(monde):
    zoe, pseudonyme = monde.zoe, PSEUDONYME.format(monde.zoe.pk)
    transitions = TransitionDossier.objects.filter(acteur=zoe).count()
    evenements = Evenement.objects.filter(acteur=zoe).count()

    effacer_personne(zoe, par=monde.pilote)

    monde.structure.refresh_from_db()
    assert (monde.structure.representant_nom, monde.structure.referent) == (pseudonyme, None)
    assert Bilan.objects.get(dossier=monde.dossier).signataire == f"{pseudonyme}, présidente"
    assert MembreInstance.objects.get(utilisateur=zoe).nom == pseudonyme
    assert Presence.objects.filter(represente_par=pseudonyme).count() == 1
    assert Invitation.objects.get(invitee_par=monde.basile).email.startswith("personne-effacee-")
    assert not DemandeAdhesion.objects.filter(demandeur=zoe).exists()
    # The records stay, and still point to her (pseudonymised) account.
    assert Dossier.objects.filter(pk=monde.dossier.pk).exists()
    assert TransitionDossier.objects.filter(acteur=zoe).count() == transitions
    assert Evenement.objects.filter(acteur=zoe).count() == evenements
    # Basile's own data is left as it was.
    assert MembreInstance.objects.get(utilisateur=monde.basile).nom == "Basile Ormesson"
    assert Habilitation.objects.filter(utilisateur=monde.basile).exists()
    # Nothing the platform still exports about her names her.
    texte = en_json(exporter_donnees(zoe))
    for trace in ("Zoé", "Quintard", "zoe.quintard@", IP_DE_ZOE, TELEPHONE_DE_ZOE):
        assert trace not in texte


def test_l_effacement_laisse_un_evenement_et_la_chaine_de_l_historique_intacte(monde):
    zoe = monde.zoe
    effacer_personne(zoe, par=monde.pilote, motif="Demande du 2 mars")

    evenement = Evenement.objects.get(action=ActionCompte.DONNEES_EFFACEES, object_id=str(zoe.pk))
    assert (evenement.acteur, evenement.motif) == (monde.pilote, "Demande du 2 mars")
    assert evenement.objet_libelle == PSEUDONYME.format(zoe.pk)
    assert evenement.changements["effacements"]["Rôles retirés"] == 1
    assert "Quintard" not in json.dumps(evenement.changements, ensure_ascii=False)
    integrite.sceller()
    verification = integrite.verifier()
    assert verification.intacte and verification.non_scelles == 0, verification.raison


def test_la_commande_refuse_d_effacer_sans_confirmer(monde):
    with pytest.raises(CommandError, match="irréversible : relancez la commande avec --confirmer"):
        call_command("effacer_donnees_personnelles", "zoe.quintard")
    monde.zoe.refresh_from_db()
    assert monde.zoe.is_active and monde.zoe.first_name == "Zoé"

    sortie = StringIO()
    call_command(
        "effacer_donnees_personnelles",
        monde.zoe.email,
        "--confirmer",
        "--par",
        monde.pilote.username,
        stdout=sortie,
    )
    assert f"Données du compte n° {monde.zoe.pk} effacées ou pseudonymisées." in sortie.getvalue()
    assert "Sièges pseudonymisés : 1" in sortie.getvalue()
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("effacer_donnees_personnelles", "zoe.quintard", "--confirmer")
    with pytest.raises(CommandError, match="déjà effacées"):
        call_command(
            "effacer_donnees_personnelles", f"personne-effacee-{monde.zoe.pk}", "--confirmer"
        )


# ---------------------------------------------------------------- purge


@pytest.fixture
def anciennes_et_recentes(villiers, pilote, settings):
    """Of each kind, a row past its retention period and one within it."""
    settings.CONSERVATION_TENTATIVES_CONNEXION = 180
    settings.CONSERVATION_SESSIONS = 0
    settings.CONSERVATION_INVITATIONS = 90
    settings.CONSERVATION_COMPTES_INACTIFS = 1095
    for modele in (AccessAttempt, AccessFailureLog, AccessLog, Session):
        modele.objects.all().delete()
    maintenant_ = maintenant()
    lignes = {}
    for age, nom in ((200, "ancienne"), (10, "recente")):
        quand = maintenant_ - timedelta(days=age)
        compte = CompteFactory(username=f"inscription-{nom}", adresse_verifiee=False)
        Utilisateur.objects.filter(pk=compte.pk).update(date_joined=quand)
        _connexions(compte, IP_DE_ZOE)
        AccessFailureLog.objects.create(
            username=compte.username,
            ip_address=IP_DE_ZOE,
            user_agent="",
            http_accept="",
            path_info="",
        )
        for modele in (AccessAttempt, AccessFailureLog, AccessLog):
            modele.objects.filter(username__in=[compte.username, f"compte-{compte.pk}"]).update(
                attempt_time=quand
            )
        Session.objects.create(
            session_key=f"session-{nom}".ljust(32, "x"), session_data="", expire_date=quand
        )
        lignes[nom] = Invitation.objects.create(
            contrat=villiers,
            email=f"invitee-{nom}@exemple.test",
            role=Role.ETAT,
            empreinte_jeton=nom.ljust(64, "0"),
            invitee_par=pilote,
            creee_le=quand - timedelta(days=14),
            expire_le=quand,
        )
    Session.objects.create(
        session_key="session-en-cours".ljust(32, "x"),
        session_data="",
        expire_date=maintenant_ + timedelta(hours=1),
    )
    # An old sign-up never confirmed, but given a role since: it is kept.
    rattachee = CompteFactory(username="inscription-rattachee", adresse_verifiee=False)
    Utilisateur.objects.filter(pk=rattachee.pk).update(
        date_joined=maintenant_ - timedelta(days=200)
    )
    attribuer_habilitation(utilisateur=rattachee, contrat=villiers, role=Role.ETAT)
    inactif = CompteFactory(username="agent-parti", first_name="Odile", last_name="Vernhes")
    actif = CompteFactory(username="agent-present")
    Utilisateur.objects.filter(pk=inactif.pk).update(last_login=maintenant_ - timedelta(days=1200))
    Utilisateur.objects.filter(pk=actif.pk).update(last_login=maintenant_ - timedelta(days=300))
    return {**lignes, "rattachee": rattachee, "inactif": inactif, "actif": actif}


ATTENDU = {
    "Tentatives de connexion": 1,
    "Échecs de connexion": 1,
    "Journal des connexions": 1,
    "Sessions expirées": 2,
    "Inscriptions jamais confirmées": 1,
    "Invitations jamais acceptées": 1,
    "Comptes inactifs pseudonymisés": 1,
}


def test_la_purge_ne_retire_que_ce_qui_depasse_la_conservation(anciennes_et_recentes):
    lignes = anciennes_et_recentes
    assert purger(simulation=True) == ATTENDU
    assert Utilisateur.objects.filter(username="inscription-ancienne").exists()
    assert not Evenement.objects.filter(action=ActionCompte.PURGE).exists()

    assert purger() == ATTENDU

    assert not Utilisateur.objects.filter(username="inscription-ancienne").exists()
    assert Utilisateur.objects.filter(username="inscription-recente").exists()
    assert Utilisateur.objects.filter(pk=lignes["rattachee"].pk).exists()
    assert not Invitation.objects.filter(pk=lignes["ancienne"].pk).exists()
    assert Invitation.objects.filter(pk=lignes["recente"].pk).exists()
    for modele in (AccessAttempt, AccessFailureLog, AccessLog):
        assert modele.objects.count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        "session-en-cours".ljust(32, "x")
    ]
    inactif, actif = (Utilisateur.objects.get(pk=lignes[c].pk) for c in ("inactif", "actif"))
    assert (str(inactif), inactif.is_active) == (PSEUDONYME.format(inactif.pk), False)
    assert actif.is_active and actif.username == "agent-present"
    purges = Evenement.objects.filter(action=ActionCompte.PURGE)
    assert purges.count() == 6
    assert Evenement.objects.get(action=ActionCompte.INACTIF_PSEUDONYMISE).object_id == str(
        inactif.pk
    )
    assert set(purger().values()) == {0}


def test_la_commande_de_purge_affiche_les_nombres_par_nature(anciennes_et_recentes):
    sortie = StringIO()
    call_command("purger_donnees", "--simulation", stdout=sortie)
    texte = sortie.getvalue()
    assert "(simulation)" in texte
    for libelle, nombre in ATTENDU.items():
        assert f"  {libelle} : {nombre}\n" in texte
    assert Utilisateur.objects.filter(username="inscription-ancienne").exists()


# ---------------------------------------------------------------- "Mon compte"


def test_la_personne_telecharge_ses_donnees_depuis_mon_compte(monde):
    client = client_de(monde.zoe)
    page = client.get(reverse("comptes:mon_compte")).content.decode()
    assert reverse("comptes:donnees_personnelles") in page
    page = client.get(reverse("comptes:donnees_personnelles")).content.decode()
    url = reverse("comptes:export_donnees_personnelles")
    assert f'href="{url}"' in page and "Télécharger mes données (JSON)" in page

    reponse = client.get(url)

    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert reponse["Content-Disposition"].startswith("attachment;")
    export = json.loads(reponse.content.decode("utf-8"))
    assert export["Comptes"]["Compte"][0]["Identifiant"] == "zoe.quintard"


def test_la_personne_ne_telecharge_pas_les_donnees_d_une_autre(monde):
    url = reverse("comptes:export_donnees_personnelles")
    for parametres in ({"identifiant": "basile.ormesson"}, {"compte": monde.basile.pk}):
        texte = client_de(monde.zoe).get(url, parametres).content.decode("utf-8")
        assert "Quintard" in texte
        assert "Ormesson" not in texte and monde.basile.email not in texte


@pytest.mark.parametrize("nom", ["donnees_personnelles", "export_donnees_personnelles"])
def test_l_anonyme_est_renvoye_a_la_connexion(client, nom):
    reponse = client.get(reverse(f"comptes:{nom}"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("comptes:connexion"))


# ---------------------------------------------------------------- inventory

# Every link from a record to an account, as docs/donnees-personnelles.md lists them: a new
# one must be exported (and erased or kept) by its app's donnees_personnelles.py.
LIENS_INVENTORIES = {
    "admin.LogEntry.user",
    "account.EmailAddress.user",
    "mfa.Authenticator.user",
    "historique.Evenement.acteur",
    "territoires.ImportObservations.auteur",
    "contrats.Habilitation.utilisateur",
    "contrats.Invitation.invitee_par",
    "contrats.Invitation.acceptee_par",
    "contrats.Avenant.cree_par",
    "contrats.AccordAvenant.enregistre_par",
    "gouvernance.MembreInstance.utilisateur",
    "gouvernance.DocumentSeance.ajoute_par",
    "gouvernance.Decision.acteur",
    "programmation.Structure.referent",
    "programmation.DemandeAdhesion.demandeur",
    "programmation.DemandeAdhesion.traitee_par",
    "programmation.DocumentStructure.deposee_par",
    "programmation.AvisProgrammation.saisi_par",
    "programmation.PieceJointe.deposee_par",
    "programmation.VersionDossier.acteur",
    "programmation.DemandeComplements.demandee_par",
    "programmation.Financement.avis_par",
    "programmation.Paiement.acteur",
    "programmation.TransitionDossier.acteur",
    "suivi.TransitionBilan.acteur",
    "suivi.OrdreDeReversement.acteur",
    "suivi.ReportDeDates.demande_par",
    "suivi.ReportDeDates.decide_par",
    "suivi.SuiviEngagement.propose_par",
    "suivi.SuiviEngagement.examine_par",
    "suivi.DecisionAction.decide_par",
    "suivi.TransitionRapport.acteur",
    "suivi.AvisRapport.saisi_par",
    "suivi.GenerationRapport.demandee_par",
    "suivi.MesureIndicateur.saisie_par",
}


def test_chaque_lien_vers_un_compte_est_inventorie():
    liens = {
        f"{relation.related_model._meta.label}.{relation.field.name}"
        for relation in Utilisateur._meta.related_objects
    }
    assert liens == LIENS_INVENTORIES


def test_le_nom_n_est_reconnu_que_s_il_est_entier(monde):
    zoe = personne_de(monde.zoe)
    for texte in ("Zoé Quintard", " zoé  QUINTARD ", "Quintard Zoé", "Zoé Quintard (adjointe)"):
        assert zoe.est_nommee(texte), texte
    for texte in ("Zoé Quintard-Martin", "Zoé Quintardi", "Mme Zoé Quintard", "Zoé"):
        assert not zoe.est_nommee(texte), texte
    assert zoe.sans_son_nom("Zoé Quintard – trésorière") == f"{zoe.pseudonyme} – trésorière"
