"""Accounts as sign-up leaves them: an address, verified once its link is followed."""

import factory
from allauth.account.models import EmailAddress

from comptes.models import Utilisateur

MOT_DE_PASSE = "Cle-de-voute-2026!"


class CompteFactory(factory.django.DjangoModelFactory):
    """An account whose address is verified; `CompteFactory(adresse_verifiee=False)` if not."""

    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"compte{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.test")
    first_name = "Dominique"
    last_name = factory.Sequence(lambda n: f"Lefèvre{n}")
    password = factory.django.Password(MOT_DE_PASSE)

    @factory.post_generation
    def adresse_verifiee(self, create, extracted, **kwargs):
        if create:
            # comptes.signals has recorded the address as trusted; a test may say otherwise.
            EmailAddress.objects.update_or_create(
                user=self,
                email=self.email.lower(),
                defaults={"primary": True, "verified": True if extracted is None else extracted},
            )
