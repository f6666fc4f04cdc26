""" "Mon espace": each person's to-do list, per contract and role, with counts and links."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse

from contrats.models import Contrat, Habilitation
from contrats.selectors import Droits, droits
from gouvernance import selectors as gouvernance
from gouvernance.permissions import filtre_examines_par, seances_lisibles
from historique.horloge import maintenant
from programmation import extensions, permissions
from programmation.models import (
    AppelAProjets,
    CodeTransition,
    Dossier,
    Financement,
    Paiement,
    Statut,
    TransitionDossier,
)
from programmation.selectors import avis_conseil_citoyen
from programmation.selectors.instruction import synthese_cofinancement

# An avis is overdue three weeks after the dossier was put in instruction.
DELAI_AVIS = timedelta(days=21)


@dataclass(frozen=True)
class Tache:
    libelle: str
    nombre: int
    url: str
    detail: str = ""


@dataclass(frozen=True)
class EspaceContrat:
    contrat: Contrat
    roles: list[str]
    taches: list[Tache]


def mon_espace(utilisateur) -> list[EspaceContrat]:
    """One block per contract where the person holds a role, its tasks first."""
    contrats = Contrat.objects.filter(habilitations__utilisateur=utilisateur).distinct()
    espaces = []
    for contrat in contrats.order_by("-date_debut"):
        d = droits(utilisateur, contrat)
        taches = _taches(utilisateur, d, contrat)
        espaces.append(EspaceContrat(contrat, _roles(utilisateur, contrat), taches))
    return espaces


def _roles(utilisateur, contrat: Contrat) -> list[str]:
    habilitations = Habilitation.objects.filter(utilisateur=utilisateur, contrat=contrat)
    return sorted(
        f"{h.get_role_display()} · {h.organisation.nom}" if h.organisation else h.get_role_display()
        for h in habilitations.select_related("organisation")
    )


def _taches(utilisateur, d: Droits, contrat: Contrat) -> list[Tache]:
    taches: list[Tache] = []
    appel = contrat.appels.order_by("-annee").first()
    if permissions.organisations_porteuses(d):
        taches += _taches_porteur(utilisateur, d, contrat)
    if permissions.pilote(d):
        taches += _taches_gouvernance_pilote(contrat)
    if permissions.pilote(d) and appel:
        taches += _taches_pilotage(d, contrat, appel)
        taches += _taches_avis_du_conseil_pilote(contrat, appel)
    if permissions.agit_comme_financeur(d):
        taches += _taches_financeur(d, contrat)
    if permissions.siege_dans_une_instance(d):
        taches += _taches_membre(d, contrat)
        taches += _taches_du_conseil_citoyen(d, contrat)
    for fournisseur in extensions.fournisseurs_de_taches:
        taches += fournisseur(utilisateur, d, contrat)
    return taches


def _par_statut(dossiers: QuerySet[Dossier]) -> dict[str, int]:
    return dict(dossiers.values("statut").annotate(n=Count("pk")).values_list("statut", "n"))


def _taches_porteur(utilisateur, d: Droits, contrat: Contrat) -> list[Tache]:
    dossiers = Dossier.objects.filter(
        appel__contrat=contrat, structure__organisation__in=permissions.organisations_porteuses(d)
    )
    nombres = _par_statut(dossiers)
    url = reverse("programmation:mes_dossiers", args=[contrat.slug])
    deposes = dossiers.filter(versions__isnull=False).distinct().count()
    adhesions = permissions.adhesions_a_traiter(utilisateur, contrat).count()
    return [
        Tache("Brouillons à terminer et déposer", nombres.get(Statut.BROUILLON, 0), url),
        Tache(
            "Compléments demandés",
            nombres.get(Statut.A_COMPLETER, 0),
            url,
            "Modifiez les parties demandées, puis redéposez le dossier.",
        ),
        Tache(
            "Dossiers conventionnés, en attente de paiement",
            nombres.get(Statut.CONVENTIONNE, 0),
            url,
        ),
        Tache("Récépissés de dépôt", deposes, url, "Un récépissé par dossier déposé."),
        Tache(
            "Demandes à rejoindre votre structure",
            adhesions,
            reverse("programmation:structure", args=[contrat.slug]),
        ),
    ]


def _taches_pilotage(d: Droits, contrat: Contrat, appel: AppelAProjets) -> list[Tache]:
    nombres = _par_statut(Dossier.objects.filter(appel=appel))
    args = [contrat.slug, appel.annee]
    en_retard = _avis_en_retard(appel).count()
    depassements = sum(1 for ligne in synthese_cofinancement(appel, d).lignes if ligne.depasse)
    return [
        Tache(
            f"Dossiers {appel.annee} en attente du comité de recevabilité",
            nombres.get(Statut.DEPOSE, 0),
            reverse("programmation:comite_recevabilite", args=args),
        ),
        Tache(
            f"Dossiers {appel.annee} en attente du comité de pilotage",
            nombres.get(Statut.PROPOSE, 0),
            reverse("programmation:comite_pilotage", args=args),
        ),
        Tache(
            "Avis de financeurs en retard",
            en_retard,
            reverse("programmation:dossiers_appel", args=args),
            f"Attendus depuis plus de {DELAI_AVIS.days} jours d'instruction.",
        ),
        Tache(
            f"Enveloppes {appel.annee} dépassées",
            depassements,
            reverse("programmation:dossiers_appel", args=args),
            "Une enveloppe est dépassée quand ce qui est accordé ou proposé excède son montant.",
        ),
    ]


def _avis_en_retard(appel: AppelAProjets) -> QuerySet[Financement]:
    mis_en_instruction_avant = TransitionDossier.objects.filter(
        dossier=OuterRef("dossier"),
        transition=CodeTransition.METTRE_EN_INSTRUCTION,
        horodatage__lt=maintenant() - DELAI_AVIS,
    )
    return Financement.objects.filter(
        dossier__appel=appel,
        dossier__statut=Statut.EN_INSTRUCTION,
        avis=Financement.Avis.EN_ATTENTE,
    ).filter(Exists(mis_en_instruction_avant))


def _taches_financeur(d: Droits, contrat: Contrat) -> list[Tache]:
    a_instruire = Financement.objects.filter(
        permissions.filtre_financements_instruits(d),
        dossier__appel__contrat=contrat,
        dossier__statut=Statut.EN_INSTRUCTION,
        avis=Financement.Avis.EN_ATTENTE,
    )
    solde_verse = Paiement.objects.filter(
        convention=OuterRef("pk"), nature=Paiement.Nature.SOLDE, annule=False
    )
    a_payer = permissions.conventions_a_payer(d, contrat).exclude(Exists(solde_verse))
    appel = (
        a_instruire.values_list("dossier__appel__annee", flat=True)
        .order_by("-dossier__appel__annee")
        .first()
    )
    url = (
        reverse("programmation:dossiers_appel", args=[contrat.slug, appel])
        if appel
        else reverse("programmation:appels", args=[contrat.slug])
    )
    return [
        Tache("Avis à donner", a_instruire.count(), url),
        Tache(
            "Paiements à enregistrer",
            a_payer.count(),
            reverse("programmation:appels", args=[contrat.slug]),
            "Conventions dont le solde n'est pas encore versé.",
        ),
    ]


def _taches_gouvernance_pilote(contrat: Contrat) -> list[Tache]:
    """The bodies behind their minimum of yearly meetings (Article 3 §1)."""
    retards = gouvernance.instances_en_retard(contrat)
    return [
        Tache(
            "Instances en deçà de leur minimum de réunions",
            sum(len(r.annees) for r in retards),
            reverse("gouvernance:frequences", args=[contrat.slug]),
            "Années écoulées où une instance s'est réunie moins que le contrat ne le prévoit.",
        )
    ]


def _taches_membre(d: Droits, contrat: Contrat) -> list[Tache]:
    """What the bodies a membre sits in examine, and their next meetings."""
    examines = Dossier.objects.filter(appel__contrat=contrat).filter(
        filtre_examines_par(d.instances, Dossier)
    )
    a_venir = gouvernance.seances_a_venir(seances_lisibles(d, contrat))
    return [
        Tache(
            "Dossiers que vos instances examinent",
            examines.exclude(statut=Statut.BROUILLON).count(),
            reverse("programmation:appels", args=[contrat.slug]),
            "Inscrits à l'ordre du jour d'une de leurs séances ou décidés par elles.",
        ),
        Tache(
            "Prochaines réunions de vos instances",
            a_venir.count(),
            reverse("gouvernance:reunions", args=[contrat.slug]),
        ),
    ]


def _taches_avis_du_conseil_pilote(contrat: Contrat, appel: AppelAProjets) -> list[Tache]:
    """The conseil citoyen's avis on the programming still awaited, the nearest first."""
    attendus = avis_conseil_citoyen.avis_attendus_du_contrat(contrat)
    if not attendus:
        return [
            Tache(
                "Avis du conseil citoyen attendus",
                0,
                avis_conseil_citoyen.url_de_l_avis(appel),
                "Transmettez la programmation au conseil citoyen : il a un mois pour donner "
                "son avis.",
            )
        ]
    premier = attendus[0]
    return [
        Tache(
            "Avis du conseil citoyen attendus",
            len(attendus),
            premier.url,
            f"Programmation {premier.annee} : avis attendu au plus tard le "
            f"{premier.echeance:%d/%m/%Y}, réputé favorable ensuite.",
        )
    ]


def _taches_du_conseil_citoyen(d: Droits, contrat: Contrat) -> list[Tache]:
    """For a membre of the conseil citoyen: each avis on a programming it has to give."""
    return [
        Tache(
            f"Avis à rendre sur la programmation {attendu.annee}",
            1,
            attendu.url,
            f"Échéance : le {attendu.echeance:%d/%m/%Y}. Sans réponse, l'avis sera réputé "
            "favorable.",
        )
        for attendu in avis_conseil_citoyen.avis_a_rendre(d, contrat)
    ]
