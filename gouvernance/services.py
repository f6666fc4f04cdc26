"""Meetings of the bodies: prepare, convene, hold, record attendance and decisions, publish
the relevé. Each write is one transaction and one history event; refusals are French and
change nothing."""

import hashlib
from dataclasses import dataclass
from datetime import date as Date
from datetime import time as Heure

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F, Max

from comptes.models import Utilisateur
from contrats.models import Instance, Organisation
from gouvernance import convocations
from gouvernance.actions import ActionGouvernance
from gouvernance.models import (
    Decision,
    DocumentSeance,
    MembreInstance,
    PointOrdreDuJour,
    Presence,
    Seance,
)
from gouvernance.permissions import peut_convoquer
from gouvernance.selectors import membres_en_fonction, quorum_atteint
from historique.erreurs import ConflitDeModification, DonneesInvalides, DroitInsuffisant
from historique.fichiers import erreurs_du_fichier, nom_sur
from historique.horloge import aujourdhui, maintenant
from historique.services import enregistrer_evenement

TAILLE_MAXIMALE_DOCUMENT = 10 * 1024 * 1024
FORMATS_DE_DOCUMENT = (".pdf", ".odt", ".ods", ".docx", ".xlsx")


@dataclass(frozen=True)
class Horaire:
    debut: Heure | None = None
    fin: Heure | None = None


def _exiger_pilotage(acteur: Utilisateur, instance: Instance) -> None:
    if not peut_convoquer(acteur, instance.contrat):
        raise DroitInsuffisant(
            "Seuls le pilote et l'État convoquent les instances et enregistrent leurs séances."
        )


def _verifier_date_dans_le_contrat(instance: Instance, jour: Date) -> None:
    contrat = instance.contrat
    if not contrat.date_debut <= jour <= contrat.fin_effective:
        raise DonneesInvalides(
            f"La séance du {jour:%d/%m/%Y} est hors de la période du contrat "
            f"(du {contrat.date_debut:%d/%m/%Y} au {contrat.fin_effective:%d/%m/%Y})."
        )


def _verifier_horaire(horaire: Horaire) -> None:
    if horaire.fin and not horaire.debut:
        raise DonneesInvalides("Indiquez l'heure de début avant l'heure de fin.")
    if horaire.debut and horaire.fin and horaire.fin <= horaire.debut:
        raise DonneesInvalides("L'heure de fin doit suivre l'heure de début.")


def _verifier_version(seance: Seance, version: int | None) -> Seance:
    """Lock the meeting's row; a form built on an older version is refused."""
    verrouillee = Seance.objects.select_for_update().get(pk=seance.pk)
    if version is not None and verrouillee.version != version:
        raise ConflitDeModification(
            "Cette séance a été modifiée par une autre personne pendant votre saisie. "
            "Rechargez la page : rien n'a été enregistré."
        )
    return verrouillee


def _nouvelle_version(seance: Seance, **champs) -> None:
    Seance.objects.filter(pk=seance.pk).update(version=F("version") + 1, **champs)
    seance.refresh_from_db()


def creer_seance(
    *,
    instance: Instance,
    date: Date,
    titre: str,
    acteur: Utilisateur,
    ordre_du_jour: str = "",
    statut: str = Seance.Statut.TENUE,
    horaire: Horaire = Horaire(),
    lieu: str = "",
    lien_visio: str = "",
    est_demo: bool = False,
) -> Seance:
    """Record a meeting. Callers check who may (preparer_seance does, a committee's
    service does); a held meeting cannot be in the future."""
    if not titre.strip():
        raise DonneesInvalides("Donnez un titre à la séance.")
    _verifier_date_dans_le_contrat(instance, date)
    _verifier_horaire(horaire)
    if statut == Seance.Statut.TENUE and date > aujourdhui():
        raise DonneesInvalides(
            f"La séance du {date:%d/%m/%Y} n'a pas encore eu lieu : elle ne peut pas être "
            "enregistrée comme tenue."
        )
    with transaction.atomic():
        seance = Seance.objects.create(
            instance=instance,
            date=date,
            titre=titre.strip(),
            ordre_du_jour=ordre_du_jour,
            statut=statut,
            heure_debut=horaire.debut,
            heure_fin=horaire.fin,
            lieu=lieu.strip(),
            lien_visio=lien_visio.strip(),
            est_demo=est_demo,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_CREATION,
            changements={
                "instance": instance.nom,
                "date": date.isoformat(),
                "statut": seance.get_statut_display(),
            },
        )
    return seance


def preparer_seance(
    *,
    instance: Instance,
    date: Date,
    titre: str,
    acteur: Utilisateur,
    horaire: Horaire = Horaire(),
    lieu: str = "",
    lien_visio: str = "",
    ordre_du_jour: str = "",
    est_demo: bool = False,
) -> Seance:
    """A meeting the pilotage is preparing: its agenda is built, then it is convened."""
    _exiger_pilotage(acteur, instance)
    if not lieu.strip() and not lien_visio.strip():
        raise DonneesInvalides("Indiquez le lieu de la séance ou son lien de visioconférence.")
    return creer_seance(
        instance=instance,
        date=date,
        titre=titre,
        acteur=acteur,
        ordre_du_jour=ordre_du_jour,
        statut=Seance.Statut.PREVUE,
        horaire=horaire,
        lieu=lieu,
        lien_visio=lien_visio,
        est_demo=est_demo,
    )


def modifier_seance(
    *,
    seance: Seance,
    acteur: Utilisateur,
    version: int,
    date: Date,
    titre: str,
    horaire: Horaire,
    lieu: str,
    lien_visio: str,
    ordre_du_jour: str,
    compte_rendu: str,
) -> Seance:
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut == Seance.Statut.ANNULEE:
        raise DonneesInvalides("Une séance annulée ne se modifie plus.")
    if not titre.strip():
        raise DonneesInvalides("Donnez un titre à la séance.")
    _verifier_date_dans_le_contrat(seance.instance, date)
    _verifier_horaire(horaire)
    if seance.tenue and date > aujourdhui():
        raise DonneesInvalides("Une séance tenue ne peut pas être datée dans le futur.")
    if seance.tenue and date != seance.date and seance.decisions.exists():
        raise DonneesInvalides(
            "Cette séance a déjà des décisions : sa date ne change plus (elle les date)."
        )
    champs = {
        "date": date,
        "titre": titre.strip(),
        "heure_debut": horaire.debut,
        "heure_fin": horaire.fin,
        "lieu": lieu.strip(),
        "lien_visio": lien_visio.strip(),
        "ordre_du_jour": ordre_du_jour,
        "compte_rendu": compte_rendu,
    }
    with transaction.atomic():
        avant = _verifier_version(seance, version)
        changements = {
            nom: str(valeur) for nom, valeur in champs.items() if getattr(avant, nom) != valeur
        }
        _nouvelle_version(seance, **champs)
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_MODIFICATION,
            changements=changements,
        )
    return seance


def libelle_de(objet: models.Model) -> str:
    return str(objet)[:300]


def ajouter_point(
    *,
    seance: Seance,
    acteur: Utilisateur,
    intitule: str = "",
    objet: models.Model | None = None,
) -> PointOrdreDuJour:
    """One more agenda item, about an object of the contract or free."""
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut in (Seance.Statut.TENUE, Seance.Statut.ANNULEE):
        raise DonneesInvalides("L'ordre du jour d'une séance tenue ou annulée ne change plus.")
    intitule = (intitule.strip() or (libelle_de(objet) if objet is not None else ""))[:300]
    if not intitule:
        raise DonneesInvalides("Donnez un intitulé au point de l'ordre du jour.")
    type_ = ContentType.objects.get_for_model(objet) if objet is not None else None
    with transaction.atomic():
        _verifier_version(seance, None)
        if type_ and seance.points.filter(content_type=type_, object_id=str(objet.pk)).exists():
            raise DonneesInvalides(f"« {intitule} » est déjà à l'ordre du jour.")
        ordre = (seance.points.aggregate(m=Max("ordre"))["m"] or 0) + 1
        point = PointOrdreDuJour.objects.create(
            seance=seance,
            ordre=ordre,
            intitule=intitule,
            content_type=type_,
            object_id=str(objet.pk) if objet is not None else "",
        )
        _nouvelle_version(seance)
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_POINT,
            changements={"point": str(point)},
        )
    return point


def retirer_point(*, point: PointOrdreDuJour, acteur: Utilisateur) -> None:
    seance = point.seance
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut in (Seance.Statut.TENUE, Seance.Statut.ANNULEE):
        raise DonneesInvalides("L'ordre du jour d'une séance tenue ou annulée ne change plus.")
    with transaction.atomic():
        _verifier_version(seance, None)
        libelle = str(point)
        point.delete()
        _nouvelle_version(seance)
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_POINT_RETRAIT,
            changements={"point": libelle},
        )


def convoquer(
    *, seance: Seance, acteur: Utilisateur, adresse_site: str, envoyer: bool = True
) -> list[str]:
    """Send the convocation (an e-mail with the invitation as an .ics file) to every member
    with an address; convening again sends the updated one. Returns the addresses."""
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut not in (Seance.Statut.PREVUE, Seance.Statut.CONVOQUEE):
        raise DonneesInvalides("Seule une séance à venir se convoque.")
    if seance.date < aujourdhui():
        raise DonneesInvalides(
            f"La séance du {seance.date:%d/%m/%Y} est passée : enregistrez-la comme tenue "
            "plutôt que de la convoquer."
        )
    if not seance.points.exists():
        raise DonneesInvalides("L'ordre du jour est vide : ajoutez au moins un point.")
    with transaction.atomic():
        _verifier_version(seance, None)
        _nouvelle_version(seance, statut=Seance.Statut.CONVOQUEE, convoquee_le=maintenant())
        adresses = convocations.destinataires(seance)
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_CONVOCATION,
            changements={"destinataires": len(adresses)},
        )
        if envoyer:
            transaction.on_commit(lambda: convocations.envoyer(seance, adresses, adresse_site))
    return adresses


def enregistrer_presences(
    *,
    seance: Seance,
    acteur: Utilisateur,
    presences: dict[int, tuple[str, str]],
    version: int | None = None,
) -> None:
    """Attendance of the members in office on the meeting's day: {membre id: (état,
    représenté par)}. Every member gets a line; the meeting must have taken place."""
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut == Seance.Statut.ANNULEE:
        raise DonneesInvalides("Une séance annulée n'a pas de présences.")
    if seance.date > aujourdhui():
        raise DonneesInvalides("Les présences s'enregistrent une fois la séance tenue.")
    membres = {m.pk: m for m in membres_en_fonction(seance.instance, seance.date)}
    inconnus = set(presences) - set(membres)
    if inconnus:
        raise DonneesInvalides("Une présence porte sur une personne qui ne siège pas ce jour-là.")
    manquants = [str(membres[pk]) for pk in membres if pk not in presences]
    if manquants:
        raise DonneesInvalides(
            "Indiquez la présence de chaque membre : " + ", ".join(manquants) + "."
        )
    etats = set(Presence.Etat.values)
    for pk, (etat, representant) in presences.items():
        if etat not in etats:
            raise DonneesInvalides(f"{membres[pk]} : présence inconnue.")
        if etat == Presence.Etat.REPRESENTE and not representant.strip():
            raise DonneesInvalides(f"{membres[pk]} est représenté : indiquez par qui.")
    with transaction.atomic():
        _verifier_version(seance, version)
        seance.presences.all().delete()
        Presence.objects.bulk_create(
            Presence(
                seance=seance,
                membre_id=pk,
                etat=etat,
                represente_par=representant.strip() if etat == Presence.Etat.REPRESENTE else "",
            )
            for pk, (etat, representant) in presences.items()
        )
        _nouvelle_version(seance)
        decompte = {
            libelle: sum(1 for e, _ in presences.values() if e == code)
            for code, libelle in Presence.Etat.choices
        }
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_PRESENCES,
            changements=decompte,
        )


def tenir_seance(*, seance: Seance, acteur: Utilisateur) -> Seance:
    """The meeting took place: from now on it counts in the body's yearly meetings."""
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut not in (Seance.Statut.PREVUE, Seance.Statut.CONVOQUEE):
        raise DonneesInvalides("Cette séance est déjà tenue ou annulée.")
    if seance.date > aujourdhui():
        raise DonneesInvalides(f"La séance du {seance.date:%d/%m/%Y} n'a pas encore eu lieu.")
    with transaction.atomic():
        _verifier_version(seance, None)
        _nouvelle_version(seance, statut=Seance.Statut.TENUE)
        enregistrer_evenement(acteur=acteur, objet=seance, action=ActionGouvernance.SEANCE_TENUE)
    return seance


def annuler_seance(*, seance: Seance, acteur: Utilisateur, motif: str) -> Seance:
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut not in (Seance.Statut.PREVUE, Seance.Statut.CONVOQUEE):
        raise DonneesInvalides("Seule une séance à venir s'annule.")
    if not motif.strip():
        raise DonneesInvalides("Indiquez le motif de l'annulation.")
    with transaction.atomic():
        _verifier_version(seance, None)
        _nouvelle_version(seance, statut=Seance.Statut.ANNULEE)
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_ANNULATION,
            motif=motif.strip(),
        )
    return seance


def _verifier_que_la_seance_peut_decider(seance: Seance) -> None:
    if seance.statut != Seance.Statut.TENUE:
        raise DonneesInvalides("Une décision s'enregistre sur une séance tenue.")
    if seance.date > aujourdhui():
        raise DonneesInvalides(
            f"La séance du {seance.date:%d/%m/%Y} n'a pas encore eu lieu : une décision "
            "s'enregistre une fois la séance tenue."
        )
    if seance.releve_publie_le is not None:
        raise DonneesInvalides(
            "Le relevé de décisions de cette séance est publié : il ne change plus."
        )
    if not quorum_atteint(seance):
        raise DonneesInvalides(
            f"Le quorum de {seance.instance.nom} ({seance.instance.quorum} membres présents "
            "ou représentés) n'est pas atteint : la séance ne peut pas décider."
        )


def enregistrer_decision(
    *,
    seance: Seance,
    decision: str,
    decision_libelle: str,
    acteur: Utilisateur,
    objet: models.Model | None = None,
    point: PointOrdreDuJour | None = None,
    motif: str = "",
) -> Decision:
    """Record one decision of a held meeting, on an object, an agenda item or both.

    The services that decide on their own objects (a committee on its dossiers) check who
    may, run it inside their transaction and write the object's own history."""
    _verifier_que_la_seance_peut_decider(seance)
    if objet is None and point is None:
        raise DonneesInvalides("Une décision porte sur un point de l'ordre du jour ou un objet.")
    if point is not None and point.seance_id != seance.pk:
        raise DonneesInvalides("Ce point n'est pas à l'ordre du jour de cette séance.")
    if objet is None and point.content_type_id:
        objet = point.objet
    if not decision_libelle.strip():
        raise DonneesInvalides("Écrivez la décision.")
    resultat = Decision.objects.create(
        seance=seance,
        point=point,
        content_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
        object_id=str(objet.pk) if objet is not None else "",
        objet_libelle=libelle_de(objet) if objet is not None else point.intitule,
        decision=decision,
        decision_libelle=decision_libelle.strip()[:300],
        motif=motif,
        acteur=acteur,
    )
    enregistrer_evenement(
        acteur=acteur,
        objet=seance,
        action=ActionGouvernance.SEANCE_DECISION,
        changements={"objet": resultat.objet_libelle, "décision": resultat.decision_libelle},
        motif=motif,
    )
    return resultat


def decider_sur_un_point(
    *,
    point: PointOrdreDuJour,
    decision_libelle: str,
    acteur: Utilisateur,
    motif: str = "",
) -> Decision:
    """A decision the pilotage writes on an agenda item (the relevé's lines)."""
    seance = point.seance
    _exiger_pilotage(acteur, seance.instance)
    with transaction.atomic():
        _verifier_version(seance, None)
        decision = enregistrer_decision(
            seance=seance,
            point=point,
            decision="releve",
            decision_libelle=decision_libelle,
            motif=motif,
            acteur=acteur,
        )
        if decision.content_type_id:
            enregistrer_evenement(
                acteur=acteur,
                objet=decision.objet,
                action=ActionGouvernance.SEANCE_DECISION,
                changements={"séance": str(seance), "décision": decision.decision_libelle},
                motif=motif,
            )
        _nouvelle_version(seance)
    return decision


def publier_releve(*, seance: Seance, acteur: Utilisateur) -> Seance:
    _exiger_pilotage(acteur, seance.instance)
    if seance.statut != Seance.Statut.TENUE:
        raise DonneesInvalides("Le relevé de décisions se publie une fois la séance tenue.")
    if seance.releve_publie_le is not None:
        raise DonneesInvalides("Le relevé de décisions de cette séance est déjà publié.")
    if not seance.decisions.exists():
        raise DonneesInvalides("Aucune décision à publier : enregistrez d'abord les décisions.")
    with transaction.atomic():
        _verifier_version(seance, None)
        _nouvelle_version(seance, releve_publie_le=maintenant())
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_RELEVE,
            changements={"décisions": seance.decisions.count()},
        )
    return seance


@dataclass(frozen=True)
class _FichierVerifie:
    nom: str
    contenu: bytes


def _verifier_fichier(fichier: UploadedFile) -> _FichierVerifie:
    """The checks of every document the bodies keep (a meeting's, a conseil citoyen's
    charter): a PDF or office file that really is one (historique.fichiers), 10 Mo at most.
    The file is left rewound, ready to be saved."""
    erreurs = erreurs_du_fichier(fichier, FORMATS_DE_DOCUMENT, TAILLE_MAXIMALE_DOCUMENT)
    if erreurs:
        raise DonneesInvalides(erreurs[0])
    contenu = fichier.read()
    fichier.seek(0)
    return _FichierVerifie(nom_sur(fichier.name), contenu)


def joindre_document(
    *, seance: Seance, acteur: Utilisateur, titre: str, fichier: UploadedFile
) -> DocumentSeance:
    _exiger_pilotage(acteur, seance.instance)
    if not titre.strip():
        raise DonneesInvalides("Donnez un titre au document.")
    verifie = _verifier_fichier(fichier)
    nom, contenu = verifie.nom, verifie.contenu
    with transaction.atomic():
        document = DocumentSeance(
            seance=seance,
            titre=titre.strip(),
            nom_original=nom,
            taille=len(contenu),
            empreinte=hashlib.sha256(contenu).hexdigest(),
            ajoute_par=acteur,
        )
        document.fichier.save(nom, fichier, save=False)
        document.save()
        enregistrer_evenement(
            acteur=acteur,
            objet=seance,
            action=ActionGouvernance.SEANCE_DOCUMENT,
            changements={"document": document.titre},
        )
    return document


def _verifier_debut_de_mandat(instance: Instance, date_debut: Date | None) -> None:
    if date_debut is None:
        raise DonneesInvalides("Indiquez la date de début du mandat.")
    contrat = instance.contrat
    if not contrat.date_debut <= date_debut <= contrat.fin_effective:
        raise DonneesInvalides(
            f"Le mandat ne peut commencer le {date_debut:%d/%m/%Y} : c'est hors de la période "
            f"du contrat (du {contrat.date_debut:%d/%m/%Y} au {contrat.fin_effective:%d/%m/%Y})."
        )


def _dans(instance: Instance) -> str:
    if instance.nature == Instance.Nature.CONSEIL_CITOYEN:
        return "au conseil citoyen"
    return f"à l'instance « {instance.nom} »"


def _verifier_pas_deja_membre(
    instance: Instance, organisation: Organisation | None, nom: str, jour: Date
) -> None:
    existant = (
        membres_en_fonction(instance, jour)
        .filter(nom__iexact=nom, organisation=organisation)
        .first()
    )
    if existant is not None:
        raise DonneesInvalides(
            f"{existant} siège déjà {_dans(instance)} le {jour:%d/%m/%Y} "
            f"(depuis le {existant.date_debut:%d/%m/%Y})."
        )


def ajouter_membre(
    *,
    instance: Instance,
    acteur: Utilisateur,
    date_debut: Date | None,
    role: str = MembreInstance.Role.MEMBRE,
    organisation: Organisation | None = None,
    nom: str = "",
    qualite: str = "",
    utilisateur: Utilisateur | None = None,
    college: str = "",
    sexe: str = "",
    tire_au_sort: bool = False,
    est_demo: bool = False,
) -> MembreInstance:
    _exiger_pilotage(acteur, instance)
    if organisation is None and not nom.strip():
        raise DonneesInvalides("Un membre est une organisation, une personne, ou les deux.")
    if college and instance.nature != Instance.Nature.CONSEIL_CITOYEN:
        raise DonneesInvalides("Seul le conseil citoyen a des collèges.")
    if role not in MembreInstance.Role.values:
        raise DonneesInvalides("Choisissez le rôle : président, co-animateur, membre ou invité.")
    _verifier_debut_de_mandat(instance, date_debut)
    _verifier_pas_deja_membre(instance, organisation, nom.strip(), date_debut)
    with transaction.atomic():
        membre = MembreInstance.objects.create(
            instance=instance,
            organisation=organisation,
            nom=nom.strip(),
            qualite=qualite.strip(),
            utilisateur=utilisateur,
            role=role,
            college=college,
            sexe=sexe,
            tire_au_sort=tire_au_sort,
            date_debut=date_debut,
            est_demo=est_demo,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=membre,
            action=ActionGouvernance.MEMBRE_AJOUT,
            changements={"instance": instance.nom, "rôle": membre.get_role_display()},
        )
    return membre


def terminer_mandat(*, membre: MembreInstance, acteur: Utilisateur, date_fin: Date | None) -> None:
    _exiger_pilotage(acteur, membre.instance)
    if date_fin is None:
        raise DonneesInvalides("Indiquez la date de fin du mandat.")
    if membre.date_fin is not None:
        raise DonneesInvalides(
            f"Le mandat de {membre} a déjà pris fin le {membre.date_fin:%d/%m/%Y}."
        )
    if date_fin < membre.date_debut:
        raise DonneesInvalides(
            f"La fin du mandat précède son début, le {membre.date_debut:%d/%m/%Y}."
        )
    with transaction.atomic():
        MembreInstance.objects.filter(pk=membre.pk).update(date_fin=date_fin)
        enregistrer_evenement(
            acteur=acteur,
            objet=membre,
            action=ActionGouvernance.MEMBRE_FIN,
            changements={"fin": date_fin.isoformat()},
        )
