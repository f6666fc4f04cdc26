"""Evaluations of the contract (Article 3 §1.5): opened, written, decided on, then closed.

The pilotage opens a yearly follow-up, the mid-term evaluation or the final one over a
period of the contract's years, writes its findings per operational objective and its
sections, decides for each evaluated action (a dossier with a bilan of the period) to
pursue, reorient or stop it, then "arrête" it: from then on nothing in it changes. Each
write locks the evaluation's row, checks, writes, and leaves one history event on the
evaluation; a refusal raises before anything is written.
"""

from django.db import IntegrityError, transaction

from comptes.models import Utilisateur
from contrats.models import Contrat, ObjectifOperationnel
from historique.horloge import aujourdhui, maintenant
from historique.services import differences, enregistrer_evenement
from programmation.models import Dossier
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant, TransitionInterdite
from suivi import permissions
from suivi.actions import ActionSuivi
from suivi.models import Bilan, ConstatObjectif, DecisionAction, Evaluation

Nature = Evaluation.Nature
Decision = Bilan.Recommandation
SECTIONS = (
    "themes_transversaux",
    "participation_habitants",
    "moyens_mobilises",
    "qualite_partenariat",
    "conclusions",
)
DECISIONS_MOTIVEES = frozenset({Decision.REORIENTER, Decision.ARRETER})
REFUS_PILOTAGE = "Seul le pilotage du contrat (pilote et État) rédige ses évaluations."


# ---------------------------------------------------------------- periods


def annees_du_contrat(contrat: Contrat) -> range:
    return range(contrat.date_debut.year, contrat.date_fin.year + 1)


def periode_par_defaut(contrat: Contrat, nature: str) -> tuple[int, int]:
    """Annual: the last year over (within the contract); mid-term: from the first year to
    the middle one (Article 3 §1.5: "à mi-parcours en 2017", so 2015-2017 for 2015-2020);
    final: every year of the contract."""
    annees = annees_du_contrat(contrat)
    if nature == Nature.ANNUELLE:
        annee = min(max(aujourdhui().year - 1, annees[0]), annees[-1])
        return annee, annee
    if nature == Nature.MI_PARCOURS:
        return annees[0], annees[0] + (annees[-1] - annees[0]) // 2
    return annees[0], annees[-1]


def _periode_demandee(
    contrat: Contrat, nature: str, debut: int | None, fin: int | None
) -> tuple[int, int]:
    """The years asked, the nature's default for those left out; a yearly follow-up given
    one year covers that year."""
    defaut_debut, defaut_fin = periode_par_defaut(contrat, nature)
    if nature == Nature.ANNUELLE and (debut is None) != (fin is None):
        annee = debut if fin is None else fin
        return annee, annee
    return (defaut_debut if debut is None else debut, defaut_fin if fin is None else fin)


def _verifier_periode(contrat: Contrat, nature: str, debut: int, fin: int) -> None:
    annees = annees_du_contrat(contrat)
    for annee in (debut, fin):
        if annee not in annees:
            raise DonneesInvalides(
                f"L'année {annee} n'est pas dans la période du contrat ({annees[0]}-{annees[-1]})."
            )
    if debut > fin:
        raise DonneesInvalides(
            f"La première année évaluée ({debut}) doit précéder la dernière ({fin})."
        )
    if nature == Nature.ANNUELLE and debut != fin:
        raise DonneesInvalides("Un suivi annuel porte sur une seule année.")


# ---------------------------------------------------------------- opening


def ouvrir_evaluation(
    *,
    contrat: Contrat,
    nature: str,
    acteur: Utilisateur,
    annee_debut: int | None = None,
    annee_fin: int | None = None,
    est_demo: bool = False,
) -> Evaluation:
    """A new evaluation "en cours"; a year left out takes the nature's default."""
    if not permissions.peut_rediger_evaluations(acteur, contrat):
        raise DroitInsuffisant(REFUS_PILOTAGE)
    if nature not in Nature.values:
        raise DonneesInvalides("Choisissez la nature de l'évaluation.")
    debut, fin = _periode_demandee(contrat, nature, annee_debut, annee_fin)
    _verifier_periode(contrat, nature, debut, fin)
    libelle = Nature(nature).label
    deja = f"{libelle} {fin} existe déjà pour ce contrat (une par nature et par dernière année)."
    if Evaluation.objects.filter(contrat=contrat, nature=nature, annee_fin=fin).exists():
        raise DonneesInvalides(deja)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                contrat=contrat,
                nature=nature,
                annee_debut=debut,
                annee_fin=fin,
                est_demo=est_demo,
            )
            enregistrer_evenement(
                acteur=acteur,
                objet=evaluation,
                action=ActionSuivi.EVALUATION_OUVERTURE,
                changements={"nature": nature, "periode": [debut, fin]},
            )
    except IntegrityError as erreur:  # opened meanwhile by someone else
        raise DonneesInvalides(deja) from erreur
    return evaluation


# ---------------------------------------------------------------- writing


def _en_cours(evaluation: Evaluation, acteur: Utilisateur) -> Evaluation:
    """The evaluation's row, locked, once the writer and its statut are checked."""
    courante = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("contrat")
        .get(pk=evaluation.pk)
    )
    if not permissions.peut_rediger_evaluations(acteur, courante.contrat):
        raise DroitInsuffisant(REFUS_PILOTAGE)
    if courante.statut == Evaluation.Statut.ARRETEE:
        raise TransitionInterdite(
            f"{courante} est arrêtée le {courante.arretee_le:%d/%m/%Y} : elle ne se modifie plus."
        )
    return courante


def enregistrer_constat(
    *, evaluation: Evaluation, objectif: ObjectifOperationnel, texte: str, acteur: Utilisateur
) -> ConstatObjectif | None:
    """Write the findings on an objective; an empty text erases them (None)."""
    texte = texte.strip()
    with transaction.atomic():
        courante = _en_cours(evaluation, acteur)
        if objectif.domaine.pilier.contrat_id != courante.contrat_id:
            raise DonneesInvalides("Cet objectif opérationnel n'est pas celui de ce contrat.")
        existant = ConstatObjectif.objects.filter(evaluation=courante, objectif=objectif).first()
        avant = existant.texte if existant else ""
        if not texte and existant is None:
            raise DonneesInvalides(
                f"Écrivez le constat sur l'objectif {objectif.numero} avant de l'enregistrer."
            )
        if texte == avant:
            return existant
        if not texte:
            existant.delete()
            constat = None
        else:
            constat, _ = ConstatObjectif.objects.update_or_create(
                evaluation=courante, objectif=objectif, defaults={"texte": texte}
            )
        enregistrer_evenement(
            acteur=acteur,
            objet=courante,
            action=ActionSuivi.EVALUATION_CONSTAT
            if texte
            else ActionSuivi.EVALUATION_CONSTAT_EFFACE,
            changements={"objectif": objectif.numero, "texte": [avant, texte]},
        )
    return constat


def enregistrer_sections(
    *, evaluation: Evaluation, sections: dict[str, str], acteur: Utilisateur
) -> Evaluation:
    """The sections Article 3 §1.5 asks for; those left out of `sections` keep their text."""
    inconnues = set(sections) - set(SECTIONS)
    if inconnues:
        raise DonneesInvalides(f"Sections inconnues : {', '.join(sorted(inconnues))}.")
    with transaction.atomic():
        courante = _en_cours(evaluation, acteur)
        avant = {champ: getattr(courante, champ) for champ in SECTIONS}
        apres = {champ: (sections.get(champ, avant[champ]) or "").strip() for champ in SECTIONS}
        changements = differences(avant, apres)
        if not changements:
            return courante
        for champ, valeur in apres.items():
            setattr(courante, champ, valeur)
        courante.save(update_fields=list(changements))
        enregistrer_evenement(
            acteur=acteur,
            objet=courante,
            action=ActionSuivi.EVALUATION_SECTIONS,
            changements=changements,
        )
    return courante


# ---------------------------------------------------------------- deciding on an action


def bilan_evalue(evaluation: Evaluation, dossier: Dossier) -> Bilan | None:
    """The dossier's bilan if it is one of the evaluated period's, in its contract."""
    return Bilan.objects.filter(
        dossier=dossier,
        dossier__appel__contrat=evaluation.contrat_id,
        annee__range=(evaluation.annee_debut, evaluation.annee_fin),
    ).first()


def decider_sur_action(
    *,
    evaluation: Evaluation,
    dossier: Dossier,
    decision: str,
    motif: str = "",
    acteur: Utilisateur,
) -> DecisionAction:
    """Pursue, reorient or stop an evaluated action; reorienting or stopping is motivated.
    Deciding again replaces the decision (the history keeps the former one)."""
    motif = motif.strip()
    with transaction.atomic():
        courante = _en_cours(evaluation, acteur)
        if permissions.deporte_pour_decider(acteur, dossier):
            raise DroitInsuffisant(permissions.MOTIF_DEPORT_DECISION)
        if decision not in Decision.values:
            raise DonneesInvalides("Choisissez de poursuivre, de réorienter ou d'arrêter l'action.")
        if decision in DECISIONS_MOTIVEES and not motif:
            raise DonneesInvalides(
                f"Indiquez le motif de la décision « {Decision(decision).label} »."
            )
        if bilan_evalue(courante, dossier) is None:
            raise DonneesInvalides(
                f"Le dossier {dossier.numero} n'a pas de bilan sur la période "
                f"{courante.periode} de l'évaluation."
            )
        existante = DecisionAction.objects.filter(evaluation=courante, dossier=dossier).first()
        avant = (existante.decision, existante.motif) if existante else ("", "")
        if avant == (decision, motif):
            return existante
        decision_action, _ = DecisionAction.objects.update_or_create(
            evaluation=courante,
            dossier=dossier,
            defaults={
                "decision": decision,
                "motif": motif,
                "decide_par": acteur,
                "decide_le": maintenant(),
            },
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=courante,
            action=ActionSuivi.EVALUATION_DECISION,
            changements={"dossier": dossier.numero, "decision": [avant[0], decision]},
            motif=motif,
        )
    return decision_action


# ---------------------------------------------------------------- closing


def arreter_evaluation(*, evaluation: Evaluation, acteur: Utilisateur) -> Evaluation:
    """The pilotage adopts the evaluation: its conclusions written, nothing changes after."""
    with transaction.atomic():
        courante = _en_cours(evaluation, acteur)
        if not courante.conclusions.strip():
            raise DonneesInvalides(
                "Rédigez les conclusions et propositions avant d'arrêter l'évaluation."
            )
        courante.statut = Evaluation.Statut.ARRETEE
        courante.arretee_le = maintenant()
        courante.save(update_fields=["statut", "arretee_le"])
        enregistrer_evenement(
            acteur=acteur,
            objet=courante,
            action=ActionSuivi.EVALUATION_ARRET,
            changements={"statut": [Evaluation.Statut.EN_COURS, Evaluation.Statut.ARRETEE]},
        )
    return courante
