"""The refusals every app's services raise: one hierarchy, so that a view catches any of
them the same way, whichever app refused."""


class ErreurMetier(Exception):
    """A refused operation; its message is French and shown to the user as is."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    @property
    def texte(self) -> str:
        """The message and its details in one sentence, as a flash message shows them."""
        return " ".join([self.message, *self.details])


class DroitInsuffisant(ErreurMetier):
    pass


class ConflitDeModification(ErreurMetier):
    pass


class DonneesInvalides(ErreurMetier):
    pass
