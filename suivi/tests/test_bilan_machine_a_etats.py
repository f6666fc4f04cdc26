"""Random walks of the bilan's state machine keep its log chained; only allowed moves pass."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmation.services.erreurs import ErreurProgrammation
from programmation.tests.outils import pilote_du, porteur_du
from suivi.etats import TRANSITIONS
from suivi.models import Bilan, TransitionBilan
from suivi.services.bilans import transitionner_bilan
from suivi.tests import outils

pytestmark = pytest.mark.django_db
ACTEURS = ("porteur", "pilote", "financeur", "membre")
ROLE = {"porteur": "porteur", "pilote": "pilote", "financeur": "financeur", "membre": "membre"}


def test_every_transition_is_declared_whole():
    for code, t in TRANSITIONS.items():
        assert t.code == code and t.libelle and t.libelle_passe and "{numero}" in t.objet_courriel
        assert t.depuis and t.roles and t.action == f"bilan.{code}"


def test_random_walks_keep_the_log_chained_and_only_allowed_moves_succeed(financeur, membre):
    bilan = outils.bilan_attendu()
    outils.remplir(bilan)
    acteurs = {
        "porteur": porteur_du(bilan.dossier),
        "pilote": pilote_du(bilan.dossier.appel.contrat),
        "financeur": financeur,
        "membre": membre,
    }

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(TRANSITIONS)),
                st.sampled_from(ACTEURS),
                st.sampled_from(("Motif", "")),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def marcher(etapes):
        for code, qui, motif in etapes:
            regle = TRANSITIONS[code]
            avant = Bilan.objects.get(pk=bilan.pk).statut
            lignes = TransitionBilan.objects.filter(bilan=bilan).count()
            permis = (
                avant in regle.depuis
                and ROLE[qui] in regle.roles
                and (motif or not regle.motif_obligatoire)
            )
            try:
                transitionner_bilan(bilan=bilan, transition=code, acteur=acteurs[qui], motif=motif)
            except ErreurProgrammation as erreur:
                assert not permis, (code, qui, avant, erreur.message)
                assert Bilan.objects.get(pk=bilan.pk).statut == avant
                assert TransitionBilan.objects.filter(bilan=bilan).count() == lignes
            else:
                assert permis, (code, qui, avant)
                assert Bilan.objects.get(pk=bilan.pk).statut == regle.vers
        chaine = list(TransitionBilan.objects.filter(bilan=bilan).order_by("horodatage", "id"))
        if chaine:
            assert chaine[0].de == "attendu"
            assert all(a.vers == b.de for a, b in itertools.pairwise(chaine))
            assert chaine[-1].vers == Bilan.objects.get(pk=bilan.pk).statut

    marcher()


def test_no_bilan_selector_view_or_template_tests_a_role():
    import re
    from pathlib import Path

    racine = Path(__file__).resolve().parents[2]
    motif = re.compile(r"\bRole\.|\.a\(|organisations_pour\(")
    fichiers = [
        racine / "suivi/selectors/bilans.py",
        racine / "suivi/views/bilans.py",
        *(racine / "templates/suivi/bilans").glob("*.html"),
    ]
    fautifs = [
        f"{f.name}:{n}"
        for f in fichiers
        for n, ligne in enumerate(f.read_text().splitlines(), 1)
        if motif.search(ligne)
    ]
    assert len(fichiers) >= 4 and fautifs == [], "ask suivi.permissions instead"
