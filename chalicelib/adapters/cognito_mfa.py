"""Cognito's calls for someone managing their own authenticator app (a pool with
``mfa: OPTIONAL``): all on the person's own access token, none needs IAM.

The app keeps no access token: one is asked for when needed, with the session's refresh
token (enrolling) or with the password and a current code (turning it off, so a borrowed
unlocked browser cannot do it).
"""

from __future__ import annotations

from typing import Any

from ..domain.sign_in import RefusalReason
from .cognito import AuthFailed


class CognitoMfa:
    def __init__(self, client: Any, app_client_id: str):
        self.client = client
        self.app_client_id = app_client_id

    def access_token(self, refresh_token: str) -> str:
        """A fresh access token for a signed-in session."""
        answer = self._call(
            "initiate_auth",
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=self.app_client_id,
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        return str(answer["AuthenticationResult"]["AccessToken"])

    def access_token_with_code(self, username: str, password: str, code: str) -> str:
        """Sign in again with the password and the app's current code; its access token."""
        answer = self._call(
            "initiate_auth",
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=self.app_client_id,
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        if answer.get("ChallengeName") != "SOFTWARE_TOKEN_MFA":
            raise AuthFailed(RefusalReason.WRONG_CODE, "no authenticator app is set up")
        answer = self._call(
            "respond_to_auth_challenge",
            ClientId=self.app_client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=answer["Session"],
            ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code},
        )
        result = answer["AuthenticationResult"]
        self._forget(result.get("RefreshToken"))
        return str(result["AccessToken"])

    def _forget(self, refresh_token: str | None) -> None:
        """This sign-in only proves the two factors: its refresh token is revoked at once
        (moto 5.2 answers RevokeToken with a 500; nothing is lost by ignoring that)."""
        from botocore.exceptions import BotoCoreError, ClientError

        if not refresh_token:
            return
        try:
            self.client.revoke_token(Token=refresh_token, ClientId=self.app_client_id)
        except (ClientError, BotoCoreError):
            return

    def uses_an_app(self, access_token: str) -> bool:
        """Whether sign-in asks this person for an authenticator code."""
        found = self._call("get_user", AccessToken=access_token)
        return "SOFTWARE_TOKEN_MFA" in found.get("UserMFASettingList", [])

    def new_secret(self, access_token: str) -> str:
        """AssociateSoftwareToken: the key for the app (Cognito keeps it too)."""
        return str(self._call("associate_software_token", AccessToken=access_token)["SecretCode"])

    def verify(self, access_token: str, code: str) -> None:
        self._call(
            "verify_software_token",
            AccessToken=access_token,
            UserCode=code,
            FriendlyDeviceName="ClientComm",
        )

    def use_the_app(self, access_token: str, wanted: bool) -> None:
        """SetUserMFAPreference: sign-in asks for the app's code from now on, or no more."""
        self._call(
            "set_user_mfa_preference",
            AccessToken=access_token,
            SoftwareTokenMfaSettings={"Enabled": wanted, "PreferredMfa": wanted},
        )

    def _call(self, operation: str, **kwargs: Any) -> dict:
        errors = self.client.exceptions
        try:
            return dict(getattr(self.client, operation)(**kwargs))
        except (
            errors.CodeMismatchException,
            errors.EnableSoftwareTokenMFAException,
            errors.InvalidParameterException,
        ) as exc:
            raise AuthFailed(RefusalReason.WRONG_CODE) from exc
        except (errors.NotAuthorizedException, errors.UserNotFoundException) as exc:
            raise AuthFailed(RefusalReason.BAD_CREDENTIALS) from exc
        except (errors.TooManyRequestsException, errors.TooManyFailedAttemptsException) as exc:
            raise AuthFailed(RefusalReason.TOO_MANY) from exc
