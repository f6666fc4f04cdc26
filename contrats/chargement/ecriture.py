"""Write a checked contract folder into the database, idempotently.

Rows are matched on their natural key (slug, numero, code, ordre…), saved only when
a field differs, and rows of the contract that the files no longer contain are
deleted: loading the same folder twice leaves the database unchanged.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import ProtectedError, RestrictedError

from contrats import models as m
from contrats.chargement.lecture import DonneesContrat, ErreurChargement
from territoires.models import Commune, Indicateur, Observation, QuartierPrioritaire, Secteur


@dataclass
class Bilan:
    """Counts of rows created, modified and deleted by one load, per model."""

    crees: dict[str, int] = field(default_factory=dict)
    modifies: dict[str, int] = field(default_factory=dict)
    supprimes: dict[str, int] = field(default_factory=dict)

    def compter(self, compteur: dict[str, int], modele: type[models.Model], n: int = 1) -> None:
        if n:
            nom = str(modele._meta.verbose_name_plural)
            compteur[nom] = compteur.get(nom, 0) + n

    @property
    def inchange(self) -> bool:
        return not (self.crees or self.modifies or self.supprimes)

    def en_dict(self) -> dict[str, Any]:
        return {"créés": self.crees, "modifiés": self.modifies, "supprimés": self.supprimes}


class Synchroniseur:
    def __init__(self) -> None:
        self.bilan = Bilan()
        self.crees: set[tuple[type[models.Model], int]] = set()

    def upsert(self, modele: type[models.Model], cle: dict[str, Any], **valeurs: Any) -> Any:
        objet = modele.objects.filter(**cle).first()
        if objet is None:
            self.bilan.compter(self.bilan.crees, modele)
            objet = modele.objects.create(**cle, **valeurs)
            self.crees.add((modele, objet.pk))
            return objet
        changes = {k: v for k, v in valeurs.items() if getattr(objet, k) != v}
        if changes:
            for nom, valeur in changes.items():
                setattr(objet, nom, valeur)
            objet.save(update_fields=list(changes))
            self.bilan.compter(self.bilan.modifies, modele)
        return objet

    def upsert_partage(
        self,
        modele: type[models.Model],
        cle: dict[str, Any],
        *,
        autres_usages: models.QuerySet,
        ou: tuple[str, str],
        a_la_creation: dict[str, Any] | None = None,
        **valeurs: Any,
    ) -> Any:
        """Upsert a row shared between contracts (organisation, indicator).

        Another contract's data must not change under its feet: a shared row that
        another contract uses may only be reused as it is.
        """
        objet = modele.objects.filter(**cle).first()
        if objet is None:
            return self.upsert(modele, cle, **valeurs, **(a_la_creation or {}))
        differents = [k for k, v in valeurs.items() if getattr(objet, k) != v]
        if differents and autres_usages.exists():
            fichier, entree = ou
            raise ErreurChargement(
                fichier,
                entree,
                differents[0],
                f"« {getattr(objet, differents[0])} » dans un autre contrat qui utilise déjà "
                "ce code : reprenez la même valeur ou choisissez un autre code",
            )
        return self.upsert(modele, cle, **valeurs)

    def enfants(
        self,
        modele: type[models.Model],
        parent: dict[str, Any],
        cle: str,
        lignes: Iterable[dict[str, Any]],
        garder: models.Q | None = None,
    ) -> list[Any]:
        """Upsert the children of one parent keyed by `cle`, delete the ones not listed
        (except those `garder` selects)."""
        objets = [self.upsert(modele, {**parent, cle: ligne.pop(cle)}, **ligne) for ligne in lignes]
        obsoletes = modele.objects.filter(**parent).exclude(pk__in=[o.pk for o in objets])
        if garder is not None:
            obsoletes = obsoletes.exclude(garder)
        self._supprimer(modele, obsoletes)
        return objets

    def _supprimer(self, modele: type[models.Model], obsoletes: models.QuerySet) -> None:
        """Delete the rows the files no longer list, unless the platform's work hangs on
        them (a follow-up, a decision, a dossier…): then say which, and load nothing."""
        self.bilan.compter(self.bilan.supprimes, modele, obsoletes.count())
        try:
            obsoletes.delete()
        except (ProtectedError, RestrictedError) as erreur:
            objet = next(
                iter(
                    erreur.protected_objects
                    if isinstance(erreur, ProtectedError)
                    else erreur.restricted_objects
                )
            )
            retire = next((o for o in obsoletes if _depend_de(objet, o)), obsoletes.first())
            raise ErreurChargement(
                modele._meta.verbose_name,
                str(retire)[:80],
                "(suppression)",
                f"cette entrée a disparu des fichiers, mais « {objet} » "
                f"({objet._meta.verbose_name}) en dépend sur la plateforme : rétablissez-la",
            ) from None

    def liste_ordonnee(
        self,
        modele: type[models.Model],
        parent: dict[str, Any],
        identite: str,
        lignes: list[dict[str, Any]],
    ) -> list[Any]:
        """Sync an ordered list whose rows have no key of their own (engagements, actions).

        A row keeps its database identity when its text is unchanged, wherever it moved;
        an edited row keeps the identity of the row at its position. So removing one
        engagement does not shift the yearly follow-ups of the next ones.
        """
        existants = list(modele.objects.filter(**parent))
        par_identite = {getattr(o, identite): o for o in existants}
        retenus: list[Any | None] = [par_identite.pop(ligne[identite], None) for ligne in lignes]
        pris = {o.pk for o in retenus if o is not None}
        par_ordre = {o.ordre: o for o in existants if o.pk not in pris}
        for i, ligne in enumerate(lignes):
            if retenus[i] is None and ligne["ordre"] in par_ordre:
                retenus[i] = par_ordre.pop(ligne["ordre"])
        gardes = {o.pk for o in retenus if o is not None}
        obsoletes = modele.objects.filter(**parent).exclude(pk__in=gardes)
        self._supprimer(modele, obsoletes)
        # Moved rows first step aside, so that (parent, ordre) stays unique at every write.
        deplaces = [
            o for o, ligne in zip(retenus, lignes, strict=True) if o and o.ordre != ligne["ordre"]
        ]
        modele.objects.filter(pk__in=[o.pk for o in deplaces]).update(
            ordre=models.F("ordre") + 10000
        )
        for o in deplaces:
            o.ordre += 10000
        objets = []
        for existant, ligne in zip(retenus, lignes, strict=True):
            cle = {"pk": existant.pk} if existant else {**parent, "ordre": ligne["ordre"]}
            valeurs = {k: v for k, v in ligne.items() if existant or k != "ordre"}
            objets.append(self.upsert(modele, cle, **valeurs))
        return objets

    def lier(self, objet: models.Model, relation: str, cibles: Iterable[models.Model]) -> None:
        manager = getattr(objet, relation)
        voulus = {c.pk for c in cibles}
        if set(manager.values_list("pk", flat=True)) != voulus:
            manager.set(voulus)
            if (type(objet), objet.pk) not in self.crees:
                self.bilan.compter(self.bilan.modifies, type(objet))


def ecrire(d: DonneesContrat) -> tuple[m.Contrat, Bilan]:
    s = Synchroniseur()
    communes = _ecrire_territoires(s, d)
    contrat = _ecrire_contrat(s, d, communes)
    _ecrire_diagnostic(s, d, contrat)
    objectifs = _ecrire_cadre(s, d, contrat)
    _ecrire_plan(s, d, contrat, objectifs)
    organisations = _ecrire_signataires(s, d, contrat)
    _ecrire_gouvernance(s, d, contrat, organisations)
    return contrat, s.bilan


def _ecrire_territoires(s: Synchroniseur, d: DonneesContrat) -> dict[str, Commune]:
    communes = {
        c.code_insee: s.upsert(
            Commune, {"code_insee": c.code_insee}, nom=c.nom, departement=c.departement
        )
        for c in d.contrat.communes
    }
    for q in d.contrat.quartiers_prioritaires:
        quartier = s.upsert(
            QuartierPrioritaire,
            {"slug": q.slug},
            code=q.code or None,
            nom=q.nom,
            decret=q.decret,
            description_perimetre=q.description_perimetre,
        )
        s.lier(quartier, "communes", [communes[code] for code in q.communes])
        s.enfants(
            Secteur,
            {"quartier": quartier},
            "nom",
            [
                {"nom": sect.nom, "ordre": i, "adresses": sect.adresses}
                for i, sect in enumerate(q.secteurs, 1)
            ],
        )
    return communes


def _ecrire_contrat(s: Synchroniseur, d: DonneesContrat, communes: dict[str, Commune]) -> m.Contrat:
    c = d.contrat.contrat
    contrat = s.upsert(
        m.Contrat,
        {"slug": c.slug},
        titre=c.titre,
        generation=c.generation,
        date_debut=c.date_debut,
        date_fin=c.date_fin,
        date_signature=c.date_signature,
        precedent=_precedent(c.precedent, c.slug),
        date_revoyure=c.date_revoyure,
        preambule=c.preambule,
        objet=c.objet,
        synthese_plan=_json(d.plan.synthese),
    )
    s.lier(contrat, "communes", communes.values())
    slugs = [q.slug for q in d.contrat.quartiers_prioritaires]
    s.lier(contrat, "quartiers", QuartierPrioritaire.objects.filter(slug__in=slugs))
    s.enfants(
        m.Jalon,
        {"contrat": contrat},
        "ordre",
        [{"ordre": i, **j.model_dump()} for i, j in enumerate(d.contrat.calendrier, 1)],
    )
    s.enfants(
        m.RegleModification,
        {"contrat": contrat},
        "code",
        [{"ordre": i, **r.model_dump()} for i, r in enumerate(d.contrat.regles_modification, 1)],
    )
    return contrat


def _precedent(slug: str | None, propre_slug: str) -> m.Contrat | None:
    if slug is None:
        return None
    precedent = m.Contrat.objects.filter(slug=slug).exclude(slug=propre_slug).first()
    if precedent is None:
        raise ErreurChargement(
            "contrat.yaml",
            "contrat",
            "precedent",
            f"contrat précédent {slug!r} introuvable : chargez-le d'abord",
        )
    return precedent


def _ecrire_diagnostic(s: Synchroniseur, d: DonneesContrat, contrat: m.Contrat) -> None:
    diag = d.diagnostic
    commune = contrat.communes.order_by("code_insee").first()
    quartier = contrat.quartiers.order_by("slug").first()
    gardees: list[int] = []
    for ordre, ind in enumerate(diag.indicateurs, 1):
        indicateur = s.upsert_partage(
            Indicateur,
            {"code": ind.code},
            # Figures of the reference territories (département, France) come with the
            # contract's own series: they do not make the indicator another contract's.
            autres_usages=Observation.objects.filter(
                indicateur__code=ind.code, reference__isnull=True
            )
            .exclude(commune__in=contrat.communes.all())
            .exclude(quartier__in=contrat.quartiers.all()),
            ou=("diagnostic.yaml", f"indicateurs[{ordre}] (« {ind.code} »)"),
            a_la_creation={"ordre": ordre},
            rubrique=ind.rubrique,
            libelle=ind.libelle,
            unite=ind.unite,
            graphique=ind.graphique,
        )
        cases = [
            ("commune", commune, ind.observations.ville),
            ("quartier", quartier, ind.observations.qpv),
        ]
        for champ, territoire, case in cases:
            if case is not None:
                obs = s.upsert(
                    Observation,
                    {"indicateur": indicateur, champ: territoire, "date": diag.date},
                    valeur=case.valeur,
                    valeur_texte=case.texte,
                    source=diag.source,
                    origine=Observation.Origine.CONTRAT,
                )
                gardees.append(obs.pk)
    obsoletes = Observation.objects.filter(
        models.Q(commune=commune) | models.Q(quartier=quartier), date=diag.date
    ).exclude(pk__in=gardees)
    s.bilan.compter(s.bilan.supprimes, Observation, obsoletes.count())
    obsoletes.delete()


def _ecrire_cadre(
    s: Synchroniseur, d: DonneesContrat, contrat: m.Contrat
) -> dict[str, m.ObjectifOperationnel]:
    s.enfants(
        m.AxeTransversal,
        {"contrat": contrat},
        "numero",
        [a.model_dump() for a in d.cadre.axes_transversaux],
    )
    objectifs: dict[str, m.ObjectifOperationnel] = {}
    piliers = s.enfants(
        m.Pilier,
        {"contrat": contrat},
        "numero",
        [p.model_dump(exclude={"domaines"}) for p in d.cadre.niveaux],
    )
    for pilier, p in zip(piliers, d.cadre.niveaux, strict=True):
        domaines = s.enfants(
            m.Domaine,
            {"pilier": pilier},
            "numero",
            [dm.model_dump(exclude={"orientations", "objectifs"}) for dm in p.domaines],
        )
        for domaine, dm in zip(domaines, p.domaines, strict=True):
            s.enfants(
                m.OrientationStrategique,
                {"domaine": domaine},
                "ordre",
                [{"ordre": i, "texte": t} for i, t in enumerate(dm.orientations, 1)],
            )
            for objectif in s.enfants(
                m.ObjectifOperationnel,
                {"domaine": domaine},
                "numero",
                [o.model_dump() for o in dm.objectifs],
            ):
                objectifs[objectif.numero] = objectif
    _ecrire_projets_de_quartier(s, d, contrat, {p.code: p for p in piliers})
    return objectifs


def _ecrire_projets_de_quartier(
    s: Synchroniseur, d: DonneesContrat, contrat: m.Contrat, priorites: dict[str, m.Pilier]
) -> None:
    quartiers = {q.slug: q for q in contrat.quartiers.all()}
    projets = s.enfants(
        m.ProjetDeQuartier,
        {"contrat": contrat},
        "quartier",
        [
            {**x.model_dump(exclude={"quartier", "priorites"}), "quartier": quartiers[x.quartier]}
            for x in d.cadre.projets_de_quartier
        ],
    )
    for projet, x in zip(projets, d.cadre.projets_de_quartier, strict=True):
        s.lier(projet, "priorites", [priorites[code] for code in x.priorites])


def _ecrire_plan(
    s: Synchroniseur,
    d: DonneesContrat,
    contrat: m.Contrat,
    objectifs: dict[str, m.ObjectifOperationnel],
) -> None:
    piliers = {p.numero: p for p in contrat.piliers.all()}
    domaines = {dm.numero: dm for dm in m.Domaine.objects.filter(pilier__contrat=contrat)}
    lignes = s.enfants(
        m.LignePlan,
        {"contrat": contrat},
        "ordre",
        [
            {
                "ordre": i,
                "pilier": piliers[ligne.pilier],
                "domaine": domaines[ligne.domaine],
                "orientations": ligne.orientations,
                "objectifs": ligne.objectifs,
            }
            for i, ligne in enumerate(d.plan.lignes, 1)
        ],
    )
    for ligne, donnees in zip(lignes, d.plan.lignes, strict=True):
        s.lier(
            ligne,
            "objectifs_operationnels",
            [objectifs[n] for n in donnees.objectifs_operationnels],
        )
        s.liste_ordonnee(
            m.FicheAction,
            {"ligne": ligne},
            "intitule",
            [{"ordre": i, **a.model_dump()} for i, a in enumerate(donnees.actions, 1)],
        )


def _ecrire_signataires(
    s: Synchroniseur, d: DonneesContrat, contrat: m.Contrat
) -> dict[str, m.Organisation]:
    organisations = {
        o.code: s.upsert_partage(
            m.Organisation,
            {"code": o.code},
            autres_usages=m.Signataire.objects.filter(organisation__code=o.code).exclude(
                contrat=contrat
            ),
            ou=("signataires.yaml", f"organisations[{i}] (« {o.code} »)"),
            nom=o.nom,
            type=o.type,
        )
        for i, o in enumerate(d.signataires.organisations, 1)
    }
    s.enfants(
        m.Signataire,
        {"contrat": contrat},
        "organisation",
        [
            {
                **sig.model_dump(),
                "ordre": i,
                "organisation": organisations[sig.organisation],
            }
            for i, sig in enumerate(d.signataires.signataires, 1)
        ],
        # Those who joined by an accepted avenant (Article 4) are not in the files.
        garder=models.Q(
            organisation__in=m.Avenant.objects.filter(
                contrat=contrat, nature=m.Avenant.Nature.ADHESION, statut=m.Avenant.Statut.ACCEPTE
            ).values("organisation_entrante")
        ),
    )
    sections = s.enfants(
        m.SectionEngagements,
        {"contrat": contrat},
        "numero",
        [
            sec.model_dump(exclude={"organisations", "engagements"})
            for sec in d.signataires.sections_engagements
        ],
    )
    for section, sec in zip(sections, d.signataires.sections_engagements, strict=True):
        s.lier(section, "organisations", [organisations[c] for c in sec.organisations])
        s.liste_ordonnee(
            m.Engagement,
            {"section": section},
            "texte",
            [{"ordre": i, **_engagement(e)} for i, e in enumerate(sec.engagements, 1)],
        )
    return organisations


def _engagement(e) -> dict[str, Any]:
    indicateur = e.indicateur
    return {
        "rubrique": e.rubrique,
        "texte": e.texte,
        "indicateur": indicateur.libelle if indicateur else "",
        "unite": indicateur.unite if indicateur else "",
        "valeur_cible": indicateur.valeur_cible if indicateur else None,
        "annee_cible": indicateur.annee_cible if indicateur else None,
    }


def _instance_de_la_plateforme(plateforme) -> dict[str, Any]:
    """A collaborative platform (Article 3 §2.2.1) also meets: it is one of the bodies whose
    meetings are recorded, with its animation and participants as its presidency and
    composition."""
    return {
        "code": plateforme.code,
        "nom": plateforme.nom,
        "nature": m.Instance.Nature.PLATEFORME,
        "reference": "Article 3, 2.2.1",
        "presidence": plateforme.animation,
        "composition": plateforme.participants,
        "missions": [plateforme.theme],
        "reunions_min_par_an": None,
    }


def _ecrire_gouvernance(
    s: Synchroniseur,
    d: DonneesContrat,
    contrat: m.Contrat,
    organisations: dict[str, m.Organisation],
) -> None:
    g = d.gouvernance
    lignes = [inst.model_dump(exclude={"organisations"}) for inst in g.instances]
    lignes += [_instance_de_la_plateforme(p) for p in g.plateformes]
    instances = s.enfants(
        m.Instance,
        {"contrat": contrat},
        "code",
        [{"ordre": i, **ligne} for i, ligne in enumerate(lignes, 1)],
    )
    for instance, inst in zip(instances, g.instances, strict=False):
        s.lier(instance, "organisations", [organisations[c] for c in inst.organisations])
    s.enfants(
        m.PlateformeCollaborative,
        {"contrat": contrat},
        "code",
        [p.model_dump() for p in g.plateformes],
    )
    dispositifs = {
        x.sigle: x
        for x in s.enfants(
            m.Dispositif, {"contrat": contrat}, "sigle", [x.model_dump() for x in g.dispositifs]
        )
    }
    articulations = s.enfants(
        m.Articulation,
        {"contrat": contrat},
        "lettre",
        [a.model_dump(exclude={"mesures"}) for a in g.articulations],
    )
    for articulation, a in zip(articulations, g.articulations, strict=True):
        mesures = s.enfants(
            m.MesureArticulation,
            {"articulation": articulation},
            "ordre",
            [{"ordre": i, "texte": x.texte} for i, x in enumerate(a.mesures, 1)],
        )
        for mesure, x in zip(mesures, a.mesures, strict=True):
            s.lier(mesure, "dispositifs", [dispositifs[sigle] for sigle in x.dispositifs])


def _json(valeur: Any) -> Any:
    """Decimals from YAML become plain numbers so that the JSON field compares equal."""
    if isinstance(valeur, dict):
        return {k: _json(v) for k, v in valeur.items()}
    if hasattr(valeur, "as_integer_ratio") and not isinstance(valeur, int):
        return float(valeur) if valeur != int(valeur) else int(valeur)
    return valeur


def _depend_de(objet: models.Model, cible: models.Model) -> bool:
    """Whether `objet` points at `cible` through one of its foreign keys."""
    return any(
        getattr(objet, champ.attname, None) == cible.pk
        for champ in objet._meta.concrete_fields
        if champ.is_relation and champ.related_model is type(cible)
    )
