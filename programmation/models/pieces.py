"""Natures of pieces, and the structure's porte-documents: pieces kept once, reused by dossiers."""

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.db import models

from historique.horloge import maintenant
from programmation.models.structures import Structure


class NaturePiece(models.TextChoices):
    """What a piece is; a call may require any of them but "autre" from every dossier."""

    STATUTS = "statuts", "Statuts de la structure"
    DIRIGEANTS = "dirigeants", "Liste des dirigeants"
    RIB = "rib", "RIB (relevé d'identité bancaire)"
    BUDGET = "budget", "Budget prévisionnel de la structure"
    RAPPORT = "rapport", "Dernier rapport d'activité"
    COMPTES = "comptes", "Comptes approuvés du dernier exercice"
    AUTRE = "autre", "Autre pièce"

    @classmethod
    def exigibles(cls) -> list["NaturePiece"]:
        """Natures a call may require, in the order they are listed everywhere."""
        return [nature for nature in cls if nature != cls.AUTRE]

    @classmethod
    def choix_exigibles(cls) -> list[tuple[str, str]]:
        return [(nature.value, nature.label) for nature in cls.exigibles()]


def chemin_document(instance: "DocumentStructure", nom_original: str) -> str:
    # Stored under a generated name: the porteur's file name never reaches the disk.
    extension = PurePath(nom_original).suffix.lower()
    return f"porte-documents/{instance.structure_id}/{uuid.uuid4().hex}{extension}"


class DocumentStructure(models.Model):
    """A piece of the structure's porte-documents (statuts, RIB…), valid between two dates.

    Its file never changes. Replacing a piece adds a new one and retires the old; a
    retired piece that a submitted dossier used is kept, out of the porte-documents,
    since the dossier's frozen version names it (by id and SHA-256) and its readers
    still download it. A piece no submitted dossier used is deleted with its file.
    """

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="documents")
    nature = models.CharField("nature", max_length=20, choices=NaturePiece.choices)
    fichier = models.FileField("fichier", upload_to=chemin_document, max_length=200)
    nom_original = models.CharField("nom du fichier", max_length=250)
    taille = models.PositiveIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    valide_du = models.DateField("valable à partir du", null=True, blank=True)
    valide_au = models.DateField("valable jusqu'au", null=True, blank=True)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="documents_deposes"
    )
    deposee_le = models.DateTimeField("déposée le", default=maintenant)
    retiree_le = models.DateTimeField("retirée du porte-documents le", null=True, blank=True)

    class Meta:
        verbose_name = "pièce du porte-documents"
        verbose_name_plural = "pièces du porte-documents"
        ordering = ["structure", "nature", "-deposee_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valide_du__isnull=True)
                | models.Q(valide_au__isnull=True)
                | models.Q(valide_au__gte=models.F("valide_du")),
                name="document_validite_ordonnee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} · {self.nom_original}"

    def est_valide_le(self, jour: date) -> bool:
        return (
            self.retiree_le is None
            and (self.valide_du is None or self.valide_du <= jour)
            and (self.valide_au is None or jour <= self.valide_au)
        )
