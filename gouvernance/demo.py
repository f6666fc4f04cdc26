"""Demo meetings of every body of the contract through the services, from its first year
to its last one or to today (2015 to 2020; 2024 to now for the 2024-2030 contract):
members in office (the organisations each body gathers, the co-chairs the contract names),
held meetings with their agenda, attendance and relevé. A few years stay behind their
minimum, as a real contract's do, so that the frequency check has something to show.
Idempotent: nothing is created once the demo meetings exist."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Instance, Organisation, Signataire
from contrats.selectors import premiere_personne
from gouvernance.conseil_citoyen import adopter_charte, charte_de, inscrire_au_conseil
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
from historique.horloge import aujourdhui, rejouer_a

# (code of the body, year) -> meetings held, where it differs from the body's minimum.
ECARTS = {
    ("copil-technique", 2017): 1,
    ("copil-technique", 2019): 1,
    ("gt-developpement-economique", 2018): 1,
    ("gt-habitat-cadre-de-vie", 2020): 0,
    ("gt-education-parentalite", 2016): 3,
    # The 2024-2030 contract.
    ("copil-technique", 2025): 1,
    ("gt-emploi-cadre-de-vie", 2024): 1,
}
# Bodies without a minimum still meet: the conseil citoyen and the platforms, from the
# contract's second year.
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
    chartes: int = 0

    @property
    def total(self) -> int:
        return self.membres + self.seances + self.chartes

    def en_dict(self) -> dict[str, int]:
        return {
            "membres des instances": self.membres,
            "séances": self.seances,
            "décisions": self.decisions,
            "chartes": self.chartes,
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
    return SANS_MINIMUM.get(instance.nature, 0) if annee > instance.contrat.date_debut.year else 0


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
        # The conseil citoyen's colleges came later: a database demoed before gets them.
        with transaction.atomic():
            installer_conseil_citoyen_demo(contrat, _pilote(contrat), bilan)
        return bilan
    pilote = _pilote(contrat)
    rng = random.Random(f"gouvernance-{contrat.slug}")
    # Held meetings only: a contract still running has had its meetings up to yesterday.
    dernier_jour = min(contrat.date_fin, aujourdhui() - timedelta(days=1))
    with transaction.atomic():
        _installer_membres(contrat, pilote, bilan)
        installer_conseil_citoyen_demo(contrat, pilote, bilan)
        for annee in range(contrat.date_debut.year, dernier_jour.year + 1):
            for instance in contrat.instances.select_related("contrat").order_by("ordre"):
                for rang in range(_nombre_de_seances(instance, annee)):
                    jour = date(annee, MOIS[rang % len(MOIS)], 2 + 2 * instance.ordre)
                    if contrat.date_debut <= jour <= dernier_jour:
                        _tenir(instance, jour, pilote, rng, bilan)
    return bilan


# ---------------------------------------------------------------- the conseil citoyen

# Invented people and associations of the quartier Les Portes de Paris - Les Hautes-Noues.
HABITANTS_TIRES_AU_SORT = (
    ("Aïcha Benhamou", MembreInstance.Sexe.FEMME),
    ("Martine Lefèvre", MembreInstance.Sexe.FEMME),
    ("Fatoumata Keïta", MembreInstance.Sexe.FEMME),
    ("Sandrine Morel", MembreInstance.Sexe.FEMME),
    ("Youssef El Amrani", MembreInstance.Sexe.HOMME),
    ("Jean-Pierre Dubois", MembreInstance.Sexe.HOMME),
    ("Mamadou Sissoko", MembreInstance.Sexe.HOMME),
    ("Thomas Nguyen", MembreInstance.Sexe.HOMME),
)
# (organisation code, its name, the person who sits for it).
ACTEURS_LOCAUX = (
    (
        "demo-locataires-hautes-noues",
        "Amicale des locataires des Hautes-Noues (démo)",
        "Colette Garnier",
    ),
    ("demo-jeunesse-portes-de-paris", "Association Jeunesse des Portes de Paris (démo)", ""),
    ("demo-femmes-relais-villiers", "Association Femmes relais de Villiers (démo)", "Samia Haddad"),
    (
        "demo-commercants-hautes-noues",
        "Union des commerçants du centre des Hautes-Noues (démo)",
        "Karim Ouali",
    ),
    ("demo-parents-eleves-quartier", "Collectif des parents d'élèves du quartier (démo)", ""),
)
# In the contract's first year: (month, day).
INSTALLATION_DU_CONSEIL = (4, 9)
ADOPTION_DE_LA_CHARTE = (5, 12)
TEXTE_DE_LA_CHARTE = (
    "Le conseil citoyen des Portes de Paris - Les Hautes-Noues est un espace de parole et "
    "de propositions, indépendant des pouvoirs publics. Il réunit un collège d'habitants "
    "tirés au sort, à parité de femmes et d'hommes, et un collège d'acteurs locaux.\n"
    "Il se réunit au moins deux fois par an, en séance ouverte au public ; ses membres "
    "siègent pour la durée du contrat de ville. Il désigne ses représentants au comité de "
    "pilotage politique et rend un avis sur la programmation annuelle du contrat.\n"
    "Ses décisions se prennent au consensus, à défaut à la majorité des membres présents."
)


def installer_conseil_citoyen_demo(
    contrat: Contrat, pilote: Utilisateur, bilan: DemoGouvernance
) -> None:
    """The conseil citoyen of the quartier through the services: eight habitants drawn by
    lot (four women, four men) and five acteurs locaux from April of the contract's first
    year, the charter adopted in May. Idempotent: each part is skipped once its demo data
    exists."""
    conseil = contrat.instances.filter(nature=Instance.Nature.CONSEIL_CITOYEN).first()
    if conseil is None:
        return
    installation = date(contrat.date_debut.year, *INSTALLATION_DU_CONSEIL)
    adoption = date(contrat.date_debut.year, *ADOPTION_DE_LA_CHARTE)
    college_installe = MembreInstance.objects.filter(
        instance=conseil, est_demo=True, college__gt=""
    ).exists()
    if not college_installe:
        with rejouer_a(_moment(installation, 18)):
            for nom, sexe in HABITANTS_TIRES_AU_SORT:
                inscrire_au_conseil(
                    instance=conseil,
                    acteur=pilote,
                    college=MembreInstance.College.HABITANTS,
                    date_debut=installation,
                    nom=nom,
                    sexe=sexe,
                    tire_au_sort=True,
                    est_demo=True,
                )
                bilan.membres += 1
            for code, organisation, personne in ACTEURS_LOCAUX:
                Organisation.objects.get_or_create(
                    code=code,
                    defaults={"nom": organisation, "type": Organisation.Type.ASSOCIATION},
                )
                inscrire_au_conseil(
                    instance=conseil,
                    acteur=pilote,
                    college=MembreInstance.College.ACTEURS_LOCAUX,
                    date_debut=installation,
                    nom=personne,
                    organisation=organisation,
                    est_demo=True,
                )
                bilan.membres += 1
    if charte_de(conseil) is None:
        with rejouer_a(_moment(adoption, 20)):
            adopter_charte(
                instance=conseil,
                acteur=pilote,
                texte=TEXTE_DE_LA_CHARTE,
                adoptee_le=adoption,
                est_demo=True,
            )
        bilan.chartes += 1
