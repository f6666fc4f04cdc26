""" "Mon espace": after login, each person's to-do list with counts and links."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from gouvernance.services import creer_seance
from historique.horloge import aujourdhui, rejouer_a
from programmation.models import SectionDossier, Statut
from programmation.selectors.espace import mon_espace
from programmation.services.complements import demander_complements
from programmation.tests import outils
from programmation.tests.factories import AppelFactory, DossierFactory

URL = "/mon-espace/"


def _taches(utilisateur) -> dict[str, int]:
    return {t.libelle: t.nombre for espace in mon_espace(utilisateur) for t in espace.taches}


def test_the_pilote_sees_what_waits_for_each_committee(db, pilote):
    appel = AppelFactory()
    outils.dossier_depose(appel)
    outils.dossier_depose(appel)
    outils.dossier_propose(appel)
    taches = _taches(pilote)
    assert taches[f"Dossiers {appel.annee} en attente du comité de recevabilité"] == 2
    assert taches[f"Dossiers {appel.annee} en attente du comité de pilotage"] == 1


def test_the_pilote_sees_the_bodies_behind_their_minimum_of_meetings(villiers, pilote):
    avant = _taches(pilote)["Instances en deçà de leur minimum de réunions"]
    with rejouer_a(timezone.make_aware(timezone.datetime(2016, 12, 1, 12))):
        for jour in (date(2016, 3, 2), date(2016, 10, 4)):
            creer_seance(
                instance=villiers.instances.get(code="copil-technique"),
                date=jour,
                titre="COPIL technique",
                acteur=pilote,
            )

    # Two meetings in 2016 reach the COPIL technique's minimum: one late year less.
    assert avant > 0
    assert _taches(pilote)["Instances en deçà de leur minimum de réunions"] == avant - 1


def test_a_membre_sees_what_his_body_examines_and_its_next_meetings(villiers, pilote, membre):
    appel = AppelFactory()
    examine = outils.dossier_depose(appel)
    outils.dossier_depose(appel)  # deposited too, but on no agenda of his body
    outils.examiner_en_comite(examine)

    taches = _taches(membre)

    assert taches["Dossiers que vos instances examinent"] == 1
    assert taches["Prochaines réunions de vos instances"] == 1


def test_the_financeur_sees_the_avis_it_must_give(db, financeur, autre_financeur):
    outils.dossier_en_instruction()
    outils.dossier_en_instruction()
    assert _taches(financeur)["Avis à donner"] == 2
    assert _taches(autre_financeur)["Avis à donner"] == 0


def test_the_financeur_sees_the_payments_to_record(db, financeur):
    outils.dossier_conventionne()
    assert _taches(financeur)["Paiements à enregistrer"] == 1


def test_the_porteur_sees_its_drafts_and_the_corrections_asked(db, pilote):
    appel = AppelFactory()
    brouillon = DossierFactory(appel=appel)
    porteur = outils.porteur_du(brouillon)
    depose = outils.dossier_depose(appel, structure=brouillon.structure)
    demander_complements(
        dossier=depose,
        acteur=pilote,
        message="Joignez le RIB",
        sections=[SectionDossier.PIECES],
        echeance=aujourdhui() + timedelta(days=10),
    )
    taches = _taches(porteur)
    assert taches["Brouillons à terminer et déposer"] == 1
    assert taches["Compléments demandés"] == 1
    assert taches["Récépissés de dépôt"] == 1


def test_an_overdue_avis_is_counted_after_three_weeks_of_instruction(db, pilote):
    appel = AppelFactory()
    dossier = outils.dossier_recevable(appel)
    with rejouer_a(timezone.now() - timedelta(days=30)):
        outils.mener_au_statut(dossier, Statut.EN_INSTRUCTION)
    outils.dossier_en_instruction(appel)
    assert _taches(pilote)["Avis de financeurs en retard"] == 2  # CAF and État, one dossier


def test_the_page_lists_the_tasks_with_their_links(db, pilote):
    appel = AppelFactory()
    outils.dossier_depose(appel)
    page = outils.texte(outils.client_de(pilote).get(URL))
    assert "Mon espace" in page
    url = reverse("programmation:comite_recevabilite", args=[appel.contrat.slug, appel.annee])
    assert url in page


def test_a_person_without_a_role_is_told_how_to_get_one(db, sans_role):
    page = outils.texte(outils.client_de(sans_role).get(URL))
    assert "Vous n'avez encore aucun rôle" in page


def test_a_person_without_a_role_is_led_to_the_open_calls_only(villiers, sans_role):
    ouvert = AppelFactory(annee=2019, titre="Appel à projets 2019")
    AppelFactory(annee=2018, titre="Appel à projets 2018", publie=False)
    page = outils.texte(outils.client_de(sans_role).get(URL))
    assert (
        f"{villiers.titre} — Appel à projets 2019, dépôt jusqu'au {ouvert.date_cloture:%d/%m/%Y} : "
    ) in page
    assert reverse("programmation:mes_dossiers", args=[villiers.slug]) in page
    assert "Appel à projets 2018" not in page


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    reponse = outils.client_de(None).get(URL)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("comptes:connexion"))


def test_the_menu_leads_back_to_the_workspace(db, porteur):
    page = outils.texte(outils.client_de(porteur).get("/"))
    assert 'href="/mon-espace/"' in page
