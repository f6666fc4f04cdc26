"""Random walks of the rapport annuel's state machine, against a model of its rules.

Each example starts from the same draft, whose documents were generated once, and takes
random steps (mostly towards moving on): a transition by a random person (with or
without a motif), the avis of every consulted body entered, a new generation. A
transition the declaration and the model allow must pass and write one TransitionRapport
and one history event; any other must be refused and change nothing. Layout is stood in
for (the machine is the subject).
"""

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as reglages
from hypothesis import strategies as st

from historique.horloge import aujourdhui
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.services.erreurs import ErreurProgrammation
from suivi.etats_rapports import TRANSITIONS
from suivi.models import (
    AvisRapport,
    CodeTransitionRapport,
    RapportAnnuel,
    StatutRapport,
    TransitionRapport,
)
from suivi.services.rapports import transitionner_rapport
from suivi.tests import outils_rapports as outils

pytestmark = pytest.mark.django_db
ACTEURS = ("anonyme", "pilote", "etat", "financeur", "porteur", "membre")
AVIS, GENERER = "avis", "generer"
C = CodeTransitionRapport
TOUS_LES_PAS = (*sorted(TRANSITIONS), AVIS, GENERER)
PILOTAGE = ("pilote", "etat")
EN_AVANT = {
    StatutRapport.BROUILLON: (C.SOUMETTRE,),
    StatutRapport.EN_CONSULTATION: (AVIS, C.ADOPTER),
    StatutRapport.ADOPTE: (GENERER, C.PUBLIER),
    StatutRapport.PUBLIE: TOUS_LES_PAS,
}
CHAMPS = ("statut", "soumis_le", "fin_consultation", "date_deliberation", "publie_le")
MARCHES = reglages(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_every_transition_is_declared_whole():
    for code, t in TRANSITIONS.items():
        assert t.code == code and t.libelle and t.libelle_passe
        assert t.depuis and t.roles and t.action == f"rapport.{code}"
        assert t.vers in t.BADGES
    assert {t.vers for t in TRANSITIONS.values()} | {StatutRapport.BROUILLON} == set(
        StatutRapport.values
    )


class Modele:
    """What the rules say the rapport may do next, from the steps taken so far."""

    def __init__(self) -> None:
        self.statut = StatutRapport.BROUILLON
        self.avis_complets = False
        self.genere_depuis_adoption = False

    def permis(self, code: str, role: str, motif: str) -> bool:
        regle = TRANSITIONS[code]
        if self.statut not in regle.depuis or role not in regle.roles:
            return False
        if regle.motif_obligatoire and not motif:
            return False
        if code == C.ADOPTER:
            # Everything happens today: the month of consultation is never over.
            return self.avis_complets
        if code == C.PUBLIER:
            return self.genere_depuis_adoption
        return True

    def prendre(self, code: str) -> None:
        self.statut = TRANSITIONS[code].vers
        if code == C.SOUMETTRE:
            self.avis_complets = False
        if code == C.ADOPTER:
            self.genere_depuis_adoption = False

    def apres_avis(self) -> None:
        self.avis_complets = self.statut == StatutRapport.EN_CONSULTATION or self.avis_complets

    def apres_generation(self) -> None:
        if self.statut == StatutRapport.ADOPTE:
            self.genere_depuis_adoption = True


def _photo(rapport: RapportAnnuel) -> tuple:
    courant = outils.relire(rapport)
    return (
        tuple(getattr(courant, champ) for champ in CHAMPS),
        tuple(AvisRapport.objects.filter(rapport=rapport).values_list("nom", "sens", "recu_le")),
        TransitionRapport.objects.filter(rapport=rapport).count(),
        historique_de(rapport).count(),
    )


def _pas_de_cote(rapport: RapportAnnuel, pas: str, modele: Modele) -> None:
    """The steps besides transitions, taken only where they are possible."""
    if pas == AVIS and modele.statut == StatutRapport.EN_CONSULTATION:
        outils.saisir_tous_les_avis(rapport)
        modele.apres_avis()
    if pas == GENERER and modele.statut != StatutRapport.PUBLIE:
        outils.generer(rapport)
        modele.apres_generation()


def _transition(rapport, code, personne, role, motif, modele, aujourdhui) -> None:
    avant = _photo(rapport)
    permis = modele.permis(code, role, motif)
    try:
        transitionner_rapport(
            rapport=rapport,
            transition=code,
            acteur=personne,
            motif=motif,
            date_deliberation=aujourdhui,
        )
    except ErreurProgrammation as erreur:
        assert not permis, (code, role, modele.statut, erreur.message)
        assert _photo(rapport) == avant
        return
    assert permis, (code, role, modele.statut)
    modele.prendre(code)
    apres = _photo(rapport)
    assert apres[0][0] == TRANSITIONS[code].vers
    assert apres[2] == avant[2] + 1
    assert apres[3] == avant[3] + 1
    assert Evenement.objects.filter(
        object_id=str(rapport.pk), action=TRANSITIONS[code].action
    ).exists()


def _pas(donnees, modele: Modele) -> tuple[str, str, str]:
    """A step drawn two times out of three among those that move the rapport on (else
    any step): walks reach publication, and still try everything anywhere."""
    en_avant = st.sampled_from(EN_AVANT[modele.statut])
    code = donnees.draw(st.one_of(en_avant, en_avant, st.sampled_from(TOUS_LES_PAS)))
    role = donnees.draw(st.one_of(st.sampled_from(PILOTAGE), st.sampled_from(ACTEURS)))
    return code, role, donnees.draw(st.sampled_from(("Motif", "")))


def test_random_walks_only_take_allowed_moves_and_log_each_once(settings, tmp_path, personne):
    settings.MEDIA_ROOT = tmp_path
    personnes = {role: personne(role) for role in ACTEURS}
    rapport = outils.rapport_cree()
    outils.generer(rapport)

    @MARCHES
    @given(st.data())
    def marcher(donnees):
        # Each walk from the same draft: its steps are rolled back afterwards.
        with transaction.atomic():
            modele = Modele()
            for _ in range(donnees.draw(st.integers(min_value=6, max_value=14))):
                code, role, motif = _pas(donnees, modele)
                if code in (AVIS, GENERER):
                    _pas_de_cote(rapport, code, modele)
                else:
                    _transition(rapport, code, personnes[role], role, motif, modele, aujourdhui())
            chaine = list(TransitionRapport.objects.filter(rapport=rapport))
            if chaine:
                assert chaine[0].de == StatutRapport.BROUILLON
                assert all(a.vers == b.de for a, b in itertools.pairwise(chaine))
                assert chaine[-1].vers == outils.relire(rapport).statut
            transaction.set_rollback(True)

    marcher()


def test_no_rapport_selector_view_or_template_tests_a_role():
    import re
    from pathlib import Path

    racine = Path(__file__).resolve().parents[2]
    motif = re.compile(r"\bRole\.|\.a\(|organisations_pour\(")
    fichiers = [
        racine / "suivi/selectors/rapports.py",
        racine / "suivi/views/rapports.py",
        racine / "suivi/services/rapports.py",
        *(racine / "templates/suivi/rapports").glob("*.html"),
    ]
    fautifs = [
        f"{f.name}:{n}"
        for f in fichiers
        for n, ligne in enumerate(f.read_text().splitlines(), 1)
        if motif.search(ligne)
    ]
    assert len(fichiers) >= 7 and fautifs == [], "ask suivi.permissions instead"
