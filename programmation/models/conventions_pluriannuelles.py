from django.db import models

from contrats.models import Contrat, Organisation
from historique.horloge import maintenant
from programmation.models.structures import Structure


class ConventionPluriannuelle(models.Model):
    """A convention pluriannuelle d'objectifs (CPO): one financeur commits to a structure for
    up to three years of the contract, with a yearly amount; each year, one dossier of the
    call carries it (Dossier.convention_pluriannuelle)."""

    contrat = models.ForeignKey(
        Contrat, on_delete=models.PROTECT, related_name="conventions_pluriannuelles"
    )
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="conventions_pluriannuelles",
        verbose_name="structure porteuse",
    )
    financeur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="conventions_pluriannuelles"
    )
    numero = models.CharField("numéro", max_length=40)
    intitule = models.CharField("intitulé", max_length=250)
    annee_debut = models.PositiveSmallIntegerField("première année")
    annee_fin = models.PositiveSmallIntegerField("dernière année")
    montant_annuel = models.DecimalField("montant annuel", max_digits=12, decimal_places=2)
    signee_le = models.DateField("signée le")
    cree_le = models.DateTimeField("créée le", default=maintenant)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "convention pluriannuelle d'objectifs"
        verbose_name_plural = "conventions pluriannuelles d'objectifs"
        ordering = ["contrat", "annee_debut", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="cpo_numero_unique"),
            models.CheckConstraint(
                condition=models.Q(annee_fin__gte=models.F("annee_debut")),
                name="cpo_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=models.Q(montant_annuel__gt=0), name="cpo_montant_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"CPO {self.numero} · {self.intitule}"

    @property
    def annees(self) -> list[int]:
        return list(range(self.annee_debut, self.annee_fin + 1))

    @property
    def duree(self) -> int:
        """How many years it covers, both ends included."""
        return self.annee_fin - self.annee_debut + 1

    @property
    def periode(self) -> str:
        """ "2024-2026", or "2024" for a single year."""
        if self.annee_debut == self.annee_fin:
            return str(self.annee_debut)
        return f"{self.annee_debut}-{self.annee_fin}"

    def couvre(self, annee: int) -> bool:
        return self.annee_debut <= annee <= self.annee_fin
