"""Generations of contracts: the 2024-2030 one (Engagements Quartiers 2030) loaded from its
files with its own priorities, and a contract created from its predecessor in the pages."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from contrats.actions import ActionContrat
from contrats.generations import ContratSuivant, creer_contrat_suivant
from contrats.models import Contrat, Engagement, Habilitation, Instance, ProjetDeQuartier
from contrats.services import ErreurChargement, charger_contrat
from historique.erreurs import DonneesInvalides
from historique.models import Evenement
from tests.outils import client_de, page

DOSSIER_2024 = Path(settings.CONTRATS_DATA_DIR) / "villiers-sur-marne-2024-2030"
CONNEXION = reverse("comptes:connexion")


def suivant(**champs) -> ContratSuivant:
    valeurs = {
        "slug": "villiers-sur-marne-2024-2030-bis",
        "titre": "Contrat de ville de Villiers-sur-Marne 2024-2030",
        "generation": "2024-2030",
        "date_debut": date(2024, 1, 1),
        "date_fin": date(2030, 12, 31),
    }
    return ContratSuivant(**(valeurs | champs))


# --- The 2024-2030 contract's files ---------------------------------------------------------


def test_the_2024_contract_names_its_predecessor_and_keeps_its_own_priorities(eq2030, villiers):
    assert eq2030.precedent == villiers
    assert eq2030.date_revoyure == date(2027, 6, 30)
    assert list(eq2030.piliers.values_list("intitule", flat=True)) == [
        "Réussite éducative et avenir des jeunes",
        "Emploi et activité économique",
        "Cadre de vie, tranquillité et transition écologique",
        "Santé, accès aux droits et lien social",
    ]
    # The 2015 contract keeps its three pillars.
    assert villiers.piliers.count() == 3


def test_the_2024_contract_has_one_projet_de_quartier_per_qpv(eq2030):
    projets = ProjetDeQuartier.objects.filter(contrat=eq2030)
    assert {p.quartier for p in projets} == set(eq2030.quartiers.all())
    assert projets.get().priorites.count() == 4


def test_every_2024_engagement_is_measurable(eq2030):
    engagements = Engagement.objects.filter(section__contrat=eq2030)
    assert engagements.count() == 10
    assert all(e.est_mesurable for e in engagements)
    premier = engagements.get(section__numero="2.1", ordre=1)
    assert premier.cible == "120 enfants en 2030"


def test_loading_the_2024_contract_twice_changes_nothing(eq2030):
    _, bilan = charger_contrat(dossier=DOSSIER_2024)
    assert bilan.inchange


@pytest.fixture
def copie_2024(tmp_path):
    cible = tmp_path / "villiers-sur-marne-2024-2030"
    shutil.copytree(DOSSIER_2024, cible)
    return cible


def reecrire(dossier: Path, fichier: str, modifier) -> None:
    chemin = dossier / fichier
    donnees = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    modifier(donnees)
    chemin.write_text(yaml.safe_dump(donnees, allow_unicode=True), encoding="utf-8")


def avant_apres(dossier: Path) -> str:
    avant = Contrat.objects.count()
    with pytest.raises(ErreurChargement) as erreur:
        charger_contrat(dossier=dossier)
    assert Contrat.objects.count() == avant
    return str(erreur.value)


def test_a_2024_contract_organised_in_pillars_is_refused(villiers, copie_2024):
    reecrire(
        copie_2024,
        "cadre_strategique.yaml",
        lambda c: c.update(piliers=c.pop("priorites_locales")),
    )
    assert "la liste « priorites_locales » ne doit pas être vide" in avant_apres(copie_2024)


def test_a_2015_contract_with_local_priorities_is_refused(villiers, copie_2024):
    reecrire(copie_2024, "contrat.yaml", lambda c: c["contrat"].update(generation="2015-2020"))
    message = avant_apres(copie_2024)
    assert "organise son cadre en piliers : la liste « piliers » ne doit pas être vide" in message


def test_a_qpv_without_projet_de_quartier_is_refused(villiers, copie_2024):
    reecrire(copie_2024, "cadre_strategique.yaml", lambda c: c.update(projets_de_quartier=[]))
    message = avant_apres(copie_2024)
    assert (
        "le quartier 'hautes-noues-portes-de-paris-2024' n'a pas de projet de quartier" in message
    )


def test_an_engagement_without_indicator_is_refused_in_2024(villiers, copie_2024):
    reecrire(
        copie_2024,
        "signataires.yaml",
        lambda c: c["sections_engagements"][0]["engagements"][0].pop("indicateur"),
    )
    message = avant_apres(copie_2024)
    assert "sections_engagements[1].engagements[1]" in message
    assert "chaque engagement est mesurable" in message


def test_an_unknown_predecessor_is_refused(villiers, copie_2024):
    reecrire(copie_2024, "contrat.yaml", lambda c: c["contrat"].update(precedent="nulle-part"))
    assert "contrat précédent 'nulle-part' introuvable" in avant_apres(copie_2024)


def test_a_projet_de_quartier_naming_an_unknown_priority_is_refused(villiers, copie_2024):
    reecrire(
        copie_2024,
        "cadre_strategique.yaml",
        lambda c: c["projets_de_quartier"][0].update(priorites=["inconnue"]),
    )
    assert "priorité 'inconnue' inconnue du cadre stratégique" in avant_apres(copie_2024)


# --- Creating a contract from its predecessor -------------------------------------------------


def test_the_new_contract_takes_over_territory_signatories_bodies_and_pilotes(villiers, pilote):
    contrat = creer_contrat_suivant(precedent=villiers, suivant=suivant(), acteur=pilote)

    assert contrat.precedent == villiers
    assert contrat.date_revoyure == date(2027, 6, 30)
    assert set(contrat.quartiers.all()) == set(villiers.quartiers.all())
    assert list(contrat.signataires.values_list("organisation__code", flat=True)) == list(
        villiers.signataires.order_by("ordre").values_list("organisation__code", flat=True)
    )
    assert set(contrat.instances.values_list("code", flat=True)) == set(
        villiers.instances.values_list("code", flat=True)
    )
    copil = Instance.objects.get(contrat=contrat, code="copil-politique")
    assert (
        copil.organisations.count()
        == villiers.instances.get(code="copil-politique").organisations.count()
    )
    assert Habilitation.objects.filter(contrat=contrat, utilisateur=pilote, role="pilote").exists()
    # Its own priorities and engagements are still to be set.
    assert contrat.piliers.count() == 0
    assert not Engagement.objects.filter(section__contrat=contrat).exists()
    evenement = Evenement.objects.get(action=ActionContrat.CREATION_DEPUIS_PRECEDENT)
    assert evenement.acteur == pilote
    assert evenement.changements["contrat précédent"] == villiers.slug


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"slug": "villiers-sur-marne-2015-2020"}, "est déjà celui d'un autre contrat"),
        ({"date_debut": date(2014, 1, 1)}, "doit commencer après le début du contrat précédent"),
        ({"date_fin": date(2032, 12, 31)}, "court de 2024 à 2030"),
        ({"date_fin": date(2023, 12, 31)}, "La fin du contrat ne peut pas précéder son début."),
    ],
)
def test_a_bad_new_contract_is_refused_and_nothing_is_created(villiers, pilote, champs, message):
    avant = Contrat.objects.count()
    with pytest.raises(DonneesInvalides, match=message):
        creer_contrat_suivant(precedent=villiers, suivant=suivant(**champs), acteur=pilote)
    assert Contrat.objects.count() == avant


def test_a_contract_has_one_successor_per_generation(villiers, pilote):
    creer_contrat_suivant(precedent=villiers, suivant=suivant(), acteur=pilote)
    with pytest.raises(DonneesInvalides, match="a déjà un contrat de cette génération"):
        creer_contrat_suivant(precedent=villiers, suivant=suivant(slug="autre"), acteur=pilote)


# --- The pages -----------------------------------------------------------------------------------

URL_SUIVANT = reverse("contrats:contrat_suivant", args=["villiers-sur-marne-2015-2020"])


def formulaire(**champs) -> dict[str, str]:
    return {
        "generation": "2024-2030",
        "titre": "Contrat de ville de Villiers-sur-Marne 2024-2030",
        "slug": "villiers-2024-2030",
        "date_debut": "2024-01-01",
        "date_fin": "2030-12-31",
        **champs,
    }


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("anonyme", "connexion"),
        ("pilote", 302),
        ("etat", 403),
        ("financeur", 403),
        ("porteur", 403),
        ("membre", 403),
    ],
)
def test_only_the_pilote_creates_the_next_contract(villiers, personne, nom, attendu):
    client = client_de(personne(nom))
    lecture = client.get(URL_SUIVANT)
    reponse = client.post(URL_SUIVANT, formulaire())

    if attendu == "connexion":
        assert lecture.status_code == reponse.status_code == 302
        assert reponse.url.startswith(CONNEXION)
    else:
        assert lecture.status_code == (200 if attendu == 302 else 403)
        assert reponse.status_code == attendu
    assert Contrat.objects.filter(slug="villiers-2024-2030").exists() == (attendu == 302)


def test_the_form_offers_the_2024_generation_with_its_years(villiers, pilote):
    contenu = page(client_de(pilote), URL_SUIVANT)
    assert "Engagements Quartiers 2030 (2024-2030)" in contenu.texte
    html = client_de(pilote).get(URL_SUIVANT).content.decode()
    assert 'value="2024-01-01"' in html and 'value="2030-12-31"' in html
    assert 'value="villiers-sur-marne-2024-2030"' in html


def test_the_pilote_creates_the_next_contract_and_lands_on_it(villiers, pilote):
    reponse = client_de(pilote).post(URL_SUIVANT, formulaire(), follow=True)

    contenu = page(client_de(pilote), reverse("contrats:apercu", args=["villiers-2024-2030"]))
    assert reponse.redirect_chain[-1][0] == reverse("contrats:apercu", args=["villiers-2024-2030"])
    assert "créé à partir du Contrat de ville de Villiers-sur-Marne 2015-2020" in (
        reponse.content.decode()
    )
    assert "Créé à partir du Contrat de ville de Villiers-sur-Marne 2015-2020" in contenu.texte
    assert "Clause de revoyure : 30/06/2027" in contenu.texte
    precedent = page(client_de(pilote), reverse("contrats:apercu", args=[villiers.slug]))
    assert "Génération suivante : Contrat de ville de Villiers-sur-Marne 2024-2030" in (
        precedent.texte
    )


def test_a_bad_form_says_why_in_french_and_creates_nothing(villiers, pilote):
    reponse = client_de(pilote).post(URL_SUIVANT, formulaire(date_fin="2035-12-31"))
    assert reponse.status_code == 400
    assert "Rien n'a été enregistré" in reponse.content.decode()
    assert "court de 2024 à 2030 : ajustez ses dates" in reponse.content.decode()
    reponse = client_de(pilote).post(URL_SUIVANT, formulaire(date_debut="31/02/2024"))
    assert "Indiquez une date valide (JJ/MM/AAAA)." in reponse.content.decode()
    assert not Contrat.objects.filter(slug="villiers-2024-2030").exists()


@pytest.mark.parametrize(
    "nom_url",
    ["apercu", "cadre", "plan", "diagnostic", "signataires", "gouvernance", "avenants"],
)
def test_every_page_of_a_contract_shows_its_generation(eq2030, villiers, client, nom_url):
    for contrat, libelle in [
        (villiers, "Génération : Contrat de ville 2015-2020"),
        (eq2030, "Génération : Engagements Quartiers 2030 (2024-2030)"),
    ]:
        assert libelle in page(client, reverse(f"contrats:{nom_url}", args=[contrat.slug])).texte


def test_the_2024_cadre_names_local_priorities_and_shows_the_projet_de_quartier(eq2030, client):
    contenu = page(client, reverse("contrats:cadre", args=[eq2030.slug]))
    assert "Trois thématiques transversales et quatre priorités locales fixées localement" in (
        contenu.texte
    )
    assert "Priorité locale 1 · Réussite éducative et avenir des jeunes" in contenu.texte
    assert "Projet de quartier des Hautes-Noues et des Portes de Paris" in contenu.texte
    assert "Pilier" not in contenu.texte


def test_the_2015_cadre_keeps_its_pillars(villiers, client):
    contenu = page(client, reverse("contrats:cadre", args=[villiers.slug]))
    assert "Trois thématiques transversales et trois piliers, déclinés en domaines" in (
        contenu.texte
    )
    assert "1. Thématiques transversales" in contenu.texte
    assert "Projets de quartier" not in contenu.texte


def test_the_2024_engagements_show_indicator_and_target(eq2030, client):
    contenu = page(client, reverse("contrats:engagements", args=[eq2030.slug, "2.1"]))
    assert "Enfants suivis en parcours individualisé" in contenu.texte
    assert "120 enfants en 2030" in contenu.texte
    assert "5 000 € en 2024" in contenu.texte
