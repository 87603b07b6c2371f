"""Amazon Cognito: password sign-in, its challenges, revoking, and verifying its tokens."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..domain.sign_in import Challenge, RefusalReason, Tokens


class AuthFailed(Exception):
    """Cognito refused a sign-in step; ``reason`` says why in our words."""

    def __init__(self, reason: RefusalReason, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason


class RevokeFailed(Exception):
    """Cognito did not confirm that a refresh token is revoked (unsupported, or unreachable)."""


class InvalidToken(Exception):
    """The token is forged, for another pool or app, or expired."""


class TokenExpired(InvalidToken):
    """A genuine token that has run out: the session may be refreshed."""


class CognitoGateway:
    """Wraps the ``cognito-idp`` client handed in; speaks in Tokens, Challenges and AuthFailed."""

    def __init__(self, client: Any, app_client_id: str):
        self.client = client
        self.app_client_id = app_client_id

    def sign_in(self, username: str, password: str) -> Tokens | Challenge:
        return self._call(
            "initiate_auth",
            username,
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=self.app_client_id,
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )

    def set_new_password(self, challenge: Challenge, new_password: str) -> Tokens | Challenge:
        return self._call(
            "respond_to_auth_challenge",
            challenge.username,
            ClientId=self.app_client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge.session,
            ChallengeResponses={"USERNAME": challenge.username, "NEW_PASSWORD": new_password},
        )

    def answer_mfa(self, challenge: Challenge, code: str) -> Tokens | Challenge:
        software = challenge.name == "SOFTWARE_TOKEN_MFA"
        key = "SOFTWARE_TOKEN_MFA_CODE" if software else "SMS_MFA_CODE"
        return self._call(
            "respond_to_auth_challenge",
            challenge.username,
            ClientId=self.app_client_id,
            ChallengeName=challenge.name,
            Session=challenge.session,
            ChallengeResponses={"USERNAME": challenge.username, key: code},
        )

    def start_mfa_setup(self, challenge: Challenge) -> tuple[str, Challenge]:
        """First sign-in on a pool that requires MFA: get a secret for the person's
        authenticator app. Returns (secret, the challenge to answer with a code)."""
        answer = self._raw("associate_software_token", Session=challenge.session)
        return answer["SecretCode"], Challenge("MFA_SETUP", answer["Session"], challenge.username)

    def finish_mfa_setup(self, challenge: Challenge, code: str) -> Tokens | Challenge:
        verified = self._raw(
            "verify_software_token",
            Session=challenge.session,
            UserCode=code,
            FriendlyDeviceName="ClientComm",
        )
        return self._call(
            "respond_to_auth_challenge",
            challenge.username,
            ClientId=self.app_client_id,
            ChallengeName="MFA_SETUP",
            Session=verified["Session"],
            ChallengeResponses={"USERNAME": challenge.username},
        )

    def _raw(self, operation: str, **kwargs: Any) -> dict:
        """Calls that answer with a session rather than tokens; same error mapping."""
        errors = self.client.exceptions
        try:
            return getattr(self.client, operation)(**kwargs)
        except (
            errors.CodeMismatchException,
            errors.EnableSoftwareTokenMFAException,
            errors.InvalidParameterException,
        ) as exc:
            raise AuthFailed(RefusalReason.WRONG_CODE) from exc
        except (errors.NotAuthorizedException, errors.ResourceNotFoundException) as exc:
            raise AuthFailed(RefusalReason.CHALLENGE_EXPIRED) from exc

    def refresh(self, refresh_token: str) -> Tokens | Challenge:
        """A new ID token for a session that is still in use (Cognito keeps the refresh token)."""
        return self._call(
            "initiate_auth",
            "",
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=self.app_client_id,
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )

    def revoke(self, refresh_token: str) -> None:
        """Make a refresh token (and the tokens it issued) useless: signing out means it.

        moto 5.2 does not implement RevokeToken (it answers HTTP 500), so locally this raises
        ``RevokeFailed``; the caller has already deleted the session and only logs it.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.revoke_token(Token=refresh_token, ClientId=self.app_client_id)
        except (ClientError, BotoCoreError) as exc:
            raise RevokeFailed(type(exc).__name__) from exc

    def _call(self, operation: str, username: str, **kwargs: Any) -> Tokens | Challenge:
        errors = self.client.exceptions
        try:
            answer = getattr(self.client, operation)(**kwargs)
        except (errors.NotAuthorizedException, errors.UserNotFoundException) as exc:
            reason = RefusalReason.BAD_CREDENTIALS
            if "session is expired" in str(exc).lower() or "invalid session" in str(exc).lower():
                reason = RefusalReason.CHALLENGE_EXPIRED
            raise AuthFailed(reason) from exc
        except (errors.InvalidPasswordException, errors.InvalidParameterException) as exc:
            raise AuthFailed(RefusalReason.PASSWORD_POLICY, str(exc)) from exc
        except errors.PasswordResetRequiredException as exc:
            raise AuthFailed(RefusalReason.RESET_REQUIRED) from exc
        except (errors.TooManyRequestsException, errors.TooManyFailedAttemptsException) as exc:
            raise AuthFailed(RefusalReason.TOO_MANY) from exc
        except errors.CodeMismatchException as exc:
            raise AuthFailed(RefusalReason.WRONG_CODE) from exc
        if "AuthenticationResult" in answer:
            result = answer["AuthenticationResult"]
            return Tokens(result["IdToken"], result.get("RefreshToken"))
        return Challenge(answer["ChallengeName"], answer["Session"], username)


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> Any:
    """Keys are fetched on first use and cached by PyJWT; one fetch per container, not per call."""
    import jwt  # ~45 ms with cryptography; webhooks and the sweep never verify tokens

    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600, timeout=5)


class TokenVerifier:
    """Checks an ID token's RS256 signature against the pool's JWKS, its issuer and audience."""

    def __init__(self, jwks_url: str, issuer: str, audience: str):
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience

    def verify(self, token: str) -> dict[str, Any]:
        import jwt

        try:
            key = _jwks_client(self.jwks_url).get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "token_use"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired(str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise InvalidToken("not an ID token")
        return claims
