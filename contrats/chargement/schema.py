"""Shape of the contract data files (docs/format-contrat.md), checked with pydantic.

Each class mirrors one YAML entry; unknown fields are refused so that a typo in a
field name is reported instead of silently ignored.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

TexteNonVide = Field(min_length=1)
# An empty YAML value (`champ:`) reads as None: for optional texts it means "".
TexteFacultatif = Annotated[str, BeforeValidator(lambda v: "" if v is None else v)]


class Entree(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


# contrat.yaml ----------------------------------------------------------------


class ContratDonnees(Entree):
    slug: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    titre: str = TexteNonVide
    generation: Literal["2015-2020", "prolongation-2022", "prolongation-2023", "2024-2030"]
    date_debut: date
    date_fin: date
    date_signature: date | None = None
    preambule: TexteFacultatif = ""
    objet: TexteFacultatif = ""


class CommuneDonnees(Entree):
    code_insee: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$")
    nom: str = TexteNonVide
    departement: str = TexteNonVide


class SecteurDonnees(Entree):
    nom: str = TexteNonVide
    adresses: list[str] = []


class QuartierDonnees(Entree):
    slug: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    code: str | None = None
    nom: str = TexteNonVide
    communes: list[str] = Field(min_length=1)
    decret: str = TexteNonVide
    description_perimetre: TexteFacultatif = ""
    secteurs: list[SecteurDonnees] = []


class JalonDonnees(Entree):
    date: date
    precision: Literal["jour", "mois", "annee"]
    nature: Literal[
        "signature", "appel_a_projets", "instance", "evaluation", "reglementaire", "echeance"
    ]
    libelle: str = TexteNonVide
    date_fin: date | None = None
    reference: TexteFacultatif = ""


class RegleDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-_]+$")
    article: str = TexteNonVide
    objet: str = TexteNonVide
    procedure: Literal["avenant", "echange_de_lettres"]
    accord_requis: list[str] = Field(min_length=1)
    texte: str = TexteNonVide


class FichierContrat(Entree):
    contrat: ContratDonnees
    communes: list[CommuneDonnees] = Field(min_length=1)
    quartiers_prioritaires: list[QuartierDonnees] = Field(min_length=1)
    calendrier: list[JalonDonnees] = []
    regles_modification: list[RegleDonnees] = []


# diagnostic.yaml -------------------------------------------------------------


class CaseDonnees(Entree):
    valeur: Decimal | None = None
    texte: str = TexteNonVide


class ObservationsDonnees(Entree):
    ville: CaseDonnees | None = None
    qpv: CaseDonnees | None = None


class IndicateurDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    rubrique: str = TexteNonVide
    libelle: str = TexteNonVide
    unite: str = TexteNonVide
    graphique: bool = False
    observations: ObservationsDonnees


class FichierDiagnostic(Entree):
    date: date
    source: str = TexteNonVide
    indicateurs: list[IndicateurDonnees] = Field(min_length=1)


# cadre_strategique.yaml --------------------------------------------------------


class AxeDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+$")
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    intitule: str = TexteNonVide
    description: TexteFacultatif = ""
    objectif_operationnel: TexteFacultatif = ""


class ObjectifDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    intitule: str = TexteNonVide
    description: TexteFacultatif = ""


class DomaineDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+$")
    intitule: str = TexteNonVide
    description: TexteFacultatif = ""
    orientations: list[str] = []
    objectifs: list[ObjectifDonnees] = Field(min_length=1)


class PilierDonnees(Entree):
    numero: str = Field(pattern=r"^\d+$")
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    intitule: str = TexteNonVide
    description: TexteFacultatif = ""
    domaines: list[DomaineDonnees] = Field(min_length=1)


class FichierCadre(Entree):
    axes_transversaux: list[AxeDonnees] = []
    piliers: list[PilierDonnees] = Field(min_length=1)


# plan_actions.yaml -------------------------------------------------------------


class ActionDonnees(Entree):
    intitule: str = TexteNonVide
    groupe: TexteFacultatif = ""
    fiche_page: int | None = Field(default=None, ge=1)


class LigneDonnees(Entree):
    pilier: str = TexteNonVide
    domaine: str = TexteNonVide
    orientations: list[str] = []
    objectifs: list[str] = []
    objectifs_operationnels: list[str] = []
    actions: list[ActionDonnees] = []


class FichierPlan(Entree):
    synthese: dict[str, Decimal | int | dict[str, Decimal]] = {}
    lignes: list[LigneDonnees] = Field(min_length=1)


# signataires.yaml ----------------------------------------------------------------


class OrganisationDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    nom: str = TexteNonVide
    type: Literal[
        "etat",
        "commune",
        "collectivite",
        "operateur_public",
        "justice",
        "bailleur",
        "association",
        "chambre_consulaire",
        "autre",
    ]


class SignataireDonnees(Entree):
    organisation: str = TexteNonVide
    representant: str = TexteNonVide
    qualite: TexteFacultatif = ""
    role: Literal["partie", "partenaire"]


class EngagementDonnees(Entree):
    rubrique: TexteFacultatif = ""
    texte: str = TexteNonVide


class SectionDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+$")
    titre: str = TexteNonVide
    organisations: list[str] = Field(min_length=1)
    introduction: TexteFacultatif = ""
    engagements: list[EngagementDonnees] = Field(min_length=1)


class FichierSignataires(Entree):
    organisations: list[OrganisationDonnees] = Field(min_length=1)
    signataires: list[SignataireDonnees] = Field(min_length=1)
    sections_engagements: list[SectionDonnees] = []


# gouvernance.yaml --------------------------------------------------------------


class InstanceDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    nom: str = TexteNonVide
    nature: Literal[
        "copil_politique",
        "copil_technique",
        "groupe_technique",
        "comite_recevabilite",
        "conseil_citoyen",
        "equipe_projet",
    ]
    reference: TexteFacultatif = ""
    presidence: TexteFacultatif = ""
    composition: list[str] = []
    organisations: list[str] = []
    missions: list[str] = []
    reunions_min_par_an: int | None = Field(default=None, ge=0)


class PlateformeDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    lettre: str = Field(min_length=1, max_length=2)
    nom: str = TexteNonVide
    theme: str = TexteNonVide
    description: TexteFacultatif = ""
    animation: TexteFacultatif = ""
    participants: list[str] = []


class DispositifDonnees(Entree):
    sigle: str = TexteNonVide
    nom: str = TexteNonVide
    description: TexteFacultatif = ""


class MesureDonnees(Entree):
    texte: str = TexteNonVide
    dispositifs: list[str] = []


class ArticulationDonnees(Entree):
    lettre: str = Field(min_length=1, max_length=2)
    porteur: str = TexteNonVide
    mesures: list[MesureDonnees] = []


class FichierGouvernance(Entree):
    instances: list[InstanceDonnees] = []
    plateformes: list[PlateformeDonnees] = []
    dispositifs: list[DispositifDonnees] = []
    articulations: list[ArticulationDonnees] = []


FICHIERS: dict[str, type[Entree]] = {
    "contrat.yaml": FichierContrat,
    "diagnostic.yaml": FichierDiagnostic,
    "cadre_strategique.yaml": FichierCadre,
    "plan_actions.yaml": FichierPlan,
    "signataires.yaml": FichierSignataires,
    "gouvernance.yaml": FichierGouvernance,
}
