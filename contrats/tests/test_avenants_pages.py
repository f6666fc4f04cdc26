"""The avenants' pages: who may open each of them and post to it, the whole journey of an
adhesion through the pages, and the French messages of bad input."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from contrats.avenants import accords_requis
from contrats.models import AccordAvenant, Avenant, Organisation, Signataire
from contrats.tests.outils_avenants import proposer, proposer_et_ouvrir, repondre
from historique.horloge import aujourdhui
from tests.outils import RACINE, ROLE_TESTE, PageHTML, client_de, html_de

SLUG = "villiers-sur-marne-2015-2020"
CONNEXION = reverse("comptes:connexion")
ROLES = ["anonyme", "pilote", "etat", "financeur", "porteur", "membre"]


def url(nom: str, *args) -> str:
    return reverse(f"contrats:{nom}", args=[SLUG, *args])


def proposition(villiers, **champs) -> dict[str, str]:
    """What the proposal form posts for the adhesion of Adoma."""
    return {
        "regle": str(villiers.regles_modification.get(code="adhesion").pk),
        "objet": "Adhésion d'Adoma",
        "expose": "Adoma finance des actions d'insertion au quartier.",
        "organisation_entrante": str(Organisation.objects.get(code="adoma").pk),
        "representant": "Monsieur Jean DUPONT",
        "qualite": "Directeur territorial",
        **champs,
    }


def lettre(code: str, **champs) -> dict[str, str]:
    return {
        "organisation": str(Organisation.objects.get(code=code).pk),
        "sens": AccordAvenant.Sens.ACCORD,
        "date": aujourdhui().isoformat(),
        "commentaire": "",
        **champs,
    }


# --- Who may open each page and post to it ----------------------------------------------

PUBLIC = dict.fromkeys(ROLES, 200)
PILOTAGE = {"anonyme": "connexion", "pilote": 200, "etat": 200} | dict.fromkeys(
    ["financeur", "porteur", "membre"], 403
)
PILOTAGE_ECRIT = PILOTAGE | {"pilote": 302, "etat": 302}
SIGNATAIRES_ECRIVENT = PILOTAGE_ECRIT | {"financeur": 302}

MATRICE = [
    ("avenants", "get", PUBLIC),
    ("avenant_nouveau", "get", PILOTAGE),
    ("avenant_nouveau", "post", PILOTAGE_ECRIT),
    ("avenant", "get", PUBLIC),
    ("avenant_recueil", "post", PILOTAGE_ECRIT),
    ("avenant_accord", "post", SIGNATAIRES_ECRIVENT),
    ("versions_comparer", "get", PUBLIC),
    ("version", "get", PUBLIC),
]


@pytest.mark.parametrize("nom", ROLES)
@pytest.mark.parametrize(
    ("page", "methode", "attendus"), MATRICE, ids=[f"{p}-{m}" for p, m, _ in MATRICE]
)
def test_who_may_open_each_page_and_post_to_it(
    villiers, pilote, personne, nom, page, methode, attendus
):
    projet = proposer(villiers, pilote)  # n° 1, a projet
    # n° 2, an adhesion being gathered: the CAF's accord is required.
    cci = Organisation.objects.get(code="cci-94")
    proposer_et_ouvrir(villiers, pilote, organisation_entrante=cci)
    adresse, donnees = {
        "avenants": (url("avenants"), {}),
        "avenant_nouveau": (url("avenant_nouveau"), proposition(villiers)),
        "avenant": (url("avenant", 1), {}),
        "avenant_recueil": (url("avenant_recueil", 1), {}),
        "avenant_accord": (url("avenant_accord", 2), lettre("caf")),
        "versions_comparer": (url("versions_comparer"), {}),
        "version": (url("version", 1), {}),
    }[page]
    client = client_de(personne(nom))

    reponse = client.post(adresse, donnees) if methode == "post" else client.get(adresse)

    attendu = attendus[nom]
    if attendu == "connexion":
        assert reponse.status_code == 302
        assert reponse.url.startswith(CONNEXION)
    else:
        assert reponse.status_code == attendu
    if attendu == 302:
        assert not reponse.url.startswith(CONNEXION)
    ecrit = attendu == 302
    if page == "avenant_nouveau" and methode == "post":
        assert Avenant.objects.filter(organisation_entrante__code="adoma").exists() == ecrit
    if page == "avenant_recueil":
        projet.refresh_from_db()
        assert (projet.statut == Avenant.Statut.EN_ACCORD) == ecrit
    if page == "avenant_accord":
        assert AccordAvenant.objects.filter(organisation__code="caf").exists() == ecrit


def test_the_contract_page_links_to_the_avenants(villiers):
    page = PageHTML(html_de(client_de(None).get(reverse("contrats:apercu", args=[SLUG]))))

    assert page.lien(url("avenants")) == "Avenants et versions"


def test_the_list_offers_to_propose_an_avenant_to_the_pilotage_only(villiers, personne):
    for nom in ROLES:
        page = PageHTML(html_de(client_de(personne(nom)).get(url("avenants"))))
        assert (url("avenant_nouveau") in page.hrefs()) == (nom in {"pilote", "etat"}), nom
        assert villiers.get_generation_display() in page.texte


def test_a_financeur_is_offered_his_own_organisation_s_letter_only(villiers, pilote, financeur):
    proposer_et_ouvrir(villiers, pilote)

    html_financeur = html_de(client_de(financeur).get(url("avenant", 1)))
    html_pilote = html_de(client_de(pilote).get(url("avenant", 1)))
    html_public = html_de(client_de(None).get(url("avenant", 1)))

    options = re.compile(r'<option value="(\d+)"')
    caf = Organisation.objects.get(code="caf")
    assert options.findall(html_financeur.split('id="form-accord"')[1]) == [str(caf.pk)]
    assert len(options.findall(html_pilote.split('id="form-accord"')[1])) == 14
    assert 'id="form-accord"' not in html_public


# --- The journey ----------------------------------------------------------------------------


def test_an_adhesion_through_the_pages_from_the_proposal_to_version_2(
    villiers, pilote, etat, financeur
):
    client = client_de(pilote)

    reponse = client.post(url("avenant_nouveau"), proposition(villiers))
    assert reponse.status_code == 302
    assert reponse.url == url("avenant", 1)
    page = PageHTML(html_de(client.get(reponse.url)))
    assert "Avenant n° 1 : Adhésion d'Adoma" in page.texte
    assert "Règle suivie : Article 4" in page.texte
    assert "Cette adhésion doit être acceptée par les signataires" in page.texte
    assert "Avenant n° 1 proposé" in page.texte
    assert villiers.get_generation_display() in page.texte

    avenant = Avenant.objects.get(numero=1)
    reponse = client.post(url("avenant_recueil", 1), {"version": avenant.version})
    assert reponse.status_code == 302
    page = PageHTML(html_de(client.get(url("avenant", 1))))
    assert "Le recueil des accords de l'avenant n° 1 est ouvert" in page.texte
    accords = page.tableaux[0]
    assert accords[0] == [
        "Organisation",
        "Dans la procédure",
        "Réponse",
        "Date de la lettre",
        "Commentaire",
    ]
    assert accords[-1][:3] == ["Adoma", "Demande son adhésion", "—"]
    assert {ligne[1] for ligne in accords[1:-1]} == {"Accord requis"}

    # The CAF's agent sends his organisation's letter himself.
    reponse = client_de(financeur).post(url("avenant_accord", 1), lettre("caf"))
    assert reponse.status_code == 302
    avenant.refresh_from_db()
    requis = [o for o in accords_requis(avenant) if o.code != "caf"]
    for organisation in requis:
        avenant.refresh_from_db()
        reponse = client.post(
            url("avenant_accord", 1), {**lettre(organisation.code), "version": avenant.version}
        )
        assert reponse.status_code == 302, reponse.content.decode()[:3000]

    page = PageHTML(html_de(client.get(url("avenant", 1))))
    assert "est accepté : il fait la version 2 du contrat" in page.texte
    assert "Avenant accepté : version 2 du contrat" in page.texte
    assert 'id="form-accord"' not in client.get(url("avenant", 1)).content.decode()
    assert Signataire.objects.filter(contrat=villiers, organisation__code="adoma").exists()

    version = PageHTML(html_de(client_de(None).get(url("version", 2))))
    assert "Version 2 du contrat" in version.texte
    assert "Adoma (Monsieur Jean DUPONT, Directeur territorial)" in version.texte
    assert "avenant n° 1 (Adhésion d'Adoma), en vigueur depuis le" in version.texte

    liste = PageHTML(html_de(client_de(None).get(url("avenants"))))
    assert url("version", 2) in liste.hrefs()
    avenants, versions = liste.tableaux
    assert avenants[1][4:] == ["Accepté", "14 sur 14", f"{aujourdhui():%d/%m/%Y}"]
    assert [ligne[0] for ligne in versions[1:]] == ["Version 1", "Version 2"]

    comparaison = PageHTML(html_de(client_de(None).get(url("versions_comparer"))))
    assert "Ajouté : Adoma (Monsieur Jean DUPONT, Directeur territorial)" in comparaison.texte


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"objet": ""}, "Donnez un objet à l'avenant (un titre court)."),
        ({"regle": ""}, "Choisissez la règle que suit l'avenant."),
        ({"organisation_entrante": ""}, "Choisissez l'organisation qui adhère au contrat."),
        ({"representant": ""}, "Indiquez qui représente Adoma (nom et prénom)."),
        ({"prolongation_jusquau": "31/13/2022"}, "Indiquez une date valide (JJ/MM/AAAA)."),
        (
            {"organisation_entrante": "caf"},
            "Choisissez une organisation qui n'est pas signataire.",
        ),
    ],
)
def test_a_bad_proposal_shows_a_french_message_and_creates_nothing(
    villiers, pilote, champs, message
):
    if champs.get("organisation_entrante") == "caf":
        champs = {"organisation_entrante": str(Organisation.objects.get(code="caf").pk)}

    reponse = client_de(pilote).post(url("avenant_nouveau"), proposition(villiers, **champs))

    assert reponse.status_code == 400
    page = PageHTML(reponse.content.decode())
    assert message in page.texte
    assert not Avenant.objects.exists()


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        (
            {"date": (aujourdhui() + timedelta(days=1)).isoformat()},
            "est dans le futur : enregistrez une lettre reçue.",
        ),
        ({"date": "2014-12-31"}, "précède le début du contrat (01/01/2015)."),
        ({"date": ""}, "Indiquez la date de la lettre."),
        ({"sens": ""}, "Indiquez si la lettre donne l'accord ou le refuse."),
        ({"organisation": "adoma"}, "L'accord de Adoma n'est pas requis pour l'avenant n° 1"),
        ({"organisation": "0"}, "Choisissez une organisation dont l'accord est attendu."),
    ],
)
def test_a_bad_letter_shows_a_french_message_and_records_nothing(villiers, pilote, champs, message):
    proposer_et_ouvrir(villiers, pilote)
    if champs.get("organisation") == "adoma":  # not a signatory: its accord is not required
        champs = {"organisation": str(Organisation.objects.get(code="adoma").pk)}

    reponse = client_de(pilote).post(url("avenant_accord", 1), lettre("etat", **champs))

    assert reponse.status_code == 400
    page = PageHTML(reponse.content.decode())
    assert message in page.texte
    assert not AccordAvenant.objects.exists()


def test_a_financeur_posting_another_organisation_s_letter_is_told_why(villiers, pilote, financeur):
    proposer_et_ouvrir(villiers, pilote)

    reponse = client_de(financeur).post(url("avenant_accord", 1), lettre("etat"))

    assert reponse.status_code == 400
    texte = PageHTML(reponse.content.decode()).texte
    assert "Vous n'enregistrez que la lettre de votre organisation, pas celle de L’Etat." in texte
    assert not AccordAvenant.objects.exists()


def test_a_letter_after_the_decision_is_told_why(villiers, pilote, etat):
    avenant = proposer_et_ouvrir(villiers, pilote, Avenant.Nature.ANNEXES)
    repondre(avenant, "etat", etat, AccordAvenant.Sens.REFUS)

    reponse = client_de(pilote).post(url("avenant_accord", 1), lettre("commune"))

    assert reponse.status_code == 400
    texte = PageHTML(reponse.content.decode()).texte
    assert "L'avenant n° 1 est déjà « Refusé » : il ne reçoit plus d'accord." in texte
    assert AccordAvenant.objects.count() == 1


def test_a_stale_form_shows_the_conflict(villiers, pilote, etat):
    avenant = proposer_et_ouvrir(villiers, pilote, Avenant.Nature.ANNEXES)
    version_lue = avenant.version
    repondre(avenant, "etat", etat)

    reponse = client_de(pilote).post(
        url("avenant_accord", 1), {**lettre("commune"), "version": version_lue}
    )

    assert reponse.status_code == 400
    assert "modifié par une autre personne" in PageHTML(reponse.content.decode()).texte
    assert AccordAvenant.objects.count() == 1


def test_opening_twice_says_why_nothing_happened(villiers, pilote):
    proposer_et_ouvrir(villiers, pilote)

    reponse = client_de(pilote).post(url("avenant_recueil", 1), follow=True)

    assert "seul un projet ouvre le recueil des accords" in PageHTML(html_de(reponse)).texte


def test_an_unknown_avenant_is_not_found(villiers, pilote):
    client = client_de(pilote)
    assert client.get(url("avenant", 1)).status_code == 404
    assert client.post(url("avenant_recueil", 1)).status_code == 404
    assert client.post(url("avenant_accord", 1), lettre("etat")).status_code == 404


# --- Who-may-what lives in contrats/permissions.py ------------------------------------------


@pytest.mark.parametrize(
    "chemin",
    [
        "contrats/avenants.py",
        "contrats/selectors_avenants.py",
        "contrats/views_avenants.py",
        "contrats/forms_avenants.py",
        "contrats/versions.py",
        "templates/contrats/avenants",
    ],
)
def test_no_service_selector_view_or_template_of_the_avenants_tests_a_role(chemin):
    cible = RACINE / chemin
    fichiers = sorted(cible.rglob("*")) if cible.is_dir() else [cible]
    fautifs = [
        f"{fichier.relative_to(RACINE)}:{numero}"
        for fichier in fichiers
        for numero, ligne in enumerate(fichier.read_text().splitlines(), 1)
        # A signatory's role in the contract (partie, partenaire) is not a person's.
        if ROLE_TESTE.search(ligne.replace("Signataire.Role.", ""))
    ]
    assert fautifs == [], "ask contrats.permissions instead"


def test_the_matrix_covers_every_page_of_the_avenants():
    from contrats import urls, views_avenants

    pages = {
        motif.name
        for motif in urls.urlpatterns
        if getattr(motif.callback, "__module__", "") == views_avenants.__name__
    }
    assert pages == {page for page, _, _ in MATRICE}
