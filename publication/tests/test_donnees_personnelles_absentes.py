"""Open data never names a natural person (RGPD, docs/donnees-personnelles.md).

A year of the contract is built through the services: a structure whose legal
representative is named, two conventionned dossiers, a validated bilan signed by her, the
conseil citoyen's avis, members of the conseil citoyen and of the COPIL technique, a held
meeting with its attendance (one member represented) and its published relevé, the
rapport annuel adopted and published with its real PDF and ODT. Every demo account bears a
recognisable name, address and the free texts telephone numbers. Then an anonymous
visitor reads every public output: the pages reached from the home page by their links,
the plan d'actions' exports, the public calendar, the rapport's documents, every operation
of the API (from its OpenAPI description) and the search for each name. None of them names
any of these people, nor gives their address or telephone. Organisations (associations,
the commune, the State) are legal persons and appear; an elected official sitting in a
body for the commune appears in that capacity, the signatories of the contract too.
"""

import html
import io
import json
import re
import subprocess
import zipfile
from collections import Counter, deque
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from comptes.models import Utilisateur
from contrats.models import FicheAction, Instance, Organisation
from contrats.tests.factories import OrganisationFactory
from gouvernance import services as gouvernance
from gouvernance.models import MembreInstance
from gouvernance.selectors import membres_en_fonction
from historique.horloge import aujourdhui
from programmation.models import Statut
from programmation.services.avis_conseil_citoyen import (
    consulter_le_conseil_citoyen,
    saisir_avis_programmation,
)
from programmation.tests.factories import (
    AppelFactory,
    DossierFactory,
    StructureFactory,
    villiers,
)
from programmation.tests.outils import mener_au_statut, porteur_demo_du
from suivi.models import AvisRapport, CodeTransitionRapport
from suivi.tests import engagements
from suivi.tests import outils_rapports as rapports
from suivi.tests.outils import bilan_valide
from tests.outils import PageHTML, client_de

pytestmark = pytest.mark.django_db

ANNEE = 2019
# The demo accounts, renamed: (first name, last name) no page of the contract holds.
COMPTES = {
    "pilote": ("Aurélien", "Trouvadec"),
    "etat": ("Hortense", "Valmorel"),
    "financeur": ("Gaspard", "Lemercerie"),
    "financeur2": ("Bérengère", "Castelbrac"),
    "porteur": ("Ysaline", "Quesnoy"),
    "porteur2": ("Ulysse", "Brandolix"),
    "membre": ("Théodule", "Brassempouy"),
}
STRUCTURE = "Association Les Amis du Plateau"  # a legal person: it may appear
REPRESENTANTE = "Léontine Carabosse"  # the structure's legal representative, who signs
HABITANTS = ("Mélisande Ferragus", "Ambroise Quenouille")  # drawn by lot
ACTEUR_LOCAL = "Prosper Lanterneau"  # sits in the conseil citoyen for an association
REPRESENTANT = "Philibert Rocambole"  # represents a member at the meeting
ELUE = "Eudoxie Valfleury"  # sits in the COPIL technique for the commune
TELEPHONES = ("06 11 22 33 44", "07 98 76 54 32")
PAR_ROUTE = 2  # pages read per route beyond the given ones: their kind is what matters
MAXIMUM = 400


def _personnes() -> list[str]:
    return [f"{p} {n}" for p, n in COMPTES.values()] + [
        REPRESENTANTE,
        *HABITANTS,
        ACTEUR_LOCAL,
        REPRESENTANT,
    ]


def _courriel(identifiant: str) -> str:
    return f"{identifiant}.perso@boite-personnelle.test"


def traces_interdites() -> list[str]:
    """What must never be read in public: each full name, each last name, each address."""
    noms = _personnes()
    return [*noms, *(nom.split()[-1] for nom in noms), *map(_courriel, COMPTES)]


# ---------------------------------------------------------------- the year built


def _renommer_les_comptes() -> None:
    for identifiant, (prenom, nom) in COMPTES.items():
        Utilisateur.objects.filter(username=identifiant).update(
            first_name=prenom, last_name=nom, email=_courriel(identifiant)
        )
        EmailAddress.objects.filter(user__username=identifiant).update(email=_courriel(identifiant))


def _programmation(contrat):
    """Two actions of the plan conventionned for a structure with a named representative,
    the first one's bilan validated, and the conseil citoyen's avis."""
    structure = StructureFactory(
        organisation=OrganisationFactory(nom=STRUCTURE),
        representant_nom=REPRESENTANTE,
        representant_qualite="Présidente",
    )
    appel = AppelFactory(annee=ANNEE)
    action = (
        FicheAction.objects.filter(ligne__contrat=contrat, fiche_page__isnull=False)
        .order_by("pk")
        .first()
    )
    dossiers = []
    for _ in range(2):
        dossier = DossierFactory(
            complet=True, appel=appel, structure=structure, action_du_plan=action
        )
        porteur_demo_du(dossier)
        avis = {"caf": ("favorable", "3500", f"Contact du porteur : {TELEPHONES[1]}")}
        dossiers.append(mener_au_statut(dossier, Statut.CONVENTIONNE, avis=avis))
    bilan_valide(dossiers[0])
    pilote = Utilisateur.objects.get(username="pilote")
    avis = consulter_le_conseil_citoyen(appel=appel, acteur=pilote)
    saisir_avis_programmation(
        avis=avis,
        sens="favorable",
        texte="Le conseil citoyen soutient la programmation.",
        recu_le=aujourdhui(),
        acteur=pilote,
    )
    return dossiers


def _membres(contrat, pilote) -> None:
    debut = aujourdhui() - timedelta(days=60)
    conseil = contrat.instances.get(nature=Instance.Nature.CONSEIL_CITOYEN)
    for nom, sexe in zip(HABITANTS, ("F", "H"), strict=True):
        gouvernance.ajouter_membre(
            instance=conseil,
            acteur=pilote,
            date_debut=debut,
            nom=nom,
            qualite=f"habitant du quartier, {TELEPHONES[0]}",
            college=MembreInstance.College.HABITANTS,
            sexe=sexe,
            tire_au_sort=True,
        )
    gouvernance.ajouter_membre(
        instance=conseil,
        acteur=pilote,
        date_debut=debut,
        nom=ACTEUR_LOCAL,
        organisation=OrganisationFactory(nom="Amicale des locataires des Hautes-Noues"),
        college=MembreInstance.College.ACTEURS_LOCAUX,
    )
    gouvernance.ajouter_membre(
        instance=contrat.instances.get(code="copil-technique"),
        acteur=pilote,
        date_debut=debut,
        nom=ELUE,
        qualite="adjointe au maire chargée de la politique de la ville",
        organisation=Organisation.objects.filter(type=Organisation.Type.COMMUNE).first(),
    )


def _seance(contrat, pilote, code: str) -> None:
    """A meeting held two days ago: every member present, the elected official
    represented; a decision; the relevé published."""
    instance = contrat.instances.get(code=code)
    jour = aujourdhui() - timedelta(days=2)
    seance = gouvernance.preparer_seance(
        instance=instance,
        date=jour,
        titre="Séance de printemps",
        lieu="Salle du conseil",
        acteur=pilote,
    )
    point = gouvernance.ajouter_point(seance=seance, acteur=pilote, intitule="Bilan des actions")
    gouvernance.tenir_seance(seance=seance, acteur=pilote)
    presences = {
        m.pk: ("represente", REPRESENTANT) if m.nom == ELUE else ("present", "")
        for m in membres_en_fonction(instance, jour)
    }
    gouvernance.enregistrer_presences(seance=seance, acteur=pilote, presences=presences)
    gouvernance.decider_sur_un_point(point=point, decision_libelle="Bilan approuvé", acteur=pilote)
    gouvernance.publier_releve(seance=seance, acteur=pilote)


def _suivi_d_un_engagement(contrat) -> None:
    """The CAF's agent proposes the 2016 follow-up of its first engagement; the pilote
    validates it: the public table and the CAF's page show it."""
    suivi = engagements.proposer(
        engagements.engagement_de(contrat), Utilisateur.objects.get(username="financeur")
    )
    engagements.examiner(suivi, Utilisateur.objects.get(username="pilote"))


def _rapport_publie() -> None:
    """The rapport annuel of the year, adopted and published with its real documents."""
    rapport = rapports.rapport_cree(ANNEE)
    rapports.generer(rapport)
    rapports.transitionner(rapport, CodeTransitionRapport.SOUMETTRE)
    rapports.saisir_tous_les_avis(rapport, AvisRapport.Sens.FAVORABLE)
    rapports.transitionner(
        rapport,
        CodeTransitionRapport.ADOPTER,
        date_deliberation=aujourdhui(),
        reference_deliberation="DCM-2020-42",
    )
    rapports.generer(rapport, mise_en_page=True)
    rapports.transitionner(rapport, CodeTransitionRapport.PUBLIER)


# ---------------------------------------------------------------- reading every output


@dataclass(frozen=True)
class Sortie:
    """One public output as the anonymous visitor got it."""

    url: str
    route: str
    statut: int
    texte: str  # what it says, whatever its format, entities and escapes decoded


def route_de(chemin: str) -> str:
    try:
        trouvee = resolve(chemin)
    except Resolver404:
        return ""
    return trouvee.view_name


def _zip(contenu: bytes) -> str:
    """The text of an XLSX, ODS or ODT: every XML part, tags removed."""
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        xml = " ".join(
            archive.read(nom).decode("utf-8") for nom in archive.namelist() if nom.endswith(".xml")
        )
    return html.unescape(re.sub(r"<[^>]+>", " ", xml))


def texte_de(reponse) -> str:
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    type_ = reponse.get("Content-Type", "")
    if contenu.startswith(b"%PDF"):
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=contenu, capture_output=True, check=True
        ).stdout.decode("utf-8")
    if contenu.startswith(b"PK"):
        return _zip(contenu)
    texte = contenu.decode("utf-8-sig")
    if "calendar" in type_:
        # RFC 5545: lines folded at 75 octets, commas and semicolons escaped.
        texte = re.sub(r"\r?\n[ \t]", "", texte)
        return texte.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    if "json" in type_:
        return json.dumps(json.loads(texte), ensure_ascii=False)
    return html.unescape(texte)


def _liens(url: str, page: str) -> list[str]:
    liens = []
    for href in PageHTML(page).hrefs():
        cible = urlsplit(urljoin(url, href))
        if cible.scheme not in ("", "http") or cible.netloc not in ("", "testserver"):
            continue
        chemin = cible.path + (f"?{cible.query}" if cible.query else "")
        if not chemin.startswith(("/admin/", "/static/", "/comptes/", "/api/v1/docs")):
            liens.append(chemin)
    return liens


def explorer(client: Client, imposees: list[str]) -> list[Sortie]:
    """Read the given addresses, and the site's pages from their links, as many of each
    route as PAR_ROUTE."""
    a_lire, lues, par_route, sorties = deque(imposees), set(), Counter(), []
    while a_lire and len(sorties) < MAXIMUM:
        url = a_lire.popleft()
        route = route_de(urlsplit(url).path)
        if url in lues or (url not in imposees and par_route[route] >= PAR_ROUTE):
            continue
        lues.add(url)
        par_route[route] += 1
        reponse = client.get(url)
        texte = texte_de(reponse) if reponse.status_code == 200 else ""
        sorties.append(Sortie(url, route, reponse.status_code, texte))
        if reponse.status_code == 200 and "text/html" in reponse.get("Content-Type", ""):
            a_lire.extend(_liens(url, reponse.content.decode()))
    return sorties


def operations_de_l_api(client: Client, contrat, dossier) -> list[str]:
    """Every GET operation of the API's OpenAPI description, its parameters filled in."""
    valeurs = {"slug": contrat.slug, "numero": "2.1.1", "id": str(dossier.pk)}
    quartier = f"/quartiers/{contrat.quartiers.first().slug}"
    description = client.get("/api/v1/openapi.json").json()
    adresses = []
    for chemin, operations in description["paths"].items():
        if "get" not in operations:
            continue
        chemin = chemin.replace("/quartiers/{slug}", quartier)
        for nom in re.findall(r"{(\w+)}", chemin):
            chemin = chemin.replace(f"{{{nom}}}", valeurs[nom])
        adresses.append(chemin)
    return adresses


def adresses_publiques(contrat, dossiers) -> list[str]:
    slug = contrat.slug
    plan = reverse("programmation:plan_annuel", args=[slug, ANNEE])
    recherches = [
        f"{reverse('publication:recherche')}?{urlencode({'q': nom})}" for nom in _personnes()
    ]
    recherches += [f"/api/v1/recherche?{urlencode({'q': nom})}" for nom in _personnes()]
    return [
        "/",
        reverse("contrats:apercu", args=[slug]),
        plan,
        *(
            reverse("programmation:plan_annuel_export", args=[slug, ANNEE, f])
            for f in ("csv", "xlsx", "ods")
        ),
        reverse("programmation:appel", args=[slug, ANNEE]),
        reverse("programmation:avis_conseil_citoyen", args=[slug, ANNEE]),
        reverse("programmation:fiche_action", args=[slug, dossiers[0].action_du_plan.fiche_page]),
        reverse("gouvernance:calendrier", args=[slug]),
        reverse("gouvernance:frequences", args=[slug]),
        reverse("gouvernance:conseil_citoyen", args=[slug]),
        reverse("gouvernance:instance", args=[slug, "copil-technique"]),
        reverse("suivi:rapports_publies", args=[slug]),
        reverse("suivi:suivi_engagements", args=[slug]),
        *(
            reverse("suivi:suivi_engagements_export", args=[slug, f])
            for f in ("csv", "xlsx", "ods")
        ),
        reverse("suivi:suivi_engagements_signataire", args=[slug, "caf"]),
        *(reverse("suivi:rapport_publie_document", args=[slug, ANNEE, f]) for f in ("pdf", "odt")),
        *recherches,
    ]


@dataclass(frozen=True)
class Lecture:
    sorties: list[Sortie]
    dossiers: list
    contrat: object


@pytest.fixture(scope="class")
def lecture(django_db_setup, django_db_blocker, tmp_path_factory):
    """The year built, then every public output read anonymously; rolled back after."""
    medias = tmp_path_factory.mktemp("medias")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=medias), transaction.atomic():
        contrat = villiers()
        _renommer_les_comptes()
        pilote = Utilisateur.objects.get(username="pilote")
        dossiers = _programmation(contrat)
        _membres(contrat, pilote)
        for code in ("copil-technique", "conseil-citoyen"):
            _seance(contrat, pilote, code)
        _suivi_d_un_engagement(contrat)
        _rapport_publie()
        anonyme = Client()
        api = operations_de_l_api(anonyme, contrat, dossiers[0])
        sorties = explorer(anonyme, [*adresses_publiques(contrat, dossiers), *api])
        yield Lecture(sorties=sorties, dossiers=dossiers, contrat=contrat)
        transaction.set_rollback(True)


def _normal(texte: str) -> str:
    return " ".join(texte.split()).casefold()


def _chiffres(texte: str) -> str:
    return re.sub(r"[\s.\-]", "", texte)


RECHERCHES = {"publication:recherche", "api-v1:recherche"}


def fuites(sortie: Sortie) -> list[str]:
    texte = _normal(sortie.texte)
    if sortie.route in RECHERCHES:
        # The search repeats what the visitor typed: that is not the platform's data (the
        # API's count of results says whether it found anything, see below).
        texte = texte.replace(_normal(parse_qs(urlsplit(sortie.url).query).get("q", [""])[0]), "")
    chiffres = _chiffres(sortie.texte)
    trouvees = [t for t in traces_interdites() if _normal(t) in texte]
    return trouvees + [t for t in TELEPHONES if _chiffres(t) in chiffres]


@pytest.mark.usefixtures("lecture")
class TestDonneesPersonnellesAbsentesDesSortiesPubliques:
    def test_aucune_sortie_publique_ne_nomme_une_personne_physique(self, lecture):
        lues = [s for s in lecture.sorties if s.statut == 200]
        assert len(lues) > 50
        trouvees = {s.url: fuites(s) for s in lues if fuites(s)}
        assert not trouvees, "\n".join(f"{u}: {t}" for u, t in trouvees.items())

    def test_la_recherche_ne_trouve_aucune_de_ces_personnes(self, lecture):
        recherches = [
            s for s in lecture.sorties if s.route == "api-v1:recherche" and s.statut == 200
        ]
        assert len(recherches) >= len(_personnes())
        assert {json.loads(s.texte)["nombre"] for s in recherches} == {0}

    def test_chaque_nature_de_sortie_publique_a_ete_lue(self, lecture):
        lues = Counter(s.route for s in lecture.sorties if s.statut == 200)
        attendues = {
            "accueil",
            "contrats:apercu",
            "contrats:signataires",
            "contrats:gouvernance",
            "contrats:plan",
            "contrats:avenants",
            "programmation:appel",
            "programmation:plan_annuel",
            "programmation:fiche_action",
            "programmation:avis_conseil_citoyen",
            "gouvernance:calendrier",
            "gouvernance:conseil_citoyen",
            "gouvernance:instance",
            "gouvernance:frequences",
            "suivi:rapports_publies",
            "suivi:rapport_publie_document",
            "suivi:suivi_engagements",
            "suivi:suivi_engagements_export",
            "suivi:suivi_engagements_signataire",
            "territoires:quartier",
            "publication:recherche",
            "api-v1:liste_signataires",
            "api-v1:gouvernance",
            "api-v1:reunions",
            "api-v1:instances",
            "api-v1:liste_appels",
            "api-v1:recherche",
        }
        assert attendues <= set(lues), attendues - set(lues)
        assert lues["programmation:plan_annuel_export"] == 3  # CSV, XLSX, ODS
        assert lues["suivi:rapport_publie_document"] == 2  # PDF, ODT

    def test_les_sorties_lues_disent_bien_ce_que_l_annee_a_produit(self, lecture):
        """The reading is not blind: the structure, the meetings and the rapport are there."""
        par_route = {s.route: s.texte for s in lecture.sorties if s.statut == 200}
        assert STRUCTURE in par_route["programmation:plan_annuel_export"]
        assert "Séance de printemps" in par_route["gouvernance:calendrier"]
        assert "Amicale des locataires des Hautes-Noues" in par_route["gouvernance:conseil_citoyen"]
        documents = [s for s in lecture.sorties if s.route == "suivi:rapport_publie_document"]
        assert all(STRUCTURE in " ".join(d.texte.split()) for d in documents), documents

    def test_une_elue_siegeant_pour_la_commune_est_publiee_dans_sa_fonction(self, lecture):
        instance = next(s for s in lecture.sorties if s.route == "gouvernance:instance")
        assert f"{ELUE}, adjointe au maire" in " ".join(instance.texte.split())

    def test_le_releve_de_decisions_nommant_les_presents_n_est_pas_public(self, lecture):
        seance = MembreInstance.objects.get(nom=ELUE).presences.get().seance
        reponse = Client().get(reverse("gouvernance:releve_pdf", args=[seance.pk]))
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("comptes:connexion"))

    def test_le_pilotage_lit_les_noms_des_membres_du_conseil_citoyen(self, lecture):
        pilote = Utilisateur.objects.get(username="pilote")
        url = reverse("gouvernance:conseil_citoyen", args=[lecture.contrat.slug])
        texte = html.unescape(client_de(pilote).get(url).content.decode())
        assert all(nom in texte for nom in (*HABITANTS, ACTEUR_LOCAL))
