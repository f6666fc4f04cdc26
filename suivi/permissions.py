"""Who may read and act on suivi data (bilans, tableau de bord): the only module of the app
that looks at roles. Same rule as programmation.permissions: for each object, the
predicate and the queryset side by side; selectors, views and templates ask here.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from comptes.models import Role
from contrats.models import Contrat, Engagement, Organisation, SectionEngagements
from contrats.selectors import Droits
from programmation import permissions as programmation
from programmation.models import Convention, Dossier
from suivi.models import (
    Bilan,
    IndicateurResultat,
    PropositionSuivi,
    RapportAnnuel,
    StatutBilan,
    StatutRapport,
    SuiviEngagement,
)
from suivi.models.evaluations import Evaluation

# ---------------------------------------------------------------- tableau de bord


def peut_voir_tableau_de_bord(qui, contrat: Contrat) -> bool:
    """The contract's steering: the city's project team and the State (Article 3 §1)."""
    return programmation.peut_piloter(qui, contrat)


# ---------------------------------------------------------------- bilans
#
# A bilan is entered once by the dossier's porteur and read by every financeur that funds
# the dossier (a convention binds them); the pilotage reads them all. The pilote, the
# État and the financeurs of the dossier may ask for corrections, the pilotage validates;
# nobody judges the bilan of a structure they belong to (déport, as for the dossier).

MOTIF_DEPORT_BILAN = (
    "Vous êtes membre de la structure qui porte ce dossier : vous vous déportez de l'examen "
    "de son bilan."
)


def _finance_le_dossier(d: Droits, dossier: Dossier) -> bool:
    """A convention of one of their organisations funds it (conventions_lisibles' rule)."""
    return Convention.objects.filter(
        financement__dossier=dossier,
        financement__financeur__in=d.organisations_pour(Role.FINANCEUR),
    ).exists()


def peut_lire_bilan_du_dossier(qui, dossier: Dossier) -> bool:
    d = programmation.droits_de(qui, dossier.appel.contrat)
    return (
        programmation.pilote(d)
        or programmation.est_porteur_du_dossier(d, dossier)
        or _finance_le_dossier(d, dossier)
    )


def peut_lire_bilan(qui, bilan: Bilan) -> bool:
    return peut_lire_bilan_du_dossier(qui, bilan.dossier)


def bilans_lisibles(qui, contrat: Contrat) -> QuerySet[Bilan]:
    """The contract's bilans this person may read: the same rule as peut_lire_bilan."""
    d = programmation.droits_de(qui, contrat)
    bilans = Bilan.objects.filter(dossier__appel__contrat=contrat)
    if programmation.pilote(d):
        return bilans
    finances = Convention.objects.filter(
        financement__dossier=OuterRef("dossier"),
        financement__financeur__in=d.organisations_pour(Role.FINANCEUR),
    )
    a_soi = Q(dossier__structure__organisation__in=programmation.organisations_porteuses(d))
    return bilans.filter(a_soi | Q(Exists(finances)))


def peut_saisir_bilan(qui, bilan: Bilan) -> bool:
    """Its porteur fills the three sheets in while it is expected or sent back."""
    d = programmation.droits_de(qui, bilan.dossier.appel.contrat)
    return programmation.est_porteur_du_dossier(d, bilan.dossier) and bilan.statut in (
        StatutBilan.ATTENDU,
        StatutBilan.A_CORRIGER,
    )


def peut_transitionner_bilan(d: Droits, roles: frozenset[str], bilan: Bilan) -> bool:
    """programmation's rule for the dossier, déport included, applied to its bilan."""
    return programmation.peut_transitionner(d, roles, bilan.dossier)


def deporte_pour_transitionner_bilan(d: Droits, roles: frozenset[str], bilan: Bilan) -> bool:
    return programmation.deporte_pour_transitionner(d, roles, bilan.dossier)


def en_deport_sur_le_bilan(d: Droits, bilan: Bilan) -> bool:
    """Said on the page to the pilotage or a financeur who belongs to the structure."""
    return programmation.en_deport(d, bilan.dossier) and (
        programmation.pilote(d) or programmation.agit_comme_financeur(d)
    )


def peut_demander_report(qui, bilan: Bilan) -> bool:
    """Its porteur asks to move the action's dates while the bilan is still expected."""
    d = programmation.droits_de(qui, bilan.dossier.appel.contrat)
    return (
        programmation.est_porteur_du_dossier(d, bilan.dossier)
        and bilan.statut == StatutBilan.ATTENDU
    )


def peut_statuer_report(qui, bilan: Bilan) -> bool:
    """The pilotage decides, except on its own structure's action (déport)."""
    d = programmation.droits_de(qui, bilan.dossier.appel.contrat)
    return programmation.pilote(d) and not programmation.en_deport(d, bilan.dossier)


# What "Mon espace" counts, per person: the same rules as the pages.


def depose_des_bilans(d: Droits) -> bool:
    return bool(programmation.organisations_porteuses(d))


def valide_des_bilans(d: Droits) -> bool:
    return programmation.pilote(d)


def lit_des_bilans_comme_financeur(d: Droits) -> bool:
    return programmation.agit_comme_financeur(d)


def bilans_a_deposer(d: Droits, contrat: Contrat) -> QuerySet[Bilan]:
    return Bilan.objects.filter(
        dossier__appel__contrat=contrat,
        dossier__structure__organisation__in=programmation.organisations_porteuses(d),
        statut__in=(StatutBilan.ATTENDU, StatutBilan.A_CORRIGER),
    )


def bilans_a_valider(d: Droits, contrat: Contrat) -> QuerySet[Bilan]:
    if not programmation.pilote(d):
        return Bilan.objects.none()
    return Bilan.objects.filter(dossier__appel__contrat=contrat, statut=StatutBilan.DEPOSE).exclude(
        dossier__structure__organisation__in=programmation.organisations_porteuses(d)
    )


def bilans_a_lire_comme_financeur(d: Droits, contrat: Contrat) -> QuerySet[Bilan]:
    finances = Convention.objects.filter(
        financement__dossier=OuterRef("dossier"),
        financement__financeur__in=d.organisations_pour(Role.FINANCEUR),
    )
    return Bilan.objects.filter(
        Exists(finances),
        dossier__appel__contrat=contrat,
        statut__in=(StatutBilan.DEPOSE, StatutBilan.VALIDE),
    )


# ---- référentiel d'évaluation
#
# The referential is drawn up "avec les porteurs et les partenaires" (Article 3 §1.5):
# everyone habilitated on the contract reads it, whatever their role; the pilotage
# defines its indicators and enters their measures.


def peut_lire_referentiel(qui, contrat: Contrat) -> bool:
    return bool(programmation.droits_de(qui, contrat).roles)


def indicateurs_lisibles(qui, contrat: Contrat) -> QuerySet[IndicateurResultat]:
    """The contract's indicators this person may read: the same rule as peut_lire_referentiel."""
    if not peut_lire_referentiel(qui, contrat):
        return IndicateurResultat.objects.none()
    return IndicateurResultat.objects.filter(contrat=contrat)


def peut_definir_indicateur(qui, contrat: Contrat) -> bool:
    return programmation.peut_piloter(qui, contrat)


def peut_saisir_mesure(qui, indicateur: IndicateurResultat) -> bool:
    return programmation.peut_piloter(qui, indicateur.contrat)


# ---- rapport annuel
#
# The rapport annuel politique de la ville (CGCT L.1111-2) is the pilotage's work: the
# city's project team and the State create it, have its documents generated, enter the
# avis of the consulted bodies, adopt and publish it. Once published, anyone reads it
# and downloads its documents; before, nobody outside the pilotage does.


def peut_preparer_rapport_annuel(qui, contrat: Contrat) -> bool:
    return programmation.peut_piloter(qui, contrat)


def peut_transitionner_rapport(d: Droits, roles: frozenset[str]) -> bool:
    """The roles a transition of suivi/etats_rapports.py names."""
    return d.a(*roles)


def rapport_public(rapport: RapportAnnuel) -> bool:
    return rapport.statut == StatutRapport.PUBLIE


def rapports_publics(contrat: Contrat) -> QuerySet[RapportAnnuel]:
    """The contract's rapports anyone may read: the same rule as rapport_public."""
    return RapportAnnuel.objects.filter(contrat=contrat, statut=StatutRapport.PUBLIE)


def suit_le_rapport_annuel(d: Droits) -> bool:
    """Whether "Mon espace" shows the rapport annuel's tile: the same rule as its pages."""
    return programmation.pilote(d)


# ---- évaluations
#
# The pilotage (pilote and État) opens the contract's evaluations, writes them and closes
# them; the financeurs habilitated on the contract are partners of the evaluation and read
# them (Article 3 §1.5: "la qualité du partenariat"). A decision on an action judges it:
# nobody takes one on a dossier of a structure they belong to (déport). The decisions are
# shown to the next call's instructors on the dossiers that continue the action.

MOTIF_DEPORT_DECISION = (
    "Vous êtes membre de la structure qui porte ce dossier : vous vous déportez de la "
    "décision de l'évaluation sur cette action."
)


def peut_lire_evaluations(qui, contrat: Contrat) -> bool:
    d = programmation.droits_de(qui, contrat)
    return programmation.pilote(d) or programmation.agit_comme_financeur(d)


def evaluations_lisibles(qui, contrat: Contrat) -> QuerySet[Evaluation]:
    """The contract's evaluations this person may read: the same rule as peut_lire_evaluations."""
    if not peut_lire_evaluations(qui, contrat):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(contrat=contrat)


def peut_lire_evaluation(qui, evaluation: Evaluation) -> bool:
    return peut_lire_evaluations(qui, evaluation.contrat)


def peut_rediger_evaluations(qui, contrat: Contrat) -> bool:
    """Open an evaluation, write its findings and sections, decide, close it."""
    return programmation.peut_piloter(qui, contrat)


def deporte_pour_decider(qui, dossier: Dossier) -> bool:
    d = programmation.droits_de(qui, dossier.appel.contrat)
    return programmation.pilote(d) and programmation.en_deport(d, dossier)


def peut_decider_sur_action(qui, dossier: Dossier) -> bool:
    d = programmation.droits_de(qui, dossier.appel.contrat)
    return programmation.pilote(d) and not programmation.en_deport(d, dossier)


def voit_les_decisions_d_evaluation(d: Droits, dossier: Dossier) -> bool:
    """The next call's instructors: the pilotage and the financeurs who read the dossier,
    none of them a member of its structure (déport)."""
    instruit = programmation.pilote(d) or programmation.agit_comme_financeur(d)
    return (
        instruit
        and not programmation.en_deport(d, dossier)
        and programmation.peut_lire_dossier(d, dossier)
    )


def suit_les_evaluations(d: Droits) -> bool:
    """Whom "Mon espace" reminds of the evaluations being written."""
    return programmation.pilote(d)


# ---- suivi des engagements
#
# Every year each signatory says where its commitments (Article 2 §2) stand: the agents of
# one of the section's organisations propose (a financeur role for that organisation); the
# section of the État is the État role's, the commune's the pilote's (neither role holds an
# organisation). The COPIL technique (pilote and État) reviews, never their own proposal.
# Everyone habilitated on the contract reads every follow-up and its evidence; the public
# reads the validated ones only, their statut and comment, never the document.

CODE_ORGANISATION_ETAT = "etat"
CODE_ORGANISATION_COMMUNE = "commune"
MOTIF_PROPRE_PROPOSITION = (
    "Vous avez proposé ce suivi : un autre membre du comité de pilotage technique l'examine."
)


def _representees(d: Droits) -> Q:
    """The organisations this person speaks for in the contract, as a filter."""
    representees = Q(pk__in=d.organisations_pour(Role.FINANCEUR))
    if d.a(Role.ETAT):
        representees |= Q(code=CODE_ORGANISATION_ETAT)
    if d.a(Role.PILOTE):
        representees |= Q(code=CODE_ORGANISATION_COMMUNE)
    return representees


def peut_proposer_suivi_engagement(qui, engagement: Engagement) -> bool:
    d = programmation.droits_de(qui, engagement.section.contrat)
    return engagement.section.organisations.filter(_representees(d)).exists()


def sections_proposables(qui, contrat: Contrat) -> QuerySet[SectionEngagements]:
    """The sections whose follow-ups this person proposes: the same rule as
    peut_proposer_suivi_engagement."""
    d = programmation.droits_de(qui, contrat)
    organisations = Organisation.objects.filter(_representees(d))
    return SectionEngagements.objects.filter(
        contrat=contrat, organisations__in=organisations
    ).distinct()


def examine_les_suivis_engagements(qui, contrat: Contrat) -> bool:
    """The COPIL technique: the city's project team and the State (Article 3 §1.2)."""
    return programmation.peut_piloter(qui, contrat)


def a_propose_le_suivi(utilisateur, suivi: SuiviEngagement) -> bool:
    return suivi.propose_par_id is not None and suivi.propose_par_id == utilisateur.pk


def peut_examiner_suivi_engagement(
    utilisateur, suivi: SuiviEngagement, d: Droits | None = None
) -> bool:
    """`d`: the person's rights in the contract, when the caller already read them."""
    d = d or programmation.droits_de(utilisateur, suivi.engagement.section.contrat)
    return programmation.pilote(d) and not a_propose_le_suivi(utilisateur, suivi)


def suivis_engagements_a_examiner(utilisateur, contrat: Contrat) -> QuerySet[SuiviEngagement]:
    """The proposals this person may review: the same rule as peut_examiner_suivi_engagement."""
    if not examine_les_suivis_engagements(utilisateur, contrat):
        return SuiviEngagement.objects.none()
    return SuiviEngagement.objects.filter(
        engagement__section__contrat=contrat, proposition=PropositionSuivi.PROPOSE
    ).exclude(propose_par=utilisateur.pk)


def lit_tous_les_suivis_engagements(qui, contrat: Contrat) -> bool:
    """Everyone habilitated on the contract, whatever their role: drafts, proposals, reviews
    and evidence (link, document, dossiers)."""
    return bool(programmation.droits_de(qui, contrat).roles)


def peut_lire_suivi_engagement(qui, suivi: SuiviEngagement) -> bool:
    return suivi.proposition == PropositionSuivi.VALIDE or lit_tous_les_suivis_engagements(
        qui, suivi.engagement.section.contrat
    )


def suivis_engagements_lisibles(qui, contrat: Contrat) -> QuerySet[SuiviEngagement]:
    """The contract's follow-ups this person may read: the same rule as
    peut_lire_suivi_engagement (the public: the validated ones)."""
    suivis = SuiviEngagement.objects.filter(engagement__section__contrat=contrat)
    if lit_tous_les_suivis_engagements(qui, contrat):
        return suivis
    return suivis.filter(proposition=PropositionSuivi.VALIDE)


def peut_lire_document_suivi_engagement(qui, suivi: SuiviEngagement) -> bool:
    return lit_tous_les_suivis_engagements(qui, suivi.engagement.section.contrat)
