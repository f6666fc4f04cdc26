"""The rapport's real documents, generated through the queue (database backend) and the
worker's code, once for the class (PDF layout is slow): the projet of 2019, then, after
consultation and adoption, the adopted rapport with its annexes. The PDF is read with
pdftotext and pdffonts, the ODT with odfdo."""

import re
import subprocess

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from odfdo import Document

from historique.horloge import aujourdhui
from programmation.templatetags.montants import format_euros
from programmation.tests.outils import client_de
from suivi.models import AvisRapport, CodeTransitionRapport, GenerationRapport, StatutRapport
from suivi.rapports_documents import document_html
from suivi.selectors.rapports import TITRES, contenu_du_rapport, url_document
from suivi.services import rapports as services
from suivi.tests import outils_rapports as outils
from tests.outils import MARQUEUR_VARIABLE_INDEFINIE

pytestmark = pytest.mark.django_db
PHRASE = "En 2019, 2 actions ont été programmées."
AVIS_CC = "Associer les habitants au choix des actions dès l'appel à projets."
PERSPECTIVES = "Ouvrir un atelier numérique au centre social."
C = CodeTransitionRapport


def _sans_blancs(texte: str) -> str:
    return re.sub(r"\s+", "", texte)


def _texte_pdf(chemin: str) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", chemin, "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")


@pytest.fixture(scope="class")
def rapport_genere(django_db_setup, django_db_blocker, tmp_path_factory):
    """The 2019 rapport generated as a projet, then adopted and generated again, published."""
    medias = tmp_path_factory.mktemp("medias")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=medias), transaction.atomic():
        outils.actions_de_2019()
        rapport = outils.rapport_cree()
        pilote = outils.pilote()
        services.modifier_perspectives(rapport=rapport, perspectives=PERSPECTIVES, acteur=pilote)
        outils.generer(rapport, mise_en_page=True)
        projet = GenerationRapport.objects.get(rapport=rapport)
        outils.transitionner(rapport, C.SOUMETTRE)
        for avis in AvisRapport.objects.filter(rapport=rapport):
            citoyen = avis.organe == AvisRapport.Organe.CONSEIL_CITOYEN
            services.saisir_avis(
                avis=avis,
                sens=AvisRapport.Sens.RESERVES if citoyen else AvisRapport.Sens.FAVORABLE,
                texte=AVIS_CC if citoyen else "",
                recu_le=aujourdhui(),
                acteur=pilote,
            )
        outils.transitionner(
            rapport,
            C.ADOPTER,
            date_deliberation=aujourdhui(),
            reference_deliberation="DCM n° 2020-42",
        )
        outils.generer(rapport, mise_en_page=True)
        adopte = GenerationRapport.objects.exclude(pk=projet.pk).get(rapport=rapport)
        outils.transitionner(rapport, C.PUBLIER)
        yield {"rapport": outils.relire(rapport), "projet": projet, "adopte": adopte}
        transaction.set_rollback(True)


@pytest.mark.usefixtures("rapport_genere")
class TestDocumentsDuRapport:
    def test_both_generations_ran_through_the_queue_and_finished(self, rapport_genere):
        for generation in (rapport_genere["projet"], rapport_genere["adopte"]):
            generation.refresh_from_db()
            assert (generation.etat, generation.progression, generation.nombre_actions) == (
                GenerationRapport.Etat.TERMINEE,
                100,
                2,
            )
            assert DBTaskResult.objects.get(pk=generation.tache).status == "SUCCESSFUL"
        assert rapport_genere["rapport"].statut == StatutRapport.PUBLIE

    def test_the_pdf_holds_every_part_the_sentence_and_the_years_amounts(self, rapport_genere):
        texte = _texte_pdf(rapport_genere["projet"].pdf.path)

        assert PHRASE in texte
        compact = _sans_blancs(texte)
        for cle, titre in TITRES.items():
            if cle != "annexes":
                assert _sans_blancs(titre) in compact, titre
        assert _sans_blancs("Les actions menées en 2019") in compact
        # Granted in 2019: 17 000 € in all, 7 000 € of droit commun, 10 000 € of crédits
        # spécifiques; 1 750 € paid.
        for montant in ("17000", "7000", "10000", "1750"):
            assert _sans_blancs(format_euros(montant)) in compact, montant
        assert _sans_blancs(PERSPECTIVES) in compact
        assert "Annexes" not in texte

    def test_the_pdf_embeds_the_marianne_font(self, rapport_genere):
        polices = subprocess.run(
            ["pdffonts", rapport_genere["projet"].pdf.path], check=True, capture_output=True
        ).stdout.decode()
        marianne = [ligne for ligne in polices.splitlines() if "Marianne" in ligne]
        assert marianne and all(" yes " in ligne for ligne in marianne)

    def test_the_odt_opens_and_holds_the_same_sentence_parts_and_amounts(self, rapport_genere):
        odt = Document(rapport_genere["projet"].odt.path)
        texte = odt.get_formatted_text()

        assert PHRASE in texte
        for cle, titre in TITRES.items():
            if cle != "annexes":
                assert titre in texte, titre
        cellules = {
            str(v) for t in odt.body.get_tables() for ligne in t.get_values() for v in ligne
        }
        assert {format_euros("7000"), format_euros("10000")} <= cellules

    def test_the_adopted_documents_annex_the_avis_and_the_deliberation(self, rapport_genere):
        jour = f"{aujourdhui():%d/%m/%Y}"
        pdf = _sans_blancs(_texte_pdf(rapport_genere["adopte"].pdf.path))
        odt = Document(rapport_genere["adopte"].odt.path).get_formatted_text()

        for texte in (pdf, _sans_blancs(odt)):
            assert _sans_blancs(TITRES["annexes"]) in texte
            assert _sans_blancs(AVIS_CC) in texte
            assert _sans_blancs(f"délibération du {jour} (DCM n° 2020-42)") in texte
            assert _sans_blancs("Conseil Citoyen : Favorable avec réserves") in texte
        assert PHRASE in odt

    def test_the_pilote_and_then_the_public_download_the_latest_documents(
        self, rapport_genere, pilote
    ):
        rapport = rapport_genere["rapport"]
        for public, client in ((False, client_de(pilote)), (True, client_de(None))):
            for format, type_ in (("pdf", "application/pdf"), ("odt", "opendocument.text")):
                reponse = client.get(url_document(rapport, format, public=public))
                assert reponse.status_code == 200 and type_ in reponse["Content-Type"]
                assert (
                    f"rapport-annuel-2019-{rapport.contrat.slug}.{format}"
                    in (reponse["Content-Disposition"])
                )
                fichier = getattr(rapport_genere["adopte"], format)
                fichier.open("rb")
                assert b"".join(reponse.streaming_content) == fichier.read()
                fichier.close()

    def test_the_printed_page_uses_no_undefined_variable(self, rapport_genere):
        html = document_html(contenu_du_rapport(rapport_genere["rapport"]))
        assert MARQUEUR_VARIABLE_INDEFINIE not in html
        assert PHRASE in html
