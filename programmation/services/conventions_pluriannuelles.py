"""Conventions pluriannuelles d'objectifs (CPO): signed by the pilotage for a structure and
a financeur, carried by one dossier of the structure each year, never beyond their yearly
amount.

Each service checks everything before writing, then writes and records one history event
in one transaction; a refusal raises DonneesInvalides or DroitInsuffisant in French.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from comptes.models import Utilisateur
from contrats.models import Contrat, Organisation, Signataire
from historique.horloge import aujourdhui
from historique.services import enregistrer_evenement
from programmation import permissions
from programmation.actions import ActionProgrammation
from programmation.models import ConventionPluriannuelle, Dossier, Financement, Statut, Structure
from programmation.selectors.conventions_pluriannuelles import (
    STATUTS_SANS_SUITE,
    montant_demande_au_financeur,
)
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    TransitionInterdite,
)
from programmation.templatetags.montants import format_euros
from territoires.nombres import en_lettres


def _ans(nombre: int) -> str:
    """3 → "trois ans", 1 → "un an"."""
    return f"{en_lettres(nombre)} an{'s' if nombre > 1 else ''}"


def _periode(debut: int, fin: int) -> str:
    return str(debut) if debut == fin else f"{debut}-{fin}"


# ---------------------------------------------------------------- signature


def signer_convention_pluriannuelle(
    *,
    contrat: Contrat,
    structure: Structure,
    financeur: Organisation,
    numero: str,
    intitule: str,
    annee_debut: int,
    annee_fin: int,
    montant_annuel: Decimal,
    signee_le: date,
    acteur: Utilisateur,
    est_demo: bool = False,
) -> ConventionPluriannuelle:
    numero, intitule = (numero or "").strip(), (intitule or "").strip()
    if not permissions.peut_signer_convention_pluriannuelle(acteur, contrat):
        raise DroitInsuffisant(
            "Seuls le pilote et l'État enregistrent les conventions pluriannuelles d'objectifs."
        )
    _verifier_signature(
        contrat, financeur, numero, intitule, annee_debut, annee_fin, montant_annuel, signee_le
    )
    try:
        with transaction.atomic():
            convention = ConventionPluriannuelle.objects.create(
                contrat=contrat,
                structure=structure,
                financeur=financeur,
                numero=numero,
                intitule=intitule,
                annee_debut=annee_debut,
                annee_fin=annee_fin,
                montant_annuel=montant_annuel,
                signee_le=signee_le,
                est_demo=est_demo,
            )
            enregistrer_evenement(
                acteur=acteur,
                objet=convention,
                action=ActionProgrammation.CPO_SIGNATURE,
                changements={
                    "structure": structure.organisation.nom,
                    "financeur": financeur.nom,
                    "période": _periode(annee_debut, annee_fin),
                    "montant annuel": str(montant_annuel),
                    "signée le": signee_le.isoformat(),
                },
            )
    except IntegrityError:
        raise DonneesInvalides(_numero_pris(numero)) from None
    return convention


def _numero_pris(numero: str) -> str:
    return (
        f"Une convention pluriannuelle d'objectifs porte déjà le numéro {numero} dans ce contrat."
    )


def _verifier_signature(
    contrat: Contrat,
    financeur: Organisation,
    numero: str,
    intitule: str,
    annee_debut: int,
    annee_fin: int,
    montant_annuel: Decimal,
    signee_le: date,
) -> None:
    if not numero or not intitule:
        raise DonneesInvalides("Indiquez le numéro et l'intitulé de la convention.")
    if annee_debut is None or annee_fin is None or annee_fin < annee_debut:
        raise DonneesInvalides(
            "La dernière année de la convention est la première ou une année suivante."
        )
    duree_max = contrat.regle.duree_max_cpo
    if duree_max <= 0:
        raise DonneesInvalides(
            "Ce contrat ne prévoit pas de conventions pluriannuelles d'objectifs."
        )
    duree = annee_fin - annee_debut + 1
    if duree > duree_max:
        raise DonneesInvalides(
            f"Une convention pluriannuelle d'objectifs couvre {_ans(duree_max)} au plus : "
            f"{_periode(annee_debut, annee_fin)} en couvre {duree}."
        )
    debut, fin = contrat.date_debut.year, contrat.fin_effective.year
    if annee_debut < debut or annee_fin > fin:
        raise DonneesInvalides(
            f"La convention couvre {_periode(annee_debut, annee_fin)}, hors de la période du "
            f"contrat ({debut}-{fin}) : elle finance des années du contrat."
        )
    if not Signataire.objects.filter(contrat=contrat, organisation=financeur).exists():
        raise DonneesInvalides(
            f"{financeur.nom} n'est pas signataire du contrat : seul un financeur du contrat "
            "signe une convention pluriannuelle d'objectifs."
        )
    if montant_annuel is None or montant_annuel <= 0:
        raise DonneesInvalides("Le montant annuel de la convention est supérieur à 0,00 €.")
    if signee_le is None or signee_le > aujourdhui():
        raise DonneesInvalides(
            f"La date de signature ne peut pas être dans le futur (aujourd'hui : "
            f"{aujourdhui():%d/%m/%Y})."
        )
    if ConventionPluriannuelle.objects.filter(contrat=contrat, numero=numero).exists():
        raise DonneesInvalides(_numero_pris(numero))


# ---------------------------------------------------------------- the dossier of each year


def rattacher_convention_pluriannuelle(
    *,
    dossier: Dossier,
    convention: ConventionPluriannuelle | None,
    acteur: Utilisateur,
    version: int,
) -> Dossier:
    """Attach the dossier to a CPO of its structure covering its call's year (None detaches)."""
    with transaction.atomic():
        courant = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("appel__contrat", "structure__organisation", "convention_pluriannuelle")
            .get(pk=dossier.pk)
        )
        if not permissions.peut_rattacher_convention_pluriannuelle(acteur, courant):
            raise DroitInsuffisant(
                "La convention pluriannuelle d'objectifs d'un dossier se choisit par son "
                "porteur tant qu'il peut en modifier le budget, ou par le pilotage du contrat "
                "avant l'établissement des conventions."
            )
        if courant.statut == Statut.BROUILLON and aujourdhui() > courant.appel.date_cloture:
            raise TransitionInterdite(
                f"L'appel à projets est clos depuis le {courant.appel.date_cloture:%d/%m/%Y} : "
                "le dossier ne peut plus être modifié."
            )
        if courant.version != version:
            raise ConflitDeModification(
                "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie. "
                "Rechargez la page pour voir la dernière version : vos changements n'ont pas "
                "été enregistrés."
            )
        avant = courant.convention_pluriannuelle
        if convention is None:
            if avant is None:
                raise DonneesInvalides(
                    "Ce dossier n'est rattaché à aucune convention pluriannuelle d'objectifs."
                )
        else:
            convention = (
                ConventionPluriannuelle.objects.select_for_update(of=("self",))
                .select_related("financeur", "structure__organisation")
                .get(pk=convention.pk)
            )
            _verifier_rattachement(courant, convention)
        Dossier.objects.filter(pk=courant.pk).update(
            convention_pluriannuelle=convention, version=F("version") + 1
        )
        courant.refresh_from_db()
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionProgrammation.CPO_RATTACHEMENT,
            changements={
                "convention pluriannuelle": [
                    avant.numero if avant else None,
                    convention.numero if convention else None,
                ],
                **({"financeur": convention.financeur.nom} if convention else {}),
            },
        )
    return courant


def _verifier_rattachement(dossier: Dossier, convention: ConventionPluriannuelle) -> None:
    annee = dossier.appel.annee
    if convention.contrat_id != dossier.appel.contrat_id:
        raise DonneesInvalides(
            f"La convention {convention.numero} relève d'un autre contrat que ce dossier."
        )
    if convention.pk == dossier.convention_pluriannuelle_id:
        raise DonneesInvalides(f"Le dossier est déjà rattaché à la convention {convention.numero}.")
    if convention.structure_id != dossier.structure_id:
        raise DonneesInvalides(
            f"La convention {convention.numero} lie {convention.structure.organisation.nom} : "
            f"elle ne porte pas un dossier de {dossier.structure.organisation.nom}."
        )
    if not convention.couvre(annee):
        raise DonneesInvalides(
            f"La convention {convention.numero} couvre {convention.periode} : elle ne porte "
            f"pas un dossier de l'appel à projets {annee}."
        )
    autre = (
        Dossier.objects.filter(convention_pluriannuelle=convention, appel__annee=annee)
        .exclude(pk=dossier.pk)
        .exclude(statut__in=STATUTS_SANS_SUITE)
        .first()
    )
    if autre is not None:
        raise DonneesInvalides(
            f"La convention {convention.numero} porte déjà le dossier {autre.numero} "
            f"« {autre.intitule} » en {annee} : elle porte un seul dossier par an."
        )
    demande = montant_demande_au_financeur(dossier, convention.financeur_id)
    if demande > convention.montant_annuel:
        raise DonneesInvalides(
            f"Le dossier {dossier.numero} demande {format_euros(demande)} à "
            f"{convention.financeur.nom} alors que la convention {convention.numero} prévoit "
            f"{format_euros(convention.montant_annuel)} par an."
        )


# ---------------------------------------------------------------- ceiling at the decision


def verifier_plafond(financement: Financement, montant: Decimal, *, accorde: bool) -> None:
    """A dossier carried by a CPO of this financeur is never proposed (accorde=False) nor
    granted (accorde=True) more than its yearly amount, all natures of the financeur added."""
    convention = financement.dossier.convention_pluriannuelle
    if convention is None or convention.financeur_id != financement.financeur_id:
        return
    autres = Financement.objects.filter(
        dossier_id=financement.dossier_id, financeur_id=financement.financeur_id
    ).exclude(pk=financement.pk)
    deja = sum(
        (
            (f.montant_accorde if accorde and f.montant_accorde is not None else f.montant_propose)
            or Decimal(0)
            for f in autres
        ),
        Decimal(0),
    )
    total = deja + (montant or Decimal(0))
    if total > convention.montant_annuel:
        verbe = "accorder" if accorde else "proposer"
        raise DonneesInvalides(
            f"Le dossier {financement.dossier.numero} relève de la convention pluriannuelle "
            f"d'objectifs {convention.numero} : {financement.financeur.nom} ne peut pas lui "
            f"{verbe} plus de {format_euros(convention.montant_annuel)} par an "
            f"({format_euros(total)} en tout ici)."
        )
