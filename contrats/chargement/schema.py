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
    slug: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=120)
    titre: str = Field(min_length=1, max_length=250)
    generation: Literal["2015-2020", "prolongation-2022", "prolongation-2023", "2024-2030"]
    date_debut: date
    date_fin: date
    date_signature: date | None = None
    # The slug of the contract of the previous generation, already loaded.
    precedent: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$", max_length=120)
    date_revoyure: date | None = None
    preambule: TexteFacultatif = ""
    objet: TexteFacultatif = ""


class CommuneDonnees(Entree):
    code_insee: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$")
    nom: str = Field(min_length=1, max_length=150)
    departement: str = Field(min_length=1, max_length=100)


class SecteurDonnees(Entree):
    nom: str = Field(min_length=1, max_length=200)
    adresses: list[str] = []


class QuartierDonnees(Entree):
    slug: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=120)
    code: str | None = None
    nom: str = Field(min_length=1, max_length=200)
    communes: list[str] = Field(min_length=1)
    decret: str = Field(min_length=1, max_length=200)
    description_perimetre: TexteFacultatif = ""
    secteurs: list[SecteurDonnees] = []


class JalonDonnees(Entree):
    date: date
    precision: Literal["jour", "mois", "annee"]
    nature: Literal[
        "signature", "appel_a_projets", "instance", "evaluation", "reglementaire", "echeance"
    ]
    libelle: str = Field(min_length=1, max_length=300)
    date_fin: date | None = None
    reference: Annotated[TexteFacultatif, Field(max_length=200)] = ""


class RegleDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-_]+$", max_length=60)
    article: str = Field(min_length=1, max_length=40)
    objet: str = Field(min_length=1, max_length=250)
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
    texte: str = Field(min_length=1, max_length=300)


class ObservationsDonnees(Entree):
    ville: CaseDonnees | None = None
    qpv: CaseDonnees | None = None


class IndicateurDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=80)
    rubrique: str = Field(min_length=1, max_length=100)
    libelle: str = Field(min_length=1, max_length=250)
    unite: str = Field(min_length=1, max_length=40)
    graphique: bool = False
    observations: ObservationsDonnees


class FichierDiagnostic(Entree):
    date: date
    source: str = TexteNonVide
    indicateurs: list[IndicateurDonnees] = Field(min_length=1)


# cadre_strategique.yaml --------------------------------------------------------


class AxeDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+$")
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=60)
    intitule: str = Field(min_length=1, max_length=250)
    description: TexteFacultatif = ""
    objectif_operationnel: TexteFacultatif = ""


class ObjectifDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    intitule: str = Field(min_length=1, max_length=300)
    description: TexteFacultatif = ""


class DomaineDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+$")
    intitule: str = Field(min_length=1, max_length=250)
    description: TexteFacultatif = ""
    orientations: list[str] = []
    objectifs: list[ObjectifDonnees] = Field(min_length=1)


class PilierDonnees(Entree):
    numero: str = Field(pattern=r"^\d+$")
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=60)
    intitule: str = Field(min_length=1, max_length=250)
    description: TexteFacultatif = ""
    domaines: list[DomaineDonnees] = Field(min_length=1)


class ProjetDeQuartierDonnees(Entree):
    quartier: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=120)
    titre: str = Field(min_length=1, max_length=250)
    enjeux: str = TexteNonVide
    demarche: TexteFacultatif = ""
    priorites: list[str] = Field(min_length=1)


class FichierCadre(Entree):
    axes_transversaux: list[AxeDonnees] = []
    # The top level: the pillars (2015-2020) or the priorités locales (2024-2030); the
    # contract's generation says which one the file must hold (lecture.py).
    piliers: list[PilierDonnees] = []
    priorites_locales: list[PilierDonnees] = []
    projets_de_quartier: list[ProjetDeQuartierDonnees] = []

    @property
    def niveaux(self) -> list[PilierDonnees]:
        return self.piliers or self.priorites_locales


# plan_actions.yaml -------------------------------------------------------------


class ActionDonnees(Entree):
    intitule: str = Field(min_length=1, max_length=300)
    groupe: Annotated[TexteFacultatif, Field(max_length=150)] = ""
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
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=60)
    nom: str = Field(min_length=1, max_length=250)
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
    representant: str = Field(min_length=1, max_length=250)
    qualite: Annotated[TexteFacultatif, Field(max_length=250)] = ""
    role: Literal["partie", "partenaire"]


class IndicateurEngagementDonnees(Entree):
    libelle: str = Field(min_length=1, max_length=250)
    unite: str = Field(min_length=1, max_length=40)
    valeur_cible: Decimal = Field(ge=0)
    annee_cible: int = Field(ge=2000, le=2100)


class EngagementDonnees(Entree):
    rubrique: TexteFacultatif = ""
    texte: str = TexteNonVide
    indicateur: IndicateurEngagementDonnees | None = None


class SectionDonnees(Entree):
    numero: str = Field(pattern=r"^\d+\.\d+$")
    titre: str = Field(min_length=1, max_length=250)
    organisations: list[str] = Field(min_length=1)
    introduction: TexteFacultatif = ""
    engagements: list[EngagementDonnees] = Field(min_length=1)


class FichierSignataires(Entree):
    organisations: list[OrganisationDonnees] = Field(min_length=1)
    signataires: list[SignataireDonnees] = Field(min_length=1)
    sections_engagements: list[SectionDonnees] = []


# gouvernance.yaml --------------------------------------------------------------


class InstanceDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=80)
    nom: str = Field(min_length=1, max_length=250)
    nature: Literal[
        "copil_politique",
        "copil_technique",
        "groupe_technique",
        "comite_recevabilite",
        "conseil_citoyen",
        "equipe_projet",
    ]
    reference: Annotated[TexteFacultatif, Field(max_length=200)] = ""
    presidence: TexteFacultatif = ""
    composition: list[str] = []
    organisations: list[str] = []
    missions: list[str] = []
    reunions_min_par_an: int | None = Field(default=None, ge=0)


class PlateformeDonnees(Entree):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", max_length=80)
    lettre: str = Field(min_length=1, max_length=2)
    nom: str = Field(min_length=1, max_length=250)
    theme: str = Field(min_length=1, max_length=250)
    description: TexteFacultatif = ""
    animation: TexteFacultatif = ""
    participants: list[str] = []


class DispositifDonnees(Entree):
    sigle: str = Field(min_length=1, max_length=40)
    nom: str = Field(min_length=1, max_length=250)
    description: TexteFacultatif = ""


class MesureDonnees(Entree):
    texte: str = Field(min_length=1, max_length=300)
    dispositifs: list[str] = []


class ArticulationDonnees(Entree):
    lettre: str = Field(min_length=1, max_length=2)
    porteur: str = Field(min_length=1, max_length=250)
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
