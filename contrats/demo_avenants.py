"""Demo avenant, through the services: on 01/01/2016 the Établissement public territorial
Paris Est Marne & Bois took over the politique de la ville competence of its communes; it
joins the contract by avenant n° 1 (Article 4). Every signatory accepts it by letter in
spring 2016, then the commune and the État approve it; the EPT becomes a partner signatory
and the contract has its version 2. Events carry their 2016 dates (`rejouer_a`).
Idempotent: once the EPT's adhesion exists, nothing is created."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from comptes.models import Role, Utilisateur
from contrats.avenants import (
    accords_requis,
    enregistrer_accord,
    ouvrir_le_recueil,
    pilotage_du_contrat,
    proposer_avenant,
)
from contrats.models import AccordAvenant, Avenant, Contrat, Organisation, Signataire
from contrats.selectors import premiere_personne
from historique.horloge import rejouer_a

CODE_EPT = "ept-paris-est-marne-bois"
NOM_EPT = "L’Établissement public territorial Paris Est Marne & Bois"
REPRESENTANT_EPT = "Monsieur Jacques J.P. MARTIN"
QUALITE_EPT = "Président"
OBJET = "Adhésion de l’Établissement public territorial Paris Est Marne & Bois"
EXPOSE = (
    "Depuis le 1er janvier 2016, l’Établissement public territorial Paris Est Marne & Bois "
    "exerce la compétence politique de la ville de ses communes membres, dont "
    "Villiers-sur-Marne (loi NOTRe du 7 août 2015). Il adhère à l’ensemble des orientations du "
    "contrat, en assure la coordination intercommunale avec la commune et apporte son "
    "financement aux actions du plan qui relèvent de ses compétences. Il devient partenaire "
    "signataire du contrat."
)
PROPOSITION = date(2016, 1, 11)
OUVERTURE = date(2016, 1, 18)
PREMIERE_LETTRE = date(2016, 2, 1)


def _moment(jour: date, heure: int = 10) -> datetime:
    return datetime.combine(jour, time(heure), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _pilote(contrat: Contrat) -> Utilisateur:
    pilote = premiere_personne(contrat, Role.PILOTE)
    if pilote is None:
        raise ValueError("Le contrat n'a pas de pilote : créez d'abord les comptes.")
    return pilote


def _ordre_des_lettres(avenant: Avenant) -> list[Organisation]:
    """The partners accept first; the commune, then the État, approve last (Article 4)."""
    pilotage = pilotage_du_contrat(avenant.contrat)
    approbateurs = [pilotage.commune.organisation, pilotage.etat.organisation]
    partenaires = [o for o in accords_requis(avenant) if o not in approbateurs]
    return partenaires + approbateurs


def generer_avenant_d_adhesion(contrat: Contrat) -> int:
    """Avenants created: 1 the first time, 0 afterwards."""
    deja = Avenant.objects.filter(contrat=contrat, organisation_entrante__code=CODE_EPT)
    if (
        deja.exists()
        or Signataire.objects.filter(contrat=contrat, organisation__code=CODE_EPT).exists()
    ):
        return 0
    pilote = _pilote(contrat)
    with transaction.atomic():
        ept, _ = Organisation.objects.get_or_create(
            code=CODE_EPT,
            defaults={"nom": NOM_EPT, "type": Organisation.Type.COLLECTIVITE},
        )
        with rejouer_a(_moment(PROPOSITION)):
            avenant = proposer_avenant(
                contrat=contrat,
                nature=Avenant.Nature.ADHESION,
                objet=OBJET,
                expose=EXPOSE,
                organisation_entrante=ept,
                representant=REPRESENTANT_EPT,
                qualite=QUALITE_EPT,
                acteur=pilote,
            )
        with rejouer_a(_moment(OUVERTURE)):
            avenant = ouvrir_le_recueil(avenant=avenant, acteur=pilote)
        for rang, organisation in enumerate(_ordre_des_lettres(avenant)):
            jour = PREMIERE_LETTRE + timedelta(days=7 * rang)
            with rejouer_a(_moment(jour, 11)):
                enregistrer_accord(
                    avenant=avenant,
                    organisation=organisation,
                    sens=AccordAvenant.Sens.ACCORD,
                    date=jour,
                    commentaire="Lettre d'accord reçue.",
                    acteur=pilote,
                )
    return 1
