"""The referential's pages: forms in French notation, refusals shown, measures entered,
replaced and deleted, computed indicators without a form, "Mon espace", the demo."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from historique.horloge import aujourdhui
from programmation.tests.outils import client_de, html_brut, texte
from suivi.demo_referentiel import INDICATEURS, generer_demo_referentiel
from suivi.models import IndicateurResultat, MesureIndicateur
from suivi.tests import outils_referentiel as r
from suivi.tests.outils_referentiel import Calcul, Sens
from tests.outils import PageHTML

D = Decimal
pytestmark = pytest.mark.django_db


def _formulaire(contrat, **modifs) -> dict:
    """What the pilote types to define the QPV's unemployment rate indicator."""
    return {
        "code": "chomage-qpv",
        "libelle": "Taux de chômage du quartier prioritaire",
        "unite": "%",
        "objectif": r.objectif(contrat, "3.2.2").pk,
        "action": "",
        "valeur_reference": "9,15",
        "date_reference": "12/03/2015",
        "valeur_cible": "7,5",
        "date_cible": "2020-12-31",
        "sens": Sens.BAISSE,
        "calcul": Calcul.SAISIE,
        "source": "Pôle emploi",
        "mesure_par": "Équipe projet",
        **modifs,
    }


def _nouveau(contrat) -> str:
    return reverse("suivi:indicateur_nouveau", args=[contrat.slug])


def _page(indicateur) -> str:
    return reverse("suivi:indicateur", args=[indicateur.pk])


def test_the_pilote_defines_an_indicator_in_french_notation(villiers, pilote):
    client = client_de(pilote)
    reponse = client.post(_nouveau(villiers), _formulaire(villiers))
    indicateur = IndicateurResultat.objects.get(contrat=villiers, code="chomage-qpv")
    assert reponse.status_code == 302 and reponse["Location"] == _page(indicateur)
    assert (indicateur.valeur_reference, indicateur.date_reference) == (
        D("9.15"),
        date(2015, 3, 12),
    )
    page = texte(client.get(_page(indicateur)))
    assert "L'indicateur « Taux de chômage du quartier prioritaire » est créé." in page
    assert "9,15 % au 12/03/2015" in page and "7,5 % d'ici le 31/12/2020" in page


@pytest.mark.parametrize(
    ("modifs", "message"),
    [
        ({"action": "fiche"}, "pas les deux : choisissez l'un ou l'autre."),
        ({"objectif": ""}, "Choisissez l'objectif opérationnel ou l'action du plan"),
        ({"valeur_cible": "7.5.0"}, "Saisissez un nombre en notation française"),
        ({"date_cible": "31/13/2020"}, "Saisissez une date valide."),
        ({"valeur_cible": "12"}, "Un indicateur à réduire a une cible inférieure"),
    ],
)
def test_an_invalid_definition_is_shown_in_french_and_nothing_is_created(
    villiers, pilote, modifs, message
):
    if modifs.get("action") == "fiche":
        modifs["action"] = r.action(villiers, 54).pk
    reponse = client_de(pilote).post(_nouveau(villiers), _formulaire(villiers, **modifs))
    assert reponse.status_code == 200
    html_brut(reponse)
    assert message in texte(reponse)
    assert "rien n'a été enregistré" in texte(reponse).lower()
    assert not IndicateurResultat.objects.filter(contrat=villiers).exists()


def test_the_modification_form_shows_french_numbers_and_saves(villiers, etat):
    indicateur = r.indicateur(villiers)
    client = client_de(etat)
    url = reverse("suivi:indicateur_modifier", args=[indicateur.pk])
    assert 'value="9,15"' in html_brut(client.get(url))
    reponse = client.post(url, _formulaire(villiers, valeur_cible="7"))
    assert reponse.status_code == 302
    assert IndicateurResultat.objects.get(pk=indicateur.pk).valeur_cible == D("7")


def test_measures_are_entered_replaced_and_deleted_from_the_indicator_page(villiers, pilote):
    indicateur = r.indicateur(villiers)
    client = client_de(pilote)
    url = reverse("suivi:mesure_enregistrer", args=[indicateur.pk])
    client.post(url, {"date": "31/12/2016", "valeur": "8,9", "commentaire": "Catégorie A"})
    reponse = client.post(url, {"date": "2016-12-31", "valeur": "8,5"})
    assert reponse.status_code == 302
    (mesure,) = MesureIndicateur.objects.filter(indicateur=indicateur)
    assert mesure.valeur == D("8.5")
    page = texte(client.get(_page(indicateur)))
    assert "La mesure du 31/12/2016 est enregistrée." in page
    assert (
        "Mesure remplacée (Camille Martin) : date de la mesure : 31/12/2016 ; valeur : 8,9 → 8,5"
        in page
    )
    assert 'id="ecart-cible">+1 %' in html_brut(client.get(_page(indicateur)))
    reponse = client.post(reverse("suivi:mesure_supprimer", args=[mesure.pk]))
    assert reponse["Location"] == _page(indicateur)
    assert not MesureIndicateur.objects.filter(indicateur=indicateur).exists()
    assert "La mesure du 31/12/2016 est supprimée." in texte(client.get(_page(indicateur)))


def test_a_refused_measure_shows_why_and_keeps_what_was_typed(villiers, pilote):
    indicateur = r.indicateur(villiers)
    demain = aujourdhui() + timedelta(days=1)
    reponse = client_de(pilote).post(
        reverse("suivi:mesure_enregistrer", args=[indicateur.pk]),
        {"date": f"{demain:%d/%m/%Y}", "valeur": "8,9"},
    )
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Rien n'a été enregistré" in page
    assert "Une mesure est datée d'aujourd'hui au plus tard." in page
    assert 'value="8,9"' in html_brut(reponse)
    assert not MesureIndicateur.objects.exists()


def test_a_computed_indicator_says_where_its_measures_come_from(villiers, pilote):
    indicateur = r.indicateur(
        villiers,
        calcul=Calcul.BENEFICIAIRES,
        sens=Sens.HAUSSE,
        valeur_reference=D("120"),
        valeur_cible=D("300"),
    )
    client = client_de(pilote)
    page = texte(client.get(_page(indicateur)))
    assert "viennent des bilans validés des actions qu'il couvre" in page
    assert "Saisir une mesure" not in page
    reponse = client.post(
        reverse("suivi:mesure_enregistrer", args=[indicateur.pk]),
        {"date": "31/12/2016", "valeur": "150"},
    )
    assert "calculées depuis les bilans validés" in texte(reponse)
    assert not MesureIndicateur.objects.exists()


def test_the_referential_page_shows_each_indicator_against_its_target(villiers, pilote, porteur):
    indicateur = r.indicateur(villiers)
    r.mesurer(indicateur, date(2019, 12, 31), "8.1")
    reponse = client_de(porteur).get(reverse("suivi:referentiel", args=[villiers.slug]))
    html = html_brut(reponse)
    page = PageHTML(html).texte
    assert f'href="{_page(indicateur)}"' in html
    assert "Pilier 3 · Développement économique et emploi" in page
    assert "8,1 % au 31/12/2019" in page and "+0,6 %" in page and "64 %" in page
    assert "En deçà de la cible" in page
    assert "Ajouter un indicateur" not in page  # the porteur reads only
    assert "Modifier l'indicateur" not in texte(client_de(porteur).get(_page(indicateur)))
    assert "Ajouter un indicateur" in texte(
        client_de(pilote).get(reverse("suivi:referentiel", args=[villiers.slug]))
    )


def test_mon_espace_leads_the_pilotage_to_the_referential(villiers, pilote, porteur):
    r.indicateur(villiers)
    lien = reverse("suivi:referentiel", args=[villiers.slug])
    page = client_de(pilote).get(reverse("programmation:mon_espace")).content.decode()
    assert f'href="{lien}"' in page and "Référentiel d&#x27;évaluation" in page
    assert lien not in client_de(porteur).get(reverse("programmation:mon_espace")).content.decode()


def test_the_demo_referential_is_built_once_from_the_diagnostic(villiers):
    crees = generer_demo_referentiel(villiers)
    indicateurs = IndicateurResultat.objects.filter(contrat=villiers)
    saisis = [demo for demo in INDICATEURS if demo.mesures]
    assert crees == len(INDICATEURS) + 5 * len(saisis) == indicateurs.count() + 40
    assert indicateurs.count() == 13 and all(indicateurs.values_list("est_demo", flat=True))
    assert all(MesureIndicateur.objects.values_list("est_demo", flat=True))
    chomage = indicateurs.get(code="chomage-qpv")  # the diagnostic's figure of the QPV
    assert (chomage.valeur_reference, chomage.date_reference) == (D("9.15"), date(2015, 3, 12))
    assert indicateurs.exclude(calcul=Calcul.SAISIE).count() == 5
    assert indicateurs.filter(action__isnull=False).count() == 2
    assert set(indicateurs.values_list("objectif__domaine__pilier__numero", flat=True)) >= {
        "2",
        "3",
        "4",
    }
    assert generer_demo_referentiel(villiers) == 0
    assert MesureIndicateur.objects.filter(indicateur__contrat=villiers).count() == 40
