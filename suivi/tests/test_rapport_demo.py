"""The demo rapport annuel 2019: generated, consulted, adopted and published at plausible
dates of 2020, through the services; a second run creates nothing. On the bare contract
(the programmation demo is slow and tested elsewhere): its mechanics, not its figures."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from historique.models import Evenement
from programmation.tests.factories import villiers
from suivi.demo_rapports import DELIBERATION, generer_demo_rapports
from suivi.models import (
    AvisRapport,
    GenerationRapport,
    RapportAnnuel,
    StatutRapport,
    TransitionRapport,
)
from suivi.tests.outils_rapports import executer_les_taches

pytestmark = pytest.mark.django_db


def test_the_demo_rapport_is_generated_adopted_published_and_made_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    assert generer_demo_rapports(villiers()) == 1

    rapport = RapportAnnuel.objects.get(contrat=villiers(), annee=2019)
    assert (rapport.statut, rapport.est_demo, rapport.date_deliberation) == (
        StatutRapport.PUBLIE,
        True,
        DELIBERATION,
    )
    assert (rapport.soumis_le, rapport.fin_consultation) == (date(2020, 3, 9), date(2020, 4, 9))
    avis = dict(AvisRapport.objects.filter(rapport=rapport).values_list("organe", "sens"))
    assert avis == {"conseil_citoyen": "favorable", "conseil_municipal": "favorable"}
    assert "demande" in AvisRapport.objects.get(rapport=rapport, organe="conseil_citoyen").texte
    transitions = TransitionRapport.objects.filter(rapport=rapport)
    assert [t.transition for t in transitions] == ["soumettre", "adopter", "publier"]
    assert all(timezone.localtime(t.horodatage).year == 2020 for t in transitions)
    generations = list(GenerationRapport.objects.filter(rapport=rapport))
    assert [g.etat for g in generations] == [GenerationRapport.Etat.TERMINEE] * 2
    assert all(Path(tmp_path, g.pdf.name).is_file() for g in generations)
    assert sorted(timezone.localdate(g.terminee_le) for g in generations) == [
        date(2020, 3, 2),
        date(2020, 6, 29),
    ]

    avant = (
        RapportAnnuel.objects.count(),
        GenerationRapport.objects.count(),
        TransitionRapport.objects.count(),
        Evenement.objects.count(),
    )
    assert generer_demo_rapports(villiers()) == 0
    # The queued tasks find their generations done: the worker changes nothing either.
    assert executer_les_taches() == 2
    assert (
        RapportAnnuel.objects.count(),
        GenerationRapport.objects.count(),
        TransitionRapport.objects.count(),
        Evenement.objects.count(),
    ) == avant
