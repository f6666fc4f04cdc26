"""The avis of the conseil citoyen on a year's programming: sent by the pilotage, awaited
one calendar month, given by the pilotage or a membre of the conseil, "réputé favorable"
after the échéance; who reads it when, its annex to the plan d'actions, Mon espace, the
demo."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from contrats.models import Instance
from contrats.services import attribuer_habilitation
from contrats.tests.factories import UtilisateurFactory
from historique.horloge import aujourdhui, rejouer_a
from historique.selectors import historique_de
from programmation.actions import ActionProgrammation
from programmation.demo import consultation_du_conseil
from programmation.demo_avis import AVIS_PAR_ANNEE, generer_avis_demo
from programmation.models import AppelAProjets, AvisProgrammation
from programmation.models.avis import un_mois_apres
from programmation.selectors.espace import mon_espace
from programmation.services.avis_conseil_citoyen import (
    constater_les_silences,
    consulter_le_conseil_citoyen,
    saisir_avis_programmation,
)
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant
from programmation.tests import outils
from programmation.tests.factories import AppelFactory
from programmation.tests.outils import actions_de, client_de, texte

pytestmark = pytest.mark.django_db

Sens = AvisProgrammation.Sens
SLUG = "villiers-sur-marne-2015-2020"
RESERVES = "Le conseil demande davantage d'actions pour les 16-25 ans."


@pytest.fixture
def conseil(villiers) -> Instance:
    return villiers.instances.get(nature=Instance.Nature.CONSEIL_CITOYEN)


@pytest.fixture
def membre_du_conseil(villiers, conseil):
    """A membre whose body is the conseil citoyen (the demo membre sits in the comité de
    recevabilité)."""
    return attribuer_habilitation(
        utilisateur=UtilisateurFactory(), contrat=villiers, role=Role.MEMBRE, instance=conseil
    ).utilisateur


@pytest.fixture
def appel(villiers) -> AppelAProjets:
    """A call with one dossier proposed to the COPIL: a programming to send."""
    appel = AppelFactory()
    outils.dossier_propose(appel)
    return appel


def a_midi(jour: date):
    return rejouer_a(timezone.make_aware(datetime.combine(jour, time(12))))


def consulte_le(appel: AppelAProjets, jour: date) -> AvisProgrammation:
    """The pilote sends the call's programming to the conseil citoyen on `jour`."""
    with a_midi(jour):
        return consulter_le_conseil_citoyen(appel=appel, acteur=outils.pilote_du(appel.contrat))


def _url(nom: str, appel: AppelAProjets) -> str:
    return reverse(f"programmation:{nom}", args=[SLUG, appel.annee])


def _messages(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


# --- One calendar month ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consulte", "echeance"),
    [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2027, 1, 30), date(2027, 2, 28)),
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 3, 15), date(2027, 4, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2027, 2, 28), date(2027, 3, 28)),
    ],
)
def test_the_echeance_is_one_calendar_month_after_the_consultation(consulte, echeance):
    assert un_mois_apres(consulte) == echeance


def test_consulting_on_31_january_sets_the_echeance_at_the_end_of_february(appel):
    avis = consulte_le(appel, date(2028, 1, 31))

    assert (avis.consulte_le, avis.echeance, avis.sens) == (
        date(2028, 1, 31),
        date(2028, 2, 29),
        Sens.ATTENDU,
    )
    assert actions_de(avis) == [ActionProgrammation.AVIS_CONSEIL_CONSULTATION]
    with a_midi(date(2028, 2, 1)):
        html = texte(
            client_de(outils.pilote_du(appel.contrat)).get(_url("avis_conseil_citoyen", appel))
        )
    assert 'Échéance : <span id="echeance-avis">29/02/2028</span>' in html
    assert "Attendu jusqu'au 29/02/2028" in html


# --- Consulting -----------------------------------------------------------------------------------


def test_consulting_is_refused_without_a_proposed_or_validated_dossier(pilote):
    appel = AppelFactory()
    outils.dossier_en_instruction(appel)
    outils.dossier_depose(appel)

    with pytest.raises(DonneesInvalides) as erreur:
        consulter_le_conseil_citoyen(appel=appel, acteur=pilote)

    assert erreur.value.message == (
        f"Aucun dossier de l'appel {appel.annee} n'est proposé au comité de pilotage ni "
        "validé : il n'y a pas encore de programmation à soumettre au conseil citoyen."
    )
    assert not AvisProgrammation.objects.exists()


def test_a_validated_programming_may_be_sent_too(etat):
    appel = AppelFactory()
    outils.dossier_valide(appel)
    assert consulter_le_conseil_citoyen(appel=appel, acteur=etat).sens == Sens.ATTENDU


def test_the_conseil_is_consulted_once_per_programming(appel, pilote):
    consulte_le(appel, date(2026, 3, 2))
    with pytest.raises(DonneesInvalides, match=r"déjà été consulté .* le 02/03/2026"):
        consulter_le_conseil_citoyen(appel=appel, acteur=pilote)
    assert AvisProgrammation.objects.count() == 1


def test_only_the_pilotage_consults(appel, financeur, membre, membre_du_conseil):
    for personne in (financeur, membre, membre_du_conseil):
        with pytest.raises(DroitInsuffisant):
            consulter_le_conseil_citoyen(appel=appel, acteur=personne)
    assert not AvisProgrammation.objects.exists()


# --- The avis ------------------------------------------------------------------------------------


def test_a_membre_of_the_conseil_gives_its_avis(appel, membre_du_conseil):
    avis = consulte_le(appel, aujourdhui() - timedelta(days=10))

    avis = saisir_avis_programmation(
        avis=avis,
        sens=Sens.RESERVES,
        texte=f"  {RESERVES} ",
        recu_le=aujourdhui(),
        acteur=membre_du_conseil,
    )

    assert (avis.sens, avis.texte, avis.recu_le) == (Sens.RESERVES, RESERVES, aujourdhui())
    assert (avis.saisi_par, avis.version) == (membre_du_conseil, 2)
    assert actions_de(avis)[0] == ActionProgrammation.AVIS_CONSEIL_SAISI


def test_the_membre_of_the_comite_de_recevabilite_cannot_give_it(appel, membre, porteur):
    avis = consulte_le(appel, aujourdhui())
    for personne in (membre, porteur):
        with pytest.raises(DroitInsuffisant):
            saisir_avis_programmation(
                avis=avis, sens=Sens.FAVORABLE, texte="", recu_le=aujourdhui(), acteur=personne
            )
    avis.refresh_from_db()
    assert (avis.sens, avis.version) == (Sens.ATTENDU, 1)


@pytest.mark.parametrize(
    ("sens", "texte_", "decalage", "message"),
    [
        (
            Sens.TACITE,
            "",
            0,
            "Choisissez le sens de l'avis : favorable, favorable avec réserves ou défavorable.",
        ),
        (Sens.RESERVES, " ", 0, "Recopiez le texte de l'avis : ses réserves ou ses motifs."),
        (Sens.DEFAVORABLE, "", 0, "Recopiez le texte de l'avis : ses réserves ou ses motifs."),
        (Sens.FAVORABLE, "", None, "Indiquez la date de réception de l'avis."),
        (
            Sens.FAVORABLE,
            "",
            -11,
            "Un avis est reçu entre la transmission de la programmation au conseil citoyen, le "
            "{consulte}, et aujourd'hui.",
        ),
        (
            Sens.FAVORABLE,
            "",
            1,
            "Un avis est reçu entre la transmission de la programmation au conseil citoyen, le "
            "{consulte}, et aujourd'hui.",
        ),
    ],
)
def test_a_bad_avis_is_refused_in_french_and_changes_nothing(
    appel, pilote, sens, texte_, decalage, message
):
    consulte = aujourdhui() - timedelta(days=10)
    avis = consulte_le(appel, consulte)
    recu_le = None if decalage is None else aujourdhui() + timedelta(days=decalage)

    with pytest.raises(DonneesInvalides) as erreur:
        saisir_avis_programmation(
            avis=avis, sens=sens, texte=texte_, recu_le=recu_le, acteur=pilote
        )

    assert erreur.value.message == message.format(consulte=f"{consulte:%d/%m/%Y}")
    avis.refresh_from_db()
    assert (avis.sens, avis.version) == (Sens.ATTENDU, 1)


def test_an_avis_received_after_the_echeance_is_refused(appel, pilote):
    avis = consulte_le(appel, date(2026, 1, 31))

    with pytest.raises(DonneesInvalides) as erreur:
        saisir_avis_programmation(
            avis=avis, sens=Sens.FAVORABLE, texte="", recu_le=date(2026, 3, 1), acteur=pilote
        )
    assert erreur.value.message == (
        "Reçu le 01/03/2026, l'avis arrive après l'échéance du 28/02/2026 : passé ce délai "
        "d'un mois, l'avis du conseil citoyen est réputé favorable."
    )

    # Received on its échéance, it is on time, even entered later.
    avis = saisir_avis_programmation(
        avis=avis, sens=Sens.FAVORABLE, texte="", recu_le=date(2026, 2, 28), acteur=pilote
    )
    assert avis.sens == Sens.FAVORABLE


def test_an_avis_is_entered_once(appel, pilote, membre_du_conseil):
    avis = consulte_le(appel, aujourdhui())
    saisir_avis_programmation(
        avis=avis, sens=Sens.FAVORABLE, texte="", recu_le=aujourdhui(), acteur=pilote
    )
    with pytest.raises(DonneesInvalides, match="déjà enregistré"):
        saisir_avis_programmation(
            avis=avis,
            sens=Sens.DEFAVORABLE,
            texte="Non",
            recu_le=aujourdhui(),
            acteur=membre_du_conseil,
        )


# --- Silence -------------------------------------------------------------------------------------


def test_silence_past_the_echeance_makes_the_avis_tacit_with_an_event_through_the_command(appel):
    avis = consulte_le(appel, date(2026, 1, 31))
    autre = AppelFactory()
    outils.dossier_propose(autre)
    encore_a_temps = consulte_le(autre, aujourdhui() - timedelta(days=3))

    assert constater_les_silences(date(2026, 2, 28)) == []  # the échéance day still counts
    sortie = io.StringIO()
    call_command("constater_silences_conseil_citoyen", stdout=sortie)

    avis.refresh_from_db()
    encore_a_temps.refresh_from_db()
    assert (avis.sens, avis.version, avis.recu_le) == (Sens.TACITE, 2, None)
    assert encore_a_temps.sens == Sens.ATTENDU
    assert actions_de(avis)[0] == ActionProgrammation.AVIS_CONSEIL_TACITE
    assert sortie.getvalue().startswith("1 avis réputé(s) favorable(s).")
    assert "échéance du 28/02/2026" in sortie.getvalue()

    sortie = io.StringIO()
    call_command("constater_silences_conseil_citoyen", stdout=sortie)
    assert sortie.getvalue().startswith("0 avis")
    assert actions_de(avis).count(ActionProgrammation.AVIS_CONSEIL_TACITE) == 1


def test_a_tacit_avis_takes_no_late_answer(appel, pilote):
    avis = consulte_le(appel, date(2026, 1, 31))
    constater_les_silences(date(2026, 3, 1))

    with pytest.raises(DonneesInvalides, match="réputé favorable : le conseil citoyen n'a pas"):
        saisir_avis_programmation(
            avis=avis, sens=Sens.FAVORABLE, texte="", recu_le=date(2026, 2, 20), acteur=pilote
        )


# --- Who reads it, when ---------------------------------------------------------------------------


def test_before_the_consultation_the_pilotage_and_the_conseil_read_the_page_only(
    appel, pilote, membre_du_conseil, membre
):
    url = _url("avis_conseil_citoyen", appel)

    page_pilote = texte(client_de(pilote).get(url))
    assert "Transmettre la programmation au conseil citoyen" in page_pilote
    page_conseil = texte(client_de(membre_du_conseil).get(url))
    assert "n'a pas encore été consulté" in page_conseil
    assert "Transmettre la programmation" not in page_conseil
    outils.verifier_refus(client_de(None).get(url), "anonyme")
    outils.verifier_refus(client_de(membre).get(url), "membre")


def test_an_awaited_avis_is_for_the_pilotage_and_the_conseil_only(
    appel, pilote, membre_du_conseil, financeur
):
    consulte_le(appel, aujourdhui())
    url = _url("avis_conseil_citoyen", appel)

    assert 'id="form-avis"' in texte(client_de(membre_du_conseil).get(url))
    assert 'id="form-avis"' in texte(client_de(pilote).get(url))
    outils.verifier_refus(client_de(None).get(url), "anonyme")
    outils.verifier_refus(client_de(financeur).get(url), "financeur")
    plan = texte(client_de(None).get(_url("plan_annuel", appel)))
    assert "Annexe : avis du conseil citoyen" not in plan


def test_a_received_avis_is_public_and_annexed_to_the_plan(appel, pilote):
    avis = consulte_le(appel, aujourdhui() - timedelta(days=5))
    saisir_avis_programmation(
        avis=avis, sens=Sens.RESERVES, texte=RESERVES, recu_le=aujourdhui(), acteur=pilote
    )
    public = client_de(None)

    page = texte(public.get(_url("avis_conseil_citoyen", appel)))
    plan = texte(public.get(_url("plan_annuel", appel)))
    appel_page = texte(public.get(_url("appel", appel)))

    assert "Favorable avec réserves" in page and RESERVES in page
    assert 'id="form-avis"' not in page and "Transmettre" not in page
    assert "Annexe : avis du conseil citoyen" in plan and RESERVES in plan
    assert _url("avis_conseil_citoyen", appel) in appel_page


def test_past_its_echeance_an_unanswered_avis_is_public_and_reputed_favourable(appel):
    consulte_le(appel, date(2026, 1, 31))  # not yet recorded by the daily command
    page = texte(client_de(None).get(_url("avis_conseil_citoyen", appel)))
    assert "Réputé favorable" in page and "28/02/2026" in page

    constater_les_silences(date(2026, 3, 1))
    plan = texte(client_de(None).get(_url("plan_annuel", appel)))
    assert "Annexe : avis du conseil citoyen" in plan
    assert "son avis est réputé favorable" in plan


def test_the_plan_page_still_costs_four_queries_with_its_annex(appel, django_assert_num_queries):
    consulte_le(appel, date(2026, 1, 31))
    constater_les_silences(date(2026, 3, 1))
    with django_assert_num_queries(4):
        reponse = client_de(None).get(_url("plan_annuel", appel))
    assert "Annexe : avis du conseil citoyen" in texte(reponse)


def test_the_appel_page_links_the_avis_only_for_who_may_read_it(appel, pilote, porteur):
    lien = _url("avis_conseil_citoyen", appel)
    assert lien in texte(client_de(pilote).get(_url("appel", appel)))
    assert lien not in texte(client_de(porteur).get(_url("appel", appel)))
    assert lien not in texte(client_de(None).get(_url("appel", appel)))


# --- Through the pages ---------------------------------------------------------------------------


def test_the_pilote_sends_the_programming_from_the_page(appel, pilote):
    reponse = client_de(pilote).post(_url("avis_conseil_citoyen_consulter", appel))

    avis = AvisProgrammation.objects.get(appel=appel)
    assert reponse["Location"] == _url("avis_conseil_citoyen", appel)
    assert _messages(reponse) == [
        f"Programmation {appel.annee} transmise au conseil citoyen : son avis est attendu au "
        f"plus tard le {avis.echeance:%d/%m/%Y}."
    ]


def test_sending_a_programming_without_dossiers_comes_back_as_a_message(pilote):
    appel = AppelFactory()
    reponse = client_de(pilote).post(_url("avis_conseil_citoyen_consulter", appel))
    assert _messages(reponse)[0].startswith(f"Aucun dossier de l'appel {appel.annee}")
    assert not AvisProgrammation.objects.exists()


def test_a_membre_of_the_conseil_gives_its_avis_through_the_page(appel, membre_du_conseil):
    avis = consulte_le(appel, aujourdhui())
    client = client_de(membre_du_conseil)

    refuse = client.post(
        _url("avis_conseil_citoyen", appel),
        {"sens": Sens.RESERVES, "texte": "", "recu_le": f"{aujourdhui():%Y-%m-%d}", "version": 1},
    )
    assert refuse.status_code == 200
    assert "Recopiez le texte de l'avis : ses réserves ou ses motifs." in texte(refuse)

    reponse = client.post(
        _url("avis_conseil_citoyen", appel),
        {
            "sens": Sens.RESERVES,
            "texte": RESERVES,
            "recu_le": f"{aujourdhui():%Y-%m-%d}",
            "version": 1,
        },
    )

    assert reponse.status_code == 302
    avis.refresh_from_db()
    assert (avis.sens, avis.texte, avis.saisi_par) == (Sens.RESERVES, RESERVES, membre_du_conseil)


def test_the_comite_membre_posting_an_avis_is_refused(appel, membre):
    avis = consulte_le(appel, aujourdhui())
    reponse = client_de(membre).post(
        _url("avis_conseil_citoyen", appel),
        {"sens": Sens.FAVORABLE, "recu_le": f"{aujourdhui():%Y-%m-%d}", "version": 1},
    )
    assert reponse.status_code == 403
    avis.refresh_from_db()
    assert avis.sens == Sens.ATTENDU


# --- Permission matrix of the new URLs, with a membre of the conseil citoyen ---------------------

ROLES = ("anonyme", "pilote", "etat", "financeur", "porteur", "membre", "membre_du_conseil")
PAGE, REFUS, CONNEXION, TRAITE = "200", "403", "connexion", "traité"
# fmt: off
MATRICE = {
    # (URL, state of the avis, method): what each role gets.
    ("avis_conseil_citoyen", "non consulté", "GET"): {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "porteur": REFUS, "membre": REFUS, "membre_du_conseil": PAGE,
    },
    ("avis_conseil_citoyen", "attendu", "GET"): {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "porteur": REFUS, "membre": REFUS, "membre_du_conseil": PAGE,
    },
    ("avis_conseil_citoyen", "attendu", "POST"): {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "porteur": REFUS, "membre": REFUS, "membre_du_conseil": TRAITE,
    },
    ("avis_conseil_citoyen", "reçu", "GET"): dict.fromkeys(ROLES, PAGE),
    ("avis_conseil_citoyen", "reçu", "POST"): {
        "anonyme": CONNEXION, "pilote": PAGE, "etat": PAGE, "financeur": REFUS,
        "porteur": REFUS, "membre": REFUS, "membre_du_conseil": PAGE,
    },
    ("avis_conseil_citoyen_consulter", "non consulté", "POST"): {
        "anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE, "financeur": REFUS,
        "porteur": REFUS, "membre": REFUS, "membre_du_conseil": REFUS,
    },
}
# fmt: on


def _constat(reponse) -> str:
    if reponse.status_code == 302:
        return CONNEXION if reverse("comptes:connexion") in reponse["Location"] else TRAITE
    return str(reponse.status_code)


def _preparer(etat_: str, appel: AppelAProjets) -> None:
    if etat_ == "non consulté":
        return
    avis = consulte_le(appel, aujourdhui() - timedelta(days=2))
    if etat_ == "reçu":
        saisir_avis_programmation(
            avis=avis,
            sens=Sens.FAVORABLE,
            texte="",
            recu_le=aujourdhui(),
            acteur=outils.pilote_du(appel.contrat),
        )


@pytest.mark.parametrize(
    ("cle", "role"),
    [(cle, role) for cle in MATRICE for role in ROLES],
    ids=[f"{'-'.join(cle)}-{role}" for cle in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_the_avis_urls(
    cle, role, appel, personne, membre_du_conseil
):
    nom, etat_, methode = cle
    _preparer(etat_, appel)
    versions = list(AvisProgrammation.objects.values_list("pk", "version"))
    qui = membre_du_conseil if role == "membre_du_conseil" else personne(role)
    client = client_de(qui)
    url = _url(nom, appel)
    donnees = {"sens": Sens.FAVORABLE, "recu_le": f"{aujourdhui():%Y-%m-%d}", "version": 1}

    reponse = client.post(url, donnees) if methode == "POST" else client.get(url)

    assert _constat(reponse) == MATRICE[cle][role], f"{role} : {reponse.status_code}"
    if MATRICE[cle][role] != TRAITE:
        assert list(AvisProgrammation.objects.values_list("pk", "version")) == versions


def test_the_consult_url_refuses_get(appel, pilote):
    assert client_de(pilote).get(_url("avis_conseil_citoyen_consulter", appel)).status_code == 405


# --- Mon espace ----------------------------------------------------------------------------------


def _taches(utilisateur) -> dict[str, tuple[int, str]]:
    return {
        t.libelle: (t.nombre, t.detail) for espace in mon_espace(utilisateur) for t in espace.taches
    }


def test_mon_espace_asks_the_conseil_for_its_avis_and_tells_the_pilotage_it_is_awaited(
    appel, pilote, membre, membre_du_conseil
):
    assert _taches(pilote)["Avis du conseil citoyen attendus"][0] == 0
    avis = consulte_le(appel, aujourdhui())
    echeance = f"{avis.echeance:%d/%m/%Y}"
    libelle = f"Avis à rendre sur la programmation {appel.annee}"

    nombre, detail = _taches(membre_du_conseil)[libelle]
    assert nombre == 1 and f"Échéance : le {echeance}" in detail
    nombre, detail = _taches(pilote)["Avis du conseil citoyen attendus"]
    assert nombre == 1 and echeance in detail
    assert libelle not in _taches(membre)
    assert _url("avis_conseil_citoyen", appel) in texte(
        client_de(membre_du_conseil).get("/mon-espace/")
    )

    saisir_avis_programmation(
        avis=avis, sens=Sens.FAVORABLE, texte="", recu_le=aujourdhui(), acteur=membre_du_conseil
    )
    assert libelle not in _taches(membre_du_conseil)
    assert _taches(pilote)["Avis du conseil citoyen attendus"][0] == 0


def test_an_avis_past_its_echeance_is_no_task_any_more(appel, pilote, membre_du_conseil):
    consulte_le(appel, date(2026, 1, 31))
    assert f"Avis à rendre sur la programmation {appel.annee}" not in _taches(membre_du_conseil)
    assert _taches(pilote)["Avis du conseil citoyen attendus"][0] == 0


# --- Demo ----------------------------------------------------------------------------------------


def test_the_demo_gives_an_avis_per_call_with_2018_tacit_and_creates_nothing_twice(villiers):
    appels = {}
    for annee in AVIS_PAR_ANNEE:
        appel = AppelFactory(annee=annee, est_demo=True)
        outils.dossier_propose(appel)
        # Dossiers are deposited in an open call; the demo's call of that year was earlier.
        AppelAProjets.objects.filter(pk=appel.pk).update(
            date_ouverture=date(annee, 3, 1), date_cloture=date(annee, 3, 31)
        )
        appels[annee] = appel
    reel = AppelFactory(est_demo=False)
    outils.dossier_propose(reel)

    assert generer_avis_demo(villiers, consultation_du_conseil) == 6
    assert generer_avis_demo(villiers, consultation_du_conseil) == 0

    assert not AvisProgrammation.objects.filter(appel=reel).exists()
    sens = dict(AvisProgrammation.objects.values_list("appel__annee", "sens"))
    assert sens == {
        2015: Sens.FAVORABLE,
        2016: Sens.RESERVES,
        2017: Sens.FAVORABLE,
        2018: Sens.TACITE,
        2019: Sens.RESERVES,
        2020: Sens.FAVORABLE,
    }
    avis_2016 = AvisProgrammation.objects.get(appel=appels[2016])
    # Sent the day the dossiers are proposed to the COPIL (six weeks after the closing).
    assert avis_2016.consulte_le == date(2016, 3, 31) + timedelta(days=42)
    assert avis_2016.recu_le <= avis_2016.echeance and avis_2016.texte and avis_2016.est_demo
    tacite = AvisProgrammation.objects.get(appel=appels[2018])
    evenement_tacite = [
        e for e in historique_de(tacite) if e.action == ActionProgrammation.AVIS_CONSEIL_TACITE
    ]
    assert evenement_tacite[0].horodatage.date() == tacite.echeance + timedelta(days=1)


def test_without_a_programming_the_consult_button_is_disabled_and_says_why(pilote):
    appel = AppelFactory()
    outils.dossier_en_instruction(appel)
    html = texte(client_de(pilote).get(_url("avis_conseil_citoyen", appel)))
    assert "Aucun dossier n'est encore proposé au comité de pilotage ni validé" in html
    assert 'type="submit" disabled>Transmettre la programmation' in html
