"""Conventions pluriannuelles d'objectifs (CPO): signed by the pilotage for three years at
most of the contract, carried by one dossier of the structure a year, never beyond their
yearly amount (when attached, proposed or granted); their list and the dossier's box."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import Organisation
from historique.horloge import aujourdhui
from historique.models import Evenement
from historique.selectors import historique_de
from programmation.actions import ActionProgrammation
from programmation.models import (
    ConventionPluriannuelle,
    Dossier,
    Financement,
    NatureCredit,
    Statut,
)
from programmation.services.conventions_pluriannuelles import (
    rattacher_convention_pluriannuelle,
    signer_convention_pluriannuelle,
)
from programmation.services.dossiers import enregistrer_budget
from programmation.services.erreurs import (
    ConflitDeModification,
    DonneesInvalides,
    DroitInsuffisant,
)
from programmation.services.instruction import donner_avis, fixer_montant_accorde
from programmation.templatetags.montants import format_euros
from programmation.tests.factories import (
    AppelFactory,
    ConventionPluriannuelleFactory,
    DossierFactory,
    StructureFactory,
)
from programmation.tests.outils import (
    client_de,
    financement,
    html_brut,
    instructeur_de,
    mener_au_statut,
    pilote_du,
    porteur_du,
    texte,
    verifier_refus,
)
from tests.outils import PageHTML, html_de

pytestmark = pytest.mark.django_db

# Calls of years of Villiers 2015-2020 itself: the CPO rules read the contract's period.
ANNEE = 2017


def _caf() -> Organisation:
    return Organisation.objects.get(code="caf")


def _signer(contrat, acteur, **champs):
    valeurs = {
        "structure": champs.pop("structure", None) or StructureFactory(),
        "financeur": _caf(),
        "numero": "CPO-2016-01",
        "intitule": "Accompagnement à la scolarité",
        "annee_debut": 2016,
        "annee_fin": 2018,
        "montant_annuel": Decimal("10000"),
        "signee_le": aujourdhui(),
        **champs,
    }
    return signer_convention_pluriannuelle(contrat=contrat, acteur=acteur, **valeurs)


def _rien_ecrit(avant: tuple[int, int]) -> bool:
    return (ConventionPluriannuelle.objects.count(), Evenement.objects.count()) == avant


def _compte() -> tuple[int, int]:
    return ConventionPluriannuelle.objects.count(), Evenement.objects.count()


def _appel(annee: int = ANNEE):
    return AppelFactory(annee=annee)


def _brouillon(annee: int = ANNEE, **champs) -> Dossier:
    """A complete draft asking the CAF 4 000 € (and the État 5 000 €); its porteur exists
    already (naming one records events of its own)."""
    dossier = DossierFactory(complet=True, appel=_appel(annee), **champs)
    porteur_du(dossier)
    return dossier


def _cpo_du(dossier: Dossier, **champs) -> ConventionPluriannuelle:
    return ConventionPluriannuelleFactory(structure=dossier.structure, **champs)


def _rattacher(dossier: Dossier, convention, acteur=None) -> Dossier:
    dossier = Dossier.objects.get(pk=dossier.pk)
    return rattacher_convention_pluriannuelle(
        dossier=dossier,
        convention=convention,
        acteur=acteur or porteur_du(dossier),
        version=dossier.version,
    )


# ---------------------------------------------------------------- the model


def test_a_cpo_knows_its_years_and_what_it_covers():
    convention = ConventionPluriannuelleFactory(annee_debut=2016, annee_fin=2018)

    assert convention.annees == [2016, 2017, 2018]
    assert convention.duree == 3
    assert convention.periode == "2016-2018"
    assert convention.couvre(2017) and not convention.couvre(2019)


# ---------------------------------------------------------------- signing


@pytest.mark.parametrize("nom", ["pilote", "etat"])
def test_the_pilotage_signs_a_three_year_cpo_and_one_event_is_recorded(nom, personne, villiers):
    avant = Evenement.objects.count()

    convention = _signer(villiers, personne(nom))

    assert convention.annees == [2016, 2017, 2018]
    assert convention.montant_annuel == Decimal("10000")
    assert Evenement.objects.count() == avant + 1
    (evenement,) = historique_de(convention)
    assert evenement.action == ActionProgrammation.CPO_SIGNATURE
    assert evenement.changements["période"] == "2016-2018"


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        (
            {"annee_debut": 2016, "annee_fin": 2019},
            "Une convention pluriannuelle d'objectifs couvre trois ans au plus : 2016-2019 en "
            "couvre 4.",
        ),
        (
            {"annee_debut": 2013, "annee_fin": 2015},
            "La convention couvre 2013-2015, hors de la période du contrat",
        ),
        ({"annee_debut": 2018, "annee_fin": 2016}, "La dernière année de la convention"),
        ({"signee_le": "demain"}, "La date de signature ne peut pas être dans le futur"),
        ({"montant_annuel": Decimal("0")}, "Le montant annuel de la convention est supérieur"),
        ({"numero": "  "}, "Indiquez le numéro et l'intitulé"),
        ({"financeur": "hors_contrat"}, "n'est pas signataire du contrat"),
    ],
    ids=[
        "4-ans",
        "hors-contrat",
        "fin-avant-debut",
        "date-future",
        "montant-nul",
        "sans-numero",
        "financeur-non-signataire",
    ],
)
def test_a_cpo_breaking_a_rule_is_refused_and_nothing_is_written(champs, message, villiers, pilote):
    if champs.get("signee_le") == "demain":
        champs["signee_le"] = aujourdhui() + timedelta(days=1)
    if champs.get("financeur") == "hors_contrat":
        champs["financeur"] = Organisation.objects.create(
            code="fondation-x", nom="Fondation X", type=Organisation.Type.AUTRE
        )
    avant = _compte()

    with pytest.raises(DonneesInvalides) as refus:
        _signer(villiers, pilote, **champs)

    assert message in refus.value.message
    assert _rien_ecrit(avant)


def test_a_number_already_used_in_the_contract_is_refused(villiers, pilote):
    _signer(villiers, pilote)
    avant = _compte()

    with pytest.raises(DonneesInvalides, match="porte déjà le numéro CPO-2016-01"):
        _signer(villiers, pilote)

    assert _rien_ecrit(avant)


@pytest.mark.parametrize("nom", ["financeur", "porteur", "membre", "sans_role"])
def test_only_the_pilotage_signs_a_cpo(nom, personne, villiers):
    avant = _compte()

    with pytest.raises(DroitInsuffisant, match="Seuls le pilote et l'État"):
        _signer(villiers, personne(nom))

    assert _rien_ecrit(avant)


def test_the_2024_2030_generation_keeps_cpo_to_three_years_of_its_period(eq2030):
    pilote = pilote_du(eq2030)

    with pytest.raises(DonneesInvalides, match="trois ans au plus : 2024-2027 en couvre 4"):
        _signer(eq2030, pilote, annee_debut=2024, annee_fin=2027)
    with pytest.raises(DonneesInvalides, match="hors de la période du contrat"):
        _signer(eq2030, pilote, annee_debut=2022, annee_fin=2024)

    assert _signer(eq2030, pilote, annee_debut=2024, annee_fin=2026).duree == 3


# ---------------------------------------------------------------- the dossier of each year


def test_the_porteur_attaches_its_draft_and_one_event_is_recorded():
    dossier = _brouillon()
    convention = _cpo_du(dossier)
    version = dossier.version
    avant = Evenement.objects.count()

    resultat = _rattacher(dossier, convention)

    assert resultat.convention_pluriannuelle == convention
    assert resultat.version == version + 1
    assert Evenement.objects.count() == avant + 1
    evenement = historique_de(dossier).first()
    assert evenement.action == ActionProgrammation.CPO_RATTACHEMENT
    assert evenement.changements["convention pluriannuelle"] == [None, convention.numero]


def test_attaching_none_detaches_the_dossier_with_one_event():
    dossier = _brouillon()
    convention = _cpo_du(dossier)
    _rattacher(dossier, convention)
    avant = Evenement.objects.count()

    resultat = _rattacher(dossier, None)

    assert resultat.convention_pluriannuelle is None
    assert Evenement.objects.count() == avant + 1
    assert historique_de(dossier).first().changements["convention pluriannuelle"] == [
        convention.numero,
        None,
    ]


def test_the_pilote_attaches_a_dossier_in_instruction(villiers):
    dossier = _brouillon()
    mener_au_statut(dossier, Statut.EN_INSTRUCTION)
    convention = _cpo_du(dossier)

    resultat = _rattacher(dossier, convention, acteur=pilote_du(villiers))

    assert resultat.convention_pluriannuelle == convention


def _refus_du_rattachement(dossier, convention, erreur, acteur=None, version=None):
    dossier = Dossier.objects.get(pk=dossier.pk)
    avant = (dossier.convention_pluriannuelle_id, dossier.version, Evenement.objects.count())
    with pytest.raises(erreur) as refus:
        rattacher_convention_pluriannuelle(
            dossier=dossier,
            convention=convention,
            acteur=acteur or porteur_du(dossier),
            version=dossier.version if version is None else version,
        )
    apres = Dossier.objects.get(pk=dossier.pk)
    assert (apres.convention_pluriannuelle_id, apres.version, Evenement.objects.count()) == avant
    return refus.value.message


def test_a_cpo_of_another_structure_is_refused():
    dossier = _brouillon()
    autre = ConventionPluriannuelleFactory()

    message = _refus_du_rattachement(dossier, autre, DonneesInvalides)

    assert f"elle ne porte pas un dossier de {dossier.structure.organisation.nom}" in message


def test_a_cpo_that_does_not_cover_the_call_s_year_is_refused():
    dossier = _brouillon(annee=2019)
    convention = _cpo_du(dossier, annee_debut=2016, annee_fin=2018)

    message = _refus_du_rattachement(dossier, convention, DonneesInvalides)

    assert message == (
        f"La convention {convention.numero} couvre 2016-2018 : elle ne porte pas un dossier "
        "de l'appel à projets 2019."
    )


def test_a_second_dossier_of_the_same_year_is_refused_naming_the_first():
    premier = _brouillon()
    convention = _cpo_du(premier)
    _rattacher(premier, convention)
    second = DossierFactory(complet=True, appel=premier.appel, structure=premier.structure)

    message = _refus_du_rattachement(second, convention, DonneesInvalides)

    assert f"porte déjà le dossier {premier.numero}" in message
    assert "un seul dossier par an" in message


def test_a_dossier_of_another_year_uses_the_same_cpo():
    premier = _brouillon(annee=2016)
    convention = _cpo_du(premier)
    _rattacher(premier, convention)
    suivant = DossierFactory(complet=True, appel=_appel(2017), structure=premier.structure)

    assert _rattacher(suivant, convention).convention_pluriannuelle == convention


def test_a_withdrawn_dossier_gives_its_year_back():
    premier = _brouillon()
    convention = _cpo_du(premier)
    _rattacher(premier, convention)
    mener_au_statut(premier, Statut.RETIRE)
    second = DossierFactory(complet=True, appel=premier.appel, structure=premier.structure)

    assert _rattacher(second, convention).convention_pluriannuelle == convention


def test_a_dossier_asking_the_financeur_more_than_the_yearly_amount_is_refused():
    dossier = _brouillon(remplir__subventions=[("caf", NatureCredit.DROIT_COMMUN, "12000")])
    convention = _cpo_du(dossier, montant_annuel=Decimal("10000"))

    message = _refus_du_rattachement(dossier, convention, DonneesInvalides)

    assert message == (
        f"Le dossier {dossier.numero} demande {format_euros(Decimal('12000'))} à "
        f"{_caf().nom} alors que la convention {convention.numero} prévoit "
        f"{format_euros(Decimal('10000'))} par an."
    )


def test_the_ceiling_adds_every_nature_the_financeur_is_asked(villiers):
    dossier = _brouillon(
        remplir__subventions=[
            ("caf", NatureCredit.DROIT_COMMUN, "3000"),
            ("caf", NatureCredit.CREDITS_SPECIFIQUES, "3000"),
        ]
    )
    mener_au_statut(dossier, Statut.EN_INSTRUCTION)
    assert Financement.objects.filter(dossier=dossier).count() == 2
    convention = _cpo_du(dossier, montant_annuel=Decimal("5000"))

    message = _refus_du_rattachement(
        dossier, convention, DonneesInvalides, acteur=pilote_du(villiers)
    )

    assert f"demande {format_euros(Decimal('6000'))}" in message


@pytest.mark.parametrize("nom", ["autre_porteur", "financeur", "membre"])
def test_only_the_porteur_or_the_pilotage_attach_a_dossier(nom, personne):
    dossier = _brouillon()
    convention = _cpo_du(dossier)

    _refus_du_rattachement(dossier, convention, DroitInsuffisant, acteur=personne(nom))


def test_the_porteur_no_longer_attaches_a_deposited_dossier():
    dossier = _brouillon()
    mener_au_statut(dossier, Statut.DEPOSE)
    convention = _cpo_du(dossier)

    _refus_du_rattachement(dossier, convention, DroitInsuffisant)


def test_a_form_based_on_an_older_version_is_a_conflict():
    dossier = _brouillon()
    convention = _cpo_du(dossier)

    _refus_du_rattachement(dossier, convention, ConflitDeModification, version=dossier.version + 1)


# ---------------------------------------------------------------- ceiling at the decision


def _carrie_puis_augmente(montant_annuel: str = "4000") -> tuple[Dossier, ConventionPluriannuelle]:
    """A draft carried by a CAF CPO of 4 000 € a year, whose budget then asks the CAF 6 000 €."""
    dossier = _brouillon()
    convention = _cpo_du(dossier, montant_annuel=Decimal(montant_annuel))
    dossier = _rattacher(dossier, convention)
    caf = _caf()
    lignes = [
        {
            "sens": "charge",
            "compte": "64",
            "libelle": "Animateurs",
            "montant": Decimal("11000"),
            "financeur": None,
            "nature": "",
        },
        {
            "sens": "produit",
            "compte": "74",
            "libelle": "CAF",
            "montant": Decimal("6000"),
            "financeur": caf,
            "nature": NatureCredit.DROIT_COMMUN,
        },
        {
            "sens": "produit",
            "compte": "74",
            "libelle": "État",
            "montant": Decimal("5000"),
            "financeur": Organisation.objects.get(code="etat"),
            "nature": NatureCredit.CREDITS_SPECIFIQUES,
        },
    ]
    enregistrer_budget(
        dossier=dossier, lignes=lignes, acteur=porteur_du(dossier), version=dossier.version
    )
    return dossier, convention


def test_a_financeur_cannot_propose_more_than_the_yearly_amount():
    dossier, convention = _carrie_puis_augmente()
    mener_au_statut(dossier, Statut.EN_INSTRUCTION)
    caf = financement(dossier, "caf")
    avant = Evenement.objects.count()

    with pytest.raises(DonneesInvalides) as refus:
        donner_avis(
            financement=caf,
            acteur=instructeur_de(caf),
            avis=Financement.Avis.FAVORABLE,
            montant_propose=Decimal("6000"),
            commentaire="",
            version=caf.version,
        )

    assert f"convention pluriannuelle d'objectifs {convention.numero}" in refus.value.message
    assert f"plus de {format_euros(Decimal('4000'))} par an" in refus.value.message
    caf.refresh_from_db()
    assert caf.avis == Financement.Avis.EN_ATTENTE and caf.montant_propose is None
    assert Evenement.objects.count() == avant


def test_a_financeur_cannot_grant_more_than_the_yearly_amount():
    dossier, convention = _carrie_puis_augmente()
    mener_au_statut(dossier, Statut.VALIDE, avis={"caf": ("favorable", "4000")})
    caf = financement(dossier, "caf")
    assert caf.montant_accorde == Decimal("4000")
    avant = Evenement.objects.count()

    with pytest.raises(DonneesInvalides) as refus:
        fixer_montant_accorde(
            financement=caf,
            acteur=instructeur_de(caf),
            montant=Decimal("5000"),
            version=caf.version,
        )

    assert refus.value.message == (
        f"Le dossier {dossier.numero} relève de la convention pluriannuelle d'objectifs "
        f"{convention.numero} : {_caf().nom} ne peut pas lui accorder plus de "
        f"{format_euros(Decimal('4000'))} par an ({format_euros(Decimal('5000'))} en tout ici)."
    )
    caf.refresh_from_db()
    assert caf.montant_accorde == Decimal("4000")
    assert Evenement.objects.count() == avant
    # Within the yearly amount, the grant goes through.
    fixer_montant_accorde(
        financement=caf, acteur=instructeur_de(caf), montant=Decimal("3800"), version=caf.version
    )


def test_another_financeur_of_the_dossier_is_not_capped_by_the_cpo():
    dossier = _brouillon()
    _rattacher(dossier, _cpo_du(dossier, montant_annuel=Decimal("4000")))
    mener_au_statut(dossier, Statut.VALIDE, avis={"caf": ("favorable", "4000")})
    etat = financement(dossier, "etat")

    fixer_montant_accorde(
        financement=etat,
        acteur=instructeur_de(etat),
        montant=Decimal("5000"),
        version=etat.version,
    )


# ---------------------------------------------------------------- the list


def _url_liste(contrat) -> str:
    return reverse("programmation:conventions_pluriannuelles", args=[contrat.slug])


def _cpo_avec_son_dossier() -> tuple[Dossier, ConventionPluriannuelle]:
    dossier = _brouillon()
    convention = _cpo_du(dossier, numero="CPO-A", montant_annuel=Decimal("10000"))
    _rattacher(dossier, convention)
    mener_au_statut(dossier, Statut.EN_INSTRUCTION)
    return Dossier.objects.get(pk=dossier.pk), convention


@pytest.mark.parametrize("nom", ["pilote", "etat", "financeur", "autre_financeur"])
def test_the_pilotage_and_every_financeur_read_every_cpo(nom, personne, villiers):
    dossier, _ = _cpo_avec_son_dossier()

    html = texte(client_de(personne(nom)).get(_url_liste(villiers)))

    assert "Convention n° CPO-A" in html
    assert dossier.structure.organisation.nom in html
    assert "2016-2018" in html
    assert format_euros(Decimal("10000")) in html
    assert format_euros(Decimal("30000")) in html


def test_the_list_shows_a_row_per_year_with_the_dossier_and_its_amounts(pilote, villiers):
    dossier, _ = _cpo_avec_son_dossier()

    reponse = client_de(pilote).get(_url_liste(villiers))

    lecture = PageHTML(html_de(reponse))
    (tableau,) = lecture.tableaux
    assert tableau[1:] == [
        ["2016", "Aucun dossier", "—", "—"],
        [
            "2017",
            f"{dossier.numero} — {dossier.intitule} (En instruction)",
            "4 000,00 €",  # asked of the CAF (PageHTML writes each space as " ")
            "—",  # nothing granted yet
        ],
        ["2018", "Aucun dossier", "—", "—"],
    ]
    assert reverse("programmation:dossier", args=[dossier.pk]) in lecture.hrefs()


def test_a_financeur_who_may_not_read_the_dossier_does_not_learn_its_number(
    autre_financeur, villiers
):
    dossier, _ = _cpo_avec_son_dossier()

    html = texte(client_de(autre_financeur).get(_url_liste(villiers)))

    assert "Convention n° CPO-A" in html
    assert dossier.numero not in html
    assert "Un dossier de la structure" in html


def test_a_porteur_reads_its_structure_s_cpo_only(villiers):
    dossier, _ = _cpo_avec_son_dossier()
    autre = ConventionPluriannuelleFactory(numero="CPO-B")

    html = texte(client_de(porteur_du(dossier)).get(_url_liste(villiers)))

    assert "Convention n° CPO-A" in html
    assert "CPO-B" not in html and autre.structure.organisation.nom not in html


def test_another_porteur_sees_none_of_them(autre_porteur, villiers):
    _cpo_avec_son_dossier()

    html = texte(client_de(autre_porteur).get(_url_liste(villiers)))

    assert "CPO-A" not in html
    assert "Aucune convention pluriannuelle d'objectifs pour le moment." in html


@pytest.mark.parametrize("nom", ["anonyme", "membre", "sans_role"])
def test_the_list_is_refused_to_others(nom, personne, villiers):
    verifier_refus(client_de(personne(nom)).get(_url_liste(villiers)), nom)


def _formulaire(structure, **champs) -> dict:
    return {
        "numero": "CPO-2016-07",
        "intitule": "Médiation sociale",
        "structure": structure.pk,
        "financeur": _caf().pk,
        "annee_debut": "2016",
        "annee_fin": "2018",
        "montant_annuel": "10 000,00",
        "signee_le": aujourdhui().isoformat(),
        **champs,
    }


def test_the_pilote_signs_from_the_list(pilote, villiers):
    dossier = _brouillon()
    client = client_de(pilote)
    assert "Enregistrer une convention signée" in texte(client.get(_url_liste(villiers)))

    reponse = client.post(_url_liste(villiers), _formulaire(dossier.structure), follow=True)

    assert "La convention pluriannuelle d'objectifs CPO-2016-07 est enregistrée." in texte(reponse)
    convention = ConventionPluriannuelle.objects.get(numero="CPO-2016-07")
    assert convention.structure == dossier.structure
    assert convention.montant_annuel == Decimal("10000")


def test_a_refused_signature_shows_the_french_message_and_saves_nothing(pilote, villiers):
    dossier = _brouillon()
    avant = _compte()

    reponse = client_de(pilote).post(
        _url_liste(villiers), _formulaire(dossier.structure, annee_fin="2019")
    )

    html = texte(reponse)
    assert reponse.status_code == 200
    assert "Rien n'a été enregistré" in html
    assert "Une convention pluriannuelle d'objectifs couvre trois ans au plus" in html
    assert _rien_ecrit(avant)


def test_financeurs_and_porteurs_see_no_signing_form_and_may_not_post(financeur, villiers):
    client = client_de(financeur)
    assert "Enregistrer une convention signée" not in texte(client.get(_url_liste(villiers)))

    avant = _compte()
    reponse = client.post(_url_liste(villiers), _formulaire(StructureFactory()))

    assert reponse.status_code == 403
    assert _rien_ecrit(avant)


def test_the_call_s_board_links_to_the_list(pilote, villiers):
    appel = _appel()

    html = html_brut(
        client_de(pilote).get(
            reverse("programmation:dossiers_appel", args=[villiers.slug, appel.annee])
        )
    )

    assert _url_liste(villiers) in html


# ---------------------------------------------------------------- the dossier page


def _url_dossier(dossier: Dossier) -> str:
    return reverse("programmation:dossier", args=[dossier.pk])


def _url_choix(dossier: Dossier) -> str:
    return reverse("programmation:dossier_convention_pluriannuelle", args=[dossier.pk])


def test_the_dossier_page_shows_the_cpo_it_is_carried_by():
    dossier = _brouillon()
    convention = _cpo_du(dossier, numero="CPO-A", intitule="Soutien scolaire")
    _rattacher(dossier, convention)

    html = texte(client_de(porteur_du(dossier)).get(_url_dossier(dossier)))

    assert "Ce dossier est porté par la convention" in html
    assert f"CPO-A · Soutien scolaire · {_caf().nom} · 2016-2018" in html
    assert "Choisir la convention pluriannuelle" in html
    assert "Convention pluriannuelle d'objectifs du dossier modifiée" in html  # its timeline


def test_a_dossier_without_cpo_available_shows_no_box():
    dossier = _brouillon()

    html = texte(client_de(porteur_du(dossier)).get(_url_dossier(dossier)))

    assert "Convention pluriannuelle d'objectifs" not in html


def test_the_porteur_chooses_the_cpo_from_the_dossier_page():
    dossier = _brouillon()
    convention = _cpo_du(dossier)
    porteur = porteur_du(dossier)
    client = client_de(porteur)
    assert _url_choix(dossier) in html_brut(client.get(_url_dossier(dossier)))
    assert convention.numero in texte(client.get(_url_choix(dossier)))

    reponse = client.post(
        _url_choix(dossier), {"convention": convention.pk, "version": dossier.version}, follow=True
    )

    assert f"est rattaché à la convention {convention.numero}" in texte(reponse)
    assert Dossier.objects.get(pk=dossier.pk).convention_pluriannuelle == convention


def test_a_refused_choice_shows_the_french_message_and_saves_nothing():
    premier = _brouillon()
    convention = _cpo_du(premier)
    _rattacher(premier, convention)
    second = DossierFactory(complet=True, appel=premier.appel, structure=premier.structure)

    reponse = client_de(porteur_du(second)).post(
        _url_choix(second), {"convention": convention.pk, "version": second.version}
    )

    assert reponse.status_code == 200
    assert f"porte déjà le dossier {premier.numero}" in texte(reponse)
    assert Dossier.objects.get(pk=second.pk).convention_pluriannuelle is None


def test_the_choice_of_a_deposited_dossier_sends_its_porteur_back_with_a_message():
    dossier = _brouillon()
    _cpo_du(dossier)
    mener_au_statut(dossier, Statut.DEPOSE)

    reponse = client_de(porteur_du(dossier)).get(_url_choix(dossier), follow=True)

    assert "sa convention pluriannuelle d'objectifs ne peut plus changer" in texte(reponse)
