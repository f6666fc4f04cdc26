from django.conf import settings
from django.db import models

from contrats.models import Organisation
from programmation.models.appels import NatureCredit
from programmation.models.dossiers import Dossier
from programmation.templatetags.montants import format_euros


class Financement(models.Model):
    """What one financeur is asked for on a dossier, its avis and amounts."""

    class Avis(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        FAVORABLE = "favorable", "Favorable"
        RESERVE = "reserve", "Favorable avec réserves"
        DEFAVORABLE = "defavorable", "Défavorable"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="financements")
    financeur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="financements"
    )
    nature = models.CharField("nature", max_length=30, choices=NatureCredit.choix_finances())
    montant_demande = models.DecimalField("montant demandé", max_digits=12, decimal_places=2)
    avis = models.CharField("avis", max_length=20, choices=Avis.choices, default=Avis.EN_ATTENTE)
    commentaire = models.TextField("commentaire", blank=True)
    montant_propose = models.DecimalField(
        "montant proposé", max_digits=12, decimal_places=2, null=True, blank=True
    )
    montant_accorde = models.DecimalField(
        "montant accordé", max_digits=12, decimal_places=2, null=True, blank=True
    )
    avis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="avis_donnes",
    )
    avis_le = models.DateTimeField("avis donné le", null=True, blank=True)
    # Incremented on every write: a form posted with an older value is a conflict.
    version = models.PositiveIntegerField("version", default=1)

    class Meta:
        verbose_name = "financement"
        ordering = ["dossier", "nature", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "financeur", "nature"], name="financement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(montant_propose__gte=0) | models.Q(montant_propose=None),
                name="financement_propose_positif",
            ),
            models.CheckConstraint(
                condition=models.Q(montant_accorde__gte=0) | models.Q(montant_accorde=None),
                name="financement_accorde_positif",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.numero} · {self.financeur} · {self.get_nature_display()}"


class Convention(models.Model):
    financement = models.OneToOneField(
        Financement, on_delete=models.PROTECT, related_name="convention"
    )
    numero = models.CharField("numéro", max_length=40, unique=True)
    date = models.DateField("date")
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "convention"
        ordering = ["numero"]

    def __str__(self) -> str:
        return f"Convention {self.numero}"


class Paiement(models.Model):
    """A payment against a convention, or the counter-entry that cancels one.

    A payment recorded by mistake is never deleted: a counter-entry of the opposite
    amount, with its reason, cancels it, so that every sum of amounts stays right.
    """

    class Nature(models.TextChoices):
        AVANCE = "avance", "Avance"
        SOLDE = "solde", "Solde"
        ANNULATION = "annulation", "Annulation d'un paiement"

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="paiements")
    nature = models.CharField("nature", max_length=10, choices=Nature.choices)
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)
    date = models.DateField("date de paiement")
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="paiements"
    )
    annule = models.BooleanField("annulé", default=False)
    contre_passation_de = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contre_passation",
        verbose_name="paiement annulé",
    )
    motif = models.TextField("motif de l'annulation", blank=True)

    class Meta:
        verbose_name = "paiement"
        ordering = ["convention", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(montant__gt=0, contre_passation_de__isnull=True)
                    & ~models.Q(nature="annulation")
                )
                | models.Q(montant__lt=0, contre_passation_de__isnull=False, nature="annulation"),
                name="paiement_positif_ou_contre_passation",
            ),
            models.UniqueConstraint(
                fields=["convention"],
                condition=models.Q(nature="solde", annule=False),
                name="un_seul_solde_par_convention",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} {format_euros(self.montant)}"
