"""Versions of the contract compared field by field: what an adhesion adds, what a
modification changes, nothing between a version and itself; unknown versions are 404."""

from datetime import date

import pytest
from django.urls import reverse

from contrats.avenants import version_initiale
from contrats.models import Avenant
from contrats.selectors_avenants import Ecart, comparer_contenus, comparer_versions
from contrats.tests.outils_avenants import (
    QUALITE,
    REPRESENTANT,
    proposer_et_ouvrir,
    tout_accepter,
)
from tests.outils import PageHTML, client_de, html_de


@pytest.fixture
def adhesion(villiers, pilote) -> Avenant:
    return tout_accepter(proposer_et_ouvrir(villiers, pilote), pilote)


def comparer(slug: str, **parametres):
    return client_de(None).get(reverse("contrats:versions_comparer", args=[slug]), parametres)


def test_comparing_versions_1_and_2_after_an_adhesion_shows_the_new_signatory_added(
    villiers, adhesion
):
    initiale, suivante = villiers.versions.order_by("numero")

    ecarts = {e.champ: e for e in comparer_versions(initiale, suivante)}

    nouveau = f"{adhesion.organisation_entrante.nom} ({REPRESENTANT}, {QUALITE})"
    assert ecarts["Signataires"] == Ecart("Signataires", ajouts=(nouveau,))
    assert ecarts["Avenants intégrés"].ajouts == (
        f"Avenant n° 1 du {adhesion.date_effet:%d/%m/%Y} : {adhesion.objet} "
        "(Adhésion d'un nouveau partenaire)",
    )
    # Nothing else changed: engagements, plan and dates are those of the signed contract.
    assert set(ecarts) == {"Signataires", "Avenants intégrés"}


def test_comparing_backwards_shows_the_signatory_removed(villiers, adhesion):
    initiale, suivante = villiers.versions.order_by("numero")

    (signataires,) = [e for e in comparer_versions(suivante, initiale) if e.champ == "Signataires"]

    assert signataires.ajouts == ()
    assert signataires.retraits[0].startswith(adhesion.organisation_entrante.nom)


def test_a_version_compared_with_itself_shows_no_difference(villiers, adhesion):
    for version in villiers.versions.all():
        assert comparer_versions(version, version) == []
    page = PageHTML(html_de(comparer(villiers.slug, de=2, a=2)))
    assert "Aucune différence entre ces deux versions." in page.texte


def test_the_comparison_reads_texts_lists_and_keyed_texts():
    avant = {
        "Fin": "31/12/2020",
        "Prolongé jusqu'au": "",
        "Signataires": ["A", "B"],
        "Fiches actions": ["x", "y"],
        "Engagements": {"2.1 n° 1": "Mobiliser", "2.1 n° 2": "Déployer"},
    }
    apres = {
        "Fin": "31/12/2020",
        "Prolongé jusqu'au": "31/12/2022",
        "Signataires": ["B", "C"],
        "Fiches actions": ["y", "x"],
        "Engagements": {"2.1 n° 1": "Mobiliser davantage", "2.1 n° 3": "Voter"},
    }

    assert comparer_contenus(avant, apres) == [
        Ecart("Prolongé jusqu'au", "—", "31/12/2022"),
        Ecart("Signataires", ajouts=("C",), retraits=("A",)),
        Ecart("Fiches actions", avant="Même liste, dans un autre ordre", apres="y, x"),
        Ecart("Engagements · 2.1 n° 1", "Mobiliser", "Mobiliser davantage"),
        Ecart("Engagements · 2.1 n° 2", "Déployer", "—"),
        Ecart("Engagements · 2.1 n° 3", "—", "Voter"),
    ]


def test_the_page_compares_the_last_two_versions_by_default(villiers, adhesion):
    page = PageHTML(html_de(comparer(villiers.slug)))

    assert "De la version 1 à la version 2" in page.texte
    (tableau,) = page.tableaux
    assert tableau[0] == ["Champ", "Version 1", "Version 2"]
    signataires = next(ligne for ligne in tableau if ligne[0] == "Signataires")
    assert signataires[1] == "—"
    assert signataires[2].startswith(f"Ajouté : {adhesion.organisation_entrante.nom}")
    assert villiers.get_generation_display() in page.texte


def test_a_modification_shows_the_changed_field(villiers, pilote):
    avenant = proposer_et_ouvrir(
        villiers, pilote, Avenant.Nature.MODIFICATION, prolongation_jusquau=date(2046, 6, 30)
    )
    tout_accepter(avenant, pilote)

    page = PageHTML(html_de(comparer(villiers.slug, de=1, a=2)))

    ligne = next(ligne for ligne in page.tableaux[0] if ligne[0] == "Prolongé jusqu'au")
    assert ligne[1:] == ["31/12/2045", "30/06/2046"]


@pytest.mark.parametrize("parametres", [{"de": 1, "a": 9}, {"de": 7, "a": 1}, {"de": 3, "a": 4}])
def test_an_unknown_version_is_not_found(villiers, adhesion, parametres):
    assert comparer(villiers.slug, **parametres).status_code == 404


def test_the_page_of_an_unknown_version_is_not_found(villiers, adhesion):
    client = client_de(None)
    assert client.get(reverse("contrats:version", args=[villiers.slug, 3])).status_code == 404
    assert client.get(reverse("contrats:version", args=[villiers.slug, 2])).status_code == 200


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"de": "deux", "a": 2}, "Le numéro de version est un nombre entier : 1, 2, 3…"),
        ({"de": 0, "a": 2}, "Les versions sont numérotées à partir de 1."),
        ({"de": 1}, "Indiquez le numéro de la version d'arrivée."),
    ],
)
def test_bad_version_numbers_show_a_french_message_and_the_form(
    villiers, adhesion, parametres, message
):
    page = PageHTML(html_de(comparer(villiers.slug, **parametres)))

    assert "Le formulaire contient des erreurs" in page.texte
    assert message in page.texte
    assert page.tableaux == []


def test_before_any_avenant_the_comparison_page_says_there_is_no_version(villiers):
    page = PageHTML(html_de(comparer(villiers.slug)))

    assert "Aucune version n'est encore établie" in page.texte
    assert comparer(villiers.slug, de=1, a=1).status_code == 404


def test_the_signed_contract_alone_compares_with_itself(villiers, pilote):
    version_initiale(villiers, pilote)

    page = PageHTML(html_de(comparer(villiers.slug)))

    assert "De la version 1 à la version 1" in page.texte
    assert "Aucune différence entre ces deux versions." in page.texte
