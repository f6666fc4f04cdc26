from dataclasses import dataclass, replace

from django.conf import settings
from django.db import models

from comptes.models import ROLES_AVEC_ORGANISATION, Role
from territoires.models import Commune, QuartierPrioritaire
from territoires.nombres import nombre_lisible


class Generation(models.TextChoices):
    G2015_2020 = "2015-2020", "Contrat de ville 2015-2020"
    PROLONGATION_2022 = "prolongation-2022", "Prolongation jusqu'en 2022"
    PROLONGATION_2023 = "prolongation-2023", "Prolongation jusqu'en 2023"
    G2024_2030 = "2024-2030", "Engagements Quartiers 2030 (2024-2030)"


@dataclass(frozen=True)
class RegleGeneration:
    """What a generation of contracts asks for, read by the loader, the pages and the
    creation of a contract from its predecessor."""

    # The top level of the cadre stratégique: the three national pillars (2015-2020) or
    # the priorities each territory sets for itself (2024-2030).
    niveau: str
    niveau_pluriel: str
    priorites_locales: bool
    projet_de_quartier_par_qpv: bool
    engagements_mesurables: bool
    # Conventions pluriannuelles d'objectifs: how many years at most (0: none).
    duree_max_cpo: int
    premiere_annee: int | None = None
    derniere_annee: int | None = None
    annee_revoyure: int | None = None


_REGLE_2015 = RegleGeneration(
    niveau="pilier",
    niveau_pluriel="piliers",
    priorites_locales=False,
    projet_de_quartier_par_qpv=False,
    engagements_mesurables=False,
    duree_max_cpo=3,
)
REGLES_GENERATION: dict[str, RegleGeneration] = {
    Generation.G2015_2020: replace(_REGLE_2015, premiere_annee=2015, derniere_annee=2020),
    Generation.PROLONGATION_2022: replace(_REGLE_2015, premiere_annee=2015, derniere_annee=2022),
    Generation.PROLONGATION_2023: replace(_REGLE_2015, premiere_annee=2015, derniere_annee=2023),
    # Circulaire du 31 août 2023: contracts of 2024-2030, reviewed in 2027, priorities set
    # locally, a projet de quartier per QPV, engagements with measurable targets.
    Generation.G2024_2030: RegleGeneration(
        niveau="priorité locale",
        niveau_pluriel="priorités locales",
        priorites_locales=True,
        projet_de_quartier_par_qpv=True,
        engagements_mesurables=True,
        duree_max_cpo=3,
        premiere_annee=2024,
        derniere_annee=2030,
        annee_revoyure=2027,
    ),
}


class Contrat(models.Model):
    slug = models.SlugField("identifiant", max_length=120, unique=True)
    titre = models.CharField("titre", max_length=250)
    generation = models.CharField("génération", max_length=20, choices=Generation.choices)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin")
    # The 2015-2020 contracts were prolonged by law (loi de finances pour 2019, then pour
    # 2022): their bodies kept meeting after the end the contract itself states.
    prolonge_jusquau = models.DateField("prolongé jusqu'au", null=True, blank=True)
    date_signature = models.DateField("date de signature", null=True, blank=True)
    preambule = models.TextField("préambule", blank=True)
    objet = models.TextField("objet et contenu", blank=True)
    communes = models.ManyToManyField(Commune, related_name="contrats", verbose_name="communes")
    quartiers = models.ManyToManyField(
        QuartierPrioritaire, related_name="contrats", verbose_name="quartiers prioritaires"
    )
    synthese_plan = models.JSONField(
        "synthèse du plan d'actions (chiffres annoncés)", default=dict, blank=True
    )
    # The contract of the previous generation this one was created from.
    precedent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivants",
        verbose_name="contrat précédent",
    )
    date_revoyure = models.DateField("clause de revoyure", null=True, blank=True)

    class Meta:
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        ordering = ["-date_debut", "titre"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__gte=models.F("date_debut")),
                name="contrat_fin_apres_debut",
            )
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def fin_effective(self):
        """The last day the contract runs: its stated end, or the end of its prolongation."""
        return max(self.date_fin, self.prolonge_jusquau or self.date_fin)

    @property
    def regle(self) -> RegleGeneration:
        return REGLES_GENERATION[self.generation]


class Jalon(models.Model):
    """A dated fact of the contract: signature, call for projects, evaluation, deadline."""

    class Precision(models.TextChoices):
        JOUR = "jour", "jour"
        MOIS = "mois", "mois"
        ANNEE = "annee", "année"

    class Nature(models.TextChoices):
        SIGNATURE = "signature", "Signature"
        APPEL_A_PROJETS = "appel_a_projets", "Appel à projets"
        INSTANCE = "instance", "Instance"
        EVALUATION = "evaluation", "Évaluation"
        REGLEMENTAIRE = "reglementaire", "Texte de référence"
        ECHEANCE = "echeance", "Échéance"

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="jalons")
    ordre = models.PositiveSmallIntegerField("ordre")
    date = models.DateField("date")
    date_fin = models.DateField("fin", null=True, blank=True)
    precision = models.CharField("précision", max_length=5, choices=Precision.choices)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    libelle = models.CharField("libellé", max_length=300)
    reference = models.CharField("référence dans le contrat", max_length=200, blank=True)

    class Meta:
        verbose_name = "jalon"
        ordering = ["contrat", "date", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "ordre"], name="jalon_ordre_unique")
        ]

    def __str__(self) -> str:
        return self.libelle


class RegleModification(models.Model):
    """How the contract may change (Articles 4 and 5): procedure and who must agree."""

    class Procedure(models.TextChoices):
        AVENANT = "avenant", "Avenant"
        ECHANGE_DE_LETTRES = "echange_de_lettres", "Échange de lettres"

    contrat = models.ForeignKey(
        Contrat, on_delete=models.CASCADE, related_name="regles_modification"
    )
    ordre = models.PositiveSmallIntegerField("ordre")
    code = models.SlugField("code", max_length=60)
    article = models.CharField("article", max_length=40)
    objet = models.CharField("objet", max_length=250)
    procedure = models.CharField("procédure", max_length=20, choices=Procedure.choices)
    accord_requis = models.JSONField("accord requis de", default=list)
    texte = models.TextField("texte")

    class Meta:
        verbose_name = "règle de modification"
        verbose_name_plural = "règles de modification"
        ordering = ["contrat", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="regle_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} · {self.objet}"


class AxeTransversal(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="axes")
    numero = models.CharField("numéro", max_length=10)
    code = models.SlugField("code", max_length=60)
    intitule = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    objectif_operationnel = models.TextField("objectif opérationnel", blank=True)

    class Meta:
        verbose_name = "axe transversal"
        verbose_name_plural = "axes transversaux"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="axe_numero_unique"),
            models.UniqueConstraint(fields=["contrat", "code"], name="axe_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.numero} {self.intitule}"


class Pilier(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="piliers")
    numero = models.CharField("numéro", max_length=10)
    code = models.SlugField("code", max_length=60)
    intitule = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "pilier"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="pilier_numero_unique"),
            models.UniqueConstraint(fields=["contrat", "code"], name="pilier_code_unique"),
        ]

    def __str__(self) -> str:
        return self.intitule


class Domaine(models.Model):
    pilier = models.ForeignKey(Pilier, on_delete=models.CASCADE, related_name="domaines")
    numero = models.CharField("numéro", max_length=10)
    intitule = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "domaine"
        ordering = ["pilier", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["pilier", "numero"], name="domaine_numero_unique")
        ]

    def __str__(self) -> str:
        return f"{self.numero} {self.intitule}"


class OrientationStrategique(models.Model):
    domaine = models.ForeignKey(Domaine, on_delete=models.CASCADE, related_name="orientations")
    ordre = models.PositiveSmallIntegerField("ordre")
    texte = models.TextField("texte")

    class Meta:
        verbose_name = "orientation stratégique"
        verbose_name_plural = "orientations stratégiques"
        ordering = ["domaine", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["domaine", "ordre"], name="orientation_ordre_unique")
        ]

    def __str__(self) -> str:
        return self.texte


class ObjectifOperationnel(models.Model):
    domaine = models.ForeignKey(Domaine, on_delete=models.CASCADE, related_name="objectifs")
    numero = models.CharField("numéro", max_length=10)
    intitule = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "objectif opérationnel"
        verbose_name_plural = "objectifs opérationnels"
        ordering = ["domaine", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["domaine", "numero"], name="objectif_numero_unique")
        ]

    def __str__(self) -> str:
        return f"{self.numero} {self.intitule}"


class ProjetDeQuartier(models.Model):
    """The projet de quartier of one QPV (2024-2030): its stakes and the local priorities
    it carries, written with the residents."""

    contrat = models.ForeignKey(
        Contrat, on_delete=models.CASCADE, related_name="projets_de_quartier"
    )
    quartier = models.ForeignKey(
        QuartierPrioritaire, on_delete=models.PROTECT, related_name="projets_de_quartier"
    )
    titre = models.CharField("titre", max_length=250)
    enjeux = models.TextField("enjeux")
    demarche = models.TextField("démarche de co-construction", blank=True)
    priorites = models.ManyToManyField(
        Pilier, related_name="projets_de_quartier", verbose_name="priorités locales portées"
    )

    class Meta:
        verbose_name = "projet de quartier"
        verbose_name_plural = "projets de quartier"
        ordering = ["contrat", "quartier__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "quartier"], name="projet_de_quartier_unique_par_qpv"
            )
        ]

    def __str__(self) -> str:
        return self.titre


class LignePlan(models.Model):
    """A row of the contract's action plan table: where a group of actions sits."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="lignes_plan")
    ordre = models.PositiveSmallIntegerField("ordre")
    pilier = models.ForeignKey(Pilier, on_delete=models.CASCADE, related_name="lignes_plan")
    domaine = models.ForeignKey(Domaine, on_delete=models.CASCADE, related_name="lignes_plan")
    orientations = models.JSONField("orientations stratégiques", default=list)
    objectifs = models.JSONField("objectifs opérationnels (texte du tableau)", default=list)
    objectifs_operationnels = models.ManyToManyField(
        ObjectifOperationnel, related_name="lignes_plan", verbose_name="objectifs servis"
    )

    class Meta:
        verbose_name = "ligne du plan d'actions"
        verbose_name_plural = "lignes du plan d'actions"
        ordering = ["contrat", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "ordre"], name="ligne_plan_ordre_unique")
        ]

    def __str__(self) -> str:
        return f"{self.domaine} (ligne {self.ordre})"


class FicheAction(models.Model):
    ligne = models.ForeignKey(LignePlan, on_delete=models.CASCADE, related_name="actions")
    ordre = models.PositiveSmallIntegerField("ordre")
    intitule = models.CharField("intitulé", max_length=300)
    groupe = models.CharField("décliné du dispositif", max_length=150, blank=True)
    fiche_page = models.PositiveSmallIntegerField("page de la fiche", null=True, blank=True)

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["ligne__ordre", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["ligne", "ordre"], name="action_ordre_unique")
        ]

    def __str__(self) -> str:
        return self.intitule


class Organisation(models.Model):
    class Type(models.TextChoices):
        ETAT = "etat", "État"
        COMMUNE = "commune", "Commune"
        COLLECTIVITE = "collectivite", "Collectivité territoriale"
        OPERATEUR_PUBLIC = "operateur_public", "Opérateur public"
        JUSTICE = "justice", "Institution judiciaire"
        BAILLEUR = "bailleur", "Bailleur social"
        ASSOCIATION = "association", "Association"
        CHAMBRE_CONSULAIRE = "chambre_consulaire", "Chambre consulaire"
        AUTRE = "autre", "Autre"

    code = models.SlugField("code", max_length=60, unique=True)
    nom = models.CharField("nom", max_length=250)
    type = models.CharField("type", max_length=20, choices=Type.choices)

    class Meta:
        verbose_name = "organisation"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Signataire(models.Model):
    class Role(models.TextChoices):
        PARTIE = "partie", "Partie au contrat"
        PARTENAIRE = "partenaire", "Partenaire signataire"

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="signataires")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signatures"
    )
    ordre = models.PositiveSmallIntegerField("ordre")
    representant = models.CharField("représenté par", max_length=250)
    qualite = models.CharField("qualité", max_length=250, blank=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "signataire"
        ordering = ["contrat", "ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "organisation"], name="signataire_unique_par_contrat"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.representant})"


class SectionEngagements(models.Model):
    contrat = models.ForeignKey(
        Contrat, on_delete=models.CASCADE, related_name="sections_engagements"
    )
    numero = models.CharField("numéro", max_length=10)
    titre = models.CharField("titre", max_length=250)
    organisations = models.ManyToManyField(
        Organisation, related_name="sections_engagements", verbose_name="organisations engagées"
    )
    introduction = models.TextField("introduction", blank=True)

    class Meta:
        verbose_name = "section d'engagements"
        verbose_name_plural = "sections d'engagements"
        ordering = ["contrat", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="section_numero_unique")
        ]

    def __str__(self) -> str:
        return f"{self.numero} {self.titre}"


class Engagement(models.Model):
    section = models.ForeignKey(
        SectionEngagements, on_delete=models.CASCADE, related_name="engagements"
    )
    ordre = models.PositiveSmallIntegerField("ordre")
    rubrique = models.TextField("rubrique", blank=True)
    texte = models.TextField("texte")
    # Measurable engagements (2024-2030): an indicator, its unit and its target.
    indicateur = models.CharField("indicateur", max_length=250, blank=True, default="")
    unite = models.CharField("unité", max_length=40, blank=True, default="")
    valeur_cible = models.DecimalField(
        "valeur cible", max_digits=12, decimal_places=2, null=True, blank=True
    )
    annee_cible = models.PositiveSmallIntegerField("année cible", null=True, blank=True)

    class Meta:
        verbose_name = "engagement"
        ordering = ["section", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["section", "ordre"], name="engagement_ordre_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section.numero} n° {self.ordre}"

    @property
    def est_mesurable(self) -> bool:
        return bool(self.indicateur) and self.valeur_cible is not None

    @property
    def cible(self) -> str:
        """« 120 enfants en 2030 »: the target as pages and exports write it."""
        if not self.est_mesurable:
            return ""
        texte = f"{nombre_lisible(self.valeur_cible)} {self.unite}".strip()
        return f"{texte} en {self.annee_cible}" if self.annee_cible else texte


class Instance(models.Model):
    class Nature(models.TextChoices):
        COPIL_POLITIQUE = "copil_politique", "Comité de pilotage politique"
        COPIL_TECHNIQUE = "copil_technique", "Comité de pilotage technique"
        GROUPE_TECHNIQUE = "groupe_technique", "Groupe technique"
        COMITE_RECEVABILITE = "comite_recevabilite", "Comité de recevabilité"
        CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
        EQUIPE_PROJET = "equipe_projet", "Équipe projet"
        PLATEFORME = "plateforme_collaborative", "Plateforme collaborative"

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="instances")
    ordre = models.PositiveSmallIntegerField("ordre")
    code = models.SlugField("code", max_length=80)
    nom = models.CharField("nom", max_length=250)
    nature = models.CharField("nature", max_length=30, choices=Nature.choices)
    reference = models.CharField("référence dans le contrat", max_length=200, blank=True)
    presidence = models.TextField("présidence ou animation", blank=True)
    composition = models.JSONField("composition", default=list)
    organisations = models.ManyToManyField(
        Organisation, related_name="instances", verbose_name="organisations membres", blank=True
    )
    missions = models.JSONField("missions", default=list)
    reunions_min_par_an = models.PositiveSmallIntegerField(
        "réunions minimales par an", null=True, blank=True
    )
    # Members present or represented for the body to decide; most bodies of the contract
    # have none.
    quorum = models.PositiveSmallIntegerField("quorum", null=True, blank=True)

    class Meta:
        verbose_name = "instance"
        ordering = ["contrat", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="instance_code_unique")
        ]

    def __str__(self) -> str:
        return self.nom


class PlateformeCollaborative(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="plateformes")
    code = models.SlugField("code", max_length=80)
    lettre = models.CharField("lettre", max_length=2)
    nom = models.CharField("nom", max_length=250)
    theme = models.CharField("thème", max_length=250)
    description = models.TextField("description", blank=True)
    animation = models.TextField("animation", blank=True)
    participants = models.JSONField("participants pressentis", default=list)

    class Meta:
        verbose_name = "plateforme collaborative"
        verbose_name_plural = "plateformes collaboratives"
        ordering = ["contrat", "lettre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="plateforme_code_unique")
        ]

    def __str__(self) -> str:
        return self.nom


class Dispositif(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="dispositifs")
    sigle = models.CharField("sigle", max_length=40)
    nom = models.CharField("nom", max_length=250)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "dispositif"
        ordering = ["contrat", "sigle"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "sigle"], name="dispositif_sigle_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sigle} · {self.nom}"


class Articulation(models.Model):
    """How the contract connects with a service or programme of the commune (§2.2.2)."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="articulations")
    lettre = models.CharField("lettre", max_length=2)
    porteur = models.CharField("porteur", max_length=250)

    class Meta:
        verbose_name = "articulation"
        ordering = ["contrat", "lettre"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "lettre"], name="articulation_lettre_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lettre}/ {self.porteur}"


class MesureArticulation(models.Model):
    articulation = models.ForeignKey(Articulation, on_delete=models.CASCADE, related_name="mesures")
    ordre = models.PositiveSmallIntegerField("ordre")
    texte = models.CharField("texte", max_length=300)
    dispositifs = models.ManyToManyField(
        Dispositif, related_name="mesures", verbose_name="dispositifs", blank=True
    )

    class Meta:
        verbose_name = "mesure d'articulation"
        verbose_name_plural = "mesures d'articulation"
        ordering = ["articulation", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["articulation", "ordre"], name="mesure_ordre_unique")
        ]

    def __str__(self) -> str:
        return self.texte


class Habilitation(models.Model):
    """A role held by a person in one contract.

    It lives here rather than in `comptes` because it points to a contract and an
    organisation, and `comptes` must not depend on later apps.
    """

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habilitations"
    )
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="habilitations")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="habilitations",
    )
    # The body a membre sits in. Empty for the other roles, and for membres named before
    # bodies were recorded (they keep reading what every body examines).
    instance = models.ForeignKey(
        Instance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="habilitations",
        verbose_name="instance",
    )

    class Meta:
        verbose_name = "habilitation"
        ordering = ["contrat", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "contrat", "role"], name="habilitation_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(ROLES_AVEC_ORGANISATION), organisation__isnull=False)
                    | (
                        ~models.Q(role__in=sorted(ROLES_AVEC_ORGANISATION))
                        & models.Q(organisation__isnull=True)
                    )
                ),
                name="habilitation_organisation_selon_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.MEMBRE) | models.Q(instance__isnull=True),
                name="habilitation_instance_pour_membre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utilisateur} · {self.get_role_display()} · {self.contrat}"


# Roles a pilote hands out by invitation; pilotes and porteurs come in other ways
# (the contract's loading, a structure's registration).
# Roles a pilote gives by invitation; a structure's référent invites its colleagues as porteurs.
ROLES_INVITABLES = (Role.ETAT, Role.FINANCEUR, Role.MEMBRE)
ROLES_PAR_INVITATION = (*ROLES_INVITABLES, Role.PORTEUR)


class Invitation(models.Model):
    """An invitation, sent by e-mail, to take one role in a contract: a pilote's to an agent,
    or a structure référent's to a colleague (porteur of the same organisation).

    The link carries a random token; only its SHA-256 digest is stored, so that the
    table cannot be turned into working links. A token serves once, before `expire_le`.
    """

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        ACCEPTEE = "acceptee", "Acceptée"
        REMPLACEE = "remplacee", "Remplacée par une invitation plus récente"

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="organisation",
    )
    instance = models.ForeignKey(
        Instance,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="instance",
    )
    empreinte_jeton = models.CharField("empreinte du jeton", max_length=64, unique=True)
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    invitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations_envoyees",
        verbose_name="invitée par",
    )
    creee_le = models.DateTimeField("envoyée le")
    expire_le = models.DateTimeField("expire le")
    acceptee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_acceptees",
        verbose_name="acceptée par",
    )
    acceptee_le = models.DateTimeField("acceptée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["contrat", "-creee_le"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in ROLES_PAR_INVITATION]),
                name="invitation_role_invitable",
            ),
            # A new invitation to the same address replaces the pending one.
            models.UniqueConstraint(
                fields=["contrat", "email"],
                condition=models.Q(statut="en_attente"),
                name="invitation_une_en_attente_par_adresse",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(ROLES_AVEC_ORGANISATION), organisation__isnull=False)
                    | (
                        ~models.Q(role__in=sorted(ROLES_AVEC_ORGANISATION))
                        & models.Q(organisation__isnull=True)
                    )
                ),
                name="invitation_organisation_pour_financeur_ou_porteur",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.MEMBRE, instance__isnull=False)
                    | (~models.Q(role=Role.MEMBRE) & models.Q(instance__isnull=True))
                ),
                name="invitation_instance_pour_membre",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        statut="acceptee", acceptee_par__isnull=False, acceptee_le__isnull=False
                    )
                    | (
                        ~models.Q(statut="acceptee")
                        & models.Q(acceptee_par__isnull=True, acceptee_le__isnull=True)
                    )
                ),
                name="invitation_acceptation_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation de {self.email} · {self.get_role_display()} · {self.contrat}"


class Avenant(models.Model):
    """A change of the contract under Article 4 (adhesion) or Article 5 (modification).

    Its statut is written by `contrats.avenants` only: proposed (projet), then the
    accords are gathered (en_accord), then accepted once every required accord is in, or
    refused at the first refusal.
    """

    class Nature(models.TextChoices):
        ADHESION = "adhesion", "Adhésion d'un nouveau partenaire"
        MODIFICATION = "modification", "Modification du contrat"
        ANNEXES = "annexes", "Modification des annexes ou des fiches-actions"

    class Statut(models.TextChoices):
        PROJET = "projet", "Projet"
        EN_ACCORD = "en_accord", "Recueil des accords"
        ACCEPTE = "accepte", "Accepté"
        REFUSE = "refuse", "Refusé"

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveSmallIntegerField("numéro")
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    regle = models.ForeignKey(
        RegleModification,
        on_delete=models.PROTECT,
        related_name="avenants",
        verbose_name="règle suivie",
    )
    objet = models.CharField("objet", max_length=250)
    expose = models.TextField("exposé : ce qui change")
    # Adhesion (Article 4): the organisation that joins, and who signs for it.
    organisation_entrante = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adhesions",
        verbose_name="organisation qui adhère",
    )
    representant_entrant = models.CharField(
        "représentée par", max_length=250, blank=True, default=""
    )
    qualite_entrant = models.CharField("qualité", max_length=250, blank=True, default="")
    # Modification (Article 5 §1): the signatories to whom it adds an obligation.
    organisations_obligees = models.ManyToManyField(
        Organisation,
        related_name="avenants_obligeant",
        verbose_name="signataires à qui l'avenant ajoute une obligation",
        blank=True,
    )
    # Whose accord is required, settled when the gathering opens (the signatories then).
    organisations_requises = models.ManyToManyField(
        Organisation,
        related_name="avenants_a_approuver",
        verbose_name="organisations dont l'accord est requis",
        blank=True,
    )
    # The one structural change a modification may carry: the contract runs longer.
    prolongation_jusquau = models.DateField("prolonge le contrat jusqu'au", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.PROJET
    )
    date_effet = models.DateField("date d'effet", null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="avenants_proposes",
        verbose_name="proposé par",
    )
    cree_le = models.DateTimeField("proposé le")
    version = models.PositiveIntegerField("version", default=1)

    class Meta:
        verbose_name = "avenant"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="avenant_numero_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(nature="adhesion", organisation_entrante__isnull=False)
                    | (~models.Q(nature="adhesion") & models.Q(organisation_entrante__isnull=True))
                ),
                name="avenant_organisation_entrante_pour_adhesion",
            ),
            models.CheckConstraint(
                condition=models.Q(nature="modification")
                | models.Q(prolongation_jusquau__isnull=True),
                name="avenant_prolongation_pour_modification",
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.numero} · {self.objet}"


class AccordAvenant(models.Model):
    """One organisation's answer to an avenant, as its letter states it."""

    class Sens(models.TextChoices):
        ACCORD = "accord", "Accord"
        REFUS = "refus", "Refus"

    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="accords")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="accords_avenants"
    )
    sens = models.CharField("sens", max_length=10, choices=Sens.choices)
    date = models.DateField("date de la lettre")
    commentaire = models.TextField("commentaire", blank=True, default="")
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accords_avenants_enregistres",
        verbose_name="enregistré par",
    )
    enregistre_le = models.DateTimeField("enregistré le")

    class Meta:
        verbose_name = "accord sur un avenant"
        verbose_name_plural = "accords sur les avenants"
        ordering = ["avenant", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["avenant", "organisation"], name="accord_avenant_unique_par_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_sens_display()} de {self.organisation} · {self.avenant}"


class VersionContrat(models.Model):
    """A frozen reading of the contract: n° 1 as signed, then one per accepted avenant."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField("numéro")
    avenant = models.OneToOneField(
        Avenant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="version_issue",
        verbose_name="avenant",
    )
    date = models.DateField("date")
    contenu = models.JSONField("contenu", default=dict)
    creee_le = models.DateTimeField("créée le")

    class Meta:
        verbose_name = "version du contrat"
        verbose_name_plural = "versions du contrat"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="version_contrat_unique"),
            models.CheckConstraint(
                condition=models.Q(numero=1, avenant__isnull=True)
                | models.Q(numero__gt=1, avenant__isnull=False),
                name="version_contrat_initiale_sans_avenant",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.numero} · {self.contrat}"
