"""The demo avenant: the EPT Paris Est Marne & Bois joins the contract in 2016, through the
services, with 2016 dates; a second run creates nothing."""

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from contrats.actions import ActionContrat
from contrats.demo_avenants import CODE_EPT, generer_avenant_d_adhesion
from contrats.models import AccordAvenant, Avenant, Signataire
from historique.models import Evenement


def comptes() -> tuple[int, ...]:
    return (
        Avenant.objects.count(),
        AccordAvenant.objects.count(),
        Signataire.objects.count(),
        Evenement.objects.count(),
    )


def test_the_ept_joins_the_contract_by_avenant_1_accepted_in_2016(villiers, pilote):
    assert generer_avenant_d_adhesion(villiers) == 1

    avenant = Avenant.objects.get(contrat=villiers, numero=1)
    assert (avenant.nature, avenant.statut) == (Avenant.Nature.ADHESION, Avenant.Statut.ACCEPTE)
    assert avenant.organisation_entrante.code == CODE_EPT
    assert avenant.date_effet.year == 2016
    assert avenant.cree_par == pilote
    signataire = Signataire.objects.get(contrat=villiers, organisation__code=CODE_EPT)
    assert (signataire.role, signataire.ordre) == (Signataire.Role.PARTENAIRE, 15)
    accords = avenant.accords.all()
    assert accords.count() == 14
    assert {a.sens for a in accords} == {AccordAvenant.Sens.ACCORD}
    assert all(date(2016, 1, 18) <= a.date <= date(2016, 12, 31) for a in accords)
    # The commune, then the État, approve last (Article 4).
    assert [a.organisation.code for a in accords.order_by("date")][-2:] == ["commune", "etat"]
    assert list(villiers.versions.values_list("numero", "avenant")) == [(1, None), (2, avenant.pk)]
    evenements = Evenement.objects.filter(
        action__in=[a.value for a in ActionContrat if a.value.startswith("avenant.")]
    )
    assert evenements.count() == 1 + 1 + 14 + 1
    assert {timezone.localdate(e.horodatage).year for e in evenements} == {2016}


def test_a_second_run_creates_nothing(villiers):
    generer_avenant_d_adhesion(villiers)
    avant = comptes()

    assert generer_avenant_d_adhesion(villiers) == 0
    assert comptes() == avant


def test_the_command_prints_its_counts_in_french(villiers):
    sortie = StringIO()
    call_command("generer_demo_avenants", stdout=sortie)
    call_command("generer_demo_avenants", stdout=sortie)

    texte = sortie.getvalue()
    assert f"Avenant de démonstration ({villiers.titre}) : créé." in texte
    assert "déjà en place, rien créé" in texte
    assert "accords enregistrés" in texte
    assert "versions du contrat" in texte
