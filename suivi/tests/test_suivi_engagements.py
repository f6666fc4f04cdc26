"""The yearly follow-up of the signatories' engagements: its services and its pages.

The agent of the CAF (the demo financeur) proposes the follow-ups of the CAF's section
2.7; the pilote, the État and the pilote's colleagues of the COPIL technique review them.
Every refusal is checked to change nothing (the row, its version, the history) and to
say why in French. The builders below are plain functions, reused by the permission and
export tests of the same subject.
"""

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Role
from conftest import DOSSIER_VILLIERS
from contrats.chargement.lecture import ErreurChargement
from contrats.models import Engagement, Instance
from contrats.services import charger_contrat
from contrats.tests.factories import ContratFactory, HabilitationFactory
from contrats.tests.outils import reecrire
from historique.horloge import rejouer_a
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.demo import generer_demo as generer_demo_programmation
from programmation.demo import moment
from programmation.etats import STATUTS_PROGRAMMES
from programmation.selectors.espace import mon_espace
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
)
from programmation.tests.factories import AppelFactory, DossierFactory
from programmation.tests.factories import villiers as contrat_villiers
from programmation.tests.outils import CONTENU_PDF, client_de, dossier_valide, texte
from suivi.actions import ActionSuivi
from suivi.demo_engagements import generer_suivis_engagements
from suivi.models import PropositionSuivi, StatutEngagement, SuiviEngagement
from suivi.selectors.engagements import page_signataire, tableau_des_suivis
from suivi.services.engagements import Examen
from suivi.tests.engagements import (
    COMMENTAIRE,
    LIEN,
    engagement_de,
    examiner,
    pdf,
    proposer,
    seance_du_copil,
)

pytestmark = pytest.mark.django_db


def etat_de(engagement: Engagement) -> tuple:
    """Everything a refused write must leave as it was."""
    suivis = list(
        SuiviEngagement.objects.filter(engagement=engagement)
        .order_by("annee")
        .values_list("annee", "statut", "commentaire", "lien", "proposition", "version")
    )
    return suivis, Evenement.objects.count()


@pytest.fixture
def caf(villiers) -> Engagement:
    return engagement_de(villiers)


@pytest.fixture
def medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# ---------------------------------------------------------------- proposing


def test_the_signatory_s_agent_proposes_the_year_s_follow_up_with_its_evidence(
    caf, financeur, villiers
):
    appel = AppelFactory(annee=2016)
    finance = dossier_valide(appel)
    with rejouer_a(moment(date(2016, 11, 30), 10)):
        suivi = proposer(caf, financeur, lien=LIEN, dossiers=[finance])

    assert (suivi.annee, suivi.statut, suivi.proposition, suivi.version) == (
        2016,
        StatutEngagement.EN_COURS,
        PropositionSuivi.PROPOSE,
        1,
    )
    assert (suivi.propose_par, suivi.propose_le.date()) == (financeur, date(2016, 11, 30))
    assert list(suivi.dossiers.all()) == [finance]
    evenement = historique_de(suivi).get()
    assert (evenement.action, evenement.acteur) == (ActionSuivi.ENGAGEMENT_PROPOSITION, financeur)
    assert evenement.changements["annee"] == 2016
    assert evenement.changements["lien"] == ["", LIEN]
    assert evenement.changements["statut"] == ["", StatutEngagement.EN_COURS]
    assert evenement.changements["proposition"] == [
        PropositionSuivi.BROUILLON,
        PropositionSuivi.PROPOSE,
    ]
    assert "document" not in evenement.changements
    assert evenement.changements["dossiers"] == [[], [finance.numero]]
    assert evenement.horodatage.date() == date(2016, 11, 30)


def test_a_draft_is_saved_then_proposed_and_each_step_is_in_the_history(caf, financeur):
    brouillon = proposer(caf, financeur, brouillon=True)
    assert (brouillon.proposition, brouillon.propose_par) == (PropositionSuivi.BROUILLON, None)

    propose = proposer(caf, financeur, statut=StatutEngagement.TENU)

    assert (propose.pk, propose.proposition, propose.version) == (
        brouillon.pk,
        PropositionSuivi.PROPOSE,
        2,
    )
    actions = [e.action for e in historique_de(propose).order_by("horodatage", "pk")]
    assert actions == [ActionSuivi.ENGAGEMENT_BROUILLON, ActionSuivi.ENGAGEMENT_PROPOSITION]
    dernier = historique_de(propose).order_by("-pk").first()
    assert dernier.changements["statut"] == [StatutEngagement.EN_COURS, StatutEngagement.TENU]
    assert dernier.changements["proposition"] == [
        PropositionSuivi.BROUILLON,
        PropositionSuivi.PROPOSE,
    ]


def test_the_state_proposes_its_section_and_the_pilote_the_commune_s(villiers, etat, pilote):
    de_l_etat = proposer(engagement_de(villiers, "2.2"), etat)
    de_la_ville = proposer(engagement_de(villiers, "2.1"), pilote)

    assert de_l_etat.propose_par == etat
    assert de_la_ville.propose_par == pilote


def test_a_document_is_stored_under_a_generated_name_and_a_new_one_replaces_it(
    caf, financeur, medias, django_capture_on_commit_callbacks
):
    suivi = proposer(caf, financeur, document=pdf("Bilan CAF 2016.pdf"))
    premier = suivi.document.name
    assert premier.startswith("engagements/2016/") and premier.endswith(".pdf")
    assert "Bilan" not in premier
    assert suivi.document_nom == "Bilan CAF 2016.pdf"
    assert len(suivi.document_empreinte) == 64 and suivi.document_taille == len(CONTENU_PDF)

    with django_capture_on_commit_callbacks(execute=True):
        remplace = proposer(caf, financeur, document=pdf("bilan-corrige.pdf"))

    assert remplace.document.name != premier
    assert (medias / remplace.document.name).is_file()
    assert not (medias / premier).exists()
    assert remplace.document_nom == "bilan-corrige.pdf"


def test_a_proposal_without_a_new_document_keeps_the_former_one(caf, financeur, medias):
    suivi = proposer(caf, financeur, document=pdf())

    garde = proposer(caf, financeur, commentaire="Précisions apportées.")

    assert garde.document.name == suivi.document.name
    assert (medias / garde.document.name).is_file()


# ---------------------------------------------------------------- refusals of a proposal


def _autre_contrat_dossier():
    return DossierFactory(appel=AppelFactory(contrat=ContratFactory(), annee=2026))


REFUS_DE_PROPOSITION = {
    "hors de la période": (
        {"annee": 2021},
        DonneesInvalides,
        "L'année 2021 n'est pas dans la période du contrat (2015-2020).",
    ),
    "avant la période": (
        {"annee": 2014},
        DonneesInvalides,
        "L'année 2014 n'est pas dans la période du contrat (2015-2020).",
    ),
    "statut inconnu": (
        {"statut": "abandonne"},
        DonneesInvalides,
        "Choisissez où en est l'engagement (pas commencé, en cours…).",
    ),
    "non tenu sans commentaire": (
        {"statut": StatutEngagement.NON_TENU, "commentaire": "  "},
        DonneesInvalides,
        "Expliquez dans le commentaire pourquoi l'engagement est non tenu.",
    ),
    "sans objet sans commentaire": (
        {"statut": StatutEngagement.SANS_OBJET, "commentaire": ""},
        DonneesInvalides,
        "Expliquez dans le commentaire pourquoi l'engagement est sans objet.",
    ),
    "lien qui n'en est pas un": (
        {"lien": "site de la caf"},
        DonneesInvalides,
        "Le lien doit être une adresse web complète, commençant par https:// ou http://.",
    ),
    "document qui n'est pas un PDF": (
        {"document": SimpleUploadedFile("bilan.docx", b"PK\x03\x04")},
        DonneesInvalides,
        "Le document n'est pas joint au suivi. Seuls les fichiers PDF sont acceptés.",
    ),
    "PDF qui n'en est pas un": (
        {"document": SimpleUploadedFile("bilan.pdf", b"<html>")},
        DonneesInvalides,
        "Le document n'est pas joint au suivi. Ce fichier n'est pas un vrai PDF : son "
        "contenu ne correspond pas à son extension.",
    ),
    "version dépassée": (
        {"version": 1},
        ConflitDeModification,
        "Le suivi 2016 de cet engagement a été modifié par une autre personne pendant votre "
        "saisie. Rechargez la page pour voir sa dernière version : rien n'a été enregistré.",
    ),
}


@pytest.mark.parametrize("cas", list(REFUS_DE_PROPOSITION), ids=list(REFUS_DE_PROPOSITION))
def test_a_refused_proposal_changes_nothing_and_says_why(caf, financeur, medias, cas):
    champs, erreur, message = REFUS_DE_PROPOSITION[cas]
    avant = etat_de(caf)

    with pytest.raises(erreur) as refus:
        proposer(caf, financeur, **champs)

    assert refus.value.texte == message
    assert etat_de(caf) == avant
    assert not medias.exists() or not any(medias.rglob("*.*"))


def test_another_signatory_s_agent_may_not_propose_the_caf_s_follow_up(caf, autre_financeur):
    avant = etat_de(caf)

    with pytest.raises(DroitInsuffisant) as refus:
        proposer(caf, autre_financeur)

    assert refus.value.message == (
        "Seuls les signataires de la section 2.7 « Engagement de la CAF » (La Caisse "
        "d’Allocations Familiales) proposent le suivi de ses engagements."
    )
    assert etat_de(caf) == avant


@pytest.mark.parametrize(
    ("dossier", "detail"),
    [
        (
            lambda: DossierFactory(appel=AppelFactory(annee=2016)),
            "n'a pas été financé (statut « Brouillon »).",
        ),
        (
            lambda: dossier_valide(AppelFactory(annee=2017)),
            "relève de l'appel à projets 2017, postérieur au suivi 2016.",
        ),
        (_autre_contrat_dossier, "n'est pas un dossier de ce contrat."),
    ],
    ids=["non financé", "d'un appel postérieur", "d'un autre contrat"],
)
def test_only_funded_dossiers_of_the_contract_serve_as_evidence(caf, financeur, dossier, detail):
    cite = dossier()
    avant = etat_de(caf)

    with pytest.raises(DonneesInvalides) as refus:
        proposer(caf, financeur, dossiers=[cite])

    assert refus.value.message == (
        "Seuls les dossiers financés du contrat servent de preuve : rien n'a été enregistré."
    )
    assert refus.value.details == [f"Le dossier {cite.numero} {detail}"]
    assert etat_de(caf) == avant


def test_a_stale_form_never_overwrites_a_follow_up_created_meanwhile(caf, financeur):
    proposer(caf, financeur, commentaire="Première saisie.")
    avant = etat_de(caf)

    with pytest.raises(ConflitDeModification):
        proposer(caf, financeur, commentaire="Saisie concurrente.", version=0)

    assert etat_de(caf) == avant
    assert SuiviEngagement.objects.get(engagement=caf).commentaire == "Première saisie."


def test_a_stale_document_upload_leaves_no_file(caf, financeur, medias):
    proposer(caf, financeur)

    with pytest.raises(ConflitDeModification):
        proposer(caf, financeur, document=pdf(), version=0)

    assert not any(medias.rglob("*.pdf"))


def test_a_validated_follow_up_no_longer_changes(caf, financeur, pilote):
    with rejouer_a(moment(date(2016, 12, 8), 15)):
        examiner(proposer(caf, financeur), pilote)
    avant = etat_de(caf)

    with pytest.raises(DonneesInvalides) as refus:
        proposer(caf, financeur, statut=StatutEngagement.TENU)

    assert refus.value.message == (
        "Le suivi 2016 de cet engagement est validé depuis le 08/12/2016 : il ne se modifie plus."
    )
    assert etat_de(caf) == avant


def test_a_proposed_follow_up_never_becomes_a_draft_again(caf, financeur):
    proposer(caf, financeur)
    avant = etat_de(caf)

    with pytest.raises(DonneesInvalides) as refus:
        proposer(caf, financeur, brouillon=True)

    assert "il ne redevient pas un brouillon" in refus.value.message
    assert etat_de(caf) == avant


# ---------------------------------------------------------------- reviewing


def test_the_copil_technique_validates_at_one_of_its_seances(caf, financeur, pilote, villiers):
    suivi = proposer(caf, financeur)
    seance = seance_du_copil(villiers)

    with rejouer_a(moment(date(2016, 12, 8), 16)):
        valide = examiner(suivi, pilote, seance=seance)

    assert (valide.proposition, valide.examine_par, valide.seance) == (
        PropositionSuivi.VALIDE,
        pilote,
        seance,
    )
    assert valide.examine_le.date() == date(2016, 12, 8)
    evenement = historique_de(valide).order_by("-pk").first()
    assert evenement.action == ActionSuivi.ENGAGEMENT_VALIDATION
    assert evenement.changements["proposition"] == [
        PropositionSuivi.PROPOSE,
        PropositionSuivi.VALIDE,
    ]
    assert evenement.changements["seance"] == "Comité de pilotage technique (08/12/2016)"
    # The review is one of the séance's decisions, on the engagement: on its relevé.
    (decision,) = seance.decisions.all()
    assert decision.objet == suivi.engagement
    assert decision.decision_libelle == "Suivi 2016 validé"


def test_a_follow_up_sent_back_is_proposed_again_then_validated(caf, financeur, etat):
    suivi = proposer(caf, financeur)

    a_revoir = examiner(suivi, etat, Examen.A_REVOIR, motif="Joindre le bilan de l'action.")
    assert (a_revoir.proposition, a_revoir.motif_examen) == (
        PropositionSuivi.A_REVOIR,
        "Joindre le bilan de l'action.",
    )
    evenement = historique_de(a_revoir).order_by("-pk").first()
    assert (evenement.action, evenement.motif) == (
        ActionSuivi.ENGAGEMENT_A_REVOIR,
        "Joindre le bilan de l'action.",
    )

    repropose = proposer(caf, financeur, commentaire="Bilan joint.")
    assert repropose.proposition == PropositionSuivi.PROPOSE
    assert examiner(repropose, etat).proposition == PropositionSuivi.VALIDE


def _taches(utilisateur) -> dict[str, int]:
    return {t.libelle: t.nombre for espace in mon_espace(utilisateur) for t in espace.taches}


def test_mon_espace_counts_the_reviews_waiting_and_the_follow_ups_sent_back(caf, financeur, etat):
    avant = _taches(etat)["Suivis d'engagements à examiner"]
    suivi = proposer(caf, financeur)
    assert _taches(etat)["Suivis d'engagements à examiner"] == avant + 1
    assert _taches(financeur)["Suivis d'engagements à revoir"] == 0

    examiner(suivi, etat, Examen.A_REVOIR, motif="Joindre le bilan de l'action.")

    assert _taches(etat)["Suivis d'engagements à examiner"] == avant
    assert _taches(financeur)["Suivis d'engagements à revoir"] == 1


REFUS_D_EXAMEN = {
    "sans motif pour le renvoyer": (
        {"examen": Examen.A_REVOIR, "motif": " "},
        DonneesInvalides,
        "Indiquez ce qui est à revoir : le motif est obligatoire.",
    ),
    "examen inconnu": (
        {"examen": "ajourner"},
        DonneesInvalides,
        "Choisissez de valider le suivi ou de le renvoyer à revoir.",
    ),
    "version dépassée": (
        {"version": 0},
        ConflitDeModification,
        "Le suivi 2016 de cet engagement a été modifié par une autre personne pendant votre "
        "saisie. Rechargez la page pour voir sa dernière version : rien n'a été enregistré.",
    ),
    "séance d'une autre instance": (
        {"seance": "copil_politique"},
        DonneesInvalides,
        "La séance choisie n'est pas une séance du comité de pilotage technique de ce contrat.",
    ),
    "séance à venir": (
        {"seance": "a_venir"},
        DonneesInvalides,
        "La séance du 08/12/2099 n'a pas encore eu lieu : un suivi s'examine en séance tenue.",
    ),
}


@pytest.mark.parametrize("cas", list(REFUS_D_EXAMEN), ids=list(REFUS_D_EXAMEN))
def test_a_refused_review_changes_nothing_and_says_why(caf, financeur, pilote, villiers, cas):
    champs, erreur, message = dict(REFUS_D_EXAMEN[cas][0]), *REFUS_D_EXAMEN[cas][1:]
    if champs.get("seance") == "copil_politique":
        champs["seance"] = seance_du_copil(villiers, Instance.Nature.COPIL_POLITIQUE)
    elif champs.get("seance") == "a_venir":
        champs["seance"] = seance_du_copil(villiers, date=date(2099, 12, 8))
    suivi = proposer(caf, financeur)
    avant = etat_de(caf)

    with pytest.raises(erreur) as refus:
        examiner(suivi, pilote, **champs)

    assert refus.value.message == message
    assert etat_de(caf) == avant


def test_a_proposer_never_reviews_their_own_proposal(villiers, pilote):
    de_la_ville = engagement_de(villiers, "2.1")
    suivi = proposer(de_la_ville, pilote)
    avant = etat_de(de_la_ville)

    with pytest.raises(DroitInsuffisant) as refus:
        examiner(suivi, pilote)

    assert refus.value.message == (
        "Vous avez proposé ce suivi : un autre membre du comité de pilotage technique l'examine."
    )
    assert etat_de(de_la_ville) == avant


def test_only_the_copil_technique_reviews(caf, financeur, membre):
    suivi = proposer(caf, financeur)
    avant = etat_de(caf)

    for personne in (financeur, membre):
        with pytest.raises(DroitInsuffisant) as refus:
            examiner(suivi, personne)
        assert refus.value.message == (
            "Seul le comité de pilotage technique (pilote et État) examine le suivi des "
            "engagements."
        )
    assert etat_de(caf) == avant


def test_only_a_proposed_follow_up_is_reviewed(caf, financeur, pilote):
    brouillon = proposer(caf, financeur, brouillon=True)
    avant = etat_de(caf)

    with pytest.raises(DonneesInvalides) as refus:
        examiner(brouillon, pilote)

    assert refus.value.message == "Ce suivi est « Brouillon » : seul un suivi proposé s'examine."
    assert etat_de(caf) == avant


# ---------------------------------------------------------------- reads


def test_the_public_reads_only_validated_follow_ups_without_their_evidence(
    caf, financeur, pilote, villiers
):
    valide = proposer(caf, financeur, lien=LIEN)
    examiner(valide, pilote)
    proposer(engagement_de(villiers, ordre=2), financeur, commentaire="Pas encore examiné.")

    public = page_signataire(None, villiers, caf.section.organisations.get(), None)
    lignes = [ligne for bloc in public.blocs for ligne in bloc.suivis]

    assert [(ligne.pk, ligne.commentaire) for ligne in lignes] == [(valide.pk, COMMENTAIRE)]
    assert (lignes[0].lien, lignes[0].document, lignes[0].propose) == ("", None, "")
    assert not public.complet and not public.interactive


def test_the_summary_counts_follow_ups_by_statut_signatory_and_year(
    caf, financeur, pilote, villiers
):
    examiner(proposer(caf, financeur, statut=StatutEngagement.TENU), pilote)
    examiner(proposer(engagement_de(villiers, ordre=2), financeur), pilote)
    proposer(engagement_de(villiers, ordre=3), financeur, statut=StatutEngagement.TENU)

    def cellule(qui):
        ligne = next(
            ligne for ligne in tableau_des_suivis(qui, villiers).lignes if ligne.code == "caf"
        )
        return next(c for c in ligne.cellules if c.annee == 2016)

    public, habilite = cellule(None), cellule(pilote)
    assert (public.texte, public.details) == ("1 en cours · 1 tenu", "3 sans suivi validé")
    assert (habilite.texte, habilite.details) == (
        "1 en cours · 2 tenus",
        "2 sans suivi · dont 1 non validé",
    )


def _requetes(client, adresses: list[str]) -> list[int]:
    comptes = []
    for adresse in adresses:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(adresse).status_code == 200
        comptes.append(len(capture))
    return comptes


@pytest.mark.parametrize("lecteur", ["pilote", "financeur", "anonyme"])
def test_the_pages_cost_the_same_number_of_queries_whatever_the_follow_ups(
    caf, financeur, pilote, villiers, personne, lecteur
):
    client = client_de(personne(lecteur))
    adresses = [
        reverse("suivi:suivi_engagements", args=[villiers.slug]),
        reverse("suivi:suivi_engagements_signataire", args=[villiers.slug, "caf"]),
        reverse("suivi:suivi_engagements_signataire", args=[villiers.slug, "caf"]) + "?annee=2016",
    ]
    appel = AppelFactory(annee=2016)
    dossiers = [dossier_valide(appel), dossier_valide(appel)]
    examiner(proposer(caf, financeur, lien=LIEN, dossiers=dossiers[:1]), pilote)
    proposer(engagement_de(villiers, ordre=2), financeur, lien=LIEN, dossiers=dossiers[:1])
    seance_du_copil(villiers)
    avec_un = _requetes(client, adresses)

    for ordre in range(3, 6):
        examiner(
            proposer(engagement_de(villiers, ordre=ordre), financeur, dossiers=dossiers), pilote
        )
        for annee in (2015, 2017):
            proposer(engagement_de(villiers, ordre=ordre), financeur, annee=annee, lien=LIEN)

    assert _requetes(client, adresses) == avec_un


def test_a_signatory_page_shows_dates_in_french_and_the_review_of_each_year(
    caf, financeur, pilote, villiers
):
    with rejouer_a(moment(date(2016, 11, 30), 10)):
        suivi = proposer(caf, financeur, lien=LIEN)
    with rejouer_a(moment(date(2016, 12, 8), 16)):
        examiner(suivi, pilote, seance=seance_du_copil(villiers))

    page = texte(
        client_de(financeur).get(
            reverse("suivi:suivi_engagements_signataire", args=[villiers.slug, "caf"])
            + "?annee=2016"
        )
    )

    assert "Proposé le 30/11/2016 par Julien Moreau" in page
    assert (
        "Validé le 08/12/2016 par Camille Martin, séance du comité de pilotage technique du "
        "08/12/2016"
    ) in page
    assert f"Lien : {LIEN}" in page


# ---------------------------------------------------------------- the forms


def _url_proposer(engagement: Engagement, annee: int = 2016) -> str:
    return reverse(
        "suivi:suivi_engagement_proposer",
        args=[engagement.section.contrat.slug, engagement.pk, annee],
    )


def test_a_proposal_posted_without_javascript_comes_back_to_the_page_with_its_message(
    caf, financeur, villiers
):
    reponse = client_de(financeur).post(
        _url_proposer(caf),
        {"version": 0, "statut": "tenu", "commentaire": "Fait.", "action": "proposer",
         "signataire": "caf", "filtre": "2016"},
        follow=True,
    )  # fmt: skip

    assert reponse.redirect_chain[-1][0].endswith(f"?annee=2016#engagement-{caf.pk}")
    assert (
        "Le suivi 2016 de l'engagement 2.7 n° 1 est proposé au comité de pilotage technique."
        in texte(reponse)
    )
    assert SuiviEngagement.objects.get(engagement=caf).statut == StatutEngagement.TENU


def test_a_proposal_posted_by_htmx_gets_its_block_back(caf, financeur, medias):
    reponse = client_de(financeur).post(
        _url_proposer(caf),
        {"version": 0, "statut": "en_cours", "commentaire": "", "lien": LIEN, "action": "brouillon",
         "document": pdf(), "signataire": "caf"},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    corps = texte(reponse)
    assert corps.strip().startswith(f'<div class="fr-mb-5w engagement" id="engagement-{caf.pk}"')
    assert "Le suivi 2016 de l'engagement 2.7 n° 1 est enregistré en brouillon." in corps
    suivi = SuiviEngagement.objects.get(engagement=caf)
    assert (suivi.proposition, suivi.lien, suivi.document_nom) == (
        PropositionSuivi.BROUILLON,
        LIEN,
        "bilan-caf-2016.pdf",
    )


def test_a_refused_proposal_shows_the_form_again_with_what_was_typed(caf, financeur):
    proposer(caf, financeur)

    reponse = client_de(financeur).post(
        _url_proposer(caf),
        {"version": 0, "statut": "tenu", "commentaire": "Saisie concurrente.", "action": "proposer",
         "signataire": "caf"},
    )  # fmt: skip

    corps = texte(reponse)
    assert reponse.status_code == 200
    assert "Rien n'a été enregistré" in corps
    assert "a été modifié par une autre personne pendant votre saisie" in corps
    assert "Saisie concurrente." in corps
    assert SuiviEngagement.objects.get(engagement=caf).commentaire == COMMENTAIRE


def test_the_review_form_sends_back_with_its_motif(caf, financeur, etat, villiers):
    suivi = proposer(caf, financeur)
    seance = seance_du_copil(villiers)

    reponse = client_de(etat).post(
        reverse("suivi:suivi_engagement_examiner", args=[villiers.slug, suivi.pk]),
        {"version": suivi.version, "examen": "a_revoir", "motif": "Préciser les actions.",
         "seance": seance.pk, "signataire": "caf"},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    assert "Le suivi 2016 de l'engagement 2.7 n° 1 est à revoir." in texte(reponse)
    suivi.refresh_from_db()
    assert (suivi.proposition, suivi.motif_examen, suivi.seance) == (
        PropositionSuivi.A_REVOIR,
        "Préciser les actions.",
        seance,
    )


def test_the_document_is_served_as_an_attachment_to_those_who_read_every_follow_up(
    caf, financeur, porteur, medias
):
    suivi = proposer(caf, financeur, document=pdf("Bilan CAF.pdf"))
    url = reverse("suivi:suivi_engagement_document", args=[caf.section.contrat.slug, suivi.pk])

    reponse = client_de(porteur).get(url)

    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="Bilan CAF.pdf"'
    assert b"".join(reponse.streaming_content) == CONTENU_PDF


def test_an_agent_of_two_signatories_proposes_for_both(villiers):
    agent = HabilitationFactory(
        contrat=villiers,
        role=Role.FINANCEUR,
        organisation=engagement_de(villiers).section.organisations.get(),
    ).utilisateur
    HabilitationFactory(utilisateur=agent, contrat=villiers, role=Role.ETAT)

    assert proposer(engagement_de(villiers), agent).propose_par == agent
    assert proposer(engagement_de(villiers, "2.2"), agent).propose_par == agent


# ---------------------------------------------------------------- the demo


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        contrat = contrat_villiers()
        generer_demo_programmation(contrat)
        yield contrat, generer_suivis_engagements(contrat)
        transaction.set_rollback(True)


# One process builds the class's demo once (bin/tester runs two).
@pytest.mark.xdist_group("demo-engagements")
@pytest.mark.usefixtures("demo")
class TestDemoDesEngagements:
    def test_every_engagement_has_its_follow_up_of_every_year_of_the_contract(self, demo):
        contrat, bilan = demo
        engagements = Engagement.objects.filter(section__contrat=contrat).count()
        suivis = SuiviEngagement.objects.filter(engagement__section__contrat=contrat)

        assert bilan["suivis"] == suivis.count() == engagements * 6 == 1104
        assert set(suivis.values_list("annee", flat=True)) == set(range(2015, 2021))
        assert all(suivis.values_list("est_demo", flat=True))
        assert bilan["séances"] == 6

    def test_most_engagements_are_kept_or_under_way_and_the_others_are_explained(self, demo):
        statuts = Counter(SuiviEngagement.objects.values_list("statut", flat=True))

        assert statuts["tenu"] + statuts["en_cours"] > 0.8 * sum(statuts.values())
        assert statuts["non_tenu"] > 0 and statuts["sans_objet"] > 0
        expliques = SuiviEngagement.objects.filter(statut__in=["non_tenu", "sans_objet"])
        assert not expliques.filter(commentaire="").exists()

    def test_proposals_are_reviewed_by_someone_else_some_sent_back_some_still_pending(self, demo):
        _, bilan = demo
        propositions = Counter(SuiviEngagement.objects.values_list("proposition", flat=True))

        assert propositions == {
            "valide": bilan["validés"],
            "a_revoir": bilan["à revoir"],
            "propose": bilan["proposés"],
        }
        assert bilan["revus puis validés"] > 0 and bilan["à revoir"] > 0
        assert not SuiviEngagement.objects.filter(
            proposition__in=["valide", "a_revoir"], examine_par=F("propose_par")
        ).exists()
        assert not SuiviEngagement.objects.filter(proposition="a_revoir", motif_examen="").exists()
        en_attente = SuiviEngagement.objects.filter(proposition__in=["propose", "a_revoir"])
        assert set(en_attente.values_list("annee", flat=True)) == {2020}

    def test_each_step_is_dated_in_its_year_and_the_reviews_at_the_december_seance(self, demo):
        for suivi in SuiviEngagement.objects.filter(annee=2017).select_related("seance")[:40]:
            jours = [e.horodatage.date() for e in historique_de(suivi)]
            assert all(date(2017, 11, 1) <= jour <= date(2017, 12, 31) for jour in jours)
            assert suivi.seance.date == date(2017, 12, 10)
            assert suivi.seance.instance.nature == Instance.Nature.COPIL_TECHNIQUE

    def test_some_cite_the_funded_dossiers_of_their_year(self, demo):
        contrat, _ = demo
        cites = SuiviEngagement.objects.filter(dossiers__isnull=False).distinct()

        assert cites.count() > 50
        for suivi in cites.prefetch_related("dossiers__appel")[:100]:
            for dossier in suivi.dossiers.all():
                assert dossier.appel.contrat_id == contrat.pk
                assert dossier.appel.annee == suivi.annee
                assert dossier.statut in STATUTS_PROGRAMMES
        assert SuiviEngagement.objects.exclude(lien="").exists()

    def test_a_second_run_creates_nothing(self, demo):
        contrat, _ = demo
        avant = Evenement.objects.count()

        assert set(generer_suivis_engagements(contrat).values()) == {0}
        assert Evenement.objects.count() == avant


def test_reloading_files_without_a_followed_engagement_is_refused_and_changes_nothing(
    caf, financeur, tmp_path
):
    """The yearly follow-up hangs on its engagement: the loader names it, loads nothing."""
    suivi = proposer(caf, financeur)
    copie = Path(shutil.copytree(DOSSIER_VILLIERS, tmp_path / DOSSIER_VILLIERS.name))
    section = caf.section.numero

    def retirer(donnees) -> None:
        (engagements,) = [s for s in donnees["sections_engagements"] if s["numero"] == section]
        engagements["engagements"].pop(caf.ordre - 1)

    reecrire(copie, "signataires.yaml", retirer)
    evenements = Evenement.objects.count()

    with pytest.raises(ErreurChargement) as erreur:
        charger_contrat(dossier=copie)

    assert str(erreur.value) == (
        f"engagement — entrée {caf} — champ « (suppression) » : cette entrée a disparu des "
        f"fichiers, mais « {suivi} » (suivi annuel d'un engagement) en dépend sur la "
        "plateforme : rétablissez-la"
    )
    assert Engagement.objects.filter(pk=caf.pk).exists()
    assert Evenement.objects.count() == evenements
