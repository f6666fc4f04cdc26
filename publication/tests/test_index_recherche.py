"""The search index follows the contract tables, whoever writes them.

The documents are written by database triggers only (migration 0001_index_recherche):
these tests write through the loader, the admin, the ORM (save, QuerySet.update,
delete) and raw SQL, then compare the index with the texts read back from the models.
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from comptes.models import Utilisateur
from contrats import models as m
from contrats.services import charger_contrat
from contrats.tests.outils import donnees_du_formulaire, reecrire
from publication.models import DocumentRecherche
from publication.recherche import paginer, rechercher
from publication.tests.copie_villiers import copie_de_villiers
from tests.outils import PageHTML, html_de

SLUG = "villiers-sur-marne-2015-2020"
DOSSIER_VILLIERS = Path(__file__).resolve().parents[2] / "data" / "contrats" / SLUG
MOT_NOUVEAU = "zythologie"

# The tables whose rows are documents (triggers on insert, update and delete), and the
# parent tables whose updated text or contract re-indexes their children (update only).
TABLES_DE_DOCUMENTS = {
    "contrats_axetransversal",
    "contrats_objectifoperationnel",
    "contrats_ficheaction",
    "contrats_engagement",
    "contrats_signataire",
    "contrats_instance",
    "contrats_plateformecollaborative",
    "contrats_dispositif",
}
TABLES_PARENTES = {
    "contrats_domaine",
    "contrats_pilier",
    "contrats_ligneplan",
    "contrats_sectionengagements",
    "contrats_organisation",
}


def document(nature: str, objet, contrat, cle: str, contexte: str, titre: str, *textes) -> tuple:
    """A document as compared: its text reduced to its words."""
    return (nature, objet.pk, contrat.pk, cle, contexte, titre, _mots(" ".join(textes)))


def documents_attendus() -> set[tuple]:
    """Every document the index must hold, read from the models in Python."""
    documents: set[tuple] = set()
    for c in m.Contrat.objects.all():
        for a in m.AxeTransversal.objects.filter(contrat=c):
            titre = f"{a.numero} {a.intitule}"
            textes = (a.description, a.objectif_operationnel)
            documents.add(document("axe", a, c, a.numero, "", titre, *textes))
        objectifs = m.ObjectifOperationnel.objects.filter(domaine__pilier__contrat=c)
        for o in objectifs.select_related("domaine"):
            titre = f"{o.numero} {o.intitule}"
            textes = (o.domaine.intitule, o.description)
            documents.add(document("objectif", o, c, o.numero, "", titre, *textes))
        actions = m.FicheAction.objects.filter(ligne__contrat=c).select_related("ligne__domaine")
        for a in actions:
            domaine = a.ligne.domaine
            textes = (a.groupe, domaine.intitule)
            documents.add(document("action", a, c, domaine.numero, "", a.intitule, *textes))
        engagements = m.Engagement.objects.filter(section__contrat=c).select_related("section")
        for e in engagements:
            section = e.section
            titre = e.rubrique or section.titre
            documents.add(
                document("engagement", e, c, section.numero, section.titre, titre, e.texte)
            )
        signataires = m.Signataire.objects.filter(contrat=c).select_related("organisation")
        for s in signataires:
            textes = (s.representant, s.qualite)
            documents.add(document("signataire", s, c, "", "", s.organisation.nom, *textes))
        for i in m.Instance.objects.filter(contrat=c):
            textes = (i.presidence, *i.composition, *i.missions)
            documents.add(document("instance", i, c, i.code, "", i.nom, *textes))
        for p in m.PlateformeCollaborative.objects.filter(contrat=c):
            textes = (p.theme, p.description, p.animation, *p.participants)
            documents.add(document("plateforme", p, c, "", "", p.nom, *textes))
        for d in m.Dispositif.objects.filter(contrat=c):
            titre = f"{d.sigle} · {d.nom}"
            documents.add(document("dispositif", d, c, "", "", titre, d.description))
    return documents


def documents_indexes() -> set[tuple]:
    return {
        (d.nature, d.objet_id, d.contrat_id, d.cle, d.contexte, d.titre, _mots(d.texte))
        for d in DocumentRecherche.objects.all()
    }


def _mots(texte: str) -> str:
    return " ".join(texte.split())


def trouves(requete: str, **filtres) -> list[tuple[str, str]]:
    """(nature, title) of every result of `requete` in every contract."""
    contrats = m.Contrat.objects.filter(**filtres)
    return [(r.nature, r.titre) for r in rechercher(requete, contrats)[0:1000]]


@pytest.fixture
def objectif_4_4_2(villiers) -> m.ObjectifOperationnel:
    return m.ObjectifOperationnel.objects.get(domaine__pilier__contrat=villiers, numero="4.4.2")


@pytest.fixture
def copie(tmp_path) -> Path:
    """The Villiers folder, same name and slug: loading it reloads Villiers."""
    return Path(shutil.copytree(DOSSIER_VILLIERS, tmp_path / SLUG))


# --- Le schéma ------------------------------------------------------------------------------


def _declencheurs() -> dict[str, set[str]]:
    if connection.vendor == "postgresql":
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE 'publication%%'"
        )
    else:
        sql = (
            "SELECT tbl_name, name FROM sqlite_master"
            " WHERE type = 'trigger' AND name LIKE 'publication%%'"
        )
    with connection.cursor() as curseur:
        curseur.execute(sql)
        lignes = curseur.fetchall()
    par_table: dict[str, set[str]] = {}
    for table, nom in lignes:
        par_table.setdefault(table, set()).add(nom.rsplit("_", 1)[1])
    return par_table


def test_every_source_table_carries_its_index_triggers(db):
    # A table rebuilt by a later SQLite migration loses its triggers: this test says which.
    declencheurs = _declencheurs()
    for table in TABLES_DE_DOCUMENTS:
        assert declencheurs.get(table) == {"insert", "update", "delete"}, table
    for table in TABLES_PARENTES:
        assert declencheurs.get(table) == {"update"}, table
    indexees = TABLES_DE_DOCUMENTS | TABLES_PARENTES
    if connection.vendor == "sqlite":
        # The FTS5 table follows the documents table through its own triggers.
        assert declencheurs.pop(DocumentRecherche._meta.db_table) == {"insert", "update", "delete"}
    assert set(declencheurs) == indexees


def test_the_index_holds_every_published_text_and_nothing_else(villiers):
    attendus = documents_attendus()
    assert len(attendus) > 300
    assert documents_indexes() == attendus


@pytest.mark.parametrize("nature", DocumentRecherche.Nature.values)
def test_a_result_of_each_nature_links_to_a_page_that_shows_it(client, villiers, nature):
    document = DocumentRecherche.objects.filter(nature=nature, contrat=villiers).first()
    assert document is not None, f"aucun document de nature {nature}"
    resultat = next(
        r
        for r in rechercher(document.titre, m.Contrat.objects.all())[0:1000]
        if r.titre == document.titre and r.nature.startswith(document.get_nature_display())
    )
    assert resultat.url.startswith(f"/contrats/{SLUG}/")
    # The page shows the title, without the number or the acronym put before it.
    visible = document.titre.split(" · ")[-1]
    if nature in ("axe", "objectif"):
        visible = visible.split(" ", 1)[1]
    assert _mots(visible)[:40] in PageHTML(html_de(client.get(resultat.url))).texte


# --- Le chargeur ----------------------------------------------------------------------------


def test_an_edit_loaded_from_the_files_reaches_the_index(villiers, copie):
    def renommer(cadre):
        for pilier in cadre["piliers"]:
            for domaine in pilier["domaines"]:
                for objectif in domaine["objectifs"]:
                    if objectif["numero"] == "4.4.2":
                        objectif["intitule"] = f"Soutenir les victimes ({MOT_NOUVEAU})"

    assert trouves(MOT_NOUVEAU) == []
    reecrire(copie, "cadre_strategique.yaml", renommer)
    charger_contrat(dossier=copie)
    assert trouves(MOT_NOUVEAU) == [
        ("Objectif opérationnel", f"4.4.2 Soutenir les victimes ({MOT_NOUVEAU})")
    ]
    assert documents_indexes() == documents_attendus()


def test_an_action_removed_from_the_files_leaves_the_index(villiers, copie):
    intitule = "Cours de français parents/enfants"
    assert ("Action du plan", intitule) in trouves(intitule)

    def retirer(plan):
        for ligne in plan["lignes"]:
            ligne["actions"] = [a for a in ligne["actions"] if a["intitule"] != intitule]

    reecrire(copie, "plan_actions.yaml", retirer)
    charger_contrat(dossier=copie)
    assert ("Action du plan", intitule) not in trouves(intitule)
    assert documents_indexes() == documents_attendus()


def test_a_second_contract_loaded_is_indexed_and_its_deletion_unindexes_it(villiers, tmp_path):
    avant = documents_indexes()
    copie, _ = charger_contrat(dossier=copie_de_villiers(tmp_path, 2))
    assert DocumentRecherche.objects.filter(contrat=copie).count() == len(avant)
    assert documents_indexes() == documents_attendus()

    copie.delete()
    assert not DocumentRecherche.objects.filter(contrat_id=copie.pk).exists()
    assert documents_indexes() == avant


# --- L'administration -----------------------------------------------------------------------


def test_an_edit_made_in_the_admin_reaches_the_index(client, objectif_4_4_2):
    client.force_login(Utilisateur.objects.get(username="pilote"))
    adresse = reverse("admin:contrats_objectifoperationnel_change", args=[objectif_4_4_2.pk])
    donnees = donnees_du_formulaire(client.get(adresse))
    donnees["intitule"] = f"Accompagner les victimes ({MOT_NOUVEAU})"

    reponse = client.post(adresse, {**donnees, "_save": "Enregistrer"})

    assert reponse.status_code == 302
    assert trouves(MOT_NOUVEAU) == [
        ("Objectif opérationnel", f"4.4.2 Accompagner les victimes ({MOT_NOUVEAU})")
    ]
    assert ("Objectif opérationnel", "4.4.2 Soutenir les victimes") not in trouves("Soutenir")


def test_a_deletion_made_in_the_admin_leaves_the_index(client, villiers):
    dispositif = m.Dispositif.objects.filter(contrat=villiers).first()
    titre = f"{dispositif.sigle} · {dispositif.nom}"
    assert ("Dispositif", titre) in trouves(dispositif.nom)
    client.force_login(Utilisateur.objects.get(username="pilote"))
    suppression = reverse("admin:contrats_dispositif_delete", args=[dispositif.pk])
    html_de(client.get(suppression))

    assert client.post(suppression, {"post": "yes"}).status_code == 302

    assert ("Dispositif", titre) not in trouves(dispositif.nom)
    assert documents_indexes() == documents_attendus()


# --- L'ORM et le SQL brut -------------------------------------------------------------------


def test_queryset_update_of_a_domain_reaches_its_objectives_and_actions(villiers):
    domaine = m.Domaine.objects.get(pilier__contrat=villiers, numero="4.4")
    m.Domaine.objects.filter(pk=domaine.pk).update(intitule=f"Prévention ({MOT_NOUVEAU})")
    natures = {nature for nature, _ in trouves(MOT_NOUVEAU)}
    assert natures == {"Objectif opérationnel", "Action du plan"}
    assert len(trouves(MOT_NOUVEAU)) == (
        domaine.objectifs.count() + m.FicheAction.objects.filter(ligne__domaine=domaine).count()
    )
    assert documents_indexes() == documents_attendus()


def test_renaming_an_organisation_renames_its_signatures(villiers):
    organisation = m.Organisation.objects.get(code="caf")
    organisation.nom = f"Caisse d'allocations familiales ({MOT_NOUVEAU})"
    organisation.save()
    assert trouves(MOT_NOUVEAU) == [("Signataire", organisation.nom)]


def test_renaming_a_section_renames_the_nature_of_its_commitments(villiers):
    section = m.SectionEngagements.objects.get(contrat=villiers, numero="2.7")
    section.titre = f"Engagements de la CAF ({MOT_NOUVEAU})"
    section.save(update_fields=["titre"])
    natures = {nature for nature, _ in trouves("caf", slug=SLUG)}
    assert f"Engagement (Engagements de la CAF ({MOT_NOUVEAU}))" in natures
    assert documents_indexes() == documents_attendus()


def test_moving_an_objective_to_another_contract_moves_its_document(villiers, tmp_path):
    copie, _ = charger_contrat(dossier=copie_de_villiers(tmp_path, 2))
    objectif = m.ObjectifOperationnel.objects.get(domaine__pilier__contrat=villiers, numero="4.4.2")
    objectif.domaine = m.Domaine.objects.get(pilier__contrat=copie, numero="4.1")
    objectif.intitule = MOT_NOUVEAU
    objectif.save()
    assert trouves(MOT_NOUVEAU, slug=copie.slug) == [
        ("Objectif opérationnel", f"4.4.2 {MOT_NOUVEAU}")
    ]
    assert trouves(MOT_NOUVEAU, slug=SLUG) == []


def test_a_json_list_edited_through_the_orm_is_searched(villiers):
    instance = m.Instance.objects.filter(contrat=villiers).first()
    instance.composition = [*instance.composition, f"Un membre {MOT_NOUVEAU}"]
    instance.save()
    assert trouves(MOT_NOUVEAU) == [("Instance", instance.nom)]


def test_deleting_commitments_through_the_orm_leaves_the_index(villiers):
    section = m.SectionEngagements.objects.get(contrat=villiers, numero="2.7")
    assert section.engagements.exists()
    section.engagements.all().delete()
    assert not DocumentRecherche.objects.filter(nature="engagement", cle="2.7").exists()
    assert documents_indexes() == documents_attendus()


def test_a_raw_sql_update_reaches_the_index(villiers):
    dispositif = m.Dispositif.objects.filter(contrat=villiers).first()
    with connection.cursor() as curseur:
        curseur.execute(
            "UPDATE contrats_dispositif SET description = %s WHERE id = %s",
            [f"Décrit par {MOT_NOUVEAU}", dispositif.pk],
        )
    assert trouves(MOT_NOUVEAU) == [("Dispositif", f"{dispositif.sigle} · {dispositif.nom}")]


# --- La migration indexe les lignes existantes ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_rows_already_there(contrat_charge):
    call_command("migrate", "publication", "zero", verbosity=0)
    call_command("migrate", "publication", verbosity=0)
    attendus = documents_attendus()
    assert len(attendus) > 300
    assert documents_indexes() == attendus
    page = paginer(rechercher("Soutenir les victimes", m.Contrat.objects.all()), 1)
    assert page.object_list[0].titre == "4.4.2 Soutenir les victimes"
