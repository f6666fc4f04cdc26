"""Pieces a call requires, and the structure's porte-documents that its dossiers reuse."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from comptes.models import Role, Utilisateur
from contrats.models import Habilitation, Organisation
from contrats.tests.factories import UtilisateurFactory
from historique.horloge import aujourdhui
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.models import (
    AppelAProjets,
    DocumentStructure,
    Dossier,
    LigneBudget,
    Statut,
    Structure,
)
from programmation.selectors.pieces import ORIGINE_DOSSIER, ORIGINE_PORTE_DOCUMENTS
from programmation.services.appels import DonneesAppel, modifier_appel
from programmation.services.dossiers import ajouter_piece, erreurs_de_completude
from programmation.services.erreurs import DonneesInvalides, DroitInsuffisant
from programmation.services.pieces import (
    ajouter_document,
    pieces_manquantes,
    remplacer_document,
    retirer_document,
)
from programmation.services.transitions import transitionner
from programmation.tests.factories import AppelFactory, DossierFactory, StructureFactory, villiers

pytestmark = pytest.mark.django_db

SLUG = "villiers-sur-marne-2015-2020"
STATUTS_PDF = b"%PDF-1.4\n% statuts de l'association\n%%EOF\n"
RIB_PDF = b"%PDF-1.4\n% RIB\n%%EOF\n"
# A year of the Villiers contract (2015-2020): only those may be given a call.
ANNEE_DU_CONTRAT = 2019
RIB = "Pièce manquante : RIB (relevé d'identité bancaire)."
STATUTS = "Pièce manquante : Statuts de la structure."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def fichiers_sur_disque(racine) -> list:
    return sorted(chemin for chemin in racine.rglob("*") if chemin.is_file())


def porteur_de(structure: Structure) -> Utilisateur:
    utilisateur = UtilisateurFactory()
    Habilitation.objects.create(
        utilisateur=utilisateur,
        contrat=villiers(),
        role=Role.PORTEUR,
        organisation=structure.organisation,
    )
    return utilisateur


def pdf(nom: str, contenu: bytes = STATUTS_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def garder(
    structure: Structure, porteur, nature: str, nom: str, contenu: bytes = STATUTS_PDF, **dates
):
    return ajouter_document(
        structure=structure,
        contrat=villiers(),
        nature=nature,
        fichier=pdf(nom, contenu),
        acteur=porteur,
        **dates,
    )


def dossier_exigeant(*natures: str, **autres) -> Dossier:
    """A complete draft of a call that requires these pieces."""
    return DossierFactory(complet=True, appel=AppelFactory(pieces_requises=list(natures)), **autres)


def html_de(reponse) -> str:
    html = reponse.content.decode()
    assert "VARIABLE_INDEFINIE" not in html
    return html


def demo(nom: str) -> Utilisateur:
    return Utilisateur.objects.get(username=nom)


# ---------------------------------------------------------------- the call's required pieces


def donnees_de(appel: AppelAProjets, **autres) -> DonneesAppel:
    return DonneesAppel(
        annee=appel.annee,
        titre=appel.titre,
        date_ouverture=appel.date_ouverture,
        date_cloture=appel.date_cloture,
        priorites=appel.priorites,
        criteres=list(appel.criteres.all()),
        **autres,
    )


def test_pilote_sets_the_required_pieces_of_a_call_in_their_usual_order_and_history_says_so():
    appel = AppelFactory(annee=ANNEE_DU_CONTRAT)

    modifier_appel(
        appel=appel,
        donnees=donnees_de(appel, pieces_requises=("rib", "statuts", "rib")),
        acteur=demo("pilote"),
    )

    appel.refresh_from_db()
    assert appel.pieces_requises == ["statuts", "rib"]
    evenement = historique_de(appel).first()
    assert evenement.action == "appel.modification"
    assert evenement.changements == {
        "pièces requises": [[], ["Statuts de la structure", "RIB (relevé d'identité bancaire)"]]
    }


def test_a_call_cannot_require_an_other_piece_and_nothing_changes():
    appel = AppelFactory(annee=ANNEE_DU_CONTRAT, pieces_requises=["rib"])

    with pytest.raises(DonneesInvalides) as refus:
        modifier_appel(
            appel=appel,
            donnees=donnees_de(appel, pieces_requises=("autre",)),
            acteur=demo("pilote"),
        )

    assert refus.value.message == "Ces pièces ne peuvent pas être exigées : autre."
    appel.refresh_from_db()
    assert appel.pieces_requises == ["rib"]
    assert not historique_de(appel).exists()


def test_call_form_offers_the_required_pieces_and_saves_them(client):
    appel = AppelFactory(annee=ANNEE_DU_CONTRAT)
    client.force_login(demo("pilote"))
    url = reverse("programmation:appel_modifier", args=[SLUG, appel.annee])

    html = html_de(client.get(url))
    assert "Pièces exigées de chaque dossier" in html
    for libelle in (
        "Statuts de la structure",
        "Liste des dirigeants",
        "RIB (relevé d&#x27;identité bancaire)",
        "Budget prévisionnel de la structure",
        "Dernier rapport d&#x27;activité",
        "Comptes approuvés du dernier exercice",
    ):
        assert libelle in html
    assert 'value="autre"' not in html

    reponse = client.post(
        url,
        {
            "titre": appel.titre,
            "date_ouverture": appel.date_ouverture.isoformat(),
            "date_cloture": appel.date_cloture.isoformat(),
            "priorites": "",
            "pieces_requises": ["comptes", "dirigeants"],
        },
    )

    assert reponse.status_code == 302
    appel.refresh_from_db()
    assert appel.pieces_requises == ["dirigeants", "comptes"]


def test_public_call_page_lists_the_required_pieces(client):
    appel = AppelFactory(pieces_requises=["statuts", "rib"])

    html = html_de(client.get(reverse("programmation:appel", args=[SLUG, appel.annee])))

    assert "Pièces à joindre à chaque dossier" in html
    assert "<li>Statuts de la structure</li>" in html
    assert "<li>RIB (relevé d&#x27;identité bancaire)</li>" in html
    html = html_de(client.get(reverse("programmation:appel", args=[SLUG, AppelFactory().annee])))
    assert "Cet appel n'exige aucune pièce particulière." in html


# ---------------------------------------------------------------- the deposit needs them


def test_deposit_without_a_required_piece_is_refused_naming_it_and_nothing_changes(
    django_capture_on_commit_callbacks,
):
    dossier = dossier_exigeant("statuts", "rib")
    porteur = porteur_de(dossier.structure)
    garder(dossier.structure, porteur, "statuts", "statuts.pdf")
    evenements = Evenement.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DonneesInvalides) as refus:
        transitionner(dossier=dossier, transition="deposer", acteur=porteur)

    assert refus.value.message == "Le dossier est incomplet et ne peut pas être déposé."
    assert refus.value.details == [RIB]
    dossier.refresh_from_db()
    assert dossier.statut == Statut.BROUILLON
    assert dossier.version == 1
    assert dossier.depose_le is None
    assert not dossier.versions.exists()
    assert Evenement.objects.count() == evenements
    assert mail.outbox == []


def test_the_draft_lists_the_missing_pieces_with_what_else_it_lacks():
    dossier = DossierFactory(appel=AppelFactory(pieces_requises=["statuts", "rib"]))

    erreurs = erreurs_de_completude(dossier)

    assert erreurs[0] == "Décrivez l'action."
    assert erreurs[-2:] == [STATUTS, RIB]


def test_a_call_without_required_pieces_asks_for_none():
    dossier = DossierFactory(complet=True)
    assert pieces_manquantes(dossier, jour=aujourdhui()) == []
    assert erreurs_de_completude(dossier) == []


@pytest.mark.parametrize(
    ("dates", "decalage", "present"),
    [
        ({}, 0, True),
        ({"valide_du": -30, "valide_au": 30}, 0, True),
        ({"valide_du": -30, "valide_au": 0}, 0, True),  # the last day counts
        ({"valide_du": 0}, 0, True),  # the first day counts
        ({"valide_du": 1}, 0, False),  # not yet valid
        ({"valide_au": -1}, 0, False),  # expired
        ({"valide_du": 1}, 1, True),  # valid on a later day of deposit
        ({"valide_au": 10}, 11, False),
    ],
)
def test_a_porte_documents_piece_counts_only_on_the_days_it_is_valid(dates, decalage, present):
    dossier = dossier_exigeant("statuts")
    jour = aujourdhui()
    garder(
        dossier.structure,
        porteur_de(dossier.structure),
        "statuts",
        "statuts.pdf",
        **{cle: jour + timedelta(days=n) for cle, n in dates.items()},
    )

    manquantes = pieces_manquantes(dossier, jour=jour + timedelta(days=decalage))

    assert manquantes == ([] if present else [STATUTS])


def test_expired_porte_documents_piece_blocks_the_deposit_until_a_valid_one_is_added():
    dossier = dossier_exigeant("statuts")
    porteur = porteur_de(dossier.structure)
    garder(
        dossier.structure, porteur, "statuts", "anciens.pdf", valide_au=aujourdhui() - timedelta(1)
    )

    with pytest.raises(DonneesInvalides) as refus:
        transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    assert refus.value.details == [STATUTS]

    garder(dossier.structure, porteur, "statuts", "nouveaux.pdf", valide_du=aujourdhui())
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    assert Dossier.objects.get(pk=dossier.pk).statut == Statut.DEPOSE


def test_piece_dates_in_the_wrong_order_are_refused_and_nothing_is_stored(media):
    structure = StructureFactory()
    jour = aujourdhui()

    with pytest.raises(DonneesInvalides) as refus:
        garder(
            structure,
            porteur_de(structure),
            "rib",
            "rib.pdf",
            valide_du=jour,
            valide_au=jour - timedelta(days=1),
        )

    assert refus.value.details == ["La fin de validité ne peut pas précéder son début."]
    assert not structure.documents.exists()
    assert fichiers_sur_disque(media) == []


# ---------------------------------------------------------------- reuse by the dossiers


def test_deposit_reuses_porte_documents_pieces_and_freezes_each_with_its_origin():
    dossier = dossier_exigeant("statuts", "rib", "budget")
    porteur = porteur_de(dossier.structure)
    statuts = garder(dossier.structure, porteur, "statuts", "statuts.pdf")
    rib = garder(dossier.structure, porteur, "rib", "rib.pdf", RIB_PDF)
    garder(dossier.structure, porteur, "rapport", "rapport.pdf")  # not required: not carried
    budget = ajouter_piece(
        dossier=dossier,
        nature="budget",
        fichier=pdf("budget-2024.pdf", b"%PDF-1.7 budget\n%%EOF\n"),
        acteur=porteur,
    )

    transitionner(dossier=dossier, transition="deposer", acteur=porteur)

    contenu = dossier.versions.get().contenu
    assert contenu["pieces"] == [
        {
            "nature": "budget",
            "nom": "budget-2024.pdf",
            "empreinte": hashlib.sha256(b"%PDF-1.7 budget\n%%EOF\n").hexdigest(),
            "origine": ORIGINE_DOSSIER,
            "id": budget.pk,
        },
        {
            "nature": "statuts",
            "nom": "statuts.pdf",
            "empreinte": hashlib.sha256(STATUTS_PDF).hexdigest(),
            "origine": ORIGINE_PORTE_DOCUMENTS,
            "id": statuts.pk,
        },
        {
            "nature": "rib",
            "nom": "rib.pdf",
            "empreinte": hashlib.sha256(RIB_PDF).hexdigest(),
            "origine": ORIGINE_PORTE_DOCUMENTS,
            "id": rib.pk,
        },
    ]


def test_a_piece_of_the_dossier_wins_over_the_porte_documents_one():
    dossier = dossier_exigeant("statuts")
    porteur = porteur_de(dossier.structure)
    garder(dossier.structure, porteur, "statuts", "statuts-generaux.pdf")
    ajouter_piece(
        dossier=dossier, nature="statuts", fichier=pdf("statuts-modifies.pdf"), acteur=porteur
    )

    transitionner(dossier=dossier, transition="deposer", acteur=porteur)

    pieces = dossier.versions.get().contenu["pieces"]
    assert [(p["nom"], p["origine"]) for p in pieces] == [("statuts-modifies.pdf", "dossier")]


def test_one_porte_documents_serves_every_dossier_of_the_structure():
    structure = StructureFactory()
    porteur = porteur_de(structure)
    garder(structure, porteur, "rib", "rib.pdf", RIB_PDF)
    premier = dossier_exigeant("rib", structure=structure)
    second = dossier_exigeant("rib", structure=structure)

    for dossier in (premier, second):
        transitionner(dossier=dossier, transition="deposer", acteur=porteur)

    empreintes = {d.versions.get().contenu["pieces"][0]["empreinte"] for d in (premier, second)}
    assert empreintes == {hashlib.sha256(RIB_PDF).hexdigest()}
    assert DocumentStructure.objects.filter(structure=structure).count() == 1


def test_another_structure_porte_documents_does_not_count():
    dossier = dossier_exigeant("rib")
    autre = StructureFactory()
    garder(autre, porteur_de(autre), "rib", "rib.pdf", RIB_PDF)

    assert pieces_manquantes(dossier, jour=aujourdhui()) == [RIB]


# ---------------------------------------------------------------- add, replace, retire


def test_porteur_keeps_a_piece_once_with_its_fingerprint_under_a_generated_name(media):
    structure = StructureFactory()
    porteur = porteur_de(structure)

    document = garder(
        structure, porteur, "statuts", "Statuts de l'association.pdf", valide_au=aujourdhui()
    )

    assert document.nom_original == "Statuts de l'association.pdf"
    assert document.taille == len(STATUTS_PDF)
    assert document.empreinte == hashlib.sha256(STATUTS_PDF).hexdigest()
    assert document.deposee_par == porteur
    assert document.valide_au == aujourdhui() and document.valide_du is None
    assert document.fichier.name.startswith(f"porte-documents/{structure.pk}/")
    assert "Statuts" not in document.fichier.name
    assert [f.read_bytes() for f in fichiers_sur_disque(media)] == [STATUTS_PDF]
    evenement = historique_de(structure).first()
    assert evenement.action == "structure.document_ajoute"
    assert evenement.changements["pièce"] == "Statuts de l'association.pdf"


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("statuts.docx", STATUTS_PDF, "Seuls les fichiers PDF sont acceptés."),
        (
            "statuts.pdf",
            b"MZ\x90\x00 not a pdf",
            "Ce fichier n'est pas un vrai PDF : son contenu ne correspond pas à son extension.",
        ),
    ],
)
def test_porte_documents_refuses_what_dossier_pieces_refuse(media, nom, contenu, message):
    structure = StructureFactory()

    with pytest.raises(DonneesInvalides) as refus:
        garder(structure, porteur_de(structure), "statuts", nom, contenu)

    assert refus.value.message == "La pièce n'est pas ajoutée au porte-documents."
    assert refus.value.details == [message]
    assert fichiers_sur_disque(media) == []


def test_porte_documents_refuses_a_file_over_the_size_limit(media, settings):
    settings.TAILLE_MAX_PIECE_JOINTE = 1024 * 1024
    structure = StructureFactory()
    gros = b"%PDF-" + b"0" * (1024 * 1024)

    with pytest.raises(DonneesInvalides) as refus:
        garder(structure, porteur_de(structure), "statuts", "gros.pdf", gros)

    assert refus.value.details == ["Le fichier dépasse la taille maximale de 1 Mo."]
    assert not structure.documents.exists()


def test_only_a_porteur_of_the_structure_adds_to_its_porte_documents(media):
    structure = StructureFactory()
    for intrus in (porteur_de(StructureFactory()), demo("pilote")):
        with pytest.raises(DroitInsuffisant):
            garder(structure, intrus, "rib", "rib.pdf")
    assert not structure.documents.exists()
    assert fichiers_sur_disque(media) == []


def test_retiring_a_piece_no_deposit_used_deletes_it_and_its_file(
    media, django_capture_on_commit_callbacks
):
    dossier = dossier_exigeant("statuts")  # a draft uses it, but a draft is not frozen
    porteur = porteur_de(dossier.structure)
    document = garder(dossier.structure, porteur, "statuts", "statuts.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        garde = retirer_document(document=document, contrat=villiers(), acteur=porteur)

    assert garde is False
    assert not DocumentStructure.objects.filter(pk=document.pk).exists()
    assert fichiers_sur_disque(media) == []
    assert pieces_manquantes(dossier, jour=aujourdhui()) == [STATUTS]
    assert historique_de(dossier.structure).first().action == "structure.document_retire"


def test_retiring_a_piece_a_submitted_dossier_used_keeps_it_for_that_dossier(
    media, django_capture_on_commit_callbacks
):
    dossier = dossier_exigeant("statuts")
    porteur = porteur_de(dossier.structure)
    document = garder(dossier.structure, porteur, "statuts", "statuts.pdf")
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    brouillon = dossier_exigeant("statuts", structure=dossier.structure)

    with django_capture_on_commit_callbacks(execute=True):
        garde = retirer_document(document=document, contrat=villiers(), acteur=porteur)

    assert garde is True
    document.refresh_from_db()
    assert document.retiree_le is not None
    assert [f.read_bytes() for f in fichiers_sur_disque(media)] == [STATUTS_PDF]
    assert dossier.versions.get().contenu["pieces"][0]["id"] == document.pk
    assert pieces_manquantes(brouillon, jour=aujourdhui()) == [STATUTS]  # new ones lack it
    with pytest.raises(DonneesInvalides):
        retirer_document(document=document, contrat=villiers(), acteur=porteur)


def test_replacing_a_piece_serves_new_dossiers_and_keeps_the_old_for_submitted_ones(media):
    dossier = dossier_exigeant("rib")
    porteur = porteur_de(dossier.structure)
    ancien = garder(dossier.structure, porteur, "rib", "rib-2023.pdf", RIB_PDF)
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    brouillon = dossier_exigeant("rib", structure=dossier.structure)

    nouveau = remplacer_document(
        document=ancien,
        contrat=villiers(),
        fichier=pdf("rib-2024.pdf", b"%PDF-1.4 nouveau RIB\n%%EOF\n"),
        valide_du=aujourdhui(),
        acteur=porteur,
    )

    assert nouveau.nature == "rib" and nouveau.valide_du == aujourdhui()
    ancien.refresh_from_db()
    assert ancien.retiree_le is not None
    assert len(fichiers_sur_disque(media)) == 2
    assert dossier.versions.get().contenu["pieces"][0]["nom"] == "rib-2023.pdf"
    transitionner(dossier=brouillon, transition="deposer", acteur=porteur)
    assert brouillon.versions.get().contenu["pieces"][0]["nom"] == "rib-2024.pdf"
    evenement = historique_de(dossier.structure).filter(action="structure.document_remplace")
    assert evenement.get().changements["remplace"] == "rib-2023.pdf"


# ---------------------------------------------------------------- the pages


def test_porteur_manages_its_porte_documents_from_its_structure(client, media):
    structure = StructureFactory()
    client.force_login(porteur_de(structure))
    url = reverse("programmation:porte_documents", args=[SLUG])
    assert url in html_de(client.get(reverse("programmation:structure", args=[SLUG])))
    html = html_de(client.get(url))
    assert "Le porte-documents est vide." in html
    assert 'enctype="multipart/form-data"' in html

    reponse = client.post(
        url,
        {
            "nature": "rib",
            "fichier": pdf("RIB association.pdf", RIB_PDF),
            "valide_au": "31/12/2099",
        },
        follow=True,
    )

    html = html_de(reponse)
    assert escape("La pièce « RIB association.pdf » est ajoutée au porte-documents.") in html
    document = structure.documents.get()
    assert str(document.valide_au) == "2099-12-31"
    assert "Valable jusqu&#x27;au 31/12/2099" in html
    telechargement = client.get(reverse("programmation:document", args=[SLUG, document.pk]))
    assert telechargement["Content-Disposition"] == 'attachment; filename="RIB association.pdf"'
    assert b"".join(telechargement.streaming_content) == RIB_PDF

    reponse = client.post(
        reverse("programmation:document_retirer", args=[SLUG, document.pk]), follow=True
    )
    assert escape("La pièce « RIB association.pdf » est retirée du porte-documents.") in html_de(
        reponse
    )
    assert not structure.documents.exists()


def test_porte_documents_form_shows_a_refusal_and_stores_nothing(client, media):
    structure = StructureFactory()
    client.force_login(porteur_de(structure))

    reponse = client.post(
        reverse("programmation:porte_documents", args=[SLUG]),
        {"nature": "rib", "fichier": pdf("rib.pdf", b"<html>")},
    )

    html = html_de(reponse)
    assert reponse.status_code == 200
    assert (
        escape("Ce fichier n'est pas un vrai PDF : son contenu ne correspond pas à son extension.")
        in html
    )
    assert not structure.documents.exists()
    assert fichiers_sur_disque(media) == []


def test_porteur_replaces_a_piece_from_its_page(client, media):
    structure = StructureFactory()
    porteur = porteur_de(structure)
    ancien = garder(structure, porteur, "statuts", "statuts-2019.pdf")
    client.force_login(porteur)
    url = reverse("programmation:document_remplacer", args=[SLUG, ancien.pk])
    assert "statuts-2019.pdf" in html_de(client.get(url))

    reponse = client.post(url, {"fichier": pdf("statuts-2024.pdf")}, follow=True)

    assert escape("« statuts-2019.pdf » est remplacée par « statuts-2024.pdf ».") in html_de(
        reponse
    )
    assert list(structure.documents.values_list("nom_original", flat=True)) == ["statuts-2024.pdf"]


@pytest.mark.parametrize("compte", ["autre_porteur", "pilote", "financeur"])
def test_porte_documents_of_a_structure_is_refused_to_others(client, media, compte):
    structure = StructureFactory()
    document = garder(structure, porteur_de(structure), "rib", "rib.pdf", RIB_PDF)
    if compte == "autre_porteur":
        client.force_login(porteur_de(StructureFactory()))
    else:
        client.force_login(demo(compte))

    for url in (
        reverse("programmation:document", args=[SLUG, document.pk]),
        reverse("programmation:document_remplacer", args=[SLUG, document.pk]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 403
        assert RIB_PDF not in reponse.content
    retrait = client.post(reverse("programmation:document_retirer", args=[SLUG, document.pk]))
    assert retrait.status_code == 403
    assert structure.documents.filter(pk=document.pk).exists()
    if compte != "autre_porteur":  # another porteur sees its own, empty porte-documents
        page = client.get(reverse("programmation:porte_documents", args=[SLUG]))
        assert page.status_code == 403


def test_readers_of_a_submitted_dossier_download_the_porte_documents_piece_it_used(client):
    dossier = dossier_exigeant("rib")
    porteur = porteur_de(dossier.structure)
    document = garder(dossier.structure, porteur, "rib", "rib.pdf", RIB_PDF)
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    url = reverse("programmation:document_du_dossier", args=[dossier.pk, document.pk])

    client.force_login(demo("financeur"))  # the CAF is asked money
    assert url in html_de(client.get(reverse("programmation:dossier", args=[dossier.pk])))
    assert b"".join(client.get(url).streaming_content) == RIB_PDF

    sans_caf = dossier_exigeant("rib", structure=dossier.structure)
    LigneBudget.objects.filter(dossier=sans_caf, financeur__code="caf").update(
        financeur=Organisation.objects.get(code="etat")
    )
    transitionner(dossier=sans_caf, transition="deposer", acteur=porteur)
    refuse = reverse("programmation:document_du_dossier", args=[sans_caf.pk, document.pk])
    assert client.get(refuse).status_code == 403
    client.force_login(porteur_de(StructureFactory()))
    assert client.get(url).status_code == 403


def test_a_piece_is_not_served_through_a_dossier_that_does_not_use_it(client):
    dossier = dossier_exigeant("rib")
    porteur = porteur_de(dossier.structure)
    garder(dossier.structure, porteur, "rib", "rib.pdf", RIB_PDF)
    rapport = garder(dossier.structure, porteur, "rapport", "rapport.pdf")
    transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    client.force_login(demo("pilote"))

    url = reverse("programmation:document_du_dossier", args=[dossier.pk, rapport.pk])

    assert client.get(url).status_code == 403


def test_draft_page_shows_the_checklist_and_where_to_add_a_missing_piece(client):
    dossier = dossier_exigeant("statuts", "rib")
    porteur = porteur_de(dossier.structure)
    statuts = garder(dossier.structure, porteur, "statuts", "statuts.pdf")
    client.force_login(porteur)

    html = html_de(client.get(reverse("programmation:dossier", args=[dossier.pk])))

    assert "Pièces exigées par l'appel à projets" in html
    assert "Présente" in html and "Manquante" in html
    assert reverse("programmation:document_du_dossier", args=[dossier.pk, statuts.pk]) in html
    assert "porte-documents de la structure" in html
    assert escape(RIB) in html  # among what the draft lacks
    ajout = reverse("programmation:dossier_pieces", args=[dossier.pk]) + "?nature=rib"
    assert ajout in html
    html = html_de(client.get(ajout))
    assert "Pièces exigées par l'appel à projets" in html
    assert '<option value="rib" selected>' in html
