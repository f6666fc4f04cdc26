"""The rapport annuel's pages: the list and its creation form, the workspace at each step,
the polled progress of a generation, the public page, the tile of "Mon espace"."""

import re

import pytest
from django.urls import reverse

from contrats.selectors import droits
from programmation.tests.factories import villiers
from programmation.tests.outils import client_de, html_brut, texte
from suivi.models import AvisRapport, GenerationRapport, RapportAnnuel, StatutRapport
from suivi.selectors.rapports import annee_a_rapporter, tache_du_rapport_annuel
from suivi.tests import outils_rapports as outils

pytestmark = pytest.mark.django_db
SLUG = "villiers-sur-marne-2015-2020"


@pytest.fixture(autouse=True)
def _medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _espace(annee: int = 2019) -> str:
    return reverse("suivi:rapport_annuel", args=[SLUG, annee])


def test_the_pilote_creates_a_years_rapport_from_the_list(pilote):
    client = client_de(pilote)
    liste = reverse("suivi:rapports_annuels", args=[SLUG])
    assert '<option value="2020">2020</option>' in html_brut(client.get(liste))

    reponse = client.post(liste, {"annee": "2019"})

    assert reponse.status_code == 302 and reponse["Location"] == _espace()
    assert RapportAnnuel.objects.filter(annee=2019).exists()
    page = texte(client.get(liste))
    assert "Rapport 2019" in page and '<option value="2019">' not in page
    refus = texte(client.post(liste, {"annee": "2019"}))
    assert "qui n'a pas encore de rapport" in refus
    assert RapportAnnuel.objects.count() == 1


def test_the_draft_workspace_offers_perspectives_and_generation_not_yet_submission(pilote):
    rapport = outils.rapport_cree()
    client = client_de(pilote)
    client.post(
        reverse("suivi:rapport_perspectives", args=[SLUG, 2019]),
        {"perspectives": "Poursuivre les ateliers."},
    )

    page = texte(client.get(_espace()))

    assert outils.relire(rapport).perspectives == "Poursuivre les ateliers."
    assert 'id="statut-rapport">Projet<' in page
    assert "Poursuivre les ateliers." in page and "Enregistrer les perspectives" in page
    assert "Générer le rapport" in page and "n'a pas encore été généré" in page
    assert "En 2019, aucune action n'a été programmée." in page
    soumission = reverse("suivi:rapport_transition", args=[SLUG, 2019, "soumettre"])
    refus = texte(client.post(soumission, {}, follow=True))
    assert "Générez le rapport avant de le soumettre pour avis" in refus
    assert outils.relire(rapport).statut == StatutRapport.BROUILLON


def test_the_generation_is_polled_until_its_documents_appear(pilote):
    rapport = outils.rapport_cree()
    client = client_de(pilote)
    client.post(reverse("suivi:rapport_generer", args=[SLUG, 2019]))
    generation = GenerationRapport.objects.get(rapport=rapport)
    suivi = reverse("suivi:rapport_generation", args=[SLUG, 2019, generation.pk])

    page = html_brut(client.get(_espace()))
    assert f'hx-get="{suivi}"' in page and 'hx-trigger="every 1s"' in page
    assert "Générer le rapport" not in page
    en_attente = html_brut(client.get(suivi))
    assert 'hx-trigger="every 1s"' in en_attente and 'value="0"' in en_attente

    with outils.sans_mise_en_page():
        outils.executer_les_taches()
    fragment = html_brut(client.get(suivi))

    assert "hx-trigger" not in fragment
    liens = re.findall(r'href="([^"]+)"', fragment)
    assert [lien.rsplit(".", 1)[1] for lien in liens] == ["pdf", "odt"]
    assert client.get(liens[0])["Content-Type"] == "application/pdf"
    assert all(lien in html_brut(client.get(_espace())) for lien in liens)


def test_the_workspace_under_consultation_takes_avis_then_the_adoption(pilote):
    rapport = outils.rapport_soumis()
    client = client_de(pilote)
    page = texte(client.get(_espace()))
    assert "2 avis attendu(s)" in page and "Date de la délibération" in page
    avis = AvisRapport.objects.get(rapport=rapport, organe=AvisRapport.Organe.CONSEIL_CITOYEN)
    url = reverse("suivi:rapport_avis", args=[SLUG, 2019, avis.pk])

    invalide = texte(client.post(url, {f"avis-{avis.pk}-sens": "favorable"}, follow=True))
    assert "Indiquez la date de réception de l'avis." in invalide
    client.post(
        url,
        {
            f"avis-{avis.pk}-sens": "reserves",
            f"avis-{avis.pk}-texte": "Associer les habitants.",
            f"avis-{avis.pk}-recu_le": rapport.soumis_le.isoformat(),
        },
    )
    adoption = reverse("suivi:rapport_transition", args=[SLUG, 2019, "adopter"])
    refus = texte(
        client.post(adoption, {"date_deliberation": rapport.soumis_le.isoformat()}, follow=True)
    )

    avis.refresh_from_db()
    assert (avis.sens, avis.texte) == ("reserves", "Associer les habitants.")
    assert "Avis non reçu : Conseil municipal de Villiers-sur-Marne" in refus
    assert "Associer les habitants." in refus and "Favorable avec réserves" in refus
    assert outils.relire(rapport).statut == StatutRapport.EN_CONSULTATION
    assert "Saisissez une date" in texte(
        client.post(adoption, {"date_deliberation": "32/13/2020"}, follow=True)
    )


def test_the_public_page_lists_published_rapports_with_their_deliberation_and_avis(client):
    rapport = outils.rapport_publie()
    outils.rapport_soumis(2018)

    page = texte(client.get(reverse("suivi:rapports_publies", args=[SLUG])))

    assert "Rapport 2019" in page and "Rapport 2018" not in page
    assert f"délibération du <strong>{rapport.date_deliberation:%d/%m/%Y}</strong>" in page
    assert "Conseil municipal de Villiers-sur-Marne</strong> : Favorable" in page
    assert reverse("suivi:rapport_publie_document", args=[SLUG, 2019, "pdf"]) in page
    apercu = texte(client.get(reverse("contrats:apercu", args=[SLUG])))
    assert reverse("suivi:rapports_publies", args=[SLUG]) in apercu


def test_mon_espace_shows_the_pilotage_the_rapport_due_and_its_avis_awaited(pilote, financeur):
    contrat = villiers()
    assert annee_a_rapporter(contrat) == 2020
    (tache,) = tache_du_rapport_annuel(pilote, droits(pilote, contrat), contrat)
    assert (tache.libelle, tache.nombre) == ("Rapport annuel 2020", 0)
    assert tache.url == reverse("suivi:rapports_annuels", args=[SLUG])
    assert tache_du_rapport_annuel(financeur, droits(financeur, contrat), contrat) == []

    outils.rapport_soumis(2020)
    (tache,) = tache_du_rapport_annuel(pilote, droits(pilote, contrat), contrat)

    assert (tache.nombre, tache.url) == (2, _espace(2020))
    assert tache.detail.startswith("Soumis pour avis.")
    espace = texte(client_de(pilote).get(reverse("programmation:mon_espace")))
    assert "Rapport annuel 2020 : avis attendus" in espace


def test_generation_is_refused_with_a_message_once_published(pilote):
    outils.rapport_publie()
    page = texte(
        client_de(pilote).post(reverse("suivi:rapport_generer", args=[SLUG, 2019]), follow=True)
    )
    assert "Un rapport publié ne se génère plus" in page
    assert "Générer le rapport" not in page
