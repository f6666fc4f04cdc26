"""Benchmark of the instruction board and its exports on one call of 40, 400 and 2 000 dossiers.

    .venv/bin/python bench/tableau.py [--repetitions 30] [--database-url URL]

Same conventions as bench/pages.py, whose helpers it uses: a throw-away SQLite database
unless --database-url is given (flushed: never point it at real data), median and 95th
percentile in milliseconds, SQL queries per request. The call grows from one size to
the next. Its dossiers are written in bulk as complete drafts, then each is deposited
by its porteur through the state machine, and some go further through the services
(see PARCOURS): no statut is written by hand. `remplir_appel` also builds the calls of
the board's tests.
"""

import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from math import ceil
from pathlib import Path

# The project root first: "programmation" must be the Django app.
RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.pages import (  # noqa: E402
    afficher,
    configurer_django,
    mesurer,
    mesurer_url,
    parse_args,
    resume,
)

TAILLES = (40, 400, 2000)
NOMBRE_DE_STRUCTURES = 25
STRUCTURES = (
    "Association Lire et faire lire",
    "Les Petits Débrouillards",
    "Centre social des Hautes-Noues",
    "Régie de quartier",
    "Association sportive Villiers",
    "Compagnie théâtrale du Bois",
    "Femmes relais de la Marne",
    "Maison des jeunes",
    "Club de prévention spécialisée",
    "Atelier vélo solidaire",
)
ACTIONS = (
    "Accompagnement à la scolarité",
    "Ateliers sociolinguistiques",
    "Médiation de nuit",
    "Chantier éducatif",
    "Fête de quartier",
    "Permanence d'accès aux droits",
    "Sport et citoyenneté",
    "Jardin partagé",
)
# Where a dossier ends, one in twenty each, for a call in the middle of its instruction:
# most dossiers deposited, some admitted, instructed, proposed, refused, conventioned, paid.
PARCOURS = (
    *("depose",) * 13,
    "recevable",
    "irrecevable",
    "en_instruction",
    "propose",
    "refuse",
    "conventionne",
    "solde",
)


def remplir_appel(appel, nombre: int, parcours: Sequence[str] = PARCOURS) -> None:
    """Bring the call up to `nombre` dossiers; the n-th ends at `parcours[n % len]`.

    Every second conventioned dossier has its advances paid (half of each convention).
    """
    from programmation.models import Statut
    from programmation.services.transitions import transitionner
    from programmation.tests.outils import mener_au_statut, porteur_de

    deja = appel.dossiers.count()
    brouillons = _brouillons(appel, range(deja, nombre))
    porteurs = {}
    for dossier in brouillons:
        if dossier.structure_id not in porteurs:
            porteurs[dossier.structure_id] = porteur_de(dossier.structure, appel.contrat)
        transitionner(dossier=dossier, transition="deposer", acteur=porteurs[dossier.structure_id])
    conventionnes = 0
    for rang, dossier in enumerate(brouillons, start=deja):
        statut = parcours[rang % len(parcours)]
        if statut != Statut.DEPOSE:
            mener_au_statut(dossier, statut)
        if statut == Statut.CONVENTIONNE:
            conventionnes += 1
            if conventionnes % 2 == 0:
                _payer_les_avances(dossier)


def _structures(appel) -> list:
    from contrats.models import Organisation
    from programmation.models import Structure

    codes = [f"tableau-{appel.annee}-{n}" for n in range(NOMBRE_DE_STRUCTURES)]
    existantes = list(Structure.objects.filter(organisation__code__in=codes).order_by("pk"))
    if existantes:
        return existantes
    organisations = Organisation.objects.bulk_create(
        Organisation(
            code=code,
            nom=f"{STRUCTURES[n % len(STRUCTURES)]} {n // len(STRUCTURES) + 1}",
            type=Organisation.Type.ASSOCIATION,
        )
        for n, code in enumerate(codes)
    )
    return Structure.objects.bulk_create(
        Structure(
            organisation=organisation,
            type=Structure.Type.ASSOCIATION,
            siret=_siret(appel.annee, n),
            rna=f"W94{appel.annee % 1000:03d}{n:04d}",
            adresse="1 rue des Hautes-Noues",
            code_postal="94350",
            commune="Villiers-sur-Marne",
            representant_nom="Marie Curie",
            representant_qualite="Présidente",
        )
        for n, organisation in enumerate(organisations)
    )


def _siret(annee: int, n: int) -> str:
    """A valid SIRET of its own for the n-th structure of a call (SIREN and SIRET keys)."""
    from programmation.validateurs import cle_luhn_valide

    def cle(chiffres: str) -> str:
        return next(str(c) for c in range(10) if cle_luhn_valide(f"{chiffres}{c}"))

    siren = f"7{annee % 1000:03d}{n:04d}"
    siren += cle(siren)
    return siren + "0001" + cle(siren + "0001")


def _brouillons(appel, rangs: range) -> list:
    """Complete drafts, written in bulk: action, public, objectives and a balanced budget."""
    from contrats.models import ObjectifOperationnel, Organisation
    from programmation.models import Beneficiaires, Dossier, LigneBudget, NatureCredit

    if not rangs:
        return []
    structures = _structures(appel)
    objectifs = list(
        ObjectifOperationnel.objects.filter(domaine__pilier__contrat=appel.contrat)
        .select_related("domaine")
        .order_by("pk")
    )
    caf = Organisation.objects.get(code="caf")
    etat = Organisation.objects.get(code="etat")
    debut = appel.date_cloture + timedelta(days=30)
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            appel=appel,
            structure=structures[rang % len(structures)],
            numero=f"{appel.annee}-{rang + 1:04d}",
            intitule=f"{ACTIONS[rang % len(ACTIONS)]} n° {rang + 1}",
            description="Action de l'appel à projets",
            pilier_id=objectifs[rang % len(objectifs)].domaine.pilier_id,
            date_debut=debut,
            date_fin=debut + timedelta(days=180),
            nb_salaries=1 + rang % 3,
            nb_benevoles=rang % 7,
        )
        for rang in rangs
    )
    Dossier.objectifs_operationnels.through.objects.bulk_create(
        Dossier.objectifs_operationnels.through(
            dossier_id=dossier.pk, objectifoperationnel_id=objectifs[rang % len(objectifs)].pk
        )
        for rang, dossier in zip(rangs, dossiers, strict=True)
    )
    Beneficiaires.objects.bulk_create(
        Beneficiaires(dossier=dossier, tranche="12-15", femmes=8 + rang % 9, hommes=7 + rang % 5)
        for rang, dossier in zip(rangs, dossiers, strict=True)
    )
    lignes = []
    for rang, dossier in zip(rangs, dossiers, strict=True):
        droit_commun = Decimal(1000 + (rang * 37 % 40) * 100)
        specifiques = Decimal(2000 + (rang * 53 % 30) * 150)
        lignes += [
            LigneBudget(
                dossier=dossier,
                sens=LigneBudget.Sens.CHARGE,
                compte="64",
                libelle="Animateurs",
                montant=droit_commun + specifiques,
            ),
            LigneBudget(
                dossier=dossier,
                sens=LigneBudget.Sens.PRODUIT,
                compte="74",
                libelle=caf.nom,
                montant=droit_commun,
                financeur=caf,
                nature=NatureCredit.DROIT_COMMUN,
            ),
            LigneBudget(
                dossier=dossier,
                sens=LigneBudget.Sens.PRODUIT,
                compte="74",
                libelle=etat.nom,
                montant=specifiques,
                financeur=etat,
                nature=NatureCredit.CREDITS_SPECIFIQUES,
            ),
        ]
    LigneBudget.objects.bulk_create(lignes)
    return dossiers


def _payer_les_avances(dossier) -> None:
    from historique.horloge import aujourdhui
    from programmation.models import Convention, Paiement
    from programmation.services.paiements import enregistrer_paiement
    from programmation.tests.outils import instructeur_de

    conventions = Convention.objects.filter(financement__dossier=dossier).select_related(
        "financement__financeur", "financement__dossier__appel__contrat"
    )
    for convention in conventions.order_by("pk"):
        enregistrer_paiement(
            convention=convention,
            nature=Paiement.Nature.AVANCE,
            montant=(convention.montant / 2).quantize(Decimal("0.01")),
            date=aujourdhui(),
            acteur=instructeur_de(convention.financement),
        )


def preparer():
    """The contract, its demo accounts and an open call of this year, still empty."""
    from conftest import DOSSIER_VILLIERS
    from contrats.demo import creer_comptes_demo
    from contrats.services import charger_contrat
    from historique.horloge import aujourdhui
    from programmation.models import AppelAProjets

    contrat, _ = charger_contrat(dossier=DOSSIER_VILLIERS)
    creer_comptes_demo(contrat)
    jour = aujourdhui()
    return AppelAProjets.objects.create(
        contrat=contrat,
        annee=jour.year,
        titre=f"Appel à projets {jour.year} (mesures)",
        date_ouverture=jour - timedelta(days=10),
        date_cloture=jour + timedelta(days=10),
        publie=True,
    )


def requetes(appel, taille: int) -> list[tuple[str, str, int]]:
    """(libellé, URL, divisor of the repetitions) of the board's measured requests."""
    from django.urls import reverse

    from programmation.selectors.instruction import PAR_PAGE

    args = [appel.contrat.slug, appel.annee]
    tableau = reverse("programmation:dossiers_appel", args=args)
    trie = "?nature=droit_commun&structure=association&tri=-accorde"
    derniere = ceil(taille / PAR_PAGE)
    return [
        ("tableau, première page", tableau, 1),
        ("tableau trié (accordé ↓) et filtré (nature, structure)", tableau + trie, 1),
        (f"tableau, dernière page ({derniere})", f"{tableau}?page={derniere}", 1),
        *(
            (
                f"export {format.upper()} (tout l'appel)",
                reverse("programmation:dossiers_appel_export", args=[*args, format]),
                5,
            )
            for format in ("csv", "xlsx", "ods")
        ),
    ]


def bench_tableau(appel, repetitions: int) -> list[str]:
    from django.test import Client

    from comptes.models import Utilisateur

    pilote = Client()
    pilote.force_login(Utilisateur.objects.get(username="pilote"))
    lignes = []
    for taille in TAILLES:
        debut = time.perf_counter()
        remplir_appel(appel, taille)
        construction = (time.perf_counter() - debut) * 1000
        lignes.append(resume(f"{taille} dossiers : construction de l'appel", [construction]))
        for libelle, url, diviseur in requetes(appel, taille):
            durees, nombre = mesurer_url(pilote, url, max(3, repetitions // diviseur))
            lignes.append(resume(f"{taille} dossiers : {libelle}", durees, nombre))
        # The board alone, without the request around it (session, template).
        lignes.append(
            resume(
                f"{taille} dossiers : sélecteur de la première page",
                mesurer(lambda: _premiere_page(appel), repetitions),
            )
        )
    return lignes


def _premiere_page(appel) -> None:
    from comptes.models import Utilisateur
    from contrats.selectors import droits
    from programmation.selectors.instruction import tableau_instruction

    tableau_instruction(appel, droits(Utilisateur.objects.get(username="pilote"), appel.contrat))


def main() -> None:
    args = parse_args()
    configurer_django(args.database_url)
    from django.core.management import call_command
    from django.test.utils import override_settings

    # The porteurs' e-mails are written as usual, then dropped instead of printed.
    override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend").enable()
    call_command("flush", verbosity=0, interactive=False)
    afficher(args.repetitions, bench_tableau(preparer(), args.repetitions))


if __name__ == "__main__":
    main()
