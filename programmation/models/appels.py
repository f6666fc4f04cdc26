from django.db import models

from contrats.models import AxeTransversal, Contrat, Organisation
from programmation.models.pieces import NaturePiece


class NatureCredit(models.TextChoices):
    """Where a product of a budget comes from; only the first two are instructed and granted."""

    CREDITS_SPECIFIQUES = "credits_specifiques", "Crédits spécifiques politique de la ville"
    DROIT_COMMUN = "droit_commun", "Droit commun"
    VALORISATION = "valorisation", "Valorisation (contributions en nature)"
    AUTRE = "autre", "Autres ressources"

    @classmethod
    def financees(cls) -> list["NatureCredit"]:
        """Natures a financeur instructs, grants and sets envelopes for (Article 3 §2.1)."""
        return [cls.CREDITS_SPECIFIQUES, cls.DROIT_COMMUN]

    @classmethod
    def choix_finances(cls) -> list[tuple[str, str]]:
        return [(n.value, n.label) for n in cls.financees()]


class AppelAProjets(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="appels")
    annee = models.PositiveSmallIntegerField("année de programmation")
    titre = models.CharField("titre", max_length=250)
    date_ouverture = models.DateField("ouverture des dépôts")
    date_cloture = models.DateField("clôture des dépôts (inclus)")
    priorites = models.TextField("priorités", blank=True)
    criteres = models.ManyToManyField(
        AxeTransversal, related_name="appels", verbose_name="critères transversaux", blank=True
    )
    publie = models.BooleanField("publié", default=False)
    est_demo = models.BooleanField("donnée de démonstration", default=False)
    # Codes of NaturePiece every dossier must carry, in NaturePiece's order.
    pieces_requises = models.JSONField("pièces exigées de chaque dossier", default=list, blank=True)

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["contrat", "-annee"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "annee"], name="appel_unique_par_annee"),
            models.CheckConstraint(
                condition=models.Q(date_cloture__gte=models.F("date_ouverture")),
                name="appel_cloture_apres_ouverture",
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def natures_requises(self) -> list[NaturePiece]:
        return [NaturePiece(code) for code in self.pieces_requises]


class Enveloppe(models.Model):
    """Money a financeur sets aside for a call, for one nature of credits."""

    appel = models.ForeignKey(AppelAProjets, on_delete=models.CASCADE, related_name="enveloppes")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enveloppes")
    nature = models.CharField("nature", max_length=30, choices=NatureCredit.choix_finances())
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "enveloppe"
        ordering = ["appel", "financeur__nom", "nature"]
        constraints = [
            models.UniqueConstraint(
                fields=["appel", "financeur", "nature"], name="enveloppe_unique"
            ),
            models.CheckConstraint(condition=models.Q(montant__gte=0), name="enveloppe_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.financeur} · {self.get_nature_display()}"
