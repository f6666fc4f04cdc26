"""Demo bilans of the actions of every demo year but the last (2015-2019 for the 2015-2020
contract), lived through the services at their dates.

The programmation demo funds its actions and pays their advances; here each funded demo
dossier gets its bilan the year after its action (Article 3 §1.5: yearly bilans). The
dossiers the programmation generator drew "soldé" file a full bilan, the pilote
validates it and each financeur then pays its balance, which closes the dossier. The
others go, in turn, through every other state: expected (and overdue), deposited, sent
back for corrections, attested not carried out (the advances become ordres de
reversement), and one asks to move the action's dates, which the pilote accepts.

A dossier whose bilan already left "attendu" (or asked a report) is skipped: a second run
creates nothing. No e-mail leaves (`courriels_suspendus`).
"""

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Habilitation, Organisation
from contrats.selectors import premiere_personne
from historique.horloge import rejouer_a
from programmation.demo import Generateur, moment
from programmation.models import Convention, Dossier, LigneBudget, Paiement, Statut
from programmation.services.notifications import courriels_suspendus
from programmation.services.paiements import enregistrer_paiement, total_paye
from suivi.models import Bilan, CodeTransitionBilan, StatutBilan
from suivi.services import bilans as services

# The turn of the funded dossiers whose balance the generator did not draw.
PARCOURS = ("attendu", "depose", "a_corriger", "non_realisation", "report")
COMPTE_EN_ECART = "60"
MOTIF_CORRECTIONS = "Précisez les résultats au regard des indicateurs de l'action."
MOTIF_NON_REALISATION = "L'intervenant principal a quitté la structure : l'action n'a pas eu lieu."
MOTIF_REPORT = "Le local prévu est en travaux : l'action se tiendra six mois plus tard."


@dataclass
class BilanDemo:
    crees: int = 0
    deposes: int = 0
    a_corriger: int = 0
    valides: int = 0
    non_realisations: int = 0
    reports: int = 0
    soldes: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def en_dict(self) -> dict[str, int]:
        return {
            "bilans attendus": self.crees,
            "bilans déposés": self.deposes,
            "à corriger": self.a_corriger,
            "validés": self.valides,
            "non-réalisations": self.non_realisations,
            "reports de dates": self.reports,
            "soldes versés": self.soldes,
        }


# ---------------------------------------------------------------- people


def porteur_du_dossier(dossier: Dossier) -> Utilisateur:
    return premiere_personne(
        dossier.appel.contrat, Role.PORTEUR, organisation=dossier.structure.organisation_id
    )


def pilote_pour(dossier: Dossier) -> Utilisateur:
    """A pilote (else the État) who does not belong to the structure (déport)."""
    contrat = dossier.appel.contrat
    membres = Habilitation.objects.filter(
        contrat=contrat, role=Role.PORTEUR, organisation=dossier.structure.organisation_id
    ).values("utilisateur")
    for role in (Role.PILOTE, Role.ETAT):
        h = (
            Habilitation.objects.filter(contrat=contrat, role=role)
            .exclude(utilisateur__in=membres)
            .select_related("utilisateur")
            .order_by("pk")
            .first()
        )
        if h:
            return h.utilisateur
    raise ValueError("Aucun pilote ne peut valider ce bilan.")


def agent_de(convention: Convention) -> Utilisateur:
    """Who records the financeur's payments (programmation.permissions.peut_instruire)."""
    contrat = convention.financement.dossier.appel.contrat
    financeur = convention.financement.financeur
    agent = premiere_personne(contrat, Role.FINANCEUR, organisation=financeur)
    if agent is None and financeur.type == Organisation.Type.ETAT:
        agent = premiere_personne(contrat, Role.ETAT)
    if agent is None and financeur.type == Organisation.Type.COMMUNE:
        agent = premiere_personne(contrat, Role.PILOTE)
    return agent


# ---------------------------------------------------------------- a bilan as planned


def saisie_conforme(bilan: Bilan, ecart_explique: bool = False) -> services.SaisieBilan:
    """A full bilan: the action as planned, its expected public, its provisional budget
    (purchases 20 % lower, explained, with `ecart_explique`)."""
    dossier = bilan.dossier
    part_qpv = Decimal(dossier.part_residents_qpv or 100) / 100
    beneficiaires = {
        b.tranche: (
            b.femmes,
            b.hommes,
            int(((b.femmes + b.hommes) * part_qpv).quantize(Decimal(1), ROUND_HALF_UP)),
        )
        for b in dossier.beneficiaires.all()
    }
    lignes = {}
    for ligne in (
        LigneBudget.objects.filter(dossier=dossier).values("compte").annotate(t=Sum("montant"))
    ):
        realise, explication = ligne["t"], ""
        if ecart_explique and ligne["compte"] == COMPTE_EN_ECART:
            realise = (realise * Decimal("0.8")).quantize(Decimal("0.01"))
            explication = "Matériel prêté par le centre social : achats moindres que prévu."
        lignes[ligne["compte"]] = (realise, explication)
    structure = dossier.structure
    return services.SaisieBilan(
        valeurs={
            "realisation": f"{dossier.intitule} : l'action a été menée comme prévu.",
            "dates_et_lieux": dossier.lieux or "Dans le quartier prioritaire.",
            "resultats": "Objectifs de fréquentation atteints ; indicateurs renseignés.",
            "partenaires": "Centre social, écoles et bailleurs du quartier.",
            "difficultes": "Mobilisation des familles plus lente que prévu en début d'année.",
            "recommandation": Bilan.Recommandation.POURSUIVRE,
            "signataire": f"{structure.representant_nom}, {structure.representant_qualite}"
            if structure.representant_nom
            else "Le représentant légal",
            "atteste": True,
        },
        beneficiaires=beneficiaires,
        lignes=lignes,
    )


def deposer_un_bilan_complet(bilan: Bilan, ecart_explique: bool = False) -> Bilan:
    porteur = porteur_du_dossier(bilan.dossier)
    services.enregistrer_bilan(
        bilan=bilan, saisie=saisie_conforme(bilan, ecart_explique), acteur=porteur
    )
    return services.transitionner_bilan(
        bilan=bilan, transition=CodeTransitionBilan.DEPOSER, acteur=porteur
    )


def bilan_valide_pour_le_solde(dossier: Dossier) -> Bilan | None:
    """For state builders and demos (programmation.extensions.preparations_du_solde): the
    porteur files the bilan as planned, a pilote validates it, through the services."""
    dossier = Dossier.objects.select_related("appel__contrat", "structure").get(pk=dossier.pk)
    bilan = services.bilan_du_dossier(dossier)
    if bilan is None or bilan.statut == StatutBilan.VALIDE:
        return bilan
    if bilan.statut != StatutBilan.DEPOSE:
        bilan = deposer_un_bilan_complet(bilan)
    return services.transitionner_bilan(
        bilan=bilan, transition=CodeTransitionBilan.VALIDER, acteur=pilote_pour(dossier)
    )


def payer_les_soldes(dossier: Dossier, jour: date) -> int:
    conventions = (
        Convention.objects.filter(financement__dossier=dossier)
        .exclude(paiements__nature=Paiement.Nature.SOLDE, paiements__annule=False)
        .select_related("financement__financeur", "financement__dossier__appel__contrat")
        .order_by("pk")
    )
    payes = 0
    for convention in conventions:
        reste = convention.montant - total_paye(convention)
        if reste > 0:
            enregistrer_paiement(
                convention=convention,
                nature=Paiement.Nature.SOLDE,
                montant=reste,
                date=jour,
                acteur=agent_de(convention),
            )
            payes += 1
    return payes


# ---------------------------------------------------------------- the demo


class Ecrivain:
    def __init__(self, contrat: Contrat, resultat: BilanDemo):
        self.contrat = contrat
        self.resultat = resultat
        appels = Generateur(contrat).appels()
        self.tires = {d.numero: d.statut for appel in appels for d in appel.dossiers}
        # The last year's actions are still running: their bilans come next year.
        self.annees = [appel.annee for appel in appels[:-1]]

    def dossiers(self) -> list[Dossier]:
        return list(
            Dossier.objects.filter(
                appel__contrat=self.contrat,
                est_demo=True,
                appel__annee__in=self.annees,
                statut__in=services.STATUTS_FINANCES,
            )
            .select_related("appel__contrat", "structure__organisation")
            .order_by("appel__annee", "numero")
        )

    def ecrire(self) -> None:
        rang_du_parcours = 0
        for rang, dossier in enumerate(self.dossiers()):
            solde = self.tires.get(dossier.numero) == Statut.SOLDE
            parcours = "solde" if solde else PARCOURS[rang_du_parcours % len(PARCOURS)]
            rang_du_parcours += 0 if solde else 1
            self.vivre(dossier, parcours, rang)

    def vivre(self, dossier: Dossier, parcours: str, rang: int) -> None:
        annee = dossier.appel.annee
        with rejouer_a(moment(date(annee + 1, 1, 2), 9)):
            existant = Bilan.objects.filter(dossier=dossier).exists()
            bilan = services.bilan_du_dossier(dossier)
        self.resultat.crees += 0 if existant else 1
        if bilan.statut != StatutBilan.ATTENDU or bilan.reports.exists():
            return  # already lived: a second run changes nothing
        depot = moment(date(annee + 1, 2, 1) + timedelta(days=rang % 50), 10)
        if parcours == "attendu":
            return
        if parcours == "report":
            self._report(bilan, annee)
            return
        porteur = porteur_du_dossier(dossier)
        with rejouer_a(depot):
            if parcours == "non_realisation":
                services.transitionner_bilan(
                    bilan=bilan,
                    transition=CodeTransitionBilan.ATTESTER_NON_REALISATION,
                    acteur=porteur,
                    motif=MOTIF_NON_REALISATION,
                )
            else:
                deposer_un_bilan_complet(bilan, ecart_explique=rang % 2 == 0)
        self.resultat.deposes += 1
        if parcours == "depose":
            return
        pilote = pilote_pour(dossier)
        with rejouer_a(depot + timedelta(days=20)):
            if parcours == "a_corriger":
                services.transitionner_bilan(
                    bilan=bilan,
                    transition=CodeTransitionBilan.DEMANDER_CORRECTIONS,
                    acteur=pilote,
                    motif=MOTIF_CORRECTIONS,
                )
                self.resultat.a_corriger += 1
                return
            services.transitionner_bilan(
                bilan=bilan, transition=CodeTransitionBilan.VALIDER, acteur=pilote
            )
        self.resultat.valides += 1
        if parcours == "non_realisation":
            self.resultat.non_realisations += 1
            return
        jour = (depot + timedelta(days=30)).date()
        with rejouer_a(moment(jour, 11)):
            payer_les_soldes(dossier, jour)
        self.resultat.soldes += 1

    def _report(self, bilan: Bilan, annee: int) -> None:
        dossier = bilan.dossier
        debut = dossier.date_debut or date(annee, 9, 1)
        fin = dossier.date_fin or date(annee, 12, 31)
        with rejouer_a(moment(date(annee, 11, 15), 10)):
            report = services.demander_report(
                bilan=bilan,
                date_debut=debut + timedelta(days=182),
                date_fin=fin + timedelta(days=182),
                motif=MOTIF_REPORT,
                acteur=porteur_du_dossier(dossier),
            )
        with rejouer_a(moment(date(annee, 11, 29), 10)):
            services.statuer_report(
                report=report, accepte=True, motif="", acteur=pilote_pour(dossier)
            )
        self.resultat.reports += 1


def generer_demo(contrat: Contrat) -> BilanDemo:
    """Live the demo bilans through the services; a second run creates nothing."""
    resultat = BilanDemo()
    with transaction.atomic(), courriels_suspendus():
        Ecrivain(contrat, resultat).ecrire()
    return resultat
