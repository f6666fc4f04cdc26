from comptes.tests.outils import limites_de_debit_remises_a_zero  # noqa: F401
