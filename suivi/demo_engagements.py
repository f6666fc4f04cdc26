"""Demo follow-ups of the signatories' engagements through the services, every year of
the contract whose December review is past (2015 to 2020; 2024 and 2025 for the
2024-2030 contract, whose measurable engagements also report their indicator's value).

Every year, in November, an agent of each signatory proposes the follow-up of each of its
engagements (Article 2 §2): the État's delegate for the État, the pilote for the commune,
an agent of each other signatory (a `demo-…` account without password when it has none);
the COPIL technique reviews them at its December séance (Article 3 §1.2), the pilote or,
on the pilote's own proposals, the État. Most engagements start, are under way, then
kept; a few are not kept or no longer apply, with a comment that says why; some cite the
funded dossiers of the year that carried them out, or a link. A few proposals are sent
back "à revoir" and proposed again before the end of the year; in the last year, some
are still to review and a few still "à revoir".

Each step is replayed at its date (`historique.horloge.rejouer_a`); the follow-ups and the
séances are marked est_demo. Everything is drawn from random generators seeded with the
engagement and the year, so two runs compute the same follow-ups; an engagement's year
that already has a follow-up is left as it is: a second run creates nothing.
"""

import random
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Engagement, Instance, Organisation
from contrats.selectors import premiere_personne
from contrats.services import attribuer_habilitation
from gouvernance.models import Seance
from gouvernance.services import creer_seance
from historique.horloge import aujourdhui, maintenant, rejouer_a
from programmation.demo import DOMAINE_COURRIEL, PREFIXE_CODE, moment
from programmation.etats import STATUTS_PROGRAMMES
from programmation.models import Dossier
from suivi import permissions
from suivi.models import StatutEngagement, SuiviEngagement
from suivi.services.engagements import (
    STATUTS_MESURES,
    Examen,
    examiner_suivi_engagement,
    proposer_suivi_engagement,
)
from suivi.services.evaluations import annees_du_contrat

Statut = StatutEngagement
JOUR_PROPOSITION = (11, 3)  # 3 November: the signatories propose
JOUR_SEANCE = (12, 10)  # 10 December: the COPIL technique reviews
JOUR_REPRISE = (12, 17)  # what was sent back is proposed again…
JOUR_VALIDATION = (12, 21)  # …and validated
PART_A_REVOIR = 0.06
PART_EN_ATTENTE = 0.1  # of the last year's proposals, still to review
PART_PREUVE_DOSSIERS = 0.5
PART_LIEN = 0.25

COMMENTAIRES = {
    Statut.PAS_COMMENCE: (
        "Mise en œuvre prévue l'an prochain, une fois le partenariat formalisé.",
        "Pas encore engagé : les moyens seront inscrits au prochain budget.",
    ),
    Statut.EN_COURS: (
        "Premières actions menées au quartier ; la montée en charge se poursuit.",
        "Engagement en cours : le partenariat est installé, les moyens en partie mobilisés.",
        "Actions lancées avec les associations du quartier, à consolider l'an prochain.",
    ),
    Statut.TENU: (
        "Engagement tenu : les moyens annoncés ont été mobilisés au quartier.",
        "Tenu : les actions prévues ont été menées et présentées au comité technique.",
        "Engagement tenu, dans le cadre du droit commun, au bénéfice des habitants du quartier.",
    ),
    Statut.NON_TENU: (
        "Non tenu : faute de crédits disponibles, l'action n'a pas pu être engagée.",
        "Non tenu : le partenaire pressenti s'est retiré ; une autre solution est recherchée.",
    ),
    Statut.SANS_OBJET: (
        "Sans objet : le dispositif national a été supprimé en cours de contrat.",
        "Sans objet : le besoin est couvert par un autre engagement du contrat.",
    ),
}
MOTIFS_A_REVOIR = (
    "Préciser les actions menées et les publics touchés au quartier.",
    "Joindre un élément de preuve : compte rendu, bilan ou dossier financé.",
    "Le statut ne correspond pas au commentaire : à préciser.",
)
REPRISE = "Précisions apportées à la demande du comité de pilotage technique."
# What generer_suivis_engagements reports, in this order.
BILAN = ("suivis", "validés", "revus puis validés", "à revoir", "proposés", "séances", "comptes")


def _destin(engagement: Engagement) -> tuple[int, int, str | None, int]:
    """When work on the engagement starts and when it is kept (years after the contract's
    first), and whether it ends not kept or without object, from which year."""
    tirage = random.Random(f"engagement-{engagement.section.numero}-{engagement.ordre}")
    debut = tirage.choice((0, 0, 0, 1, 1, 2))
    tenu = debut + tirage.choice((1, 2, 2, 3, 4, 6))
    fin, depuis = None, 0
    issue = tirage.random()
    if issue < 0.07:
        fin, depuis = Statut.NON_TENU, tirage.randint(2, 5)
    elif issue < 0.11:
        fin, depuis = Statut.SANS_OBJET, tirage.randint(1, 5)
    return debut, tenu, fin, depuis


def statut_demo(engagement: Engagement, annee: int) -> str:
    debut, tenu, fin, depuis = _destin(engagement)
    rang = annee - engagement.section.contrat.date_debut.year
    if fin and rang >= depuis:
        return fin
    if rang < debut:
        return Statut.PAS_COMMENCE
    return Statut.EN_COURS if rang < tenu else Statut.TENU


def valeur_demo(engagement: Engagement, annee: int, statut: str) -> Decimal | None:
    """Where a measurable engagement's indicator stands that year: on the way to its
    target while under way, at or past it once kept, well short of it when not kept."""
    if not engagement.est_mesurable or statut not in STATUTS_MESURES:
        return None
    debut = engagement.section.contrat.date_debut.year
    echeance = max(engagement.annee_cible or annee, debut + 1)
    avancement = min(1, (annee - debut + 1) / (echeance - debut + 1))
    tirage = random.Random(f"valeur-{engagement.section.numero}-{engagement.ordre}-{annee}")
    part = {
        Statut.TENU: 1 + tirage.uniform(0, 0.15),
        Statut.EN_COURS: avancement * tirage.uniform(0.6, 0.95),
        Statut.NON_TENU: avancement * tirage.uniform(0.1, 0.4),
    }[statut]
    return (engagement.valeur_cible * Decimal(str(round(part, 3)))).quantize(
        Decimal("1"), rounding=ROUND_HALF_UP
    )


def annees_demontrables(contrat: Contrat) -> list[int]:
    """The contract's years whose December review is past (the last one, included)."""
    return [
        a
        for a in annees_du_contrat(contrat)
        if a <= contrat.date_fin.year and date(a, *JOUR_VALIDATION) < aujourdhui()
    ]


class Ecrivain:
    def __init__(self, contrat: Contrat):
        self.contrat = contrat
        annees = annees_demontrables(contrat)
        self.derniere = annees[-1] if annees else None
        self.bilan: Counter = Counter()
        self.agents: dict[int, Utilisateur] = {}
        self.examinateurs = [
            personne
            for personne in (
                premiere_personne(contrat, Role.PILOTE),
                premiere_personne(contrat, Role.ETAT),
            )
            if personne is not None
        ]
        self.instance = (
            contrat.instances.filter(nature=Instance.Nature.COPIL_TECHNIQUE)
            .order_by("ordre")
            .first()
        )

    # People -------------------------------------------------------------------------------

    def agent(self, engagement: Engagement) -> Utilisateur:
        """Who proposes for the engagement's section: the agent of its first signatory."""
        section = engagement.section
        if section.pk not in self.agents:
            organisation = section.organisations.order_by("nom").first()
            self.agents[section.pk] = self._agent(organisation)
        return self.agents[section.pk]

    def _agent(self, organisation: Organisation) -> Utilisateur:
        if organisation.code == permissions.CODE_ORGANISATION_ETAT:
            agent = premiere_personne(self.contrat, Role.ETAT)
        elif organisation.code == permissions.CODE_ORGANISATION_COMMUNE:
            agent = premiere_personne(self.contrat, Role.PILOTE)
        else:
            agent = premiere_personne(self.contrat, Role.FINANCEUR, organisation=organisation)
        if agent is not None:
            return agent
        identifiant = PREFIXE_CODE + organisation.code
        agent = Utilisateur.objects.filter(username=identifiant).first()
        if agent is None:
            agent = Utilisateur(
                username=identifiant,
                first_name="Agent",
                last_name=organisation.nom[:150],
                email=f"{identifiant}@{DOMAINE_COURRIEL}",
                date_joined=maintenant(),
            )
            # This person acts only through the generator: nobody logs in as them.
            agent.set_unusable_password()
            agent.save()
            self.bilan["comptes"] += 1
        attribuer_habilitation(
            utilisateur=agent, contrat=self.contrat, role=Role.FINANCEUR, organisation=organisation
        )
        return agent

    def examinateur(self, suivi: SuiviEngagement) -> Utilisateur:
        return next(
            p for p in self.examinateurs if permissions.peut_examiner_suivi_engagement(p, suivi)
        )

    # The COPIL technique --------------------------------------------------------------------

    def seance(self, annee: int) -> Seance | None:
        """The COPIL technique's December séance of the year, held if it was not."""
        if self.instance is None or not self.examinateurs:
            return None
        jour = date(annee, *JOUR_SEANCE)
        existante = self.instance.seances.filter(date=jour).order_by("pk").first()
        if existante is not None:
            return existante
        with rejouer_a(moment(jour, 9)):
            seance = creer_seance(
                instance=self.instance,
                date=jour,
                titre=f"Comité de pilotage technique : suivi des engagements {annee}",
                acteur=self.examinateurs[0],
                est_demo=True,
            )
        self.bilan["séances"] += 1
        return seance

    # The follow-ups ---------------------------------------------------------------------------

    def dossiers_finances(self, engagement: Engagement, annee: int) -> list[Dossier]:
        """The year's funded dossiers one of the section's signatories finances."""
        return list(
            Dossier.objects.filter(
                appel__contrat=self.contrat,
                appel__annee=annee,
                statut__in=STATUTS_PROGRAMMES,
                financements__financeur__in=engagement.section.organisations.all(),
            )
            .select_related("appel")
            .distinct()
            .order_by("numero")
        )

    def proposer(self, engagement: Engagement, annee: int, rang: int) -> SuiviEngagement:
        tirage = random.Random(f"suivi-{engagement.section.numero}-{engagement.ordre}-{annee}")
        statut = statut_demo(engagement, annee)
        dossiers, lien = [], ""
        if statut in (Statut.EN_COURS, Statut.TENU):
            finances = self.dossiers_finances(engagement, annee)
            if finances and tirage.random() < PART_PREUVE_DOSSIERS:
                dossiers = tirage.sample(finances, k=min(len(finances), tirage.choice((1, 1, 2))))
            if tirage.random() < PART_LIEN:
                code = engagement.section.organisations.order_by("nom").first().code
                lien = f"https://{DOMAINE_COURRIEL}/engagements/{code}/{annee}/compte-rendu"
        quand = date(annee, *JOUR_PROPOSITION) + timedelta(days=rang // 40)
        with rejouer_a(moment(quand, 10, rang % 60)):
            return proposer_suivi_engagement(
                engagement=engagement,
                annee=annee,
                statut=statut,
                commentaire=tirage.choice(COMMENTAIRES[statut]),
                lien=lien,
                valeur_atteinte=valeur_demo(engagement, annee, statut),
                dossiers=dossiers,
                acteur=self.agent(engagement),
                version=0,
                est_demo=True,
            )

    def examiner(self, suivi: SuiviEngagement, annee: int, rang: int, seance: Seance | None):
        tirage = random.Random(f"examen-{suivi.engagement_id}-{annee}")
        if annee == self.derniere and tirage.random() < PART_EN_ATTENTE:
            self.bilan["proposés"] += 1
            return
        seance_jour = date(annee, *JOUR_SEANCE)
        a_revoir = tirage.random() < PART_A_REVOIR
        with rejouer_a(moment(seance_jour, 14, rang % 60)):
            suivi = examiner_suivi_engagement(
                suivi=suivi,
                examen=Examen.A_REVOIR if a_revoir else Examen.VALIDER,
                motif=tirage.choice(MOTIFS_A_REVOIR) if a_revoir else "",
                seance=seance,
                acteur=self.examinateur(suivi),
                version=suivi.version,
            )
        if not a_revoir:
            self.bilan["validés"] += 1
            return
        if annee == self.derniere:
            self.bilan["à revoir"] += 1
            return
        with rejouer_a(moment(date(annee, *JOUR_REPRISE), 11, rang % 60)):
            suivi = proposer_suivi_engagement(
                engagement=suivi.engagement,
                annee=annee,
                statut=suivi.statut,
                commentaire=f"{suivi.commentaire} {REPRISE}",
                lien=suivi.lien,
                valeur_atteinte=suivi.valeur_atteinte,
                dossiers=list(suivi.dossiers.all()),
                acteur=self.agent(suivi.engagement),
                version=suivi.version,
            )
        with rejouer_a(moment(date(annee, *JOUR_VALIDATION), 15, rang % 60)):
            examiner_suivi_engagement(
                suivi=suivi,
                examen=Examen.VALIDER,
                acteur=self.examinateur(suivi),
                version=suivi.version,
            )
        self.bilan["revus puis validés"] += 1
        self.bilan["validés"] += 1

    def annee(self, annee: int, engagements: list[Engagement]) -> None:
        deja = set(
            SuiviEngagement.objects.filter(
                engagement__section__contrat=self.contrat, annee=annee
            ).values_list("engagement", flat=True)
        )
        a_suivre = [e for e in engagements if e.pk not in deja]
        if not a_suivre:
            return
        proposes = []
        for rang, engagement in enumerate(a_suivre):
            proposes.append(self.proposer(engagement, annee, rang))
            self.bilan["suivis"] += 1
        seance = self.seance(annee)
        for rang, suivi in enumerate(proposes):
            self.examiner(suivi, annee, rang, seance)


def generer_suivis_engagements(contrat: Contrat) -> dict[str, int]:
    """Propose and review, at their dates, the yearly follow-up of every engagement of the
    contract (annees_demontrables); what was created, by kind (nothing on a second run)."""
    engagements = list(
        Engagement.objects.filter(section__contrat=contrat)
        .select_related("section__contrat")
        .order_by("section__pk", "ordre")
    )
    ecrivain = Ecrivain(contrat)
    if not ecrivain.examinateurs:
        return {}
    with transaction.atomic():
        for annee in annees_demontrables(contrat):
            ecrivain.annee(annee, engagements)
    return {cle: ecrivain.bilan[cle] for cle in BILAN}
