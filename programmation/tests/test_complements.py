"""Corrections asked of a porteur: the dossier goes "à compléter", comes back re-submitted."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from historique.horloge import aujourdhui
from programmation.models import (
    CodeTransition,
    DemandeComplements,
    Dossier,
    SectionDossier,
    Statut,
    TransitionDossier,
)
from programmation.selectors.versions import comparer_versions
from programmation.services.complements import demander_complements, relancer_avant_echeance
from programmation.services.dossiers import SectionAction, modifier_action
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant
from programmation.services.transitions import transitionner
from programmation.tests import outils

MESSAGE = "Précisez le nombre de séances et joignez le RIB à jour."


def _demander(dossier, acteur, sections=(SectionDossier.ACTION,), jours=10):
    return demander_complements(
        dossier=dossier,
        acteur=acteur,
        message=MESSAGE,
        sections=list(sections),
        echeance=aujourdhui() + timedelta(days=jours),
    )


def _section_action(dossier, description: str) -> SectionAction:
    valeurs = {champ: getattr(dossier, champ) for champ in ("intitule", "objectifs", "pilier")}
    return SectionAction(
        valeurs={**valeurs, "description": description},
        objectifs_operationnels=list(dossier.objectifs_operationnels.all()),
        axes=list(dossier.axes.all()),
    )


def test_a_request_puts_the_dossier_a_completer_and_tells_the_porteur(
    db, django_capture_on_commit_callbacks
):
    dossier = outils.dossier_recevable()
    porteur = outils.porteur_du(dossier)
    porteur.email = "porteur@exemple.fr"
    porteur.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demande = _demander(dossier, outils.pilote_du(dossier.appel.contrat))
    dossier.refresh_from_db()
    assert dossier.statut == Statut.A_COMPLETER
    assert demande.statut_precedent == Statut.RECEVABLE
    ligne = TransitionDossier.objects.filter(dossier=dossier).latest("horodatage", "id")
    assert (ligne.transition, ligne.motif) == (CodeTransition.DEMANDER_COMPLEMENTS, MESSAGE)
    assert "dossier.demander_complements" in outils.actions_de(dossier)
    assert [m.to for m in mail.outbox] == [["porteur@exemple.fr"]]
    assert "compléments" in mail.outbox[0].subject


def test_a_financeur_of_the_dossier_may_ask_for_complements(db, financeur):
    dossier = outils.dossier_en_instruction()
    _demander(dossier, financeur)
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.A_COMPLETER


def test_a_financeur_not_asked_for_money_cannot_ask_for_complements(db, autre_financeur):
    dossier = outils.dossier_en_instruction()
    with pytest.raises(DroitInsuffisant):
        _demander(dossier, autre_financeur)
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.EN_INSTRUCTION
    assert not DemandeComplements.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize(
    ("message", "sections", "jours", "attendu"),
    [
        ("", ["action"], 5, "Écrivez au porteur ce qu'il doit corriger ou fournir."),
        (MESSAGE, [], 5, "Cochez au moins une partie du dossier à compléter."),
        (MESSAGE, ["inconnue"], 5, "Cochez au moins une partie du dossier à compléter."),
        (MESSAGE, ["action"], 0, "L'échéance doit être postérieure à aujourd'hui."),
    ],
)
def test_a_bad_request_is_refused_in_french_and_changes_nothing(
    db, pilote, message, sections, jours, attendu
):
    dossier = outils.dossier_depose()
    with pytest.raises(DonneesInvalides) as refus:
        demander_complements(
            dossier=dossier,
            acteur=pilote,
            message=message,
            sections=sections,
            echeance=aujourdhui() + timedelta(days=jours),
        )
    assert attendu in refus.value.details
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.DEPOSE
    assert not DemandeComplements.objects.filter(dossier=dossier).exists()


def test_the_porteur_changes_only_the_asked_sections(db, pilote):
    dossier = outils.dossier_depose()
    _demander(dossier, pilote, sections=[SectionDossier.BUDGET])
    dossier.refresh_from_db()
    with pytest.raises(DroitInsuffisant) as refus:
        modifier_action(
            dossier=dossier,
            section=_section_action(dossier, "Autre description"),
            acteur=outils.porteur_du(dossier),
            version=dossier.version,
        )
    assert "n'est pas concernée par la demande de compléments" in refus.value.message
    assert Dossier.objects.get(pk=dossier.pk).description == "Ateliers de soutien scolaire"


def test_the_redeposited_dossier_goes_back_where_it_was_with_a_new_version(db, pilote):
    dossier = outils.dossier_recevable()
    demande = _demander(dossier, pilote)
    dossier.refresh_from_db()
    porteur = outils.porteur_du(dossier)
    modifier_action(
        dossier=dossier,
        section=_section_action(dossier, "Ateliers, 24 séances de deux heures"),
        acteur=porteur,
        version=dossier.version,
    )
    resultat = transitionner(dossier=dossier, transition=CodeTransition.REDEPOSER, acteur=porteur)
    assert resultat.statut == Statut.RECEVABLE
    demande.refresh_from_db()
    assert demande.satisfaite_le is not None
    assert list(resultat.versions.values_list("numero", flat=True)) == [1, 2]
    comparaison = comparer_versions(resultat, None, None)
    modifies = {ligne.libelle for ligne in comparaison.lignes if ligne.modifie}
    assert modifies == {"Description de l'action"}


def test_the_redeposit_e_mail_links_the_receipt_of_the_new_version(
    db, pilote, django_capture_on_commit_callbacks
):
    dossier = outils.dossier_recevable()
    _demander(dossier, pilote)
    dossier.refresh_from_db()
    porteur = outils.porteur_du(dossier)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transitionner(dossier=dossier, transition=CodeTransition.REDEPOSER, acteur=porteur)
    (courriel,) = mail.outbox
    assert courriel.subject == f"Votre dossier {dossier.numero} complété est redéposé"
    recepisse = reverse("programmation:recepisse", args=[dossier.pk, 2])
    assert f"version déposée : {recepisse}\n" in courriel.body


def test_redepositing_from_the_dossier_page_e_mails_an_absolute_link_to_the_receipt(
    db, pilote, django_capture_on_commit_callbacks
):
    dossier = outils.dossier_recevable()
    _demander(dossier, pilote)
    dossier.refresh_from_db()
    client = outils.client_de(outils.porteur_du(dossier))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programmation:transition", args=[dossier.pk, CodeTransition.REDEPOSER]),
            {"version": dossier.version},
        )
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.RECEVABLE
    (courriel,) = mail.outbox
    recepisse = reverse("programmation:recepisse", args=[dossier.pk, 2])
    assert f"version déposée : http://testserver{recepisse}\n" in courriel.body


def test_the_comparison_page_shows_the_changed_field(db, pilote, membre):
    dossier = outils.dossier_depose()
    _demander(dossier, pilote)
    dossier.refresh_from_db()
    porteur = outils.porteur_du(dossier)
    modifier_action(
        dossier=dossier,
        section=_section_action(dossier, "Ateliers renforcés"),
        acteur=porteur,
        version=dossier.version,
    )
    transitionner(dossier=dossier, transition=CodeTransition.REDEPOSER, acteur=porteur)
    outils.examiner_en_comite(dossier)  # the membre's committee examines it
    reponse = outils.client_de(membre).get(reverse("programmation:versions", args=[dossier.pk]))
    html = outils.texte(reponse)
    assert reponse.status_code == 200
    assert "1 champ(s) modifié(s) entre la version 1 et la version 2" in html
    assert "Ateliers renforcés" in html and "Ateliers de soutien scolaire" in html


def test_another_porteur_cannot_read_the_versions(db, autre_porteur):
    dossier = outils.dossier_depose()
    reponse = outils.client_de(autre_porteur).get(
        reverse("programmation:versions", args=[dossier.pk])
    )
    assert reponse.status_code == 403


def test_the_request_form_asks_and_redirects_to_the_dossier(db, pilote):
    dossier = outils.dossier_depose()
    reponse = outils.client_de(pilote).post(
        reverse("programmation:demande_complements", args=[dossier.pk]),
        {
            "version": dossier.version,
            "message": MESSAGE,
            "sections": ["action", "pieces"],
            "echeance": (aujourdhui() + timedelta(days=7)).isoformat(),
        },
    )
    assert reponse.status_code == 302
    demande = DemandeComplements.objects.get(dossier=dossier)
    assert demande.sections == ["action", "pieces"]
    page = outils.texte(outils.client_de(outils.porteur_du(dossier)).get(reponse["Location"]))
    assert "Compléments demandés, à apporter avant le" in page
    assert MESSAGE in page


def test_the_porteur_cannot_open_the_request_form(db):
    dossier = outils.dossier_depose()
    reponse = outils.client_de(outils.porteur_du(dossier)).get(
        reverse("programmation:demande_complements", args=[dossier.pk])
    )
    assert reponse.status_code == 403


def test_the_request_cannot_be_made_from_the_generic_button(db, pilote):
    dossier = outils.dossier_depose()
    outils.client_de(pilote).post(
        reverse("programmation:transition", args=[dossier.pk, "demander_complements"]),
        {"version": dossier.version, "motif": MESSAGE},
    )
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.DEPOSE


def test_a_reminder_is_sent_once_a_few_days_before_the_deadline(
    db, pilote, django_capture_on_commit_callbacks
):
    dossier = outils.dossier_depose()
    porteur = outils.porteur_du(dossier)
    porteur.email = "porteur@exemple.fr"
    porteur.save()
    proche = _demander(dossier, pilote, jours=2)
    lointain = _demander(outils.dossier_depose(), pilote, jours=20)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert relancer_avant_echeance() == [proche]
    assert [m.subject for m in mail.outbox] == [
        f"Rappel : compléments attendus pour votre dossier {dossier.numero}"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("relancer_complements", stdout=StringIO())
    assert len(mail.outbox) == 1, "a request is reminded once"
    lointain.refresh_from_db()
    assert lointain.relance_envoyee_le is None
    assert "dossier.relance_complements" in outils.actions_de(dossier)
