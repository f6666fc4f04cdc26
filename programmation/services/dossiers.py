"""Writing a dossier while it is a draft: its sections, budget, public and documents."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max

from comptes.models import Utilisateur
from contrats.models import AxeTransversal, ObjectifOperationnel
from contrats.selectors import droits
from historique.fichiers import erreurs_du_fichier, nom_sur
from historique.horloge import aujourdhui
from historique.services import differences, enregistrer_evenement
from programmation import permissions
from programmation.actions import ActionProgrammation
from programmation.models import (
    AppelAProjets,
    Beneficiaires,
    CompteBudget,
    Dossier,
    LigneBudget,
    NatureCredit,
    PieceJointe,
    SectionDossier,
    Statut,
    Structure,
)
from programmation.selectors.pieces import pieces_du_depot
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    TransitionInterdite,
)
from programmation.services.pieces import pieces_manquantes
from programmation.templatetags.montants import format_euros

CHAMPS_ACTION = (
    "intitule",
    "description",
    "objectifs",
    "pilier",
    "action_du_plan",
    "public_vise",
    "part_residents_qpv",
    "lieux",
    "date_debut",
    "date_fin",
    "nb_salaries",
    "etp_salaries",
    "nb_benevoles",
)


def creer_dossier(
    *,
    appel: AppelAProjets,
    structure: Structure,
    intitule: str,
    acteur: Utilisateur,
    est_demo: bool = False,
) -> Dossier:
    """Open a draft for a structure the porteur acts for."""
    if not permissions.peut_agir_pour_structure(
        droits(acteur, appel.contrat), structure.organisation_id
    ):
        raise DroitInsuffisant("Vous ne pouvez créer un dossier que pour votre structure.")
    if aujourdhui() > appel.date_cloture:
        raise TransitionInterdite(
            f"L'appel à projets est clos depuis le {appel.date_cloture:%d/%m/%Y} : "
            "aucun dossier ne peut plus y être créé."
        )
    if not appel.publie:
        raise DonneesInvalides("Cet appel à projets n'est pas publié.")
    with transaction.atomic():
        dossier = Dossier.objects.create(
            appel=appel,
            structure=structure,
            numero=_numero_suivant(appel),
            intitule=intitule,
            est_demo=est_demo,
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=dossier,
            action=ActionProgrammation.DOSSIER_CREATION,
            changements={"statut": [None, Statut.BROUILLON]},
        )
    return dossier


def _numero_suivant(appel: AppelAProjets) -> str:
    # Locking the call serialises number allocation between concurrent creations.
    AppelAProjets.objects.select_for_update().get(pk=appel.pk)
    dernier = Dossier.objects.filter(appel=appel).aggregate(n=Max("numero"))["n"]
    rang = int(dernier.rsplit("-", 1)[1]) + 1 if dernier else 1
    return f"{appel.annee}-{rang:03d}"


def _verrouiller_brouillon(
    dossier: Dossier, acteur: Utilisateur, version: int, section: SectionDossier
) -> Dossier:
    courant = (
        Dossier.objects.select_for_update(of=("self",)).select_related("appel").get(pk=dossier.pk)
    )
    if not permissions.peut_modifier_dossier(acteur, courant, section):
        raise DroitInsuffisant(refus_de_modification(courant, section))
    _verifier_appel_ouvert(courant)
    if courant.version != version:
        raise ConflitDeModification(
            "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie. "
            "Rechargez la page pour voir la dernière version : vos changements n'ont pas été "
            "enregistrés."
        )
    return courant


def refus_de_modification(dossier: Dossier, section: SectionDossier) -> str:
    if dossier.statut == Statut.A_COMPLETER:
        return (
            f"Cette partie du dossier ({section.label.lower()}) n'est pas concernée par la "
            "demande de compléments : elle ne peut pas être modifiée."
        )
    return "Seul le porteur peut modifier ce dossier, et seulement tant qu'il est en brouillon."


def _verifier_appel_ouvert(dossier: Dossier) -> None:
    """A draft is written while the call is open; a requested correction may come later."""
    if dossier.statut == Statut.BROUILLON and aujourdhui() > dossier.appel.date_cloture:
        raise TransitionInterdite(
            f"L'appel à projets est clos depuis le {dossier.appel.date_cloture:%d/%m/%Y} : "
            "le dossier ne peut plus être modifié."
        )


def _nouvelle_version(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(version=F("version") + 1)
    dossier.refresh_from_db(fields=["version"])


@dataclass(frozen=True)
class SectionAction:
    valeurs: dict[str, Any]
    objectifs_operationnels: list[ObjectifOperationnel]
    axes: list[AxeTransversal]


def modifier_action(
    *, dossier: Dossier, section: SectionAction, acteur: Utilisateur, version: int
) -> Dossier:
    _verifier_objectifs(section)
    _verifier_action_du_plan(section, dossier)
    with transaction.atomic():
        courant = _verrouiller_brouillon(dossier, acteur, version, SectionDossier.ACTION)
        avant = {champ: _valeur(getattr(courant, champ)) for champ in CHAMPS_ACTION}
        for champ, valeur in section.valeurs.items():
            setattr(courant, champ, valeur)
        courant.save(update_fields=list(section.valeurs))
        courant.objectifs_operationnels.set(section.objectifs_operationnels)
        courant.axes.set(section.axes)
        _nouvelle_version(courant)
        apres = {champ: _valeur(getattr(courant, champ)) for champ in CHAMPS_ACTION}
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.DOSSIER_MODIFICATION,
            changements=differences(avant, apres),
        )
    return courant


def _verifier_action_du_plan(section: SectionAction, dossier: Dossier) -> None:
    action = section.valeurs.get("action_du_plan")
    if action is not None and action.ligne.contrat_id != dossier.appel.contrat_id:
        raise DonneesInvalides("Cette action n'appartient pas au plan d'actions de ce contrat.")


def _verifier_objectifs(section: SectionAction) -> None:
    """Operational objectives are those of the chosen pillar (Article 2's framework)."""
    pilier = section.valeurs.get("pilier")
    if pilier is None:
        return
    hors_pilier = sorted(
        o.numero
        for o in ObjectifOperationnel.objects.filter(
            pk__in=[o.pk for o in section.objectifs_operationnels]
        ).exclude(domaine__pilier=pilier)
    )
    if hors_pilier:
        raise DonneesInvalides(
            f"L'action relève du pilier {pilier.numero} : les objectifs opérationnels "
            f"{', '.join(hors_pilier)} appartiennent à un autre pilier.",
        )


def _valeur(valeur: Any) -> Any:
    if hasattr(valeur, "pk"):
        return str(valeur)
    if isinstance(valeur, Decimal) or hasattr(valeur, "isoformat"):
        return str(valeur)
    return valeur


def enregistrer_beneficiaires(
    *, dossier: Dossier, effectifs: dict[str, tuple[int, int]], acteur: Utilisateur, version: int
) -> Dossier:
    """Replace the public by age band: {tranche: (femmes, hommes)}."""
    with transaction.atomic():
        courant = _verrouiller_brouillon(dossier, acteur, version, SectionDossier.PUBLIC)
        courant.beneficiaires.all().delete()
        Beneficiaires.objects.bulk_create(
            Beneficiaires(dossier=courant, tranche=t, femmes=f, hommes=h)
            for t, (f, h) in effectifs.items()
            if f or h
        )
        _nouvelle_version(courant)
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.DOSSIER_BENEFICIAIRES,
            changements={t: {"femmes": f, "hommes": h} for t, (f, h) in effectifs.items()},
        )
    return courant


def enregistrer_budget(
    *, dossier: Dossier, lignes: Iterable[dict[str, Any]], acteur: Utilisateur, version: int
) -> Dossier:
    """Replace the provisional budget. Balance is required at submission, not for a draft."""
    lignes = list(lignes)
    erreurs = erreurs_lignes_budget(lignes)
    if erreurs:
        raise DonneesInvalides("Le budget n'est pas enregistré.", erreurs)
    with transaction.atomic():
        courant = _verrouiller_brouillon(dossier, acteur, version, SectionDossier.BUDGET)
        courant.lignes_budget.all().delete()
        LigneBudget.objects.bulk_create(LigneBudget(dossier=courant, **ligne) for ligne in lignes)
        _nouvelle_version(courant)
        totaux = totaux_budget(courant)
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.DOSSIER_BUDGET,
            changements={"charges": str(totaux.charges), "produits": str(totaux.produits)},
        )
    return courant


def erreurs_lignes_budget(lignes: list[dict[str, Any]]) -> list[str]:
    erreurs = []
    for i, ligne in enumerate(lignes, start=1):
        est_charge = ligne["compte"] in LigneBudget.COMPTES_CHARGES
        if ligne["sens"] != (LigneBudget.Sens.CHARGE if est_charge else LigneBudget.Sens.PRODUIT):
            erreurs.append(f"Ligne {i} : le compte {ligne['compte']} ne correspond pas au sens.")
        if ligne["montant"] < 0:
            erreurs.append(f"Ligne {i} : le montant ne peut pas être négatif.")
        if ligne["compte"] == CompteBudget.C74 and not ligne.get("financeur"):
            erreurs.append(f"Ligne {i} : une subvention (compte 74) doit nommer son financeur.")
        if (
            ligne["compte"] == CompteBudget.C74
            and ligne.get("nature") not in NatureCredit.financees()
        ):
            erreurs.append(
                f"Ligne {i} : précisez si la subvention relève des crédits spécifiques ou du "
                "droit commun."
            )
    return erreurs


@dataclass(frozen=True)
class TotauxBudget:
    charges: Decimal
    produits: Decimal

    @property
    def equilibre(self) -> bool:
        return self.charges == self.produits and self.charges > 0


def totaux_budget(dossier: Dossier) -> TotauxBudget:
    charges = produits = Decimal(0)
    for ligne in dossier.lignes_budget.all():
        if ligne.sens == LigneBudget.Sens.CHARGE:
            charges += ligne.montant
        else:
            produits += ligne.montant
    return TotauxBudget(charges, produits)


def ajouter_piece(
    *, dossier: Dossier, nature: str, fichier: UploadedFile, acteur: Utilisateur
) -> PieceJointe:
    erreurs = erreurs_piece(fichier)
    if erreurs:
        raise DonneesInvalides("La pièce n'est pas ajoutée.", erreurs)
    with transaction.atomic():
        courant = _verrouiller_brouillon(dossier, acteur, dossier.version, SectionDossier.PIECES)
        contenu = b"".join(fichier.chunks())
        piece = PieceJointe(
            dossier=courant,
            nature=nature,
            nom_original=nom_sur(fichier.name),
            taille=fichier.size,
            empreinte=hashlib.sha256(contenu).hexdigest(),
            deposee_par=acteur,
        )
        fichier.seek(0)
        piece.fichier.save(fichier.name, fichier, save=False)
        piece.save()
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.PIECE_AJOUTEE,
            changements={"pièce": piece.nom_original, "nature": nature},
        )
    return piece


def erreurs_piece(fichier: UploadedFile) -> list[str]:
    """A dossier's pieces and an engagement's evidence are PDF files (historique.fichiers)."""
    return erreurs_du_fichier(fichier, [".pdf"], settings.TAILLE_MAX_PIECE_JOINTE)


def supprimer_piece(*, piece: PieceJointe, acteur: Utilisateur) -> None:
    with transaction.atomic():
        courant = _verrouiller_brouillon(
            piece.dossier, acteur, piece.dossier.version, SectionDossier.PIECES
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.PIECE_SUPPRIMEE,
            changements={"pièce": piece.nom_original},
        )
        piece.fichier.delete(save=False)
        piece.delete()


def erreurs_de_completude(dossier: Dossier, *, jour: date | None = None) -> list[str]:
    """What a dossier lacks before it can be submitted on `jour` (today), as French sentences."""
    erreurs = []
    if not dossier.description.strip():
        erreurs.append("Décrivez l'action.")
    if dossier.pilier_id is None:
        erreurs.append("Choisissez le pilier du contrat que sert l'action.")
    if not dossier.objectifs_operationnels.exists():
        erreurs.append("Choisissez au moins un objectif opérationnel du contrat.")
    if not (dossier.date_debut and dossier.date_fin):
        erreurs.append("Indiquez les dates de début et de fin de l'action.")
    elif dossier.date_fin < dossier.date_debut:
        erreurs.append("La date de fin précède la date de début.")
    if not dossier.beneficiaires.exists():
        erreurs.append("Indiquez le public visé par tranche d'âge et par sexe.")
    totaux = totaux_budget(dossier)
    if not totaux.equilibre:
        erreurs.append(
            f"Le budget doit être équilibré : charges {format_euros(totaux.charges)}, produits "
            f"{format_euros(totaux.produits)}."
        )
    if not dossier.lignes_budget.filter(compte=CompteBudget.C74).exists():
        erreurs.append("Le budget ne sollicite aucune subvention (compte 74).")
    erreurs += pieces_manquantes(dossier, jour=jour or aujourdhui())
    return erreurs


def instantane(dossier: Dossier) -> dict[str, Any]:
    """Everything the dossier says, as JSON, to freeze what was submitted."""
    return {
        "numero": dossier.numero,
        "structure": str(dossier.structure),
        **{champ: _valeur(getattr(dossier, champ)) for champ in CHAMPS_ACTION},
        "objectifs_operationnels": sorted(
            dossier.objectifs_operationnels.values_list("numero", flat=True)
        ),
        "axes": sorted(dossier.axes.values_list("numero", flat=True)),
        "beneficiaires": [
            {"tranche": b.tranche, "femmes": b.femmes, "hommes": b.hommes}
            for b in dossier.beneficiaires.all()
        ],
        "budget": [
            {
                "sens": ligne.sens,
                "compte": ligne.compte,
                "libelle": ligne.libelle,
                "montant": str(ligne.montant),
                "financeur": str(ligne.financeur or ""),
                "nature": ligne.nature,
            }
            for ligne in dossier.lignes_budget.select_related("financeur")
        ],
        # Its own pieces and the porte-documents' ones it uses (selectors.pieces).
        "pieces": [piece.instantane() for piece in pieces_du_depot(dossier, aujourdhui())],
    }
