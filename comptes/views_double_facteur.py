"""allauth's page of the second factor, with the figures its template shows prepared here."""

from allauth.mfa.base.views import IndexView
from allauth.mfa.models import Authenticator


class DoubleFacteur(IndexView):
    def get_context_data(self, **kwargs) -> dict:
        contexte = super().get_context_data(**kwargs)
        codes = contexte["authenticators"].get(Authenticator.Type.RECOVERY_CODES)
        contexte["application_active"] = Authenticator.Type.TOTP in contexte["authenticators"]
        contexte["codes_restants"] = len(codes.get_unused_codes()) if codes else 0
        contexte["codes_total"] = len(codes.generate_codes()) if codes else 0
        contexte["a_des_codes"] = codes is not None
        return contexte


double_facteur = DoubleFacteur.as_view()
