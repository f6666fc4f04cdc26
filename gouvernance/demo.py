"""Demo meetings of every body of the contract, 2015 to 2020, through the services: members
in office (the organisations each body gathers, the co-chairs the contract names), held
meetings with their agenda, attendance and relevé. A few years stay behind their minimum,
as a real contract's do, so that the frequency check has something to show. Idempotent:
nothing is created once the demo meetings exist."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Instance, Signataire
from contrats.selectors import premiere_personne
from gouvernance.models import MembreInstance, Presence, Seance
from gouvernance.selectors import membres_en_fonction
from gouvernance.services import (
    Horaire,
    ajouter_membre,
    ajouter_point,
    creer_seance,
    decider_sur_un_point,
    enregistrer_presences,
    publier_releve,
    tenir_seance,
)
from historique.horloge import rejouer_a

# (code of the body, year) -> meetings held, where it differs from the body's minimum.
ECARTS = {
    ("copil-technique", 2017): 1,
    ("copil-technique", 2019): 1,
    ("gt-developpement-economique", 2018): 1,
    ("gt-habitat-cadre-de-vie", 2020): 0,
    ("gt-education-parentalite", 2016): 3,
}
# Bodies without a minimum still meet: the conseil citoyen and the platforms, from 2016.
SANS_MINIMUM = {Instance.Nature.CONSEIL_CITOYEN: 2, Instance.Nature.PLATEFORME: 1}
MOIS = (3, 10, 6, 12)
POINTS = {
    Instance.Nature.COPIL_POLITIQUE: ("Orientations de l'année", "Bilan de la programmation"),
    Instance.Nature.COPIL_TECHNIQUE: (
        "Réalisation de la programmation et équilibre du contrat",
        "Mobilisation du droit commun, pilier par pilier",
        "Respect des engagements des signataires",
    ),
    Instance.Nature.GROUPE_TECHNIQUE: ("Suivi des actions du domaine", "Besoins repérés"),
    Instance.Nature.CONSEIL_CITOYEN: ("Avis des habitants", "Projets du quartier"),
    Instance.Nature.PLATEFORME: ("Échanges entre les participants", "Actions communes"),
}
RELEVES = (
    "Le point est examiné ; les orientations proposées sont retenues.",
    "Le point est examiné ; un suivi est demandé pour la prochaine séance.",
    "Le point est examiné sans observation.",
)


@dataclass
class DemoGouvernance:
    membres: int = 0
    seances: int = 0
    decisions: int = 0

    @property
    def total(self) -> int:
        return self.membres + self.seances

    def en_dict(self) -> dict[str, int]:
        return {
            "membres des instances": self.membres,
            "séances": self.seances,
            "décisions": self.decisions,
        }


def _pilote(contrat: Contrat) -> Utilisateur:
    pilote = premiere_personne(contrat, Role.PILOTE)
    if pilote is None:
        raise ValueError("Le contrat n'a pas de pilote : créez d'abord les comptes.")
    return pilote


def _moment(jour: date, heure: int) -> datetime:
    return datetime.combine(jour, time(heure), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _installer_membres(contrat: Contrat, pilote: Utilisateur, bilan: DemoGouvernance) -> None:
    """The organisations each body gathers; the COPIL politique's two co-chairs, the
    Maire and the Préfet, as the signatures name them (Article 3 §1.1)."""
    debut = contrat.date_debut
    presidents = {
        s.organisation_id: s
        for s in Signataire.objects.filter(contrat=contrat, role=Signataire.Role.PARTIE)
    }
    for instance in contrat.instances.prefetch_related("organisations"):
        for organisation in instance.organisations.all():
            signataire = presidents.get(organisation.pk)
            copreside = instance.nature == Instance.Nature.COPIL_POLITIQUE and signataire
            ajouter_membre(
                instance=instance,
                acteur=pilote,
                date_debut=debut,
                organisation=organisation,
                nom=signataire.representant if copreside else "",
                qualite=signataire.qualite if copreside else "",
                role=MembreInstance.Role.PRESIDENT if copreside else MembreInstance.Role.MEMBRE,
                est_demo=True,
            )
            bilan.membres += 1


def _nombre_de_seances(instance: Instance, annee: int) -> int:
    if (instance.code, annee) in ECARTS:
        return ECARTS[(instance.code, annee)]
    if instance.reunions_min_par_an is not None:
        return instance.reunions_min_par_an
    return SANS_MINIMUM.get(instance.nature, 0) if annee > 2015 else 0


def _tenir(
    instance: Instance, jour: date, pilote: Utilisateur, rng: random.Random, bilan: DemoGouvernance
) -> None:
    with rejouer_a(_moment(jour, 9)):
        seance = creer_seance(
            instance=instance,
            date=jour,
            titre=f"Séance du {jour:%d/%m/%Y}",
            acteur=pilote,
            statut=Seance.Statut.PREVUE,
            horaire=Horaire(time(14), time(16)),
            lieu="Hôtel de ville de Villiers-sur-Marne, salle du conseil",
            est_demo=True,
        )
        points = [
            ajouter_point(seance=seance, acteur=pilote, intitule=intitule)
            for intitule in POINTS.get(instance.nature, ("Points divers",))
        ]
    with rejouer_a(_moment(jour, 17)):
        tenir_seance(seance=seance, acteur=pilote)
        membres = list(membres_en_fonction(instance, jour))
        presences = {}
        for membre in membres:
            tirage = rng.random()
            if tirage < 0.75:
                presences[membre.pk] = (Presence.Etat.PRESENT, "")
            elif tirage < 0.9:
                presences[membre.pk] = (Presence.Etat.EXCUSE, "")
            else:
                presences[membre.pk] = (Presence.Etat.REPRESENTE, "Son suppléant")
        if presences:
            enregistrer_presences(seance=seance, acteur=pilote, presences=presences)
        for point in points:
            decider_sur_un_point(point=point, decision_libelle=rng.choice(RELEVES), acteur=pilote)
            bilan.decisions += 1
        publier_releve(seance=seance, acteur=pilote)
    bilan.seances += 1


def generer_demo_gouvernance(contrat: Contrat) -> DemoGouvernance:
    bilan = DemoGouvernance()
    if MembreInstance.objects.filter(instance__contrat=contrat, est_demo=True).exists():
        return bilan
    pilote = _pilote(contrat)
    rng = random.Random(f"gouvernance-{contrat.slug}")
    with transaction.atomic():
        _installer_membres(contrat, pilote, bilan)
        for annee in range(contrat.date_debut.year, contrat.date_fin.year + 1):
            for instance in contrat.instances.order_by("ordre"):
                for rang in range(_nombre_de_seances(instance, annee)):
                    jour = date(annee, MOIS[rang % len(MOIS)], 2 + 2 * instance.ordre)
                    if contrat.date_debut <= jour <= contrat.date_fin:
                        _tenir(instance, jour, pilote, rng, bilan)
    return bilan
