"""The conseil citoyen: its two colleges and what departs from the law (habitants fewer
than half, parity of those drawn by lot, an empty college), its charter, its public page
and the pilotage's forms, who may use them, and its demo."""

import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from contrats.models import Instance
from gouvernance.actions import ActionGouvernance
from gouvernance.conseil_citoyen import (
    adopter_charte,
    charte_de,
    composition_du_conseil,
    inscrire_au_conseil,
    terminer_mandat_au_conseil,
)
from gouvernance.demo import (
    DemoGouvernance,
    generer_demo_gouvernance,
    installer_conseil_citoyen_demo,
)
from gouvernance.models import CharteConseilCitoyen, MembreInstance
from gouvernance.services import ajouter_membre
from gouvernance.tests.outils import pilote_demo
from gouvernance.urls import urlpatterns
from historique.erreurs import ConflitDeModification, DonneesInvalides, DroitInsuffisant
from historique.horloge import aujourdhui
from historique.selectors import historique_de
from tests.outils import client_de

pytestmark = pytest.mark.django_db

F, H = MembreInstance.Sexe.FEMME, MembreInstance.Sexe.HOMME
HABITANTS = MembreInstance.College.HABITANTS
ACTEURS = MembreInstance.College.ACTEURS_LOCAUX
DEBUT = date(2015, 4, 9)
JOUR = date(2016, 1, 15)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def conseil(villiers) -> Instance:
    return villiers.instances.get(nature=Instance.Nature.CONSEIL_CITOYEN)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _habitant(conseil, nom: str, sexe: str, tire: bool = True, debut: date = DEBUT):
    return inscrire_au_conseil(
        instance=conseil,
        acteur=pilote_demo(),
        college=HABITANTS,
        date_debut=debut,
        nom=nom,
        sexe=sexe,
        tire_au_sort=tire,
    )


def _acteur(conseil, organisation: str, nom: str = ""):
    return inscrire_au_conseil(
        instance=conseil,
        acteur=pilote_demo(),
        college=ACTEURS,
        date_debut=DEBUT,
        nom=nom,
        organisation=organisation,
    )


def _habitants(conseil, femmes: int, hommes: int) -> None:
    for rang in range(femmes):
        _habitant(conseil, f"Habitante {rang}", F)
    for rang in range(hommes):
        _habitant(conseil, f"Habitant {rang}", H)


def _acteurs(conseil, nombre: int) -> None:
    for rang in range(nombre):
        _acteur(conseil, f"Association du quartier n° {rang} (test)")


# --- Composition and alerts ----------------------------------------------------------------


def test_an_empty_conseil_says_both_colleges_are_empty(conseil):
    composition = composition_du_conseil(conseil, JOUR)

    assert composition.total == 0
    assert composition.alertes == [
        "Le collège des habitants est vide.",
        "Le collège des acteurs locaux est vide.",
    ]


def test_a_balanced_conseil_raises_no_alert(conseil):
    _habitants(conseil, 4, 4)
    _acteurs(conseil, 5)

    composition = composition_du_conseil(conseil, JOUR)

    assert (composition.nb_habitants, composition.nb_acteurs_locaux, composition.total) == (
        8,
        5,
        13,
    )
    assert (composition.femmes_tirees_au_sort, composition.hommes_tires_au_sort) == (4, 4)
    assert composition.alertes == []


def test_habitants_fewer_than_half_of_the_members_raise_an_alert(conseil):
    _habitants(conseil, 1, 1)
    _acteurs(conseil, 3)

    alertes = composition_du_conseil(conseil, JOUR).alertes

    assert alertes == [
        "Les habitants ne sont que 2 sur 5 membres en fonction : la loi veut qu'ils en forment "
        "au moins la moitié."
    ]


def test_habitants_making_exactly_half_are_enough(conseil):
    _habitants(conseil, 1, 1)
    _acteurs(conseil, 2)
    assert composition_du_conseil(conseil, JOUR).alertes == []


def test_parity_of_the_habitants_drawn_by_lot_off_by_two_raises_an_alert(conseil):
    _habitants(conseil, 3, 1)
    _acteurs(conseil, 1)

    alertes = composition_du_conseil(conseil, JOUR).alertes

    assert alertes == [
        "Parmi les habitants tirés au sort, 3 femmes et 1 homme : la parité veut un écart "
        "d'une personne au plus."
    ]


def test_parity_off_by_one_is_accepted_and_volunteers_do_not_count(conseil):
    _habitants(conseil, 2, 1)
    _habitant(conseil, "Volontaire", F, tire=False)
    _habitant(conseil, "Autre volontaire", F, tire=False)
    _acteurs(conseil, 1)

    composition = composition_du_conseil(conseil, JOUR)

    assert (composition.femmes_tirees_au_sort, composition.hommes_tires_au_sort) == (2, 1)
    assert composition.alertes == []


def test_a_mandate_ended_no_longer_counts_from_the_next_day(conseil):
    _habitants(conseil, 1, 1)
    acteur = _acteur(conseil, "Amicale des locataires (test)", "Colette Garnier")

    terminer_mandat_au_conseil(membre=acteur, acteur=pilote_demo(), date_fin=date(2015, 12, 31))

    assert composition_du_conseil(conseil, date(2015, 12, 31)).nb_acteurs_locaux == 1
    assert composition_du_conseil(conseil, JOUR).alertes == [
        "Le collège des acteurs locaux est vide."
    ]
    assert [e.action for e in historique_de(acteur)][:1] == [ActionGouvernance.MEMBRE_FIN]


def test_an_acteur_local_sits_for_an_organisation_found_or_created_by_its_name(conseil):
    premier = _acteur(conseil, "Amicale des locataires (test)", "Colette Garnier")
    second = _acteur(conseil, "amicale des locataires (TEST)", "Paul Roux")

    assert premier.organisation_id == second.organisation_id
    assert premier.organisation.nom == "Amicale des locataires (test)"
    assert str(premier) == "Colette Garnier (Amicale des locataires (test))"


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        (
            {"college": "", "nom": "Lina"},
            "Choisissez le collège : celui des habitants ou celui des acteurs locaux.",
        ),
        (
            {"college": HABITANTS, "nom": "Lina"},
            "Indiquez si ce membre du collège des habitants est une femme ou un homme : la "
            "parité du collège en dépend.",
        ),
        (
            {"college": HABITANTS, "sexe": F},
            "Indiquez le nom de l'habitant ou de l'habitante.",
        ),
        (
            {"college": HABITANTS, "nom": "Lina", "sexe": F, "organisation": "Un club"},
            "Un habitant siège en son nom propre : il ne représente aucune organisation.",
        ),
        (
            {"college": ACTEURS, "organisation": "Un club", "tire_au_sort": True},
            "Seuls les habitants sont tirés au sort : les acteurs locaux sont désignés.",
        ),
        (
            {"college": ACTEURS},
            "Indiquez l'association ou l'acteur local, la personne qui siège, ou les deux.",
        ),
        (
            {"college": ACTEURS, "organisation": "Un club", "date_debut": date(2014, 12, 31)},
            "Le mandat ne peut commencer le 31/12/2014 : c'est hors de la période du contrat "
            "(du 01/01/2015 au 31/12/2045).",
        ),
        (
            {"college": ACTEURS, "organisation": "Un club", "date_debut": None},
            "Indiquez la date de début du mandat.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(conseil, champs, message):
    avant = MembreInstance.objects.count()
    with pytest.raises(DonneesInvalides) as erreur:
        inscrire_au_conseil(
            instance=conseil, acteur=pilote_demo(), **{"date_debut": DEBUT, **champs}
        )
    assert erreur.value.message == message
    assert MembreInstance.objects.count() == avant


def test_someone_in_office_is_not_added_twice(conseil):
    _habitant(conseil, "Lina Haddad", F)
    with pytest.raises(DonneesInvalides, match="Lina Haddad siège déjà au conseil citoyen"):
        _habitant(conseil, "lina haddad", F, debut=JOUR)


def test_only_the_pilotage_adds_members_ends_mandates_and_records_the_charter(
    conseil, financeur, membre
):
    habitant = _habitant(conseil, "Lina Haddad", F)
    for personne in (financeur, membre):
        with pytest.raises(DroitInsuffisant):
            inscrire_au_conseil(
                instance=conseil, acteur=personne, college=ACTEURS, date_debut=DEBUT, nom="X"
            )
        with pytest.raises(DroitInsuffisant):
            terminer_mandat_au_conseil(membre=habitant, acteur=personne, date_fin=JOUR)
        with pytest.raises(DroitInsuffisant):
            adopter_charte(instance=conseil, acteur=personne, texte="Charte", adoptee_le=JOUR)
    assert MembreInstance.objects.filter(instance=conseil).count() == 1


def test_an_ended_mandate_does_not_end_twice(conseil):
    habitant = _habitant(conseil, "Lina Haddad", F)
    terminer_mandat_au_conseil(membre=habitant, acteur=pilote_demo(), date_fin=JOUR)
    habitant.refresh_from_db()
    with pytest.raises(DonneesInvalides, match="a déjà pris fin le 15/01/2016"):
        terminer_mandat_au_conseil(membre=habitant, acteur=pilote_demo(), date_fin=JOUR)
    with pytest.raises(DonneesInvalides, match="La fin du mandat précède son début"):
        terminer_mandat_au_conseil(
            membre=_habitant(conseil, "Paul Roux", H),
            acteur=pilote_demo(),
            date_fin=date(2015, 1, 2),
        )


def test_only_a_conseil_citoyen_has_colleges_and_a_charter(villiers):
    copil = villiers.instances.get(code="copil-politique")
    with pytest.raises(DonneesInvalides, match="n'est pas un conseil citoyen"):
        inscrire_au_conseil(
            instance=copil, acteur=pilote_demo(), college=ACTEURS, date_debut=DEBUT, nom="X"
        )
    with pytest.raises(DonneesInvalides, match="n'est pas un conseil citoyen"):
        adopter_charte(instance=copil, acteur=pilote_demo(), texte="Charte", adoptee_le=DEBUT)


# --- The charter ---------------------------------------------------------------------------------


def test_adopting_the_charter_writes_an_event_and_a_revision_raises_its_version(
    conseil, etat, media
):
    charte = adopter_charte(
        instance=conseil,
        acteur=pilote_demo(),
        texte="Le conseil se réunit deux fois par an.",
        adoptee_le=date(2015, 5, 12),
        fichier=SimpleUploadedFile("charte.pdf", PDF),
    )
    assert (charte.version, charte.adoptee_le) == (1, date(2015, 5, 12))
    assert charte.fichier.name.startswith(f"chartes/{conseil.pk}/")
    assert charte.nom_original == "charte.pdf"
    evenement = historique_de(charte)[0]
    assert evenement.action == ActionGouvernance.CHARTE_ADOPTION
    assert evenement.changements["adoptée le"] == "2015-05-12"

    revisee = adopter_charte(
        instance=conseil,
        acteur=etat,
        texte="Le conseil se réunit trois fois par an.",
        adoptee_le=date(2017, 6, 1),
        version=1,
    )

    assert CharteConseilCitoyen.objects.count() == 1
    assert (revisee.version, revisee.texte) == (2, "Le conseil se réunit trois fois par an.")
    assert revisee.nom_original == "charte.pdf"  # no new file: the one it had stays
    assert [e.action for e in historique_de(revisee)] == [ActionGouvernance.CHARTE_ADOPTION] * 2


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"texte": "  "}, "Recopiez le texte de la charte adoptée."),
        ({"adoptee_le": None}, "Indiquez la date d'adoption de la charte."),
        (
            {"fichier": SimpleUploadedFile("charte.pdf", b"PK\x03\x04 pas un pdf")},
            "Ce fichier n'est pas un vrai PDF : son contenu ne correspond pas à son extension.",
        ),
        (
            {"fichier": SimpleUploadedFile("charte.exe", PDF)},
            "Format refusé : joignez un fichier PDF, ODT, ODS, DOCX ou XLSX.",
        ),
    ],
)
def test_a_bad_charter_is_refused_and_nothing_is_recorded(conseil, media, champs, message):
    with pytest.raises(DonneesInvalides) as erreur:
        adopter_charte(
            instance=conseil,
            acteur=pilote_demo(),
            **{"texte": "Charte", "adoptee_le": DEBUT, **champs},
        )
    assert erreur.value.message == message
    assert charte_de(conseil) is None


def test_a_charter_cannot_be_adopted_in_the_future_nor_over_a_newer_version(conseil):
    with pytest.raises(DonneesInvalides, match="cette date n'est pas encore passée"):
        adopter_charte(
            instance=conseil, acteur=pilote_demo(), texte="Charte", adoptee_le=date(2099, 1, 1)
        )
    adopter_charte(instance=conseil, acteur=pilote_demo(), texte="Charte", adoptee_le=DEBUT)
    adopter_charte(instance=conseil, acteur=pilote_demo(), texte="Révisée", adoptee_le=JOUR)
    with pytest.raises(ConflitDeModification):
        adopter_charte(
            instance=conseil, acteur=pilote_demo(), texte="Périmée", adoptee_le=JOUR, version=1
        )
    assert charte_de(conseil).texte == "Révisée"


# --- Pages ---------------------------------------------------------------------------------------


def _url(nom: str, villiers) -> str:
    return reverse(f"gouvernance:{nom}", args=[villiers.slug])


def _messages(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


def test_the_public_page_shows_both_colleges_the_counts_the_alerts_and_the_charter(
    client, villiers, conseil
):
    _habitants(conseil, 3, 1)
    _acteur(conseil, "Amicale des locataires (test)", "Colette Garnier")
    adopter_charte(
        instance=conseil, acteur=pilote_demo(), texte="Espace de parole.", adoptee_le=DEBUT
    )

    reponse = client.get(_url("conseil_citoyen", villiers))

    html = reponse.content.decode()
    assert reponse.status_code == 200
    # Private persons are not named to the public (RGPD): the organisations are.
    assert "Habitante 0" not in html and "Habitant 0" not in html
    assert "Amicale des locataires (test)" in html and "Colette Garnier" not in html
    assert "Collège des habitants : 4 membres, dont 4 tirés au sort (3 femmes, 1 homme)" in html
    assert "3 femmes et 1 homme : la parité veut un écart" in html
    assert "Adoptée le 09/04/2015" in html and "Espace de parole." in html
    # The public sees no form of the pilotage.
    assert 'id="ajout-membre"' not in html and "Mettre fin au mandat" not in html
    assert 'id="form-charte"' not in html


def test_the_pilote_adds_a_member_through_the_page(villiers, conseil, pilote):
    client = client_de(pilote)
    page = client.get(_url("conseil_citoyen", villiers)).content.decode()
    assert 'id="ajout-membre"' in page

    reponse = client.post(
        _url("conseil_citoyen_membre", villiers),
        {
            "college": HABITANTS,
            "nom": "Lina Haddad",
            "sexe": F,
            "tire_au_sort": "on",
            "date_debut": "2016-02-01",
        },
    )

    assert reponse.status_code == 302
    assert _messages(reponse) == ["Membre ajouté au conseil citoyen."]
    membre = MembreInstance.objects.get(instance=conseil, nom="Lina Haddad")
    assert (membre.college, membre.sexe, membre.tire_au_sort) == (HABITANTS, F, True)
    assert membre.date_debut == date(2016, 2, 1)
    assert "Lina Haddad" in client.get(reponse["Location"]).content.decode()


def test_a_bad_member_through_the_page_comes_back_as_a_french_message(villiers, conseil, etat):
    sans_sexe = client_de(etat).post(
        _url("conseil_citoyen_membre", villiers),
        {"college": HABITANTS, "nom": "Lina Haddad", "date_debut": "2016-02-01"},
    )
    sans_date = client_de(etat).post(
        _url("conseil_citoyen_membre", villiers),
        {"college": ACTEURS, "organisation": "Un club", "date_debut": "le 3 mars"},
    )

    assert _messages(sans_sexe) == [
        "Indiquez si ce membre du collège des habitants est une femme ou un homme : la parité "
        "du collège en dépend."
    ]
    assert _messages(sans_date) == ["Indiquez une date valide (JJ/MM/AAAA)."]
    assert not MembreInstance.objects.filter(instance=conseil).exists()


def test_the_pilote_ends_a_mandate_through_the_page(villiers, conseil, pilote):
    habitant = _habitant(conseil, "Lina Haddad", F)
    client = client_de(pilote)
    assert "Mettre fin au mandat" in client.get(_url("conseil_citoyen", villiers)).content.decode()

    reponse = client.post(
        _url("conseil_citoyen_fin_mandat", villiers),
        {"membre": habitant.pk, "date_fin": "2017-06-30"},
    )

    habitant.refresh_from_db()
    assert habitant.date_fin == date(2017, 6, 30)
    assert _messages(reponse) == ["Le mandat de Lina Haddad prend fin le 30/06/2017."]
    page = client.get(_url("conseil_citoyen", villiers)).content.decode()
    assert "Aucun habitant ne siège." in page  # no longer in office today


def test_a_member_of_another_body_cannot_be_ended_from_the_conseil_s_page(villiers, pilote):
    copil = villiers.instances.get(code="copil-politique")
    autre = MembreInstance.objects.create(instance=copil, nom="Élu référent", date_debut=DEBUT)
    reponse = client_de(pilote).post(
        _url("conseil_citoyen_fin_mandat", villiers), {"membre": autre.pk, "date_fin": "2017-06-30"}
    )
    assert reponse.status_code == 404
    autre.refresh_from_db()
    assert autre.date_fin is None


def test_the_pilote_records_the_charter_with_its_file_which_anyone_downloads(
    client, villiers, conseil, pilote, media
):
    reponse = client_de(pilote).post(
        _url("conseil_citoyen_charte", villiers),
        {
            "texte": "Le conseil citoyen est indépendant.",
            "adoptee_le": "2015-05-12",
            "fichier": SimpleUploadedFile("Charte CC.pdf", PDF),
        },
    )

    assert _messages(reponse) == ["Charte du conseil citoyen enregistrée."]
    charte = charte_de(conseil)
    assert charte.texte == "Le conseil citoyen est indépendant."
    fichier = client.get(_url("conseil_citoyen_charte_fichier", villiers))
    assert fichier.status_code == 200
    assert b"".join(fichier.streaming_content) == PDF
    assert 'filename="Charte CC.pdf"' in fichier["Content-Disposition"]


def test_a_charter_without_text_through_the_page_is_refused(villiers, conseil, pilote):
    reponse = client_de(pilote).post(
        _url("conseil_citoyen_charte", villiers), {"texte": "", "adoptee_le": "2015-05-12"}
    )
    assert _messages(reponse) == ["Recopiez le texte de la charte adoptée."]
    assert charte_de(conseil) is None


# --- Who gets what from each URL of the conseil citoyen --------------------------------------

ROLES = ("anonyme", "pilote", "etat", "financeur", "porteur", "membre")
PAGE, REFUS, CONNEXION, TRAITE = "200", "403", "connexion", "traité"
PILOTAGE_POST = {"anonyme": CONNEXION, "pilote": TRAITE, "etat": TRAITE} | dict.fromkeys(
    ("financeur", "porteur", "membre"), REFUS
)
# fmt: off
MATRICE = {
    "conseil_citoyen": dict.fromkeys(ROLES, PAGE),
    "conseil_citoyen_charte_fichier": dict.fromkeys(ROLES, PAGE),
    "conseil_citoyen_membre": PILOTAGE_POST,
    "conseil_citoyen_fin_mandat": PILOTAGE_POST,
    "conseil_citoyen_charte": PILOTAGE_POST,
}
# fmt: on
POST_SEULEMENT = {nom for nom, ligne in MATRICE.items() if TRAITE in ligne.values()}


def _constat(reponse) -> str:
    if reponse.status_code == 302:
        return CONNEXION if reverse("comptes:connexion") in reponse["Location"] else TRAITE
    return str(reponse.status_code)


def test_the_matrix_has_a_row_for_every_url_of_the_conseil_citoyen():
    noms = {m.name for m in urlpatterns if m.name.startswith("conseil_citoyen")}
    assert set(MATRICE) == noms
    for ligne in MATRICE.values():
        assert tuple(ligne) == ROLES


@pytest.mark.parametrize(
    ("nom", "role"),
    [(nom, role) for nom in MATRICE for role in ROLES],
    ids=[f"{nom}-{role}" for nom in MATRICE for role in ROLES],
)
def test_each_role_gets_what_the_policy_grants_on_each_url_of_the_conseil(
    nom, role, villiers, conseil, personne, media
):
    habitant = _habitant(conseil, "Lina Haddad", F)
    adopter_charte(
        instance=conseil,
        acteur=pilote_demo(),
        texte="Charte",
        adoptee_le=DEBUT,
        fichier=SimpleUploadedFile("charte.pdf", PDF),
    )
    corps = {
        "conseil_citoyen_membre": {
            "college": ACTEURS,
            "organisation": "Un club",
            "date_debut": "2016-01-01",
        },
        "conseil_citoyen_fin_mandat": {"membre": habitant.pk, "date_fin": "2016-01-01"},
        "conseil_citoyen_charte": {"texte": "Révisée", "adoptee_le": "2016-01-01"},
    }
    avant = (MembreInstance.objects.count(), charte_de(conseil).version)
    client = client_de(personne(role))
    url = _url(nom, villiers)

    reponse = client.post(url, corps[nom]) if nom in POST_SEULEMENT else client.get(url)

    assert _constat(reponse) == MATRICE[nom][role], f"{role} sur {nom} : {reponse.status_code}"
    if MATRICE[nom][role] != TRAITE:
        habitant.refresh_from_db()
        assert habitant.date_fin is None
        assert (MembreInstance.objects.count(), charte_de(conseil).version) == avant
    if nom == "conseil_citoyen":
        page = reponse.content.decode()
        assert ('id="ajout-membre"' in page) == (role in ("pilote", "etat"))


@pytest.mark.parametrize("nom", sorted(POST_SEULEMENT))
def test_the_pilotage_s_urls_refuse_get(nom, villiers, pilote):
    assert client_de(pilote).get(_url(nom, villiers)).status_code == 405


def test_the_charter_file_is_404_until_there_is_one(client, villiers, conseil):
    assert client.get(_url("conseil_citoyen_charte_fichier", villiers)).status_code == 404
    adopter_charte(instance=conseil, acteur=pilote_demo(), texte="Charte", adoptee_le=DEBUT)
    assert client.get(_url("conseil_citoyen_charte_fichier", villiers)).status_code == 404


# --- Demo ----------------------------------------------------------------------------------------


def test_the_demo_conseil_is_balanced_has_its_charter_and_is_installed_once(villiers, conseil):
    premier = DemoGouvernance()
    installer_conseil_citoyen_demo(villiers, pilote_demo(), premier)

    composition = composition_du_conseil(conseil, aujourdhui())
    assert (premier.membres, premier.chartes) == (13, 1)
    assert (composition.nb_habitants, composition.nb_acteurs_locaux) == (8, 5)
    assert (composition.femmes_tirees_au_sort, composition.hommes_tires_au_sort) == (4, 4)
    assert composition.alertes == []
    assert all(m.est_demo for m in composition.habitants + composition.acteurs_locaux)
    assert all("(démo)" in m.organisation.nom for m in composition.acteurs_locaux)
    assert all(m.organisation.code.startswith("demo-") for m in composition.acteurs_locaux)
    charte = charte_de(conseil)
    assert charte.adoptee_le.year == 2015 and charte.est_demo
    # The events carry the dates of 2015 (historique.horloge.rejouer_a).
    assert historique_de(charte)[0].horodatage.year == 2015

    second = DemoGouvernance()
    installer_conseil_citoyen_demo(villiers, pilote_demo(), second)

    assert second.total == 0
    assert MembreInstance.objects.filter(instance=conseil).count() == 13
    assert CharteConseilCitoyen.objects.count() == 1


def test_the_whole_governance_demo_installs_the_conseil_then_changes_nothing(villiers, conseil):
    premier = generer_demo_gouvernance(villiers)
    comptes = (MembreInstance.objects.count(), CharteConseilCitoyen.objects.count())

    second = generer_demo_gouvernance(villiers)
    sortie = io.StringIO()
    call_command("generer_demo_gouvernance", stdout=sortie)

    assert premier.chartes == 1 and premier.membres >= 13
    assert second.total == 0 and "rien créé" in sortie.getvalue()
    assert (MembreInstance.objects.count(), CharteConseilCitoyen.objects.count()) == comptes
    composition = composition_du_conseil(conseil, aujourdhui())
    # The organisation "Le Conseil Citoyen" sits too, without a college: 8 habitants of 14.
    assert (composition.nb_habitants, composition.total) == (8, 14)
    assert composition.alertes == []


def test_a_database_demoed_before_the_colleges_gets_them_and_nothing_else(villiers, conseil):
    ajouter_membre(
        instance=villiers.instances.get(code="copil-politique"),
        acteur=pilote_demo(),
        date_debut=DEBUT,
        nom="Membre d'une démonstration antérieure",
        est_demo=True,
    )

    bilan = generer_demo_gouvernance(villiers)

    assert (bilan.membres, bilan.chartes, bilan.seances) == (13, 1, 0)
    assert composition_du_conseil(conseil, JOUR).alertes == []
