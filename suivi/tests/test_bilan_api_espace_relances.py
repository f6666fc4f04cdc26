"""The bilans in "Mon espace", on the dossier page, in the reminders and through the pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from historique.horloge import rejouer_a
from programmation.demo import moment
from programmation.selectors.espace import mon_espace
from programmation.tests.outils import client_de, porteur_demo_du, porteur_du, texte
from suivi.models import Bilan, RelanceBilan, ReportDeDates, StatutBilan
from suivi.services.bilans import demander_report, statuer_report
from suivi.services.ecarts import budget_previsionnel
from suivi.tests import outils

pytestmark = pytest.mark.django_db


def _taches(utilisateur) -> dict[str, object]:
    return {t.libelle: t for e in mon_espace(utilisateur) for t in e.taches}


def test_mon_espace_shows_bilans_to_deposit_validate_and_read(pilote, financeur):
    bilan = outils.bilan_attendu()
    porteur = porteur_demo_du(bilan.dossier)
    taches = _taches(porteur)
    assert taches["Bilans à déposer"].nombre >= 1
    assert f"{bilan.date_limite:%d/%m/%Y}" in taches["Bilans à déposer"].detail or taches[
        "Bilans à déposer"
    ].detail.startswith("Prochaine échéance")
    avant = _taches(pilote)["Bilans à valider"].nombre
    lire = _taches(financeur)["Bilans à lire"].nombre
    outils.remplir(bilan)
    outils.deposer(bilan)
    assert _taches(pilote)["Bilans à valider"].nombre == avant + 1
    assert _taches(financeur)["Bilans à lire"].nombre == lire + 1


def test_the_dossier_page_links_to_its_bilan(financeur):
    bilan = outils.bilan_attendu()
    page = texte(
        client_de(financeur).get(reverse("programmation:dossier", args=[bilan.dossier_id]))
    )
    assert "Bilan de l'action" in page
    assert reverse("suivi:bilan_du_dossier", args=[bilan.dossier_id]) in page


def test_porteur_cannot_read_other_structures_bilan(autre_porteur):
    bilan = outils.bilan_attendu()
    reponse = client_de(autre_porteur).get(
        reverse("suivi:bilan_du_dossier", args=[bilan.dossier_id])
    )
    assert reponse.status_code == 403


def test_a_refused_entry_through_the_page_changes_nothing():
    bilan = outils.bilan_attendu()
    porteur = porteur_demo_du(bilan.dossier)
    reponse = client_de(porteur).post(
        reverse("suivi:bilan_saisie", args=[bilan.pk]),
        {
            "realisation": "Ateliers",
            "femmes_1": "2",
            "hommes_1": "1",
            "qpv_1": "9",
            "realise_60": "1e3",
        },
    )
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Rien n'a été enregistré" in page or "contient des erreurs" in page
    assert outils.relire(bilan).realisation == ""
    assert not bilan.beneficiaires.exists() and not bilan.lignes.exists()


def test_the_porteur_fills_in_the_bilan_with_french_amounts_and_deposits_it():
    bilan = outils.bilan_attendu()
    porteur = porteur_demo_du(bilan.dossier)
    client = client_de(porteur)
    donnees = {
        "realisation": "Ateliers hebdomadaires",
        "dates_et_lieux": "D'octobre à juin, centre social",
        "resultats": "40 enfants suivis",
        "recommandation": "poursuivre",
        "femmes_1": "10",
        "hommes_1": "12",
        "qpv_1": "20",
        "signataire": "Jeanne Petit, présidente",
        "atteste": "on",
    }
    for compte, prevu in budget_previsionnel(bilan).items():
        donnees[f"realise_{compte}"] = f"{prevu:.2f}".replace(".", ",")
    reponse = client.post(reverse("suivi:bilan_saisie", args=[bilan.pk]), donnees)
    assert reponse.status_code == 302
    reponse = client.post(reverse("suivi:bilan_transition", args=[bilan.pk, "deposer"]))
    assert outils.relire(bilan).statut == StatutBilan.DEPOSE
    page = texte(client.get(reponse["Location"]))
    assert "Déposé" in page and "Ateliers hebdomadaires" in page


def test_a_second_page_saving_over_a_newer_entry_is_refused_and_keeps_the_first():
    bilan = outils.bilan_attendu()
    client = client_de(porteur_demo_du(bilan.dossier))
    url = reverse("suivi:bilan_saisie", args=[bilan.pk])
    empreinte = client.get(url).context["form"]["empreinte"].value()
    premiere = {"empreinte": empreinte, "realisation": "Ateliers du mercredi"}
    assert client.post(url, premiere).status_code == 302

    reponse = client.post(url, {"empreinte": empreinte, "realisation": "Version périmée"})

    assert reponse.status_code == 200
    assert "modifié par une autre personne pendant votre saisie" in texte(reponse)
    assert outils.relire(bilan).realisation == "Ateliers du mercredi"
    rechargee = client.get(url).context["form"]["empreinte"].value()
    assert rechargee != empreinte
    assert client.post(url, {"empreinte": rechargee, "realisation": "Reprise"}).status_code == 302
    assert outils.relire(bilan).realisation == "Reprise"


def test_a_deposit_refused_through_the_page_says_why_and_changes_nothing():
    bilan = outils.bilan_attendu()
    outils.remplir(bilan, lignes={"64": (Decimal("1"), "")})
    client = client_de(porteur_demo_du(bilan.dossier))
    reponse = client.post(
        reverse("suivi:bilan_transition", args=[bilan.pk, "deposer"]), follow=True
    )
    assert "64 – Charges de personnel" in texte(reponse)
    assert outils.relire(bilan).statut == StatutBilan.ATTENDU


def test_a_report_accepted_moves_the_due_date_and_one_refused_needs_a_motif(pilote):
    bilan = outils.bilan_attendu()
    dossier = bilan.dossier
    fin = date(bilan.annee + 1, 3, 31)
    report = demander_report(
        bilan=bilan,
        date_debut=dossier.date_debut,
        date_fin=fin,
        motif="Travaux",
        acteur=porteur_du(dossier),
    )
    from programmation.services.erreurs import DonneesInvalides

    with pytest.raises(DonneesInvalides):
        statuer_report(report=report, accepte=False, motif="", acteur=pilote)
    assert ReportDeDates.objects.get(pk=report.pk).statut == ReportDeDates.Statut.EN_ATTENTE
    statuer_report(report=report, accepte=True, motif="", acteur=pilote)
    assert outils.relire(bilan).date_limite == date(bilan.annee + 2, 6, 30)
    assert ReportDeDates.objects.get(pk=report.pk).statut == ReportDeDates.Statut.ACCEPTE


def test_reminders_go_once_per_bilan_and_threshold(django_capture_on_commit_callbacks):
    bilan = outils.bilan_attendu()
    porteur = porteur_du(bilan.dossier)
    mail.outbox = []
    un_mois_avant = moment(bilan.date_limite - timedelta(days=20), 9)
    with rejouer_a(un_mois_avant), django_capture_on_commit_callbacks(execute=True):
        call_command("relancer_bilans", stdout=None)
        call_command("relancer_bilans", stdout=None)
    mien = [m for m in mail.outbox if porteur.email in m.to]
    assert len(mien) == 1 and bilan.dossier.numero in mien[0].subject
    apres = moment(bilan.date_limite + timedelta(days=3), 9)
    with rejouer_a(apres), django_capture_on_commit_callbacks(execute=True):
        call_command("relancer_bilans", stdout=None)
        call_command("relancer_bilans", stdout=None)
    mien = [m for m in mail.outbox if porteur.email in m.to]
    assert len(mien) == 2 and "était attendu" in mien[1].subject
    assert set(RelanceBilan.objects.filter(bilan=bilan).values_list("seuil", flat=True)) == {
        "echeance_proche",
        "en_retard",
    }


def test_a_deposited_bilan_is_not_reminded(django_capture_on_commit_callbacks):
    bilan = outils.bilan_depose()
    with rejouer_a(moment(bilan.date_limite + timedelta(days=3), 9)):
        call_command("relancer_bilans", stdout=None)
    assert not RelanceBilan.objects.filter(bilan=bilan).exists()
    assert Bilan.objects.get(pk=bilan.pk).statut == StatutBilan.DEPOSE
