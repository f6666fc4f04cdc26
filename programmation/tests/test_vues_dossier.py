"""The dossier page shared by every role, and the transitions posted from it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from contrats.models import Organisation
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.models import Dossier, LigneBudget, Statut
from programmation.services.dossiers import ajouter_piece
from programmation.services.instruction import donner_avis
from programmation.tests.factories import AppelFactory, DossierFactory
from programmation.tests.outils import (
    examiner_en_comite,
    financement,
    html_brut,
    mener_au_statut,
    porteur_de,
)

pytestmark = pytest.mark.django_db

DATE_HEURE = re.compile(r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2}")


def page_dossier(client, dossier: Dossier) -> str:
    reponse = client.get(reverse("programmation:dossier", args=[dossier.pk]))
    assert reponse.status_code == 200
    return html_brut(reponse)


def poster_transition(client, dossier: Dossier, nom: str, **donnees):
    donnees.setdefault("version", dossier.version)
    return client.post(
        reverse("programmation:transition", args=[dossier.pk, nom]), donnees, follow=True
    )


# ---------------------------------------------------------------- what the page shows


def test_porteur_sees_every_cerfa_section_of_its_draft(client):
    dossier = DossierFactory(complet=True, intitule="Ateliers du mercredi", part_residents_qpv=75)
    client.force_login(porteur_de(dossier.structure))

    html = page_dossier(client, dossier)

    assert "Ateliers du mercredi" in html
    assert dossier.structure.organisation.nom in html
    assert dossier.structure.siret in html and "W941000001" in html
    assert "Pilier 4 · Cohésion sociale" in html
    assert "4.1.1" in html
    assert "Ateliers de soutien scolaire" in html
    assert "6 à 11 ans" in html and "<strong>22</strong>" in html
    assert "<strong>75 %</strong>" in html
    assert "3 bénévoles mobilisés" in html
    assert "Total des charges" in html and "10\u202f000,00\u00a0€" in html
    assert "La Caisse d’Allocations Familiales" in html
    assert "Budget équilibré" in html
    assert "Brouillon" in html
    assert "Déposer le dossier" in html and "Retirer le dossier" in html
    assert "Déclarer recevable" not in html
    assert "Avant de déposer ce dossier" not in html  # complete
    assert reverse("programmation:dossier_action", args=[dossier.pk]) in html
    assert reverse("programmation:dossier_budget", args=[dossier.pk]) in html
    assert "Démo" not in html


def test_demo_dossier_carries_a_demo_badge(client):
    dossier = DossierFactory(est_demo=True)
    client.force_login(porteur_de(dossier.structure))
    assert "Démo" in page_dossier(client, dossier)


def test_draft_lists_what_is_missing_for_the_porteur_only(client, pilote):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))
    html = page_dossier(client, dossier)
    assert "Avant de déposer ce dossier" in html
    assert escape("Décrivez l'action.") in html
    assert "Le budget ne sollicite aucune subvention (compte 74)." in html

    client.force_login(pilote)
    assert "Avant de déposer ce dossier" not in page_dossier(client, dossier)


def test_pilote_sees_the_committee_decisions_with_a_motif_where_required(client, pilote):
    dossier = DossierFactory(depose=True)
    client.force_login(pilote)

    html = page_dossier(client, dossier)

    assert "Déclarer recevable" in html and "Déclarer irrecevable" in html
    assert 'id="id_declarer_irrecevable_motif"' in html
    assert 'id="id_declarer_recevable_motif"' not in html
    assert "Motif (déclarer irrecevable), communiqué au porteur" in html
    assert "Retirer le dossier" not in html
    assert reverse("programmation:dossier_action", args=[dossier.pk]) not in html


def test_membre_sees_no_transition_button_and_financeur_only_the_request_for_complements(
    client, membre, financeur
):
    dossier = DossierFactory(depose=True)
    examiner_en_comite(dossier)  # the membre reads it: his committee examines it
    client.force_login(membre)
    assert "Actions possibles" not in page_dossier(client, dossier)
    client.force_login(financeur)
    html = page_dossier(client, dossier)
    assert "Demander des compléments" in html
    assert "Déclarer recevable" not in html and "Retirer le dossier" not in html


def test_financements_show_avis_to_partners_and_amounts_to_the_porteur(client, financeur):
    dossier = DossierFactory(en_instruction=True)
    donner_avis(
        financement=financement(dossier, "caf"),
        acteur=financeur,
        avis="favorable",
        montant_propose=Decimal("3500"),
        commentaire="Commentaire interne du financeur",
        version=1,
    )
    client.force_login(financeur)
    html = page_dossier(client, dossier)
    assert "Financements demandés" in html
    assert "Commentaire interne du financeur" in html
    assert "3\u202f500,00\u00a0€" in html and "Favorable" in html

    client.force_login(porteur_de(dossier.structure))
    html = page_dossier(client, dossier)
    assert "4\u202f000,00\u00a0€" in html
    assert "Commentaire interne du financeur" not in html


def test_dossier_page_queries_do_not_grow_with_its_content(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    petit = DossierFactory(complet=True)
    grand = DossierFactory(complet=True, structure=petit.structure)
    caf = Organisation.objects.get(code="caf")
    for i in range(10):
        LigneBudget.objects.create(
            dossier=grand,
            sens="produit",
            compte="74",
            libelle=f"Ligne {i}",
            montant=Decimal(1),
            financeur=caf,
            nature="droit_commun",
        )
    porteur = porteur_de(petit.structure)
    for i in range(3):
        ajouter_piece(
            dossier=grand,
            nature="autre",
            fichier=SimpleUploadedFile(f"piece{i}.pdf", b"%PDF-1.4 x\n%%EOF\n"),
            acteur=porteur,
        )
    client.force_login(porteur)

    with CaptureQueriesContext(connection) as petit_requetes:
        page_dossier(client, petit)
    with CaptureQueriesContext(connection) as grand_requetes:
        page_dossier(client, grand)

    assert len(grand_requetes) == len(petit_requetes)


# ---------------------------------------------------------------- who may read


def test_anonymous_visitor_is_sent_to_login(client):
    dossier = DossierFactory(complet=True)
    for reponse in (
        client.get(reverse("programmation:dossier", args=[dossier.pk])),
        client.post(reverse("programmation:transition", args=[dossier.pk, "retirer"])),
    ):
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("comptes:connexion"))


def test_porteur_never_reads_another_structures_dossier(client, settings, tmp_path, autre_porteur):
    settings.MEDIA_ROOT = tmp_path
    dossier = DossierFactory(complet=True, intitule="Action confidentielle")
    piece = ajouter_piece(
        dossier=dossier,
        nature="rib",
        fichier=SimpleUploadedFile("rib.pdf", b"%PDF-1.4 rib\n%%EOF\n"),
        acteur=porteur_de(dossier.structure),
    )
    client.force_login(autre_porteur)

    for statut in (Statut.BROUILLON, Statut.DEPOSE):
        dossier = mener_au_statut(dossier, statut)
        for url in (
            reverse("programmation:dossier", args=[dossier.pk]),
            reverse("programmation:dossier_action", args=[dossier.pk]),
            reverse("programmation:dossier_public", args=[dossier.pk]),
            reverse("programmation:dossier_budget", args=[dossier.pk]),
            reverse("programmation:dossier_pieces", args=[dossier.pk]),
            reverse("programmation:piece", args=[piece.pk]),
        ):
            reponse = client.get(url)
            assert reponse.status_code == 403, url
            assert b"Action confidentielle" not in reponse.content


def test_financeur_reads_only_dossiers_that_ask_its_organisation(client, financeur):
    demande_caf = DossierFactory(depose=True, intitule="Demande à la CAF")
    sans_caf = DossierFactory(complet=True, intitule="Sans la CAF")
    LigneBudget.objects.filter(dossier=sans_caf, financeur__code="caf").update(
        financeur=Organisation.objects.get(code="commune")
    )
    sans_caf = mener_au_statut(sans_caf, Statut.DEPOSE)
    brouillon_caf = DossierFactory(complet=True, intitule="Brouillon pour la CAF")
    client.force_login(financeur)

    assert "Demande à la CAF" in page_dossier(client, demande_caf)
    assert client.get(reverse("programmation:dossier", args=[sans_caf.pk])).status_code == 403

    # A draft asking the CAF is still its porteur's alone.
    assert client.get(reverse("programmation:dossier", args=[brouillon_caf.pk])).status_code == 403


def test_membre_reads_examined_dossiers_but_not_drafts_nor_others(client, membre):
    dossier = DossierFactory(complet=True)
    examiner_en_comite(dossier)
    autre = mener_au_statut(DossierFactory(complet=True), Statut.DEPOSE)
    client.force_login(membre)

    def statut_http(d: Dossier) -> int:
        return client.get(reverse("programmation:dossier", args=[d.pk])).status_code

    assert statut_http(dossier) == 403  # a draft, though on his committee's agenda
    assert statut_http(autre) == 403  # submitted, but examined by no body he sits in
    mener_au_statut(dossier, Statut.DEPOSE)
    assert statut_http(dossier) == 200


def test_missing_dossier_is_a_404(client, pilote):
    client.force_login(pilote)
    assert client.get(reverse("programmation:dossier", args=[999999])).status_code == 404


# ---------------------------------------------------------------- transitions


def test_porteur_deposits_a_complete_dossier(client):
    dossier = DossierFactory(complet=True)
    porteur = porteur_de(dossier.structure)
    client.force_login(porteur)

    html = html_brut(poster_transition(client, dossier, "deposer"))

    dossier.refresh_from_db()
    assert dossier.statut == Statut.DEPOSE
    assert dossier.depose_le is not None
    version = dossier.versions.get()
    assert version.numero == 1 and version.acteur == porteur
    assert version.contenu["numero"] == dossier.numero
    evenement = historique_de(dossier).first()
    assert evenement.action == "dossier.deposer"
    assert evenement.changements == {"statut": ["brouillon", "depose"]}
    assert "Déposer le dossier : c&#x27;est fait." in html
    assert "Version déposée n° 1" in html
    assert "Dépôt du dossier" in html
    assert "Brouillon → Déposé" in html
    assert DATE_HEURE.search(html)
    assert str(porteur) in html
    assert "Déposer le dossier</button>" not in html
    assert reverse("programmation:dossier_action", args=[dossier.pk]) not in html


def test_deposit_after_the_deadline_is_refused_and_dossier_stays_a_draft(client):
    appel = AppelFactory(
        date_ouverture=timezone.localdate() - timedelta(days=40),
        date_cloture=timezone.localdate() - timedelta(days=1),
    )
    dossier = DossierFactory(complet=True, appel=appel)
    client.force_login(porteur_de(dossier.structure))

    html = html_brut(poster_transition(client, dossier, "deposer"))

    cloture = appel.date_cloture.strftime("%d/%m/%Y")
    assert (
        f"Les dépôts sont clos depuis le {cloture} : le dossier ne peut plus être déposé." in html
    )
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON
    assert dossier.version == 1
    assert not dossier.versions.exists()
    assert not Evenement.objects.filter(object_id=str(dossier.pk), action="dossier.deposer")


def test_incomplete_dossier_cannot_be_deposited_and_lists_what_is_missing(client):
    dossier = DossierFactory()
    client.force_login(porteur_de(dossier.structure))

    html = html_brut(poster_transition(client, dossier, "deposer"))

    assert "Le dossier est incomplet et ne peut pas être déposé." in html
    for manque in (
        "Décrivez l'action.",
        "Choisissez le pilier du contrat que sert l'action.",
        "Indiquez le public visé par tranche d'âge et par sexe.",
    ):
        assert escape(manque) in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON
    assert not dossier.versions.exists()


def test_porteur_withdraws_its_dossier_before_decision(client):
    dossier = DossierFactory(complet=True)
    client.force_login(porteur_de(dossier.structure))
    poster_transition(client, dossier, "deposer")
    dossier.refresh_from_db()

    html = html_brut(poster_transition(client, dossier, "retirer"))

    dossier.refresh_from_db()
    assert dossier.statut == Statut.RETIRE
    assert [e.action for e in historique_de(dossier)][:2] == ["dossier.retirer", "dossier.deposer"]
    assert "Retrait du dossier par le porteur" in html
    assert "Déposé → Retiré par le porteur" in html
    assert "Retirer le dossier</button>" not in html


def test_porteur_cannot_withdraw_after_the_decision(client):
    dossier = DossierFactory(valide=True)
    client.force_login(porteur_de(dossier.structure))

    html = html_brut(poster_transition(client, dossier, "retirer"))

    assert escape("Impossible de « retirer le dossier » un dossier au statut « Validé ».") in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.VALIDE


def test_pilote_declares_inadmissible_with_a_motif_the_porteur_reads(client, pilote):
    dossier = DossierFactory(depose=True)
    client.force_login(pilote)
    motif = "L'action ne concerne pas les habitants du quartier prioritaire."

    html = html_brut(poster_transition(client, dossier, "declarer_irrecevable", motif=motif))

    assert "Irrecevable" in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.IRRECEVABLE
    assert historique_de(dossier).first().motif == motif
    client.force_login(porteur_de(dossier.structure))
    html = page_dossier(client, dossier)
    assert "Motif de la décision" in html
    assert escape(motif) in html
    assert "Déclaré irrecevable" in html and "Déposé → Irrecevable" in html
    assert "Camille Martin" in html


def test_decision_without_its_required_motif_is_refused(client, pilote):
    dossier = DossierFactory(depose=True)
    client.force_login(pilote)

    html = html_brut(poster_transition(client, dossier, "declarer_irrecevable", motif="  "))

    assert escape("Indiquez le motif de la décision « Déclarer irrecevable ».") in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.DEPOSE


def test_porteur_cannot_take_a_committee_decision(client):
    dossier = DossierFactory(depose=True)
    client.force_login(porteur_de(dossier.structure))

    html = html_brut(poster_transition(client, dossier, "declarer_recevable"))

    assert escape("Vous n'avez pas le droit de « déclarer recevable » ce dossier.") in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.DEPOSE


def test_stale_version_on_a_transition_changes_nothing(client):
    dossier = DossierFactory(complet=True)
    client.force_login(porteur_de(dossier.structure))

    html = html_brut(poster_transition(client, dossier, "deposer", version=dossier.version + 1))

    assert "Ce dossier a changé pendant votre saisie" in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON


def test_unknown_transition_or_missing_version_is_refused(client):
    dossier = DossierFactory(complet=True)
    client.force_login(porteur_de(dossier.structure))

    html = html_brut(poster_transition(client, dossier, "tout_valider"))
    assert escape("Action inconnue : « tout_valider ».") in html
    reponse = client.post(reverse("programmation:transition", args=[dossier.pk, "deposer"]))
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON


def test_transition_is_post_only(client):
    dossier = DossierFactory(complet=True)
    client.force_login(porteur_de(dossier.structure))
    url = reverse("programmation:transition", args=[dossier.pk, "deposer"])
    assert client.get(url).status_code == 405


def test_a_reader_without_the_right_gets_an_error_and_an_outsider_a_403(
    client, autre_porteur, membre
):
    dossier = DossierFactory(depose=True)
    examiner_en_comite(dossier)  # the membre reads it, without any transition's role

    client.force_login(autre_porteur)
    reponse = client.post(
        reverse("programmation:transition", args=[dossier.pk, "retirer"]),
        {"version": dossier.version},
    )
    assert reponse.status_code == 403

    client.force_login(membre)
    html = html_brut(poster_transition(client, dossier, "retirer"))
    assert escape("Vous n'avez pas le droit de « retirer le dossier » ce dossier.") in html
    dossier.refresh_from_db()
    assert dossier.statut == Statut.DEPOSE
