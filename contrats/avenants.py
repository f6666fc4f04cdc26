"""Avenants of a contract (Articles 4 and 5) and the versions they make.

- Adhesion (Article 4): another organisation joins the contract. Every signatory accepts
  it, and the État and the commune approve the avenant; once accepted, the newcomer is a
  partner signatory.
- Modification (Article 5, first paragraph): an express accord of the État and the
  commune, and of every signatory to whom the avenant adds an obligation. It may prolong
  the contract.
- Annexes and fiches-actions (Article 5, exchange of letters): the Préfet and the Maire
  agree; the other signatories are informed once it is accepted.

An avenant is proposed (projet), its accords are gathered (en_accord), then it is accepted
once every required accord is in, or refused at the first refusal. Each accepted avenant
makes the next version of the contract (n° 1 is the signed contract, frozen when the first
avenant is proposed). Every write locks the avenant, checks what it must, writes, and
leaves its history events in one transaction; a refusal raises before anything is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes.models import Utilisateur
from contrats import permissions
from contrats.actions import ActionContrat
from contrats.models import (
    AccordAvenant,
    Avenant,
    Contrat,
    Organisation,
    RegleModification,
    Signataire,
    VersionContrat,
)
from contrats.versions import instantane
from historique.erreurs import ConflitDeModification, DonneesInvalides, DroitInsuffisant
from historique.horloge import aujourdhui, maintenant
from historique.services import enregistrer_evenement

Nature = Avenant.Nature
Statut = Avenant.Statut
Sens = AccordAvenant.Sens

# The rules (RegleModification.code, as the contract's data name them) each nature follows;
# the first is the default.
REGLES_PAR_NATURE: dict[str, tuple[str, ...]] = {
    Nature.ADHESION: ("adhesion",),
    Nature.MODIFICATION: ("modification-contrat",),
    Nature.ANNEXES: ("modification-annexes", "modification-fiches-actions"),
}
REFUS_PROPOSITION = "Seuls l'équipe projet de la ville et l'État proposent un avenant."
REFUS_RECUEIL = (
    "Seuls l'équipe projet de la ville et l'État ouvrent le recueil des accords d'un avenant."
)
REFUS_ACCORD = (
    "Seuls l'équipe projet de la ville, l'État et les agents des signataires enregistrent "
    "les accords sur un avenant."
)
CONFLIT = (
    "L'avenant n° {numero} a été modifié par une autre personne pendant votre saisie. "
    "Rechargez la page pour voir où il en est : rien n'a été enregistré."
)


# ---------------------------------------------------------------- who must agree


@dataclass(frozen=True)
class Pilotage:
    """The two parties who approve every avenant: the État (Préfet) and the commune (Maire)."""

    etat: Signataire
    commune: Signataire


def pilotage_du_contrat(contrat: Contrat) -> Pilotage:
    """The parties to the contract that are the État and the commune."""
    parties = {
        s.organisation.type: s
        for s in Signataire.objects.filter(contrat=contrat, role=Signataire.Role.PARTIE)
        .select_related("organisation")
        .order_by("-ordre")  # the first listed wins
    }
    etat = parties.get(Organisation.Type.ETAT)
    commune = parties.get(Organisation.Type.COMMUNE)
    if etat is None or commune is None:
        raise DonneesInvalides(
            "Le contrat n'a pas l'État et la commune pour parties : aucun avenant ne peut "
            "être approuvé."
        )
    return Pilotage(etat=etat, commune=commune)


def _dans_l_ordre_des_signatures(
    contrat: Contrat, organisations: Iterable[Organisation]
) -> list[Organisation]:
    ordre = dict(Signataire.objects.filter(contrat=contrat).values_list("organisation_id", "ordre"))
    return sorted(organisations, key=lambda o: (ordre.get(o.pk, 10_000), o.nom))


def _requis_a_ce_jour(avenant: Avenant) -> list[Organisation]:
    pilotage = pilotage_du_contrat(avenant.contrat)
    if avenant.nature == Nature.ADHESION:
        return [
            s.organisation
            for s in Signataire.objects.filter(contrat=avenant.contrat_id).select_related(
                "organisation"
            )
            if s.organisation_id != avenant.organisation_entrante_id
        ]
    requis = {pilotage.etat.organisation, pilotage.commune.organisation}
    if avenant.nature == Nature.MODIFICATION:
        requis.update(avenant.organisations_obligees.all())
    return list(requis)


def accords_requis(avenant: Avenant) -> list[Organisation]:
    """The organisations whose accord the avenant needs, in the order of the signatures:
    for a projet, as the contract stands; once the gathering is open, those it was opened
    to (a signatory who joins later is not asked)."""
    if avenant.statut == Statut.PROJET:
        requis = _requis_a_ce_jour(avenant)
    else:
        requis = avenant.organisations_requises.all()
    return _dans_l_ordre_des_signatures(avenant.contrat, requis)


def organisations_informees(avenant: Avenant) -> list[Organisation]:
    """The signatories told of an accepted change of the annexes: all but the two parties
    who agreed to it."""
    requis = {o.pk for o in accords_requis(avenant)}
    return [
        s.organisation
        for s in Signataire.objects.filter(contrat=avenant.contrat_id)
        .select_related("organisation")
        .order_by("ordre", "pk")
        if s.organisation_id not in requis
    ]


def regle_par_defaut(contrat: Contrat, nature: str) -> RegleModification | None:
    codes = REGLES_PAR_NATURE.get(nature, ())
    regles = {r.code: r for r in contrat.regles_modification.filter(code__in=codes)}
    return next((regles[code] for code in codes if code in regles), None)


def nature_de_la_regle(regle: RegleModification) -> str | None:
    """The nature of the avenants that follow this rule (None: no avenant follows it)."""
    return next((n for n, codes in REGLES_PAR_NATURE.items() if regle.code in codes), None)


# ---------------------------------------------------------------- versions


def version_initiale(contrat: Contrat, acteur: Utilisateur | None = None) -> VersionContrat:
    """Version n° 1, the signed contract: frozen the first time it is asked for, then read."""
    existante = contrat.versions.filter(numero=1).first()
    if existante is not None:
        return existante
    try:
        with transaction.atomic():
            version = VersionContrat.objects.create(
                contrat=contrat,
                numero=1,
                avenant=None,
                date=contrat.date_signature or contrat.date_debut,
                contenu=instantane(contrat),
                creee_le=maintenant(),
            )
            enregistrer_evenement(
                acteur=acteur,
                objet=version,
                action=ActionContrat.VERSION_CREATION,
                changements={"numéro": 1, "date": f"{version.date:%d/%m/%Y}"},
                motif="Le contrat tel qu'il a été signé.",
            )
    except IntegrityError:  # frozen meanwhile by someone else
        return contrat.versions.get(numero=1)
    return version


def _version_suivante(avenant: Avenant, acteur: Utilisateur) -> VersionContrat:
    contrat = avenant.contrat
    version_initiale(contrat, acteur)
    numero = (contrat.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
    version = VersionContrat.objects.create(
        contrat=contrat,
        numero=numero,
        avenant=avenant,
        date=avenant.date_effet,
        contenu=instantane(contrat),
        creee_le=maintenant(),
    )
    enregistrer_evenement(
        acteur=acteur,
        objet=version,
        action=ActionContrat.VERSION_CREATION,
        changements={
            "numéro": numero,
            "date": f"{version.date:%d/%m/%Y}",
            "avenant": avenant.numero,
        },
        motif=f"Version issue de l'avenant n° {avenant.numero} : {avenant.objet}",
    )
    return version


# ---------------------------------------------------------------- proposing


def _verifier_regle(contrat: Contrat, nature: str, regle: RegleModification | None):
    if nature not in Nature.values:
        raise DonneesInvalides(
            "Choisissez la nature de l'avenant : adhésion d'un partenaire, modification du "
            "contrat ou modification des annexes et des fiches-actions."
        )
    if regle is None:
        regle = regle_par_defaut(contrat, nature)
        if regle is None:
            raise DonneesInvalides(
                f"Le contrat ne prévoit pas de règle pour une « {Nature(nature).label} » "
                "(Articles 4 et 5)."
            )
    if regle.contrat_id != contrat.pk:
        raise DonneesInvalides("La règle choisie n'est pas une règle de ce contrat.")
    if regle.code not in REGLES_PAR_NATURE[nature]:
        raise DonneesInvalides(
            f"La règle « {regle} » ne s'applique pas à une « {Nature(nature).label} »."
        )
    return regle


def _verifier_adhesion(
    contrat: Contrat,
    organisation: Organisation | None,
    representant: str,
) -> None:
    if organisation is None:
        raise DonneesInvalides("Choisissez l'organisation qui adhère au contrat.")
    if Signataire.objects.filter(contrat=contrat, organisation=organisation).exists():
        raise DonneesInvalides(f"{organisation.nom} est déjà signataire du contrat.")
    en_cours = contrat.avenants.filter(
        organisation_entrante=organisation, statut__in=[Statut.PROJET, Statut.EN_ACCORD]
    ).first()
    if en_cours is not None:
        raise DonneesInvalides(
            f"L'adhésion de {organisation.nom} est déjà proposée par l'avenant "
            f"n° {en_cours.numero}."
        )
    if not representant:
        raise DonneesInvalides(f"Indiquez qui représente {organisation.nom} (nom et prénom).")


def _verifier_obligees(contrat: Contrat, obligees: list[Organisation]) -> None:
    signataires = set(
        Signataire.objects.filter(contrat=contrat).values_list("organisation_id", flat=True)
    )
    etrangeres = [o.nom for o in obligees if o.pk not in signataires]
    if etrangeres:
        raise DonneesInvalides(
            "Un avenant n'ajoute d'obligation qu'aux signataires du contrat : "
            + ", ".join(etrangeres)
            + " n'en sont pas."
        )


def _verifier_prolongation(contrat: Contrat, prolongation: date | None) -> None:
    if prolongation is not None and prolongation <= contrat.date_fin:
        raise DonneesInvalides(
            f"Une prolongation porte la fin du contrat au-delà du {contrat.date_fin:%d/%m/%Y}."
        )


def proposer_avenant(
    *,
    contrat: Contrat,
    nature: str,
    objet: str,
    expose: str,
    acteur: Utilisateur,
    regle: RegleModification | None = None,
    organisation_entrante: Organisation | None = None,
    representant: str = "",
    qualite: str = "",
    organisations_obligees: Iterable[Organisation] = (),
    prolongation_jusquau: date | None = None,
) -> Avenant:
    """Propose an avenant (a projet): the pilotage only. Freezes version n° 1 first."""
    if not permissions.peut_proposer_avenant(acteur, contrat):
        raise DroitInsuffisant(REFUS_PROPOSITION)
    objet, expose = objet.strip(), expose.strip()
    representant, qualite = representant.strip(), qualite.strip()
    obligees = list(organisations_obligees)
    regle = _verifier_regle(contrat, nature, regle)
    if not objet:
        raise DonneesInvalides("Donnez un objet à l'avenant (un titre court).")
    if not expose:
        raise DonneesInvalides("Exposez ce que l'avenant change au contrat.")
    if aujourdhui() > contrat.fin_effective:
        raise DonneesInvalides(
            f"Le contrat a pris fin le {contrat.fin_effective:%d/%m/%Y} : il ne se modifie plus."
        )
    if nature == Nature.ADHESION:
        _verifier_adhesion(contrat, organisation_entrante, representant)
    elif organisation_entrante is not None:
        raise DonneesInvalides(
            "Seul un avenant d'adhésion (Article 4) fait entrer une organisation au contrat."
        )
    if obligees and nature != Nature.MODIFICATION:
        raise DonneesInvalides(
            "Seul un avenant de modification du contrat (Article 5) ajoute des obligations "
            "à des signataires."
        )
    _verifier_obligees(contrat, obligees)
    if prolongation_jusquau is not None and nature != Nature.MODIFICATION:
        raise DonneesInvalides(
            "Seul un avenant de modification du contrat (Article 5) le prolonge."
        )
    _verifier_prolongation(contrat, prolongation_jusquau)
    pilotage_du_contrat(contrat)
    try:
        with transaction.atomic():
            Contrat.objects.select_for_update().filter(pk=contrat.pk).first()
            version_initiale(contrat, acteur)
            numero = (contrat.avenants.aggregate(n=Max("numero"))["n"] or 0) + 1
            avenant = Avenant.objects.create(
                contrat=contrat,
                numero=numero,
                nature=nature,
                regle=regle,
                objet=objet,
                expose=expose,
                organisation_entrante=organisation_entrante if nature == Nature.ADHESION else None,
                representant_entrant=representant if nature == Nature.ADHESION else "",
                qualite_entrant=qualite if nature == Nature.ADHESION else "",
                prolongation_jusquau=prolongation_jusquau,
                statut=Statut.PROJET,
                cree_par=acteur,
                cree_le=maintenant(),
            )
            avenant.organisations_obligees.set(obligees)
            changements = {
                "numéro": numero,
                "nature": nature,
                "règle": str(regle),
                "objet": objet,
            }
            if organisation_entrante is not None:
                changements["organisation entrante"] = organisation_entrante.nom
            if obligees:
                changements["signataires obligés"] = sorted(o.nom for o in obligees)
            if prolongation_jusquau is not None:
                changements["prolongation"] = f"{prolongation_jusquau:%d/%m/%Y}"
            enregistrer_evenement(
                acteur=acteur,
                objet=avenant,
                action=ActionContrat.AVENANT_PROPOSITION,
                changements=changements,
                motif=expose,
            )
    except IntegrityError as erreur:  # numbered meanwhile by someone else
        raise ConflitDeModification(
            "Un autre avenant vient d'être proposé sur ce contrat : rechargez la page et "
            "recommencez, rien n'a été enregistré."
        ) from erreur
    return avenant


# ---------------------------------------------------------------- gathering the accords


def _verrouiller(avenant: Avenant, version: int | None) -> Avenant:
    courant = (
        Avenant.objects.select_for_update(of=("self",))
        .select_related("contrat", "regle", "organisation_entrante")
        .get(pk=avenant.pk)
    )
    if version is not None and courant.version != version:
        raise ConflitDeModification(CONFLIT.format(numero=courant.numero))
    return courant


def ouvrir_le_recueil(
    *, avenant: Avenant, acteur: Utilisateur, version: int | None = None
) -> Avenant:
    """The projet goes to the signatories: their accords may now be recorded."""
    with transaction.atomic():
        courant = _verrouiller(avenant, version)
        if not permissions.peut_ouvrir_le_recueil(acteur, courant.contrat):
            raise DroitInsuffisant(REFUS_RECUEIL)
        if courant.statut != Statut.PROJET:
            raise DonneesInvalides(
                f"L'avenant n° {courant.numero} est « {courant.get_statut_display()} » : "
                "seul un projet ouvre le recueil des accords."
            )
        requis = accords_requis(courant)
        courant.statut = Statut.EN_ACCORD
        courant.version += 1
        courant.save(update_fields=["statut", "version"])
        courant.organisations_requises.set(requis)
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionContrat.AVENANT_RECUEIL,
            changements={
                "statut": [Statut.PROJET, Statut.EN_ACCORD],
                "accords requis": [o.nom for o in requis],
            },
        )
    return courant


def _verifier_date(avenant: Avenant, jour: date | None) -> None:
    if jour is None:
        raise DonneesInvalides("Indiquez la date de la lettre (JJ/MM/AAAA).")
    if jour > aujourdhui():
        raise DonneesInvalides(
            f"La date du {jour:%d/%m/%Y} est dans le futur : enregistrez une lettre reçue."
        )
    contrat = avenant.contrat
    if jour < contrat.date_debut:
        raise DonneesInvalides(
            f"La date du {jour:%d/%m/%Y} précède le début du contrat "
            f"({contrat.date_debut:%d/%m/%Y})."
        )
    propose_le = timezone.localdate(avenant.cree_le)
    if jour < propose_le:
        raise DonneesInvalides(
            f"La date du {jour:%d/%m/%Y} précède la proposition de l'avenant "
            f"({propose_le:%d/%m/%Y})."
        )


def _verifier_recueil_ouvert(avenant: Avenant) -> None:
    if avenant.statut == Statut.PROJET:
        raise DonneesInvalides(
            f"Le recueil des accords de l'avenant n° {avenant.numero} n'est pas ouvert : "
            "ouvrez-le d'abord."
        )
    if avenant.statut != Statut.EN_ACCORD:
        raise DonneesInvalides(
            f"L'avenant n° {avenant.numero} est déjà « {avenant.get_statut_display()} » : "
            "il ne reçoit plus d'accord."
        )


def enregistrer_accord(
    *,
    avenant: Avenant,
    organisation: Organisation,
    sens: str,
    date: date | None,
    acteur: Utilisateur,
    commentaire: str = "",
    version: int | None = None,
    adresse_site: str = "",
) -> AccordAvenant:
    """Record one organisation's letter. A refusal refuses the avenant; the last required
    accord accepts it, applies it and makes the next version of the contract.
    `adresse_site`: the site's address, for the link of the e-mails it may send."""
    commentaire = commentaire.strip()
    with transaction.atomic():
        courant = _verrouiller(avenant, version)
        contrat = courant.contrat
        if not permissions.peut_enregistrer_des_accords(acteur, contrat):
            raise DroitInsuffisant(REFUS_ACCORD)
        _verifier_recueil_ouvert(courant)
        requis = accords_requis(courant)
        if organisation.pk not in {o.pk for o in requis}:
            raise DonneesInvalides(
                f"L'accord de {organisation.nom} n'est pas requis pour l'avenant "
                f"n° {courant.numero} ({courant.regle.article}) : seuls "
                + ", ".join(o.nom for o in requis)
                + " donnent le leur."
            )
        if not permissions.peut_enregistrer_accord(acteur, contrat, organisation):
            raise DroitInsuffisant(
                f"Vous n'enregistrez que la lettre de votre organisation, pas celle de "
                f"{organisation.nom}."
            )
        if sens not in Sens.values:
            raise DonneesInvalides("Indiquez si la lettre donne l'accord ou le refuse.")
        _verifier_date(courant, date)
        deja = courant.accords.filter(organisation=organisation).first()
        if deja is not None:
            raise DonneesInvalides(
                f"La réponse de {organisation.nom} est déjà enregistrée "
                f"({deja.get_sens_display().lower()} du {deja.date:%d/%m/%Y})."
            )
        accord = AccordAvenant.objects.create(
            avenant=courant,
            organisation=organisation,
            sens=sens,
            date=date,
            commentaire=commentaire,
            enregistre_par=acteur,
            enregistre_le=maintenant(),
        )
        enregistrer_evenement(
            acteur=acteur,
            objet=courant,
            action=ActionContrat.AVENANT_ACCORD
            if sens == Sens.ACCORD
            else ActionContrat.AVENANT_REFUS,
            changements={
                "organisation": organisation.nom,
                "sens": sens,
                "date": f"{date:%d/%m/%Y}",
            },
            motif=commentaire,
        )
        if sens == Sens.REFUS:
            _refuser(courant, organisation, acteur)
        elif not _accords_manquants(courant, requis):
            _accepter(courant, acteur, adresse_site)
        else:
            courant.version += 1
            courant.save(update_fields=["version"])
    return accord


def _accords_manquants(avenant: Avenant, requis: list[Organisation]) -> list[Organisation]:
    donnes = set(avenant.accords.filter(sens=Sens.ACCORD).values_list("organisation_id", flat=True))
    return [o for o in requis if o.pk not in donnes]


def _refuser(avenant: Avenant, organisation: Organisation, acteur: Utilisateur) -> None:
    avenant.statut = Statut.REFUSE
    avenant.version += 1
    avenant.save(update_fields=["statut", "version"])
    enregistrer_evenement(
        acteur=acteur,
        objet=avenant,
        action=ActionContrat.AVENANT_REJET,
        changements={"statut": [Statut.EN_ACCORD, Statut.REFUSE]},
        motif=f"Refus de {organisation.nom}.",
    )


def _accepter(avenant: Avenant, acteur: Utilisateur, adresse_site: str) -> None:
    avenant.statut = Statut.ACCEPTE
    avenant.date_effet = avenant.accords.aggregate(d=Max("date"))["d"]
    avenant.version += 1
    avenant.save(update_fields=["statut", "date_effet", "version"])
    enregistrer_evenement(
        acteur=acteur,
        objet=avenant,
        action=ActionContrat.AVENANT_ACCEPTATION,
        changements={
            "statut": [Statut.EN_ACCORD, Statut.ACCEPTE],
            "date d'effet": f"{avenant.date_effet:%d/%m/%Y}",
        },
    )
    if avenant.nature == Nature.ADHESION:
        _faire_adherer(avenant, acteur)
    if avenant.prolongation_jusquau is not None:
        _prolonger(avenant, acteur)
    _version_suivante(avenant, acteur)
    if avenant.nature == Nature.ANNEXES:
        _informer(avenant, acteur, adresse_site)


def _faire_adherer(avenant: Avenant, acteur: Utilisateur) -> Signataire:
    contrat = avenant.contrat
    ordre = (contrat.signataires.aggregate(n=Max("ordre"))["n"] or 0) + 1
    signataire = Signataire.objects.create(
        contrat=contrat,
        organisation=avenant.organisation_entrante,
        ordre=ordre,
        representant=avenant.representant_entrant,
        qualite=avenant.qualite_entrant,
        role=Signataire.Role.PARTENAIRE,
    )
    enregistrer_evenement(
        acteur=acteur,
        objet=signataire,
        action=ActionContrat.SIGNATAIRE_ADHESION,
        changements={
            "organisation": signataire.organisation.nom,
            "représentant": signataire.representant,
            "qualité": signataire.qualite,
            "ordre": ordre,
            "avenant": avenant.numero,
        },
    )
    return signataire


def _prolonger(avenant: Avenant, acteur: Utilisateur) -> None:
    contrat = Contrat.objects.select_for_update().get(pk=avenant.contrat_id)
    avant = contrat.prolonge_jusquau
    contrat.prolonge_jusquau = avenant.prolongation_jusquau
    contrat.save(update_fields=["prolonge_jusquau"])
    avenant.contrat = contrat
    enregistrer_evenement(
        acteur=acteur,
        objet=contrat,
        action=ActionContrat.CONTRAT_PROLONGATION,
        changements={
            "prolongé jusqu'au": [
                f"{avant:%d/%m/%Y}" if avant else "",
                f"{contrat.prolonge_jusquau:%d/%m/%Y}",
            ],
            "avenant": avenant.numero,
        },
    )


def _informer(avenant: Avenant, acteur: Utilisateur, adresse_site: str) -> None:
    """The other signatories are told of the change (Article 5): one event each, and an
    e-mail to their agents in the contract once the change is committed."""
    informees = organisations_informees(avenant)
    for organisation in informees:
        enregistrer_evenement(
            acteur=acteur,
            objet=avenant,
            action=ActionContrat.AVENANT_INFORMATION,
            changements={"organisation": organisation.nom},
            motif=f"{organisation.nom} est informé de l'avenant n° {avenant.numero}.",
        )
    adresses = list(
        permissions.agents_des_organisations(avenant.contrat, informees).values_list(
            "email", flat=True
        )
    )
    if adresses:
        lien = ""
        if adresse_site:
            chemin = reverse("contrats:avenant", args=[avenant.contrat.slug, avenant.numero])
            lien = adresse_site.rstrip("/") + chemin
        transaction.on_commit(lambda: _envoyer_information(avenant, adresses, lien))


def _envoyer_information(avenant: Avenant, adresses: list[str], lien: str) -> None:
    """One message per agent: nobody reads the others' addresses."""
    contexte = {
        "lien": lien,
        "avenant": avenant,
        "contrat": avenant.contrat,
        "date_effet": f"{avenant.date_effet:%d/%m/%Y}",
    }
    sujet = f"[Contrat de ville] Avenant n° {avenant.numero} accepté : {avenant.objet}"
    corps = render_to_string("contrats/avenants/courriel_information.txt", contexte)
    for adresse in adresses:
        send_mail(sujet, corps, settings.DEFAULT_FROM_EMAIL, [adresse])
