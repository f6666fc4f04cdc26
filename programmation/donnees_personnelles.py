"""What programmation holds about a person (comptes.donnees_personnelles): the structures
they act for, their requests to join one, the pieces and versions they submitted, the
decisions, avis and payments they recorded.

Dossiers, their versions, pieces, decisions and payments are subsidy records, kept ten
years (docs/donnees-personnelles.md): erasure keeps them, pointing to the pseudonymised
account. It pseudonymises the structure's legal representative when that is the person,
leaves the structure without référent (its porteurs then act as such), drops the person's
pending requests to join and the messages of the others.
"""

from django.db.models import Q, QuerySet

from comptes.donnees_personnelles import Declaration, Personne, Rubriques, lignes
from comptes.models import Role
from programmation.models import (
    AvisProgrammation,
    DemandeAdhesion,
    DemandeComplements,
    DocumentStructure,
    Financement,
    Paiement,
    PieceJointe,
    Structure,
    TransitionDossier,
    VersionDossier,
)


def structures_de(personne: Personne) -> QuerySet[Structure]:
    """The structures the person is référent or porteur of: where their name may be written."""
    compte = personne.compte
    porteur = Q(
        organisation__habilitations__utilisateur=compte,
        organisation__habilitations__role=Role.PORTEUR,
    )
    return Structure.objects.filter(pk__in=Structure.objects.filter(Q(referent=compte) | porteur))


def _representees(personne: Personne) -> QuerySet[Structure]:
    return personne.nommee_dans(structures_de(personne), "representant_nom")


def exporter(personne: Personne) -> Rubriques:
    compte = personne.compte
    dossier = {"Dossier": "dossier__numero", "Intitulé": "dossier__intitule"}
    return {
        "Structures dont vous êtes le référent": lignes(
            Structure.objects.filter(referent=compte).order_by("organisation__nom"),
            {"Structure": "organisation__nom", "SIRET": "siret"},
        ),
        "Représentation légale d'une structure": lignes(
            _representees(personne),
            {
                "Structure": "organisation__nom",
                "Nom": "representant_nom",
                "Qualité": "representant_qualite",
            },
        ),
        "Demandes d'adhésion à une structure": lignes(
            DemandeAdhesion.objects.filter(demandeur=compte).order_by("demandee_le"),
            {
                "Structure": "structure__organisation__nom",
                "Message": "message",
                "Statut": "statut",
                "Demandée le": "demandee_le",
                "Traitée le": "traitee_le",
            },
        ),
        "Demandes d'adhésion traitées": lignes(
            DemandeAdhesion.objects.filter(traitee_par=compte).order_by("traitee_le"),
            {"Structure": "structure__organisation__nom", "Statut": "statut", "Le": "traitee_le"},
        ),
        "Pièces jointes déposées": lignes(
            PieceJointe.objects.filter(deposee_par=compte).order_by("deposee_le"),
            {**dossier, "Nature": "nature", "Fichier": "nom_original", "Déposée le": "deposee_le"},
        ),
        "Pièces du porte-documents déposées": lignes(
            DocumentStructure.objects.filter(deposee_par=compte).order_by("deposee_le"),
            {
                "Structure": "structure__organisation__nom",
                "Nature": "nature",
                "Fichier": "nom_original",
                "Déposée le": "deposee_le",
            },
        ),
        "Versions de dossiers déposées": lignes(
            VersionDossier.objects.filter(acteur=compte).order_by("creee_le"),
            {**dossier, "Version": "numero", "Le": "creee_le"},
        ),
        "Changements de statut des dossiers": lignes(
            TransitionDossier.objects.filter(acteur=compte).order_by("horodatage", "pk"),
            {**dossier, "Transition": "transition", "Le": "horodatage"},
        ),
        "Avis sur les financements": lignes(
            Financement.objects.filter(avis_par=compte).order_by("avis_le"),
            {**dossier, "Financeur": "financeur__nom", "Avis": "avis", "Le": "avis_le"},
        ),
        "Paiements enregistrés": lignes(
            Paiement.objects.filter(acteur=compte).order_by("date", "pk"),
            {
                "Dossier": "convention__financement__dossier__numero",
                "Convention": "convention__numero",
                "Nature": "nature",
                "Montant": "montant",
                "Date": "date",
            },
        ),
        "Demandes de compléments": lignes(
            DemandeComplements.objects.filter(demandee_par=compte).order_by("demandee_le"),
            {**dossier, "Demandée le": "demandee_le", "Échéance": "echeance"},
        ),
        "Avis du conseil citoyen saisis": lignes(
            AvisProgrammation.objects.filter(saisi_par=compte).order_by("appel__annee"),
            {"Appel à projets": "appel__titre", "Avis": "sens", "Reçu le": "recu_le"},
        ),
    }


def effacer(personne: Personne) -> dict[str, int]:
    compte = personne.compte
    representees = personne.pseudonymiser(_representees(personne), "representant_nom")
    sans_referent = Structure.objects.filter(referent=compte).update(referent=None)
    demandes = DemandeAdhesion.objects.filter(demandeur=compte)
    en_attente, _ = demandes.filter(statut=DemandeAdhesion.Statut.EN_ATTENTE).delete()
    messages = demandes.exclude(message="").update(message="")
    return {
        "Représentants légaux pseudonymisés": representees,
        "Structures sans référent": sans_referent,
        "Demandes d'adhésion en attente supprimées": en_attente,
        "Messages de demandes d'adhésion effacés": messages,
    }


DECLARATION = Declaration(application="programmation", exporter=exporter, effacer=effacer)
