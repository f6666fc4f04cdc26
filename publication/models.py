from django.db import models

from contrats.models import Contrat


class DocumentRecherche(models.Model):
    """One searchable text of a contract: an objective, an action, a commitment…

    Only database triggers write this table (migration 0001_index_recherche): every
    writer of the source tables (loader, admin, ORM, raw SQL) keeps it in sync, and
    no Python code must insert, update or delete its rows. The full-text index lives
    beside it: an FTS5 table on SQLite, a `vecteur` tsvector column on PostgreSQL.
    """

    class Nature(models.TextChoices):
        AXE = "axe", "Thématique transversale"
        OBJECTIF = "objectif", "Objectif opérationnel"
        ACTION = "action", "Action du plan"
        ENGAGEMENT = "engagement", "Engagement"
        SIGNATAIRE = "signataire", "Signataire"
        INSTANCE = "instance", "Instance"
        PLATEFORME = "plateforme", "Plateforme collaborative"
        DISPOSITIF = "dispositif", "Dispositif"

    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    objet_id = models.BigIntegerField("identifiant de l'objet indexé")
    # No database constraint and no cascade from Django: the triggers delete a document
    # with its source row, and deleting a contract must not list its index rows.
    contrat = models.ForeignKey(
        Contrat,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="contrat",
    )
    cle = models.CharField("clé de l'adresse (numéro, code)", max_length=80, blank=True)
    contexte = models.CharField("contexte (titre de la section)", max_length=250, blank=True)
    titre = models.TextField("titre")
    texte = models.TextField("texte", blank=True)

    class Meta:
        verbose_name = "document de recherche"
        verbose_name_plural = "documents de recherche"
        constraints = [
            models.UniqueConstraint(fields=["nature", "objet_id"], name="document_objet_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} · {self.titre}"
