"""The conseil citoyen: its two colleges, their balance, its charter.

The law (loi n° 2014-173 du 21 février 2014, art. 7) gives the conseil citoyen two
colleges: the habitants, drawn by lot with parity between women and men, and the acteurs
locaux (associations, local actors); the habitants are at least half of its members. It
adopts its own charter and is consulted. The contract commits the commune to install it
"dans le respect des dispositions fixées par la loi du 21 février 2014 et du cadre de
référence élaboré par le CGET" (Article 2 §2.1; Propos introductifs, 6).

Reads first (`conseil_citoyen_du_contrat`, `composition_du_conseil`, `page_du_conseil`),
then the writes, each checked by `permissions.peut_gerer_les_membres`, in one transaction
with its history event; a refusal is French and changes nothing.
"""

from dataclasses import dataclass
from datetime import date as Date

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils.text import slugify

from comptes.models import Utilisateur
from contrats.models import Contrat, Instance, Organisation
from gouvernance.actions import ActionGouvernance
from gouvernance.models import CharteConseilCitoyen, MembreInstance
from gouvernance.permissions import peut_gerer_les_membres
from gouvernance.selectors import membres_en_fonction
from gouvernance.services import _verifier_fichier, ajouter_membre, terminer_mandat
from historique.erreurs import ConflitDeModification, DonneesInvalides, DroitInsuffisant
from historique.horloge import aujourdhui
from historique.services import enregistrer_evenement

College = MembreInstance.College
Sexe = MembreInstance.Sexe
REFUS = "Seuls le pilote et l'État tiennent la composition et la charte du conseil citoyen."


# ---------------------------------------------------------------- reads


def conseil_citoyen_du_contrat(contrat: Contrat) -> Instance:
    """The contract's conseil citoyen (the first, should it have several); 404 without."""
    conseil = (
        contrat.instances.filter(nature=Instance.Nature.CONSEIL_CITOYEN).order_by("ordre").first()
    )
    if conseil is None:
        raise Http404("Ce contrat n'a pas de conseil citoyen.")
    return conseil


def _pluriel(nombre: int, singulier: str, pluriel: str) -> str:
    return f"{nombre} {singulier if nombre < 2 else pluriel}"


@dataclass(frozen=True)
class Composition:
    """Who sits in the conseil citoyen on a day, college by college, and what departs
    from the law."""

    jour: Date
    habitants: list[MembreInstance]
    acteurs_locaux: list[MembreInstance]
    # In office without a college (an organisation seated as such).
    autres: list[MembreInstance]
    femmes_tirees_au_sort: int
    hommes_tires_au_sort: int
    alertes: list[str]

    @property
    def nb_habitants(self) -> int:
        return len(self.habitants)

    @property
    def nb_acteurs_locaux(self) -> int:
        return len(self.acteurs_locaux)

    @property
    def total(self) -> int:
        return len(self.habitants) + len(self.acteurs_locaux) + len(self.autres)

    @property
    def tires_au_sort(self) -> int:
        return self.femmes_tirees_au_sort + self.hommes_tires_au_sort


def _alertes(
    habitants: int, acteurs_locaux: int, total: int, femmes: int, hommes: int
) -> list[str]:
    alertes = []
    if not habitants:
        alertes.append("Le collège des habitants est vide.")
    if not acteurs_locaux:
        alertes.append("Le collège des acteurs locaux est vide.")
    if total and 2 * habitants < total:
        alertes.append(
            f"Les habitants ne sont que {habitants} sur {_pluriel(total, 'membre', 'membres')} "
            "en fonction : la loi veut qu'ils en forment au moins la moitié."
        )
    if abs(femmes - hommes) > 1:
        alertes.append(
            f"Parmi les habitants tirés au sort, {_pluriel(femmes, 'femme', 'femmes')} et "
            f"{_pluriel(hommes, 'homme', 'hommes')} : la parité veut un écart d'une personne "
            "au plus."
        )
    return alertes


def composition_du_conseil(instance: Instance, jour: Date) -> Composition:
    """One query: the members in office that day, sorted into their colleges."""
    membres = list(membres_en_fonction(instance, jour).order_by("college", "nom", "id"))
    habitants = [m for m in membres if m.college == College.HABITANTS]
    acteurs = [m for m in membres if m.college == College.ACTEURS_LOCAUX]
    autres = [m for m in membres if not m.college]
    tires = [m for m in habitants if m.tire_au_sort]
    femmes = sum(1 for m in tires if m.sexe == Sexe.FEMME)
    hommes = sum(1 for m in tires if m.sexe == Sexe.HOMME)
    return Composition(
        jour=jour,
        habitants=habitants,
        acteurs_locaux=acteurs,
        autres=autres,
        femmes_tirees_au_sort=femmes,
        hommes_tires_au_sort=hommes,
        alertes=_alertes(len(habitants), len(acteurs), len(membres), femmes, hommes),
    )


def charte_de(instance: Instance) -> CharteConseilCitoyen | None:
    return CharteConseilCitoyen.objects.filter(instance=instance).first()


@dataclass(frozen=True)
class PageConseil:
    contrat: Contrat
    conseil: Instance
    composition: Composition
    charte: CharteConseilCitoyen | None
    gestion: bool  # the pilotage's forms are shown

    @property
    def noms_visibles(self) -> bool:
        """Its members are private persons (residents drawn by lot, volunteers): they are
        named to the pilotage that manages them, never on the public page
        (docs/donnees-personnelles.md)."""
        return self.gestion


def page_du_conseil(contrat: Contrat, gestion: bool) -> PageConseil:
    conseil = conseil_citoyen_du_contrat(contrat)
    return PageConseil(
        contrat=contrat,
        conseil=conseil,
        composition=composition_du_conseil(conseil, aujourdhui()),
        charte=charte_de(conseil),
        gestion=gestion,
    )


# ---------------------------------------------------------------- writes


def _exiger_gestion(acteur: Utilisateur, instance: Instance) -> None:
    if not peut_gerer_les_membres(acteur, instance.contrat):
        raise DroitInsuffisant(REFUS)
    if instance.nature != Instance.Nature.CONSEIL_CITOYEN:
        raise DonneesInvalides(f"{instance.nom} n'est pas un conseil citoyen.")


def _verifier_college(college: str, nom: str, organisation: str, sexe: str, tire: bool) -> None:
    if college not in College.values:
        raise DonneesInvalides(
            "Choisissez le collège : celui des habitants ou celui des acteurs locaux."
        )
    if sexe not in ("", *Sexe.values):
        raise DonneesInvalides("Indiquez « Femme » ou « Homme ».")
    if college == College.HABITANTS:
        if not nom:
            raise DonneesInvalides("Indiquez le nom de l'habitant ou de l'habitante.")
        if organisation:
            raise DonneesInvalides(
                "Un habitant siège en son nom propre : il ne représente aucune organisation."
            )
        if not sexe:
            raise DonneesInvalides(
                "Indiquez si ce membre du collège des habitants est une femme ou un homme : "
                "la parité du collège en dépend."
            )
    else:
        if not nom and not organisation:
            raise DonneesInvalides(
                "Indiquez l'association ou l'acteur local, la personne qui siège, ou les deux."
            )
        if tire:
            raise DonneesInvalides(
                "Seuls les habitants sont tirés au sort : les acteurs locaux sont désignés."
            )


def _organisation_nommee(nom: str) -> Organisation:
    """The organisation of that name, or a new one: acteurs locaux are often associations
    the contract does not list yet."""
    existante = Organisation.objects.filter(nom__iexact=nom).order_by("pk").first()
    if existante is not None:
        return existante
    base = f"acteur-local-{slugify(nom)[:40]}".rstrip("-")
    code, rang = base, 1
    while Organisation.objects.filter(code=code).exists():
        rang += 1
        code = f"{base}-{rang}"
    type_ = (
        Organisation.Type.ASSOCIATION if "association" in nom.lower() else Organisation.Type.AUTRE
    )
    return Organisation.objects.create(code=code, nom=nom, type=type_)


def inscrire_au_conseil(
    *,
    instance: Instance,
    acteur: Utilisateur,
    college: str,
    date_debut: Date | None,
    nom: str = "",
    organisation: str = "",
    sexe: str = "",
    tire_au_sort: bool = False,
    qualite: str = "",
    est_demo: bool = False,
) -> MembreInstance:
    """A new member of one of the two colleges: an habitant (a person, woman or man, drawn
    by lot or not) or an acteur local (an organisation, a person, or a person for one)."""
    _exiger_gestion(acteur, instance)
    nom, organisation = nom.strip(), organisation.strip()
    _verifier_college(college, nom, organisation, sexe, tire_au_sort)
    # The mandate's dates and a member already sitting are checked by ajouter_membre; the
    # acteur local's organisation it may create goes with a refusal.
    with transaction.atomic():
        return ajouter_membre(
            instance=instance,
            acteur=acteur,
            date_debut=date_debut,
            organisation=_organisation_nommee(organisation) if organisation else None,
            nom=nom,
            qualite=qualite,
            college=college,
            sexe=sexe,
            tire_au_sort=tire_au_sort,
            est_demo=est_demo,
        )


def terminer_mandat_au_conseil(
    *, membre: MembreInstance, acteur: Utilisateur, date_fin: Date | None
) -> None:
    _exiger_gestion(acteur, membre.instance)
    terminer_mandat(membre=membre, acteur=acteur, date_fin=date_fin)


def adopter_charte(
    *,
    instance: Instance,
    acteur: Utilisateur,
    texte: str,
    adoptee_le: Date | None,
    fichier=None,
    version: int | None = None,
    est_demo: bool = False,
) -> CharteConseilCitoyen:
    """The conseil citoyen adopted its charter, or a revised one (its version rises).
    A charter adopted without a new file keeps the one it had."""
    _exiger_gestion(acteur, instance)
    texte = texte.strip()
    if not texte:
        raise DonneesInvalides("Recopiez le texte de la charte adoptée.")
    if adoptee_le is None:
        raise DonneesInvalides("Indiquez la date d'adoption de la charte.")
    if adoptee_le > aujourdhui():
        raise DonneesInvalides(
            f"La charte ne peut pas avoir été adoptée le {adoptee_le:%d/%m/%Y} : "
            "cette date n'est pas encore passée."
        )
    verifie = _verifier_fichier(fichier) if fichier is not None else None
    with transaction.atomic():
        charte = CharteConseilCitoyen.objects.select_for_update().filter(instance=instance).first()
        if charte is not None and version is not None and charte.version != version:
            raise ConflitDeModification(
                "La charte a été modifiée par une autre personne pendant votre saisie. "
                "Rechargez la page : rien n'a été enregistré."
            )
        if charte is None:
            charte = CharteConseilCitoyen(instance=instance, est_demo=est_demo)
        else:
            charte.version = F("version") + 1
        charte.texte, charte.adoptee_le = texte, adoptee_le
        if verifie is not None:
            charte.nom_original = verifie.nom[-250:]
            charte.fichier.save(verifie.nom, fichier, save=False)
        charte.save()
        charte.refresh_from_db()
        enregistrer_evenement(
            acteur=acteur,
            objet=charte,
            action=ActionGouvernance.CHARTE_ADOPTION,
            changements={
                "adoptée le": adoptee_le.isoformat(),
                "version": charte.version,
                "fichier": charte.nom_original,
            },
        )
    return charte
