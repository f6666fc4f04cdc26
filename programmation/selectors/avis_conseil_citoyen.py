"""Reads of the conseil citoyen's avis on a year's programming: its page, its annex to
the plan d'actions, the avis awaited for "Mon espace"."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.urls import reverse

from contrats.models import Contrat, Instance
from historique.horloge import aujourdhui
from programmation import permissions
from programmation.models import AppelAProjets, AvisProgrammation, Statut
from programmation.services.avis_conseil_citoyen import SENS_SAISIS, STATUTS_SOUMIS

Sens = AvisProgrammation.Sens


@dataclass(frozen=True)
class EtatAvis:
    libelle: str
    classe_badge: str
    en_attente: bool  # awaited, its échéance not passed
    reputee_favorable: bool
    recu: bool


def etat_de(avis: AvisProgrammation, jour: date | None = None) -> EtatAvis:
    """What the avis is on `jour`: past its échéance without answer, it is reputed
    favourable even before the daily command records it."""
    jour = jour or aujourdhui()
    if avis.sens == Sens.ATTENDU and avis.echeance >= jour:
        return EtatAvis(
            f"Attendu jusqu'au {avis.echeance:%d/%m/%Y}", "fr-badge--info", True, False, False
        )
    if avis.sens in (Sens.ATTENDU, Sens.TACITE):
        return EtatAvis("Réputé favorable", "fr-badge--success", False, True, False)
    badges = {
        Sens.FAVORABLE: "fr-badge--success",
        Sens.RESERVES: "fr-badge--warning",
        Sens.DEFAVORABLE: "fr-badge--error",
    }
    return EtatAvis(avis.get_sens_display(), badges[avis.sens], False, False, True)


def avis_de(appel: AppelAProjets) -> AvisProgrammation | None:
    """The call's avis; no query when the call was read with it (plan.appel_visible)."""
    try:
        return appel.avis_conseil_citoyen
    except AvisProgrammation.DoesNotExist:
        return None


@dataclass(frozen=True)
class AnnexeAvis:
    """The avis as the plan d'actions annexes it: public once received or reputed."""

    avis: AvisProgrammation
    etat: EtatAvis
    url: str


def annexe_du_plan(appel: AppelAProjets) -> AnnexeAvis | None:
    avis = avis_de(appel)
    if avis is None or not permissions.avis_programmation_public(avis, aujourdhui()):
        return None
    return AnnexeAvis(avis, etat_de(avis), url_de_l_avis(appel))


def url_de_l_avis(appel: AppelAProjets) -> str:
    return reverse("programmation:avis_conseil_citoyen", args=[appel.contrat.slug, appel.annee])


@dataclass(frozen=True)
class PageAvis:
    appel: AppelAProjets
    conseil: Instance
    avis: AvisProgrammation | None
    etat: EtatAvis | None
    dossiers_proposes: int
    dossiers_programmes: int
    peut_consulter: bool  # the consult button
    peut_saisir: bool  # the avis form

    @property
    def a_une_programmation(self) -> bool:
        return bool(self.dossiers_proposes or self.dossiers_programmes)


def page_avis(qui, appel: AppelAProjets, conseil: Instance) -> PageAvis:
    avis = avis_de(appel)
    nombres = dict(
        appel.dossiers.filter(statut__in=STATUTS_SOUMIS)
        .values("statut")
        .annotate(n=Count("pk"))
        .values_list("statut", "n")
    )
    proposes = nombres.pop(Statut.PROPOSE, 0)
    return PageAvis(
        appel=appel,
        conseil=conseil,
        avis=avis,
        etat=etat_de(avis) if avis is not None else None,
        dossiers_proposes=proposes,
        dossiers_programmes=sum(nombres.values()),
        peut_consulter=avis is None
        and permissions.peut_consulter_le_conseil_citoyen(qui, appel.contrat),
        peut_saisir=avis is not None
        and avis.sens == Sens.ATTENDU
        and permissions.peut_saisir_avis_programmation(qui, avis),
    )


def choix_des_sens() -> list[tuple[str, str]]:
    return [(sens.value, sens.label) for sens in SENS_SAISIS]


# ---------------------------------------------------------------- Mon espace


@dataclass(frozen=True)
class AvisAttendu:
    annee: int
    echeance: date
    url: str


def _attendus(avis) -> list[AvisAttendu]:
    jour = aujourdhui()
    lignes = [
        AvisAttendu(a.appel.annee, a.echeance, url_de_l_avis(a.appel))
        for a in avis.select_related("appel__contrat").order_by("consulte_le", "pk")
    ]
    return [ligne for ligne in lignes if ligne.echeance >= jour]


def avis_attendus_du_contrat(contrat: Contrat) -> list[AvisAttendu]:
    """For the pilotage: every avis still awaited, its échéance not passed."""
    return _attendus(AvisProgrammation.objects.filter(appel__contrat=contrat, sens=Sens.ATTENDU))


def avis_a_rendre(qui, contrat: Contrat) -> list[AvisAttendu]:
    """For a membre of the conseil citoyen: the avis it still has to give."""
    return _attendus(permissions.avis_programmation_a_rendre(qui, contrat))
