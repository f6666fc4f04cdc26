import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models

from contrats.models import AxeTransversal, FicheAction, ObjectifOperationnel, Organisation, Pilier
from historique.horloge import maintenant
from programmation.models.appels import AppelAProjets, NatureCredit
from programmation.models.pieces import NaturePiece
from programmation.models.structures import Structure
from programmation.templatetags.montants import format_euros


class Statut(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    A_COMPLETER = "a_completer", "À compléter par le porteur"
    RECEVABLE = "recevable", "Recevable"
    IRRECEVABLE = "irrecevable", "Irrecevable"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    PROPOSE = "propose", "Proposé au comité de pilotage"
    VALIDE = "valide", "Validé"
    REFUSE = "refuse", "Refusé"
    AJOURNE = "ajourne", "Ajourné"
    CONVENTIONNE = "conventionne", "Conventionné"
    SOLDE = "solde", "Soldé"
    RETIRE = "retire", "Retiré par le porteur"


class Dossier(models.Model):
    """A request for funding of one action (sections of the CERFA 12156 form)."""

    appel = models.ForeignKey(AppelAProjets, on_delete=models.PROTECT, related_name="dossiers")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="dossiers")
    numero = models.CharField("numéro", max_length=20)
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    # Incremented on every write: a form posted with an older value is a conflict.
    version = models.PositiveIntegerField("version", default=1)
    intitule = models.CharField("intitulé de l'action", max_length=250)
    description = models.TextField("description de l'action", blank=True)
    objectifs = models.TextField("objectifs de l'action", blank=True)
    pilier = models.ForeignKey(
        Pilier, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    objectifs_operationnels = models.ManyToManyField(
        ObjectifOperationnel,
        related_name="dossiers",
        blank=True,
        verbose_name="objectifs opérationnels du contrat",
    )
    axes = models.ManyToManyField(
        AxeTransversal,
        related_name="dossiers",
        blank=True,
        verbose_name="thématiques transversales",
    )
    # The action of the contract's plan d'actions this dossier carries out this year.
    action_du_plan = models.ForeignKey(
        FicheAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name="action du plan d'actions",
    )
    # The multi-year agreement (CPO) this year's dossier carries, if any.
    convention_pluriannuelle = models.ForeignKey(
        "programmation.ConventionPluriannuelle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name="convention pluriannuelle d'objectifs",
    )
    public_vise = models.TextField("public visé", blank=True)
    part_residents_qpv = models.PositiveSmallIntegerField(
        "part des bénéficiaires résidant dans le quartier prioritaire (%)", null=True, blank=True
    )
    lieux = models.TextField("lieux de réalisation", blank=True)
    date_debut = models.DateField("début de l'action", null=True, blank=True)
    date_fin = models.DateField("fin de l'action", null=True, blank=True)
    nb_salaries = models.PositiveIntegerField("salariés mobilisés", default=0)
    etp_salaries = models.DecimalField(
        "équivalents temps plein salariés", max_digits=6, decimal_places=2, default=0
    )
    nb_benevoles = models.PositiveIntegerField("bénévoles mobilisés", default=0)
    motif_decision = models.TextField("motif de la dernière décision", blank=True)
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", default=maintenant)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "dossier"
        ordering = ["appel", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["appel", "numero"], name="dossier_numero_unique"),
            models.CheckConstraint(
                condition=models.Q(part_residents_qpv__lte=100) | models.Q(part_residents_qpv=None),
                name="dossier_part_qpv_pourcentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero} {self.intitule}"


class Beneficiaires(models.Model):
    class Tranche(models.TextChoices):
        MOINS_6 = "0-5", "0 à 5 ans"
        DE_6_A_11 = "6-11", "6 à 11 ans"
        DE_12_A_15 = "12-15", "12 à 15 ans"
        DE_16_A_25 = "16-25", "16 à 25 ans"
        DE_26_A_64 = "26-64", "26 à 64 ans"
        PLUS_65 = "65+", "65 ans et plus"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="beneficiaires")
    tranche = models.CharField("tranche d'âge", max_length=6, choices=Tranche.choices)
    femmes = models.PositiveIntegerField("femmes", default=0)
    hommes = models.PositiveIntegerField("hommes", default=0)

    class Meta:
        verbose_name = "bénéficiaires d'une tranche d'âge"
        verbose_name_plural = "bénéficiaires"
        ordering = ["dossier", "tranche"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "tranche"], name="beneficiaires_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_tranche_display()} : {self.femmes} F / {self.hommes} H"


class CompteBudget(models.TextChoices):
    """Accounts of the associative chart used by the CERFA budget (charges 60-68, 86)."""

    C60 = "60", "60 – Achats"
    C61 = "61", "61 – Services extérieurs"
    C62 = "62", "62 – Autres services extérieurs"
    C63 = "63", "63 – Impôts et taxes"
    C64 = "64", "64 – Charges de personnel"
    C65 = "65", "65 – Autres charges de gestion courante"
    C66 = "66", "66 – Charges financières"
    C67 = "67", "67 – Charges exceptionnelles"
    C68 = "68", "68 – Dotations aux amortissements"
    C86 = "86", "86 – Emplois des contributions volontaires en nature"
    C70 = "70", "70 – Ventes, prestations de services"
    C74 = "74", "74 – Subventions d'exploitation"
    C75 = "75", "75 – Autres produits de gestion courante"
    C76 = "76", "76 – Produits financiers"
    C77 = "77", "77 – Produits exceptionnels"
    C78 = "78", "78 – Reprises sur amortissements et provisions"
    C87 = "87", "87 – Contributions volontaires en nature"


class LigneBudget(models.Model):
    """A line of the provisional budget: a charge, or a product with who pays it."""

    class Sens(models.TextChoices):
        CHARGE = "charge", "Charge"
        PRODUIT = "produit", "Produit"

    COMPTES_CHARGES = frozenset(
        CompteBudget(c) for c in ("60", "61", "62", "63", "64", "65", "66", "67", "68", "86")
    )

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="lignes_budget")
    sens = models.CharField("sens", max_length=10, choices=Sens.choices)
    compte = models.CharField("compte", max_length=2, choices=CompteBudget.choices)
    libelle = models.CharField("libellé", max_length=250)
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)
    financeur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="lignes_budget"
    )
    nature = models.CharField("nature", max_length=30, choices=NatureCredit.choices, blank=True)

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["dossier", "sens", "compte", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gte=0), name="ligne_montant_positif")
        ]

    def __str__(self) -> str:
        return f"{self.compte} {self.libelle} : {format_euros(self.montant)}"


def chemin_piece(instance: "PieceJointe", nom_original: str) -> str:
    # Stored under a generated name: the porteur's file name never reaches the disk.
    extension = PurePath(nom_original).suffix.lower()
    return f"pieces/{instance.dossier.appel.annee}/{uuid.uuid4().hex}{extension}"


class PieceJointe(models.Model):
    # The same natures as the porte-documents' pieces (models.pieces).
    Nature = NaturePiece

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pieces")
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    fichier = models.FileField("fichier", upload_to=chemin_piece, max_length=200)
    nom_original = models.CharField("nom du fichier", max_length=250)
    taille = models.PositiveIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="pieces_deposees"
    )
    deposee_le = models.DateTimeField("déposée le", default=maintenant)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["dossier", "deposee_le"]

    def __str__(self) -> str:
        return self.nom_original


class VersionDossier(models.Model):
    """Frozen copy of a dossier as submitted: what the committees examined."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField("numéro de version")
    contenu = models.JSONField("contenu")
    creee_le = models.DateTimeField("créée le", default=maintenant)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="versions_dossiers"
    )

    class Meta:
        verbose_name = "version de dossier"
        verbose_name_plural = "versions de dossiers"
        ordering = ["dossier", "numero"]
        constraints = [models.UniqueConstraint(fields=["dossier", "numero"], name="version_unique")]

    def __str__(self) -> str:
        return f"{self.dossier} v{self.numero}"
