"""The whole yearly cycle through services alone, from draft to balance."""

from datetime import date
from decimal import Decimal

import pytest

from comptes.models import Utilisateur
from contrats.models import Instance
from gouvernance.models import Decision
from gouvernance.services import creer_seance
from historique.selectors import historique_de
from programmation.models import Convention, Paiement, Statut
from programmation.services.comites import DecisionDemandee, statuer_en_comite
from programmation.services.instruction import donner_avis
from programmation.services.paiements import enregistrer_paiement
from programmation.services.transitions import transitionner
from programmation.tests.factories import DossierFactory
from programmation.tests.outils import porteur_demo_du, preparer_le_solde

pytestmark = pytest.mark.django_db


def test_dossier_goes_from_draft_to_balance_through_committees(
    mailoutbox, django_capture_on_commit_callbacks, pilote, etat, financeur
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _parcours_complet(pilote, etat, financeur)
    assert dossier.statut == Statut.SOLDE
    assert [m.subject for m in mailoutbox][:2] == [
        f"Votre dossier {dossier.numero} est déposé",
        f"Votre dossier {dossier.numero} est recevable",
    ]
    assert mailoutbox[0].to == ["porteur@demo.contrat-de-ville.test"]


def _parcours_complet(pilote: Utilisateur, etat: Utilisateur, caf: Utilisateur):
    """Each step by the person whose role it is; the demo porteur holds the dossier."""
    dossier = DossierFactory(complet=True)
    porteur = porteur_demo_du(dossier)
    contrat = dossier.appel.contrat

    dossier = transitionner(dossier=dossier, transition="deposer", acteur=porteur)
    assert dossier.statut == Statut.DEPOSE
    assert dossier.versions.count() == 1

    recevabilite = creer_seance(
        instance=contrat.instances.get(nature=Instance.Nature.COMITE_RECEVABILITE),
        date=date.today(),
        titre="Comité de recevabilité",
        acteur=pilote,
    )
    statuer_en_comite(
        seance=recevabilite,
        decisions=[DecisionDemandee(dossier, "declarer_recevable")],
        acteur=pilote,
    )
    dossier = transitionner(dossier=dossier, transition="mettre_en_instruction", acteur=pilote)
    financements = {f.financeur.code: f for f in dossier.financements.all()}
    assert set(financements) == {"caf", "etat"}

    donner_avis(
        financement=financements["caf"],
        acteur=caf,
        avis="favorable",
        montant_propose=Decimal("3500"),
        commentaire="Action utile",
        version=1,
    )
    donner_avis(
        financement=financements["etat"],
        acteur=etat,
        avis="favorable",
        montant_propose=Decimal("5000"),
        commentaire="",
        version=1,
    )
    dossier = transitionner(dossier=dossier, transition="proposer", acteur=pilote)

    copil = creer_seance(
        instance=contrat.instances.get(nature=Instance.Nature.COPIL_POLITIQUE),
        date=date.today(),
        titre="COPIL",
        acteur=pilote,
    )
    statuer_en_comite(seance=copil, decisions=[DecisionDemandee(dossier, "valider")], acteur=etat)
    dossier = transitionner(dossier=dossier, transition="conventionner", acteur=pilote)
    assert Convention.objects.filter(financement__dossier=dossier).count() == 2
    preparer_le_solde(dossier)  # the balance waits for the validated bilan (suivi)

    for convention in Convention.objects.filter(financement__dossier=dossier):
        acteur = caf if convention.financement.financeur.code == "caf" else etat
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.AVANCE,
            montant=convention.montant / 2,
            date=date.today(),
            acteur=acteur,
        )
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.SOLDE,
            montant=convention.montant / 2,
            date=date.today(),
            acteur=acteur,
        )

    dossier.refresh_from_db()
    assert dossier.statut == Statut.SOLDE
    assert Decision.objects.filter(object_id=str(dossier.pk)).count() == 2
    actions = [e.action for e in historique_de(dossier)]
    assert "dossier.deposer" in actions and "dossier.solder" in actions
    return dossier
