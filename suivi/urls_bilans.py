"""Routes of the bilans pages."""

urlpatterns: list = []
