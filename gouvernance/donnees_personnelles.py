"""What gouvernance holds about a person (comptes.donnees_personnelles): their seats in
the contract's bodies and their attendance, the meetings where they represented a
member, the documents and decisions they recorded.

A seat and its attendance are the record of a body's composition and of its meetings'
quorum: erasure keeps them under the pseudonym ("Personne effacée n° …"), as it does for
a representative named at a meeting; the documents and decisions keep their author, the
pseudonymised account.
"""

from django.db.models import QuerySet

from comptes.donnees_personnelles import Declaration, Personne, Rubriques, lignes
from contrats.models import Contrat, Habilitation
from gouvernance.models import Decision, DocumentSeance, MembreInstance, Presence


def _contrats_de(personne: Personne) -> QuerySet[Contrat]:
    compte = personne.compte
    return Contrat.objects.filter(
        pk__in=Habilitation.objects.filter(utilisateur=compte).values("contrat")
    ) | Contrat.objects.filter(
        pk__in=MembreInstance.objects.filter(utilisateur=compte).values("instance__contrat")
    )


def _representations(personne: Personne) -> QuerySet[Presence]:
    """The attendances where the person is named as the representative, in their contracts
    (the name is free text: looked for there only)."""
    presences = Presence.objects.filter(seance__instance__contrat__in=_contrats_de(personne))
    return personne.nommee_dans(presences.order_by("seance__date", "pk"), "represente_par")


def exporter(personne: Personne) -> Rubriques:
    compte = personne.compte
    seance = {
        "Séance": "seance__titre",
        "Date": "seance__date",
        "Instance": "seance__instance__nom",
    }
    return {
        "Sièges dans les instances": lignes(
            MembreInstance.objects.filter(utilisateur=compte).order_by("date_debut", "pk"),
            {
                "Contrat": "instance__contrat__titre",
                "Instance": "instance__nom",
                "Nom": "nom",
                "Qualité": "qualite",
                "Organisation": "organisation__nom",
                "Rôle": "role",
                "Collège": "college",
                "Sexe": "sexe",
                "Tiré au sort": "tire_au_sort",
                "Début du mandat": "date_debut",
                "Fin du mandat": "date_fin",
            },
        ),
        "Présences aux séances": lignes(
            Presence.objects.filter(membre__utilisateur=compte).order_by("seance__date", "pk"),
            {**seance, "Présence": "etat"},
        ),
        # Not the member represented: someone else's data.
        "Représentations à des séances": lignes(_representations(personne), seance),
        "Documents de séance déposés": lignes(
            DocumentSeance.objects.filter(ajoute_par=compte).order_by("ajoute_le"),
            {**seance, "Titre": "titre", "Fichier": "nom_original", "Ajouté le": "ajoute_le"},
        ),
        "Décisions enregistrées": lignes(
            Decision.objects.filter(acteur=compte).order_by("horodatage"),
            {
                **seance,
                "Objet": "objet_libelle",
                "Décision": "decision_libelle",
                "Enregistrée le": "horodatage",
            },
        ),
    }


def effacer(personne: Personne) -> dict[str, int]:
    representations = personne.pseudonymiser(_representations(personne), "represente_par")
    # A seat of an organisation only linked to the account for its convocations names no one.
    sieges = (
        MembreInstance.objects.filter(utilisateur=personne.compte)
        .exclude(nom="")
        .update(nom=personne.pseudonyme)
    )
    return {
        "Sièges pseudonymisés": sieges,
        "Représentations pseudonymisées": representations,
    }


DECLARATION = Declaration(application="gouvernance", exporter=exporter, effacer=effacer)
