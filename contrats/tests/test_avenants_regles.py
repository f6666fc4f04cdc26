"""The rules of Articles 4 and 5: who must agree to an avenant, what a refusal and the last
accord do, and what is refused (with a French message, and nothing written)."""

import re
from datetime import date, timedelta

import pytest

from conftest import DOSSIER_VILLIERS
from contrats import avenants
from contrats.actions import ActionContrat
from contrats.avenants import accords_requis, organisations_informees, version_initiale
from contrats.models import AccordAvenant, Avenant, Organisation, Signataire, VersionContrat
from contrats.services import charger_contrat
from contrats.tests.outils_avenants import (
    QUALITE,
    REPRESENTANT,
    nouvelle_organisation,
    proposer,
    proposer_et_ouvrir,
    repondre,
    tout_accepter,
)
from historique.erreurs import ConflitDeModification, DonneesInvalides, DroitInsuffisant
from historique.horloge import aujourdhui
from historique.models import Evenement

Nature = Avenant.Nature
Statut = Avenant.Statut
Sens = AccordAvenant.Sens

SIGNATAIRES = [
    "etat", "commune", "region-idf", "departement-94", "justice", "ars", "caf",
    "pole-emploi", "cdc", "ofii", "education-nationale", "valophis", "paris-habitat",
    "la-sabliere",
]  # fmt: skip


def codes(organisations) -> list[str]:
    return [o.code for o in organisations]


def etat_des_donnees(avenant: Avenant) -> tuple:
    """What a refused operation must leave as it was."""
    avenant.refresh_from_db()
    return (
        avenant.statut,
        avenant.version,
        sorted(AccordAvenant.objects.values_list("avenant", "organisation", "sens", "date")),
        sorted(Signataire.objects.values_list("contrat", "organisation", "ordre")),
        VersionContrat.objects.count(),
        Evenement.objects.count(),
    )


def actions_sur(objet) -> list[str]:
    return list(
        Evenement.objects.filter(
            object_id=str(objet.pk), content_type__model=objet._meta.model_name
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Who must agree ---------------------------------------------------------------------


def test_an_adhesion_needs_every_signatory_the_state_and_the_commune_included(villiers, pilote):
    avenant = proposer(villiers, pilote)

    assert codes(accords_requis(avenant)) == SIGNATAIRES
    assert avenant.regle.code == "adhesion"
    assert avenant.regle.article == "Article 4"


def test_a_modification_needs_the_state_the_commune_and_the_signatories_it_obliges(
    villiers, pilote
):
    simple = proposer(villiers, pilote, Nature.MODIFICATION)
    obligeante = proposer(
        villiers,
        pilote,
        Nature.MODIFICATION,
        organisations_obligees=Organisation.objects.filter(code__in=["valophis", "caf"]),
    )

    assert codes(accords_requis(simple)) == ["etat", "commune"]
    # In the order of the signatures.
    assert codes(accords_requis(obligeante)) == ["etat", "commune", "caf", "valophis"]
    assert obligeante.regle.code == "modification-contrat"


def test_the_annexes_and_the_fiches_actions_need_the_prefet_and_the_maire_only(villiers, etat):
    annexes = proposer(villiers, etat, Nature.ANNEXES)
    fiches = proposer(
        villiers,
        etat,
        Nature.ANNEXES,
        regle=villiers.regles_modification.get(code="modification-fiches-actions"),
    )

    assert codes(accords_requis(annexes)) == ["etat", "commune"]
    assert codes(accords_requis(fiches)) == ["etat", "commune"]
    assert annexes.regle.code == "modification-annexes"
    assert codes(organisations_informees(annexes)) == SIGNATAIRES[2:]


# --- Refusal and acceptance -------------------------------------------------------------


def test_a_refusal_refuses_the_avenant_and_nothing_more_is_recorded(villiers, pilote):
    avenant = proposer_et_ouvrir(
        villiers,
        pilote,
        Nature.MODIFICATION,
        organisations_obligees=[Organisation.objects.get(code="caf")],
    )
    repondre(avenant, "etat", pilote)
    repondre(avenant, "caf", pilote, Sens.REFUS, commentaire="Charge trop lourde.")

    avenant.refresh_from_db()
    assert avenant.statut == Statut.REFUSE
    assert avenant.date_effet is None
    assert not VersionContrat.objects.filter(avenant=avenant).exists()
    with pytest.raises(DonneesInvalides, match="déjà « Refusé »"):
        repondre(avenant, "commune", pilote)
    assert actions_sur(avenant)[-2:] == [ActionContrat.AVENANT_REFUS, ActionContrat.AVENANT_REJET]


def test_the_last_accord_accepts_the_adhesion_adds_the_signatory_and_makes_version_2(
    villiers, pilote
):
    avenant = proposer_et_ouvrir(villiers, pilote)
    entrante = avenant.organisation_entrante
    requis = accords_requis(avenant)
    for organisation in requis[:-1]:
        repondre(avenant, organisation.code, pilote)
        avenant.refresh_from_db()
        assert avenant.statut == Statut.EN_ACCORD
    assert not Signataire.objects.filter(organisation=entrante).exists()

    repondre(avenant, requis[-1].code, pilote)

    avenant.refresh_from_db()
    assert avenant.statut == Statut.ACCEPTE
    assert avenant.date_effet == aujourdhui()
    signataire = Signataire.objects.get(contrat=villiers, organisation=entrante)
    assert (signataire.ordre, signataire.role) == (15, Signataire.Role.PARTENAIRE)
    assert (signataire.representant, signataire.qualite) == (REPRESENTANT, QUALITE)
    assert list(villiers.versions.values_list("numero", "avenant")) == [
        (1, None),
        (2, avenant.pk),
    ]
    initiale, suivante = villiers.versions.order_by("numero")
    nouveau = f"{entrante.nom} ({REPRESENTANT}, {QUALITE})"
    assert nouveau not in initiale.contenu["Signataires"]
    assert suivante.contenu["Signataires"][-1] == nouveau
    assert suivante.date == avenant.date_effet


def test_the_accords_asked_are_those_of_the_signatories_when_the_gathering_opened(villiers, pilote):
    premiere = proposer_et_ouvrir(villiers, pilote)
    seconde = proposer_et_ouvrir(
        villiers, pilote, organisation_entrante=nouvelle_organisation("autre-entrante")
    )
    tout_accepter(premiere, pilote)

    # The first newcomer signed after the second gathering opened: it is not asked.
    assert codes(accords_requis(seconde)) == SIGNATAIRES
    tout_accepter(seconde, pilote)
    assert seconde.statut == Statut.ACCEPTE
    # Nor is the second newcomer asked, afterwards, about the first avenant.
    assert codes(accords_requis(premiere)) == SIGNATAIRES
    assert villiers.signataires.count() == len(SIGNATAIRES) + 2


def test_the_version_comes_after_the_last_version_whatever_the_avenant_number(
    villiers, pilote, etat
):
    refuse = proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES)
    repondre(refuse, "etat", etat, Sens.REFUS)
    accepte = tout_accepter(proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES), pilote)

    assert accepte.numero == 2
    assert villiers.versions.get(avenant=accepte).numero == 2


def test_an_accepted_change_of_the_annexes_informs_the_other_signatories(
    villiers, pilote, etat, financeur, mailoutbox, django_capture_on_commit_callbacks
):
    avenant = proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES, objet="Nouvelle cartographie")
    repondre(avenant, "etat", etat)
    with django_capture_on_commit_callbacks(execute=True):
        repondre(avenant, "commune", pilote, adresse_site="https://cdv.exemple.fr/")

    informations = Evenement.objects.filter(action=ActionContrat.AVENANT_INFORMATION)
    assert sorted(informations.values_list("changements__organisation", flat=True)) == sorted(
        Organisation.objects.filter(code__in=SIGNATAIRES[2:]).values_list("nom", flat=True)
    )
    # The agents of the informed signatories in the contract: the CAF's, the Région's.
    destinataires = sorted(adresse for courriel in mailoutbox for adresse in courriel.to)
    assert destinataires == sorted([financeur.email, "financeur2@demo.contrat-de-ville.test"])
    courriel = mailoutbox[0]
    assert courriel.subject == "[Contrat de ville] Avenant n° 1 accepté : Nouvelle cartographie"
    assert "Le Préfet et le Maire ont accepté" in courriel.body
    assert f"https://cdv.exemple.fr/contrats/{villiers.slug}/avenants/1/" in courriel.body


def test_an_accepted_modification_may_prolong_the_contract(villiers, pilote):
    avenant = proposer_et_ouvrir(
        villiers, pilote, Nature.MODIFICATION, prolongation_jusquau=date(2046, 12, 31)
    )
    tout_accepter(avenant, pilote)

    villiers.refresh_from_db()
    assert villiers.prolonge_jusquau == date(2046, 12, 31)
    version = villiers.versions.get(avenant=avenant)
    assert version.contenu["Prolongé jusqu'au"] == "31/12/2046"
    assert Evenement.objects.filter(action=ActionContrat.CONTRAT_PROLONGATION).count() == 1


def test_every_step_of_an_adhesion_leaves_its_event(villiers, pilote):
    avenant = proposer_et_ouvrir(villiers, pilote)
    tout_accepter(avenant, pilote)

    assert actions_sur(avenant) == [
        ActionContrat.AVENANT_PROPOSITION,
        ActionContrat.AVENANT_RECUEIL,
        *[ActionContrat.AVENANT_ACCORD] * len(SIGNATAIRES),
        ActionContrat.AVENANT_ACCEPTATION,
    ]
    signataire = Signataire.objects.get(organisation=avenant.organisation_entrante)
    assert actions_sur(signataire) == [ActionContrat.SIGNATAIRE_ADHESION]
    for version in villiers.versions.all():
        assert actions_sur(version) == [ActionContrat.VERSION_CREATION]
    assert set(
        Evenement.objects.filter(action__startswith="avenant.").values_list("acteur", flat=True)
    ) == {pilote.pk}


# --- Refused, with a message, and nothing written ---------------------------------------


def test_an_accord_from_an_organisation_not_required_is_refused_and_changes_nothing(
    villiers, pilote
):
    avenant = proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES)
    avant = etat_des_donnees(avenant)

    with pytest.raises(DonneesInvalides) as refus:
        repondre(avenant, "caf", pilote)

    assert refus.value.message == (
        "L'accord de La Caisse d’Allocations Familiales n'est pas requis pour l'avenant n° 1 "
        "(Article 5) : seuls L’Etat, La commune de Villiers-sur-Marne donnent le leur."
    )
    assert etat_des_donnees(avenant) == avant


@pytest.mark.parametrize(
    ("decalage", "message"),
    [
        (timedelta(days=1), "est dans le futur"),
        (None, "précède le début du contrat (01/01/2015)"),
    ],
)
def test_an_accord_dated_in_the_future_or_before_the_contract_is_refused(
    villiers, pilote, decalage, message
):
    avenant = proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES)
    avant = etat_des_donnees(avenant)
    jour = aujourdhui() + decalage if decalage else date(2014, 12, 31)

    with pytest.raises(DonneesInvalides, match=re.escape(message)):
        repondre(avenant, "etat", pilote, jour=jour)

    assert etat_des_donnees(avenant) == avant


def test_an_accord_dated_before_the_proposal_is_refused(villiers, pilote):
    avenant = proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES)

    with pytest.raises(DonneesInvalides, match="précède la proposition de l'avenant"):
        repondre(avenant, "etat", pilote, jour=aujourdhui() - timedelta(days=1))


def test_a_financeur_records_his_own_organisation_s_accord_only(villiers, pilote, financeur):
    avenant = proposer_et_ouvrir(villiers, pilote)
    avant = etat_des_donnees(avenant)

    with pytest.raises(DroitInsuffisant, match="pas celle de L’Etat"):
        repondre(avenant, "etat", financeur)
    assert etat_des_donnees(avenant) == avant

    accord = repondre(avenant, "caf", financeur)
    assert (accord.organisation.code, accord.enregistre_par) == ("caf", financeur)
    assert actions_sur(avenant)[-1] == ActionContrat.AVENANT_ACCORD


@pytest.mark.parametrize("nom", ["financeur", "porteur", "membre", "sans_role", "anonyme"])
def test_only_the_pilotage_proposes_and_opens_an_avenant(villiers, pilote, personne, nom):
    qui = personne(nom)
    with pytest.raises(DroitInsuffisant, match="Seuls l'équipe projet de la ville et l'État"):
        proposer(villiers, qui)
    avenant = proposer(villiers, pilote)
    avant = etat_des_donnees(avenant)
    with pytest.raises(DroitInsuffisant, match="ouvrent le recueil"):
        avenants.ouvrir_le_recueil(avenant=avenant, acteur=qui)
    assert etat_des_donnees(avenant) == avant


@pytest.mark.parametrize("nom", ["porteur", "membre", "sans_role", "anonyme"])
def test_nobody_outside_the_pilotage_and_the_signatories_records_an_accord(
    villiers, pilote, personne, nom
):
    avenant = proposer_et_ouvrir(villiers, pilote)
    avant = etat_des_donnees(avenant)
    with pytest.raises(DroitInsuffisant, match="enregistrent les accords"):
        repondre(avenant, "caf", personne(nom))
    assert etat_des_donnees(avenant) == avant


def test_accords_wait_for_the_gathering_and_are_recorded_once(villiers, pilote):
    avenant = proposer(villiers, pilote, Nature.ANNEXES)
    with pytest.raises(DonneesInvalides, match="n'est pas ouvert : ouvrez-le d'abord"):
        repondre(avenant, "etat", pilote)
    avenant = avenants.ouvrir_le_recueil(avenant=avenant, acteur=pilote)
    with pytest.raises(DonneesInvalides, match="seul un projet ouvre le recueil"):
        avenants.ouvrir_le_recueil(avenant=avenant, acteur=pilote)
    repondre(avenant, "etat", pilote)
    avant = etat_des_donnees(avenant)
    with pytest.raises(DonneesInvalides, match="La réponse de L’Etat est déjà enregistrée"):
        repondre(avenant, "etat", pilote, Sens.REFUS)
    assert etat_des_donnees(avenant) == avant


def test_a_form_built_on_a_stale_version_is_refused(villiers, pilote, etat):
    avenant = proposer_et_ouvrir(villiers, pilote, Nature.ANNEXES)
    version_lue = avenant.version
    repondre(avenant, "etat", etat, version=version_lue)

    with pytest.raises(ConflitDeModification, match="modifié par une autre personne"):
        repondre(avenant, "commune", pilote, version=version_lue)


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"objet": "  "}, "Donnez un objet à l'avenant"),
        ({"expose": ""}, "Exposez ce que l'avenant change"),
        ({"organisation_entrante": None}, "Choisissez l'organisation qui adhère"),
        ({"representant": ""}, "Indiquez qui représente"),
        ({"organisation_entrante": "caf"}, "Familiales est déjà signataire du contrat"),
        ({"organisations_obligees": ["caf"]}, "Seul un avenant de modification du contrat"),
        ({"prolongation_jusquau": date(2030, 1, 1)}, "Seul un avenant de modification du contrat"),
        ({"regle": "modification-annexes"}, "ne s'applique pas à une « Adhésion"),
    ],
)
def test_a_proposal_with_bad_input_is_refused_with_a_message(villiers, pilote, champs, message):
    valeurs = dict(champs)
    if isinstance(valeurs.get("organisation_entrante"), str):
        valeurs["organisation_entrante"] = Organisation.objects.get(code="caf")
    if "organisations_obligees" in valeurs:
        valeurs["organisations_obligees"] = Organisation.objects.filter(code__in=["caf"])
    if "regle" in valeurs:
        valeurs["regle"] = villiers.regles_modification.get(code=valeurs["regle"])
    evenements = Evenement.objects.count()

    with pytest.raises(DonneesInvalides, match=message):
        proposer(villiers, pilote, **valeurs)

    assert not Avenant.objects.exists()
    assert not VersionContrat.objects.exists()
    assert Evenement.objects.count() == evenements


@pytest.mark.parametrize(
    ("nature", "champs", "message"),
    [
        (
            Nature.MODIFICATION,
            {"organisation_entrante": "adoma"},
            r"Seul un avenant d'adhésion \(Article 4\) fait entrer",
        ),
        (
            Nature.MODIFICATION,
            {"organisations_obligees": ["adoma"]},
            "Adoma n'en sont pas",
        ),
        (
            Nature.MODIFICATION,
            {"prolongation_jusquau": date(2020, 6, 30)},
            "au-delà du 31/12/2020",
        ),
        ("inconnue", {}, "Choisissez la nature de l'avenant"),
    ],
)
def test_a_modification_with_inconsistent_input_is_refused(
    villiers, pilote, nature, champs, message
):
    valeurs = dict(champs)
    if "organisation_entrante" in valeurs:
        valeurs["organisation_entrante"] = Organisation.objects.get(code="adoma")
    if "organisations_obligees" in valeurs:
        valeurs["organisations_obligees"] = list(Organisation.objects.filter(code="adoma"))
    with pytest.raises(DonneesInvalides, match=message):
        proposer(villiers, pilote, nature, **valeurs)
    assert not Avenant.objects.exists()


def test_an_organisation_s_adhesion_is_proposed_once_at_a_time(villiers, pilote):
    entrante = nouvelle_organisation()
    proposer(villiers, pilote, organisation_entrante=entrante)

    with pytest.raises(DonneesInvalides, match="déjà proposée par l'avenant n° 1"):
        proposer(villiers, pilote, organisation_entrante=entrante)


# --- The first version, and the contract's reload ---------------------------------------


def test_the_first_version_is_frozen_once(villiers, pilote):
    premiere = version_initiale(villiers, pilote)
    encore = version_initiale(villiers, pilote)
    proposer(villiers, pilote)

    assert premiere.pk == encore.pk
    assert list(villiers.versions.values_list("numero", flat=True)) == [1]
    assert premiere.date == (villiers.date_signature or villiers.date_debut)
    assert premiere.contenu["Début"] == "01/01/2015"
    assert len(premiere.contenu["Signataires"]) == len(SIGNATAIRES)
    assert actions_sur(premiere) == [ActionContrat.VERSION_CREATION]


def test_reloading_the_contract_keeps_the_signatory_who_joined_by_avenant(villiers, pilote):
    avenant = tout_accepter(proposer_et_ouvrir(villiers, pilote), pilote)

    charger_contrat(dossier=DOSSIER_VILLIERS)

    assert Signataire.objects.filter(
        contrat=villiers, organisation=avenant.organisation_entrante
    ).exists()
    assert Signataire.objects.filter(contrat=villiers).count() == len(SIGNATAIRES) + 1
