"""Routes of the tableau pages."""

urlpatterns: list = []
