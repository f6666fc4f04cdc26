"""Properties of the dossier's state machine, whatever the order of the calls.

Hypothesis draws sequences of calls to `transitionner` (any transition, any acting
person, with or without motif, with a current or stale version) on a fresh complete
dossier, interleaved with the financeurs' avis and the payment of balances that the
later transitions wait for. After every call it checks what the machine promises:

(a) the statut is always a `Statut`, and every change follows an edge of `TRANSITIONS`;
(b) a refused call changes nothing (statut, version, history, versions, financements…);
(c) an accepted call writes exactly one "dossier.<nom>" event, statut [avant, après];
(d) a final statut accepts no transition any more;
(e) only the roles of the transition succeed, a porteur of another structure never.

An exhaustive test then tries every transition from every statut.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comptes.models import Role, Utilisateur
from historique.horloge import aujourdhui
from historique.models import Evenement
from programmation.etats import STATUTS_FINAUX, TRANSITIONS, Transition, transitions_depuis
from programmation.models import (
    CodeTransition,
    Convention,
    Dossier,
    Financement,
    Paiement,
    Statut,
    VersionDossier,
)
from programmation.services.comites import DecisionDemandee
from programmation.services.corrections import revenir_sur_decision
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
    ErreurProgrammation,
    TransitionInterdite,
)
from programmation.services.instruction import donner_avis
from programmation.services.paiements import annuler_paiement, enregistrer_paiement, total_paye
from programmation.services.seances import tenir_comite
from programmation.services.transitions import transitionner
from programmation.tests import outils
from programmation.tests.factories import DossierFactory
from programmation.tests.outils import porteur_demo_du, prochaine_transition

pytestmark = pytest.mark.django_db

# The acting people: the demo accounts, and a porteur of another structure.
ROLE_DE = {
    "pilote": Role.PILOTE,
    "etat": Role.ETAT,
    "financeur": Role.FINANCEUR,  # the CAF, which every test dossier asks money from
    "porteur": Role.PORTEUR,  # attached to the dossier's structure
    "membre": Role.MEMBRE,
    "porteur_etranger": None,  # porteur of another structure: holds no role on this dossier
}
ACTEURS = tuple(ROLE_DE)
MOTIFS = ("Hors du périmètre du quartier prioritaire", "", "   ")
VERSIONS = ("aucune", "courante", "perimee")
# Who gives the avis of each financeur of DossierFactory(complet=True)'s budget.
INSTRUCTEUR_DE = {"caf": "financeur", "etat": "etat"}
# Each example aims at a statut reached only at the end of a road (the others lie on the way).
CIBLES = (Statut.SOLDE, Statut.REFUSE, Statut.AJOURNE, Statut.IRRECEVABLE, Statut.RETIRE)
ETAPES_MIN, ETAPES_MAX = 5, 40
MAX_EXEMPLES = 100


# --- What the database holds about one dossier -----------------------------------------------


def evenements_du(pk: int):
    return Evenement.objects.filter(
        content_type=ContentType.objects.get_for_model(Dossier), object_id=str(pk)
    )


@dataclass(frozen=True)
class Photo:
    """Everything a transition may write, read back from the database."""

    statut: str
    version: int
    motif_decision: str
    depose_le: object
    nb_evenements: int
    nb_versions: int
    financements: tuple
    conventions: tuple
    paiements: int

    @classmethod
    def de(cls, pk: int) -> "Photo":
        dossier = Dossier.objects.get(pk=pk)
        return cls(
            statut=dossier.statut,
            version=dossier.version,
            motif_decision=dossier.motif_decision,
            depose_le=dossier.depose_le,
            nb_evenements=evenements_du(pk).count(),
            nb_versions=VersionDossier.objects.filter(dossier_id=pk).count(),
            financements=tuple(
                Financement.objects.filter(dossier_id=pk)
                .order_by("pk")
                .values_list("pk", "avis", "montant_propose", "montant_accorde", "version")
            ),
            conventions=tuple(
                Convention.objects.filter(financement__dossier_id=pk)
                .order_by("pk")
                .values_list("pk", "montant")
            ),
            paiements=Paiement.objects.filter(convention__financement__dossier_id=pk).count(),
        )


def est_une_arete(avant: str, apres: str) -> bool:
    return any(avant in t.depuis and apres in t.cibles for t in TRANSITIONS.values())


# --- The oracle: what the rules say a call must give -----------------------------------------


def refus_attendu(
    dossier: Dossier, regle: Transition, acteur: str, motif: str, version: str
) -> type[ErreurProgrammation] | None:
    """The error a call must raise, in the order the rules are checked; None if accepted."""
    if version == "perimee":
        return ConflitDeModification
    if dossier.statut not in regle.depuis:
        return TransitionInterdite
    if ROLE_DE[acteur] not in regle.roles:
        return DroitInsuffisant
    if regle.motif_obligatoire and not motif.strip():
        return DonneesInvalides
    if not precondition_remplie(dossier, regle.code):
        return TransitionInterdite
    return None


def precondition_remplie(dossier: Dossier, nom: str) -> bool:
    """Deposit (complete dossier, open call) always passes for DossierFactory(complet=True).

    A direct call never brings what the compléments request and the corrections need (a
    request written first, the séance of the decision, a cancelled balance)."""
    if nom in PAR_LEUR_SERVICE - {CodeTransition.REDEPOSER}:
        return False
    if nom == "proposer":
        return not dossier.financements.filter(avis=Financement.Avis.EN_ATTENTE).exists()
    if nom == "conventionner":
        return dossier.financements.filter(montant_accorde__gt=0).exists()
    if nom == "solder":
        conventions = Convention.objects.filter(financement__dossier=dossier)
        return not conventions.exclude(paiements__nature=Paiement.Nature.SOLDE).exists()
    return True


# Taken through their own service, with what they need beyond a motif (test_complements.py,
# test_corrections.py): the random calls below only see them refused.
PAR_LEUR_SERVICE = frozenset(
    {
        CodeTransition.DEMANDER_COMPLEMENTS,
        CodeTransition.REDEPOSER,
        CodeTransition.REVENIR_SUR_DECISION,
        CodeTransition.ROUVRIR,
    }
)


# --- The steps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Etape:
    """One step of an example, read against the dossier's statut when it is played.

    - "route": the next transition of a shortest way to the example's target statut (any
      decision once there), by someone holding its role, with a motif; the avis are given
      before proposing and the balance paid to close, unless the step is in a hurry;
    - "hasard": any call: `transition` "" is one of the legal ones, `acteur` "" someone
      holding a role of the transition (`choix` picks which), else exactly those given;
    - "avis": every financeur still silent gives its avis (while instructed);
    - "paiement": a financeur pays a balance (while conventioned).
    """

    genre: str
    transition: str = ""
    acteur: str = ""
    motif: str = MOTIFS[0]
    version: str = "courante"
    choix: int = 0
    avis: tuple[str, ...] = ()


@dataclass
class Monde:
    """One example: its dossier, the people acting on it and what the run reached."""

    dossier: Dossier
    acteurs: dict[str, Utilisateur]
    atteints: set = field(default_factory=lambda: {Statut.BROUILLON})
    acceptees: set = field(default_factory=set)

    def relire(self) -> Dossier:
        self.dossier = Dossier.objects.get(pk=self.dossier.pk)
        return self.dossier


def habilites(regle: Transition) -> list[str]:
    return [a for a in ACTEURS if ROLE_DE[a] in regle.roles]


def appeler(monde: Monde, nom: str, acteur: str, motif: str, version: str) -> None:
    """One call to transitionner, checked against properties (a) to (e)."""
    dossier = monde.relire()
    regle = TRANSITIONS[nom]
    attendu = refus_attendu(dossier, regle, acteur, motif, version)
    avant = Photo.de(dossier.pk)
    dernier = evenements_du(dossier.pk).order_by("-pk").values_list("pk", flat=True).first() or 0
    versions = {"aucune": None, "courante": dossier.version, "perimee": dossier.version - 1}
    try:
        transitionner(
            dossier=dossier,
            transition=nom,
            acteur=monde.acteurs[acteur],
            motif=motif,
            version=versions[version],
        )
    except ErreurProgrammation as erreur:
        # (b) a refused call changes nothing, and says why in French.
        assert Photo.de(dossier.pk) == avant, f"« {nom} » refusé a pourtant écrit"
        assert erreur.message
        assert attendu is not None, f"{acteur} devait pouvoir « {nom} » depuis {avant.statut}"
        assert type(erreur) is attendu, (nom, acteur, avant.statut, erreur.message)
        return
    apres = Photo.de(dossier.pk)
    assert attendu is None, f"{acteur} a pu « {nom} » depuis {avant.statut} ({motif!r})"
    # (a) a legal edge of the machine, towards a known statut.
    assert apres.statut in Statut.values
    assert avant.statut in regle.depuis and apres.statut in regle.cibles
    # (c) exactly one event, naming the transition and both statuts.
    nouveaux = list(evenements_du(dossier.pk).filter(pk__gt=dernier))
    assert [e.action for e in nouveaux] == [f"dossier.{nom}"]
    assert nouveaux[0].changements["statut"] == [avant.statut, apres.statut]
    assert nouveaux[0].acteur == monde.acteurs[acteur]
    assert nouveaux[0].motif == motif.strip()
    assert apres.version == avant.version + 1
    # (d) nothing leaves a final statut; (e) only the transition's roles act.
    assert avant.statut not in STATUTS_FINAUX
    assert ROLE_DE[acteur] in regle.roles and acteur != "porteur_etranger"
    monde.acceptees.add(nom)
    monde.atteints.add(apres.statut)


def donner_les_avis(monde: Monde, avis: tuple[str, ...]) -> None:
    """Each financeur still silent gives its avis (only while the dossier is instructed)."""
    dossier = monde.relire()
    if dossier.statut != Statut.EN_INSTRUCTION:
        return
    attente = dossier.financements.filter(avis=Financement.Avis.EN_ATTENTE).select_related(
        "financeur"
    )
    for financement, choix in zip(
        attente.order_by("pk"), [*avis, "favorable", "favorable"], strict=False
    ):
        donner_avis(
            financement=financement,
            acteur=monde.acteurs[INSTRUCTEUR_DE[financement.financeur.code]],
            avis=choix,
            montant_propose=financement.montant_demande,
            commentaire="Action hors priorités" if choix == "defavorable" else "",
            version=financement.version,
        )
    assert monde.relire().statut == Statut.EN_INSTRUCTION, "un avis ne change pas le statut"


def payer_un_solde(monde: Monde, rang: int) -> None:
    """A financeur pays what it still owes on one convention; the last balance closes."""
    dossier = monde.relire()
    if dossier.statut != Statut.CONVENTIONNE:
        return
    a_solder = list(
        Convention.objects.filter(financement__dossier=dossier)
        .exclude(paiements__nature=Paiement.Nature.SOLDE)
        .select_related("financement__financeur")
        .order_by("pk")
    )
    convention = a_solder[rang % len(a_solder)]
    outils.preparer_le_solde(dossier)  # the balance waits for the validated bilan (suivi)
    dernier = evenements_du(dossier.pk).order_by("-pk").values_list("pk", flat=True).first()
    enregistrer_paiement(
        convention=convention,
        nature=Paiement.Nature.SOLDE,
        montant=convention.montant - total_paye(convention),
        date=date.today(),
        acteur=monde.acteurs[INSTRUCTEUR_DE[convention.financement.financeur.code]],
    )
    apres = monde.relire().statut
    actions = list(evenements_du(dossier.pk).filter(pk__gt=dernier).order_by("pk"))
    if len(a_solder) > 1:
        assert apres == Statut.CONVENTIONNE
        assert [e.action for e in actions] == ["convention.paiement"]
        return
    # (a) and (c) hold for the transition the service takes on its own.
    assert est_une_arete(Statut.CONVENTIONNE, apres) and apres == Statut.SOLDE
    assert [e.action for e in actions] == ["convention.paiement", "dossier.solder"]
    assert actions[1].changements["statut"] == [Statut.CONVENTIONNE, Statut.SOLDE]
    monde.atteints.add(apres)


def jouer(monde: Monde, etape: Etape, cible: str) -> None:
    statut = monde.relire().statut
    legales = transitions_depuis(statut)
    if etape.genre == "avis":
        donner_les_avis(monde, etape.avis)
    elif etape.genre == "paiement":
        payer_un_solde(monde, etape.choix)
    elif etape.genre == "route":
        regle = prochaine_transition(statut, cible) or (
            legales[etape.choix % len(legales)] if legales else None
        )
        # An odd `choix` is in a hurry: it proposes before the avis, balances before paying.
        presse = etape.choix % 2 == 1
        if regle is None:
            pass
        elif regle.code == "solder" and not presse:  # the last balance paid closes the dossier
            payer_un_solde(monde, etape.choix // 2)
        else:
            if regle.code == "proposer" and not presse:
                donner_les_avis(monde, ())
            acteurs = habilites(regle)
            appeler(monde, regle.code, acteurs[etape.choix % len(acteurs)], MOTIFS[0], "courante")
    else:
        if etape.transition:
            regle = TRANSITIONS[etape.transition]
        elif legales:
            regle = legales[etape.choix % len(legales)]
        else:
            regle = TRANSITIONS[sorted(TRANSITIONS)[etape.choix % len(TRANSITIONS)]]
        acteur = etape.acteur or habilites(regle)[etape.choix % len(habilites(regle))]
        appeler(monde, regle.code, acteur, etape.motif, etape.version)
    # (a) whatever the step, the statut stays one of the machine's.
    assert monde.relire().statut in Statut.values


ROUTE = Etape("route")
PRESSE = Etape("route", choix=1)
VERS_LA_CIBLE = st.builds(Etape, genre=st.just("route"), choix=st.integers(0, 3))
# Half the steps go towards the target, the others call anything or prepare the next step.
ETAPE = st.one_of(
    VERS_LA_CIBLE,
    VERS_LA_CIBLE,
    VERS_LA_CIBLE,
    st.builds(
        Etape,
        genre=st.just("hasard"),
        transition=st.one_of(st.just(""), st.sampled_from(sorted(TRANSITIONS))),
        acteur=st.one_of(st.just(""), st.sampled_from(ACTEURS)),
        motif=st.sampled_from(MOTIFS),
        version=st.sampled_from(VERSIONS),
        choix=st.integers(0, 3),
    ),
    st.builds(
        Etape,
        genre=st.just("avis"),
        avis=st.lists(st.sampled_from(("favorable", "defavorable")), max_size=2).map(tuple),
    ),
    st.builds(Etape, genre=st.just("paiement"), choix=st.integers(0, 1)),
)


# --- The tests ------------------------------------------------------------------------------


@pytest.fixture
def acteurs_fixes(pilote, etat, financeur, membre, autre_porteur) -> dict[str, Utilisateur]:
    """Everyone but the dossier's porteur, who is attached to each new dossier."""
    return {
        "pilote": pilote,
        "etat": etat,
        "financeur": financeur,
        "membre": membre,
        "porteur_etranger": autre_porteur,
    }


def test_random_sequences_of_calls_keep_the_machine_s_promises(acteurs_fixes):
    atteints: set[str] = set()
    acceptees: set[str] = set()

    @settings(
        max_examples=MAX_EXEMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        cible=st.sampled_from(CIBLES),
        etapes=st.lists(ETAPE, min_size=ETAPES_MIN, max_size=ETAPES_MAX),
    )
    # The straight roads, always played first: every statut and every edge get visited;
    # then a hurried one, and one the financeurs turn down: each precondition refuses once.
    @example(cible=Statut.SOLDE, etapes=[ROUTE] * 10)
    @example(cible=Statut.SOLDE, etapes=[*[ROUTE] * 3, PRESSE, *[ROUTE] * 3, PRESSE, ROUTE, ROUTE])
    @example(
        cible=Statut.SOLDE,
        etapes=[*[ROUTE] * 3, Etape("avis", avis=("defavorable", "defavorable")), *[ROUTE] * 3],
    )
    @example(cible=Statut.AJOURNE, etapes=[ROUTE] * 10)
    @example(cible=Statut.REFUSE, etapes=[ROUTE] * 10)
    @example(cible=Statut.IRRECEVABLE, etapes=[ROUTE] * 3)
    @example(cible=Statut.RETIRE, etapes=[ROUTE] * 3)
    def sequence(cible, etapes):
        dossier = DossierFactory(complet=True)
        monde = Monde(dossier, {**acteurs_fixes, "porteur": porteur_demo_du(dossier)})
        for etape in etapes:
            jouer(monde, etape, cible)
        atteints.update(monde.atteints)
        acceptees.update(monde.acceptees)

    sequence()

    # Every statut was reached and every transition accepted on a direct call (the balance
    # is taken by the last payment, see payer_un_solde).
    assert atteints == set(Statut.values) - {Statut.A_COMPLETER}
    assert acceptees == set(TRANSITIONS) - {"solder"} - PAR_LEUR_SERVICE


def test_final_statuts_are_left_only_by_a_correction_and_the_others_have_a_way_out():
    for statut in Statut.values:
        ordinaires = [t for t in transitions_depuis(statut) if not t.correction]
        assert bool(ordinaires) == (statut not in STATUTS_FINAUX), statut


def test_every_statut_is_reachable_from_a_draft():
    atteints = {Statut.BROUILLON} | {
        s for s in Statut.values if prochaine_transition(Statut.BROUILLON, s) is not None
    }
    assert atteints == set(Statut.values)


# --- Every transition from every statut ------------------------------------------------------


def dossier_pret_a_quitter(statut: str) -> Dossier:
    """A complete dossier brought to `statut` through the services, every precondition met.

    The financeurs' avis are favourable, given as soon as it is instructed: it may be
    proposed, and its granted amounts make conventions. A conventioned dossier has its
    balances recorded without the payment service (which would close it on the last one
    itself): « solder » then finds every convention paid.
    """
    dossier = outils.mener_au_statut(DossierFactory(complet=True), statut)
    if statut == Statut.EN_INSTRUCTION:
        outils.donner_les_avis(dossier)
    if statut == Statut.CONVENTIONNE:
        for convention in Convention.objects.filter(financement__dossier=dossier):
            Paiement.objects.create(
                convention=convention,
                nature=Paiement.Nature.SOLDE,
                montant=convention.montant,
                date=date.today(),
                acteur=outils.instructeur_de(convention.financement),
            )
    return Dossier.objects.get(pk=dossier.pk)


def decide_en_comite(statut: str) -> Dossier:
    """A dossier whose last decision, leading to `statut`, a committee took in a séance."""
    (regle,) = [t for t in TRANSITIONS.values() if t.comite and t.vers == statut]
    (depuis,) = regle.depuis
    dossier = dossier_pret_a_quitter(depuis)
    contrat = dossier.appel.contrat
    tenir_comite(
        instance=contrat.instances.filter(nature=regle.comite).first(),
        date=aujourdhui(),
        titre="Séance",
        decisions=[DecisionDemandee(dossier, regle.code, "Motif du comité")],
        acteur=Utilisateur.objects.get(username="pilote"),
    )
    return Dossier.objects.get(pk=dossier.pk)


def franchir(dossier: Dossier, nom: str, acteur: Utilisateur) -> tuple[Dossier, int]:
    """Take the transition the way its screen does; the events it writes besides its own."""
    if nom == CodeTransition.DEMANDER_COMPLEMENTS:
        outils.demander_les_complements(dossier, "Motif du comité")
        return Dossier.objects.get(pk=dossier.pk), 0
    if nom == CodeTransition.REVENIR_SUR_DECISION:
        return revenir_sur_decision(dossier=dossier, motif="Motif du comité", acteur=acteur), 0
    if nom == CodeTransition.ROUVRIR:
        solde = Paiement.objects.filter(convention__financement__dossier=dossier).latest("pk")
        annuler_paiement(
            paiement=solde,
            motif="Motif du comité",
            acteur=outils.instructeur_de(solde.convention.financement),
        )
        return Dossier.objects.get(pk=dossier.pk), 1  # the cancelled payment's event
    resultat = transitionner(
        dossier=dossier, transition=nom, acteur=acteur, motif="Motif du comité"
    )
    return resultat, 0


@pytest.mark.parametrize("nom", sorted(TRANSITIONS))
@pytest.mark.parametrize("statut", Statut.values)
def test_transition_succeeds_exactly_from_its_statuts(statut, nom):
    regle = TRANSITIONS[nom]
    if statut in regle.depuis and nom == CodeTransition.REVENIR_SUR_DECISION:
        dossier = decide_en_comite(statut)
    else:
        dossier = dossier_pret_a_quitter(statut)
    porteur = porteur_demo_du(dossier)
    acteur = porteur if Role.PORTEUR in regle.roles else Utilisateur.objects.get(username="pilote")
    avant = Photo.de(dossier.pk)

    if statut in regle.depuis:
        attendu = regle.statut_d_arrivee(dossier)
        resultat, autres = franchir(dossier, nom, acteur)
        apres = Photo.de(dossier.pk)
        assert resultat.statut == apres.statut == attendu
        assert attendu in regle.cibles
        assert apres.version == avant.version + 1
        assert apres.nb_evenements == avant.nb_evenements + 1 + autres
        evenement = evenements_du(dossier.pk).order_by("-pk").first()
        assert evenement.action == f"dossier.{nom}"
        assert evenement.changements["statut"] == [statut, attendu]
    else:
        with pytest.raises(TransitionInterdite) as erreur:
            transitionner(dossier=dossier, transition=nom, acteur=acteur, motif="Motif du comité")
        assert erreur.value.message == (
            f"Impossible de « {regle.libelle.lower()} » un dossier au statut "
            f"« {Statut(statut).label} »."
        )
        assert Photo.de(dossier.pk) == avant


def test_refusal_from_a_wrong_statut_reads_as_french():
    dossier = dossier_pret_a_quitter(Statut.SOLDE)
    with pytest.raises(TransitionInterdite) as erreur:
        transitionner(dossier=dossier, transition="deposer", acteur=porteur_demo_du(dossier))
    assert erreur.value.message == (
        "Impossible de « déposer le dossier » un dossier au statut « Soldé »."
    )
