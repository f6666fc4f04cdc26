"""The yearly follow-up of the signatories' commitments: proposed, then reviewed.

An agent of the signatory saves the year's follow-up of one engagement as a draft or
proposes it (statut, comment, evidence); the COPIL technique validates it or sends it
back with a motif, and a follow-up sent back is proposed again. Each write locks the
row, checks the version the form was built on (a stale one is refused: nothing is
overwritten), writes, and leaves one history event, in one transaction; a refusal raises
before anything is written, files included.
"""

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction

from comptes.models import Utilisateur
from contrats.models import Contrat, Engagement, Instance
from gouvernance.models import Seance
from gouvernance.services import enregistrer_decision
from historique.fichiers import nom_sur
from historique.horloge import aujourdhui, maintenant
from historique.services import differences, enregistrer_evenement
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import Dossier
from programmation.services.dossiers import erreurs_piece
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
)
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.models import PropositionSuivi, StatutEngagement, SuiviEngagement
from suivi.services.evaluations import annees_du_contrat

Proposition = PropositionSuivi
# A commitment not kept, or that no longer applies, is explained.
STATUTS_EXPLIQUES = frozenset({StatutEngagement.NON_TENU, StatutEngagement.SANS_OBJET})
# A measurable engagement under way, kept or not kept says where its indicator stands.
STATUTS_MESURES = frozenset(
    {StatutEngagement.EN_COURS, StatutEngagement.TENU, StatutEngagement.NON_TENU}
)
REFUS_EXAMEN = (
    "Seul le comité de pilotage technique (pilote et État) examine le suivi des engagements."
)
CONFLIT = (
    "Le suivi {annee} de cet engagement a été modifié par une autre personne pendant votre "
    "saisie. Rechargez la page pour voir sa dernière version : rien n'a été enregistré."
)


class Examen(models.TextChoices):
    """What the COPIL technique decides on a proposed follow-up."""

    VALIDER = "valider", "Valider le suivi"
    A_REVOIR = "a_revoir", "Renvoyer le suivi à revoir"


# How the relevé de décisions words each review.
DECIDE = {Examen.VALIDER: "validé", Examen.A_REVOIR: "renvoyé à revoir"}


# ---------------------------------------------------------------- checks


def verifier_annee(contrat: Contrat, annee: int) -> None:
    annees = annees_du_contrat(contrat)
    if annee not in annees:
        raise DonneesInvalides(
            f"L'année {annee} n'est pas dans la période du contrat ({annees[0]}-{annees[-1]})."
        )
    if annee > aujourdhui().year:
        raise DonneesInvalides(
            f"L'année {annee} n'a pas commencé : son suivi se propose à partir du 01/01/{annee}."
        )


def _verifier_saisie(statut: str, commentaire: str, lien: str, document: UploadedFile | None):
    if statut not in StatutEngagement.values:
        raise DonneesInvalides("Choisissez où en est l'engagement (pas commencé, en cours…).")
    if statut in STATUTS_EXPLIQUES and not commentaire:
        libelle = StatutEngagement(statut).label.lower()
        raise DonneesInvalides(
            f"Expliquez dans le commentaire pourquoi l'engagement est {libelle}."
        )
    if lien:
        try:
            URLValidator(schemes=["http", "https"])(lien)
        except ValidationError:
            raise DonneesInvalides(
                "Le lien doit être une adresse web complète, commençant par https:// ou http://."
            ) from None
    if document is not None:
        erreurs = erreurs_piece(document)
        if erreurs:
            raise DonneesInvalides("Le document n'est pas joint au suivi.", erreurs)


def _verifier_valeur(
    engagement: Engagement, annee: int, statut: str, valeur: Decimal | None, brouillon: bool
) -> None:
    if valeur is None:
        if engagement.est_mesurable and not brouillon and statut in STATUTS_MESURES:
            raise DonneesInvalides(
                f"Indiquez la valeur atteinte en {annee} de l'indicateur "
                f"« {engagement.indicateur} » (cible : {engagement.cible})."
            )
        return
    if not engagement.est_mesurable:
        raise DonneesInvalides(
            "Cet engagement n'a pas d'indicateur chiffré : il ne prend pas de valeur atteinte."
        )
    if valeur < 0:
        raise DonneesInvalides("La valeur atteinte ne peut pas être négative.")


def verifier_dossiers(contrat: Contrat, annee: int, dossiers: Iterable[Dossier]) -> list[Dossier]:
    """The funded dossiers of the contract that carried the engagement out up to `annee`."""
    dossiers = list(dossiers)
    erreurs = []
    for dossier in dossiers:
        if dossier.appel.contrat_id != contrat.pk:
            erreurs.append(f"Le dossier {dossier.numero} n'est pas un dossier de ce contrat.")
        elif dossier.statut not in STATUTS_PROGRAMMES:
            erreurs.append(
                f"Le dossier {dossier.numero} n'a pas été financé "
                f"(statut « {dossier.get_statut_display()} »)."
            )
        elif dossier.appel.annee > annee:
            erreurs.append(
                f"Le dossier {dossier.numero} relève de l'appel à projets {dossier.appel.annee}, "
                f"postérieur au suivi {annee}."
            )
    if erreurs:
        raise DonneesInvalides(
            "Seuls les dossiers financés du contrat servent de preuve : rien n'a été enregistré.",
            erreurs,
        )
    return dossiers


def _refus_de_proposition(engagement: Engagement) -> str:
    section = engagement.section
    noms = ", ".join(section.organisations.order_by("nom").values_list("nom", flat=True))
    return (
        f"Seuls les signataires de la section {section.numero} « {section.titre} » ({noms}) "
        "proposent le suivi de ses engagements."
    )


def _verrouiller(engagement: Engagement, annee: int) -> SuiviEngagement | None:
    return (
        SuiviEngagement.objects.select_for_update(of=("self",))
        .filter(engagement=engagement, annee=annee)
        .first()
    )


def _verifier_version(suivi: SuiviEngagement | None, version: int, annee: int) -> None:
    if (suivi.version if suivi else 0) != version:
        raise ConflitDeModification(CONFLIT.format(annee=annee))


def _etat(suivi: SuiviEngagement) -> dict[str, object]:
    """What the history compares from one write to the next."""
    return {
        "statut": suivi.statut,
        "commentaire": suivi.commentaire,
        "lien": suivi.lien,
        "valeur_atteinte": _valeur_exacte(suivi.valeur_atteinte),
        "document": suivi.document_nom,
        "document_empreinte": suivi.document_empreinte,
        "proposition": suivi.proposition,
    }


def _valeur_exacte(valeur: Decimal | None) -> str | None:
    # "45" whether it was typed "45" or read back "45.00": the history sees no false change.
    return None if valeur is None else format(valeur.normalize(), "f")


# ---------------------------------------------------------------- proposing


def proposer_suivi_engagement(
    *,
    engagement: Engagement,
    annee: int,
    statut: str,
    acteur: Utilisateur,
    version: int,
    commentaire: str = "",
    lien: str = "",
    valeur_atteinte: Decimal | None = None,
    document: UploadedFile | None = None,
    dossiers: Iterable[Dossier] = (),
    brouillon: bool = False,
    est_demo: bool = False,
) -> SuiviEngagement:
    """Save the year's follow-up of an engagement as a draft, or propose it to the COPIL
    technique. `version`: that of the follow-up the form was built on (0: there was none).
    `valeur_atteinte`: the indicator's value that year, for a measurable engagement.
    A new document replaces the former one; without one, the former one stays."""
    commentaire, lien = commentaire.strip(), lien.strip()
    contrat = engagement.section.contrat
    if not permissions.peut_proposer_suivi_engagement(acteur, engagement):
        raise DroitInsuffisant(_refus_de_proposition(engagement))
    verifier_annee(contrat, annee)
    _verifier_saisie(statut, commentaire, lien, document)
    _verifier_valeur(engagement, annee, statut, valeur_atteinte, brouillon)
    dossiers = verifier_dossiers(contrat, annee, dossiers)
    stockage = SuiviEngagement._meta.get_field("document").storage
    nouveau_fichier = ""
    try:
        with transaction.atomic():
            courant = _verrouiller(engagement, annee)
            _verifier_version(courant, version, annee)
            if courant is not None:
                _verifier_modifiable(courant, brouillon)
            suivi = courant or SuiviEngagement(
                engagement=engagement, annee=annee, est_demo=est_demo, version=0
            )
            avant = _etat(courant or SuiviEngagement())
            dossiers_avant = (
                sorted(suivi.dossiers.values_list("numero", flat=True)) if courant else []
            )
            ancien_fichier = suivi.document.name if document is not None else ""
            suivi.statut = statut
            suivi.commentaire = commentaire
            suivi.lien = lien
            suivi.valeur_atteinte = valeur_atteinte
            if document is not None:
                nouveau_fichier = _joindre(suivi, document)
            if not brouillon:
                suivi.proposition = Proposition.PROPOSE
                suivi.propose_par = acteur
                suivi.propose_le = maintenant()
            suivi.version += 1
            suivi.modifie_le = maintenant()
            suivi.save()
            suivi.dossiers.set(dossiers)
            changements = differences(avant, _etat(suivi))
            dossiers_apres = sorted(d.numero for d in dossiers)
            if dossiers_apres != dossiers_avant:
                changements["dossiers"] = [dossiers_avant, dossiers_apres]
            enregistrer_evenement(
                acteur=acteur,
                objet=suivi,
                action=ActionSuivi.ENGAGEMENT_BROUILLON
                if brouillon
                else ActionSuivi.ENGAGEMENT_PROPOSITION,
                changements={"annee": annee, **changements},
            )
            if ancien_fichier:
                # The former file goes once the new one is committed: a rollback keeps it.
                transaction.on_commit(lambda: stockage.delete(ancien_fichier))
    except IntegrityError as erreur:  # created meanwhile by someone else
        if nouveau_fichier:
            stockage.delete(nouveau_fichier)
        raise ConflitDeModification(CONFLIT.format(annee=annee)) from erreur
    except BaseException:
        if nouveau_fichier:
            stockage.delete(nouveau_fichier)
        raise
    return suivi


def _verifier_modifiable(suivi: SuiviEngagement, brouillon: bool) -> None:
    if suivi.proposition == Proposition.VALIDE:
        raise DonneesInvalides(
            f"Le suivi {suivi.annee} de cet engagement est validé depuis le "
            f"{suivi.examine_le:%d/%m/%Y} : il ne se modifie plus."
        )
    if brouillon and suivi.proposition != Proposition.BROUILLON:
        raise DonneesInvalides(
            f"Le suivi {suivi.annee} de cet engagement est déjà proposé : il ne redevient pas un "
            "brouillon. Proposez-le de nouveau avec vos modifications."
        )


def _joindre(suivi: SuiviEngagement, document: UploadedFile) -> str:
    """Store the PDF under a generated name; that name."""
    contenu = b"".join(document.chunks())
    suivi.document_nom = nom_sur(document.name)
    suivi.document_taille = document.size
    suivi.document_empreinte = hashlib.sha256(contenu).hexdigest()
    document.seek(0)
    suivi.document.save(document.name, document, save=False)
    return suivi.document.name


# ---------------------------------------------------------------- reviewing


def _verifier_seance(seance: Seance | None, contrat: Contrat) -> None:
    if seance is None:
        return
    instance = seance.instance
    if instance.contrat_id != contrat.pk or instance.nature != Instance.Nature.COPIL_TECHNIQUE:
        raise DonneesInvalides(
            "La séance choisie n'est pas une séance du comité de pilotage technique de ce contrat."
        )
    if seance.date > aujourdhui():
        raise DonneesInvalides(
            f"La séance du {seance.date:%d/%m/%Y} n'a pas encore eu lieu : un suivi s'examine "
            "en séance tenue."
        )
    if not seance.tenue:
        raise DonneesInvalides(
            f"La séance du {seance.date:%d/%m/%Y} n'est pas enregistrée comme tenue : un suivi "
            "s'examine en séance tenue."
        )


def _inscrire_au_releve(
    suivi: SuiviEngagement, examen: str, motif: str, acteur: Utilisateur, seance: Seance
) -> None:
    """A review at a séance is one of its decisions, on the engagement (gouvernance)."""
    enregistrer_decision(
        seance=seance,
        objet=suivi.engagement,
        decision=f"suivi_{examen}",
        decision_libelle=f"Suivi {suivi.annee} {DECIDE[examen]}",
        motif=motif,
        acteur=acteur,
    )


def examiner_suivi_engagement(
    *,
    suivi: SuiviEngagement,
    examen: str,
    acteur: Utilisateur,
    version: int,
    motif: str = "",
    seance: Seance | None = None,
) -> SuiviEngagement:
    """The COPIL technique validates a proposed follow-up, or sends it back "à revoir" with
    a motif; optionally at one of its séances. Nobody reviews their own proposal."""
    motif = motif.strip()
    with transaction.atomic():
        courant = (
            SuiviEngagement.objects.select_for_update(of=("self",))
            .select_related("engagement__section__contrat")
            .get(pk=suivi.pk)
        )
        contrat = courant.engagement.section.contrat
        if not permissions.examine_les_suivis_engagements(acteur, contrat):
            raise DroitInsuffisant(REFUS_EXAMEN)
        if not permissions.peut_examiner_suivi_engagement(acteur, courant):
            raise DroitInsuffisant(permissions.MOTIF_PROPRE_PROPOSITION)
        _verifier_version(courant, version, courant.annee)
        if courant.proposition != Proposition.PROPOSE:
            raise DonneesInvalides(
                f"Ce suivi est « {courant.get_proposition_display()} » : seul un suivi proposé "
                "s'examine."
            )
        if examen not in Examen.values:
            raise DonneesInvalides("Choisissez de valider le suivi ou de le renvoyer à revoir.")
        if examen == Examen.A_REVOIR and not motif:
            raise DonneesInvalides("Indiquez ce qui est à revoir : le motif est obligatoire.")
        _verifier_seance(seance, contrat)
        avant = courant.proposition
        courant.proposition = (
            Proposition.VALIDE if examen == Examen.VALIDER else Proposition.A_REVOIR
        )
        courant.examine_par = acteur
        courant.examine_le = maintenant()
        courant.motif_examen = motif
        courant.seance = seance
        courant.version += 1
        courant.modifie_le = courant.examine_le
        courant.save()
        changements = {"annee": courant.annee, "proposition": [avant, courant.proposition]}
        if seance is not None:
            changements["seance"] = f"{seance.titre} ({seance.date:%d/%m/%Y})"
            _inscrire_au_releve(courant, examen, motif, acteur, seance)
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionSuivi.ENGAGEMENT_VALIDATION
            if examen == Examen.VALIDER
            else ActionSuivi.ENGAGEMENT_A_REVOIR,
            changements=changements,
            motif=motif,
        )
    return courant
