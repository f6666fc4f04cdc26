from django.conf import settings
from django.db import models

from historique.horloge import maintenant


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField("nom", max_length=150)
    departement = models.CharField("département", max_length=100)

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_insee})"


class QuartierPrioritaire(models.Model):
    slug = models.SlugField("identifiant", max_length=120, unique=True)
    code = models.CharField("code national", max_length=12, unique=True, null=True, blank=True)
    nom = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, related_name="quartiers", verbose_name="communes")
    decret = models.CharField("décret", max_length=200)
    description_perimetre = models.TextField("description du périmètre", blank=True)
    contour_geojson = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "quartier prioritaire"
        verbose_name_plural = "quartiers prioritaires"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Secteur(models.Model):
    """A sub-area of a QPV perimeter, with the addresses the decree lists for it."""

    quartier = models.ForeignKey(
        QuartierPrioritaire, on_delete=models.CASCADE, related_name="secteurs"
    )
    ordre = models.PositiveSmallIntegerField("ordre")
    nom = models.CharField("nom", max_length=200)
    adresses = models.JSONField("adresses", default=list, blank=True)

    class Meta:
        verbose_name = "secteur"
        ordering = ["quartier", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["quartier", "nom"], name="secteur_unique_par_quartier")
        ]

    def __str__(self) -> str:
        return self.nom


class Indicateur(models.Model):
    code = models.SlugField("code", max_length=80, unique=True)
    rubrique = models.CharField("rubrique", max_length=100)
    libelle = models.CharField("libellé", max_length=250)
    unite = models.CharField("unité", max_length=40)
    source = models.CharField("source", max_length=250, blank=True)
    graphique = models.BooleanField("comparable dans le graphique", default=False)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["ordre", "code"]

    def __str__(self) -> str:
        return self.libelle


class TerritoireDeReference(models.Model):
    """A territory an indicator is compared with: a département, France métropolitaine."""

    class Niveau(models.TextChoices):
        DEPARTEMENT = "departement", "Département"
        FRANCE_METROPOLITAINE = "france_metropolitaine", "France métropolitaine"

    code = models.CharField("code", max_length=30, unique=True)
    nom = models.CharField("nom", max_length=150)
    niveau = models.CharField("niveau", max_length=30, choices=Niveau.choices)

    class Meta:
        verbose_name = "territoire de référence"
        verbose_name_plural = "territoires de référence"
        ordering = ["niveau", "code"]

    def __str__(self) -> str:
        return self.nom


class ImportObservations(models.Model):
    """One import of an observations file that changed something (see imports.py)."""

    importe_le = models.DateTimeField("importé le", default=maintenant)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="imports_observations",
    )
    fichier = models.CharField("nom du fichier", max_length=255)
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    est_demo = models.BooleanField("données de démonstration", default=False)
    crees = models.PositiveIntegerField("observations créées", default=0)
    modifiees = models.PositiveIntegerField("observations modifiées", default=0)
    inchangees = models.PositiveIntegerField("observations inchangées", default=0)

    class Meta:
        verbose_name = "import d'observations"
        verbose_name_plural = "imports d'observations"
        ordering = ["-importe_le", "-id"]

    def __str__(self) -> str:
        return f"Import « {self.fichier} » du {self.importe_le:%d/%m/%Y %H:%M}"


class Observation(models.Model):
    """A value of an indicator on one territory at a date.

    The territory is exactly one of a commune, a QPV or a reference territory. The rows
    of a contract's diagnostic come from its files (origine « contrat »); the others
    from an import of observations (origine « import »).
    """

    class Origine(models.TextChoices):
        CONTRAT = "contrat", "Diagnostic du contrat"
        IMPORT = "import", "Import d'observations"

    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.CASCADE, related_name="observations"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="observations"
    )
    quartier = models.ForeignKey(
        QuartierPrioritaire,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="observations",
    )
    reference = models.ForeignKey(
        TerritoireDeReference,
        verbose_name="territoire de référence",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="observations",
    )
    date = models.DateField("date")
    valeur = models.DecimalField("valeur", max_digits=14, decimal_places=3, null=True, blank=True)
    valeur_texte = models.CharField("valeur telle que publiée", max_length=300)
    source = models.CharField("source", max_length=250, blank=True)
    origine = models.CharField(
        "origine", max_length=10, choices=Origine.choices, default=Origine.CONTRAT
    )
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "observation"
        ordering = ["indicateur", "date"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(commune__isnull=False, quartier__isnull=True, reference__isnull=True)
                    | models.Q(commune__isnull=True, quartier__isnull=False, reference__isnull=True)
                    | models.Q(commune__isnull=True, quartier__isnull=True, reference__isnull=False)
                ),
                name="observation_un_seul_territoire",
            ),
            models.UniqueConstraint(
                fields=["indicateur", "commune", "date"],
                condition=models.Q(commune__isnull=False),
                name="observation_unique_commune",
            ),
            models.UniqueConstraint(
                fields=["indicateur", "quartier", "date"],
                condition=models.Q(quartier__isnull=False),
                name="observation_unique_quartier",
            ),
            models.UniqueConstraint(
                fields=["indicateur", "reference", "date"],
                condition=models.Q(reference__isnull=False),
                name="observation_unique_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicateur} · {self.territoire} · {self.valeur_texte}"

    @property
    def territoire(self) -> "Commune | QuartierPrioritaire | TerritoireDeReference":
        return self.commune or self.quartier or self.reference
