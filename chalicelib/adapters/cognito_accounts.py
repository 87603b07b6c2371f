"""Cognito's admin side of staff accounts: create, look up, disable, enable, sign out.

Used by the admins' /staff pages and by the ops scripts (create_admin), so both make a
login the same way. AWS refusals other than the named ones pass through as botocore's own
``ClientError`` (the caller names the operation and code, never the message).
"""

from __future__ import annotations

from typing import Any


class CognitoAccounts:
    """The ``cognito-idp`` client handed in, for one user pool."""

    def __init__(self, client: Any, user_pool_id: str):
        self.client = client
        self.user_pool_id = user_pool_id

    def login_email(self, username: str) -> str | None:
        """The Cognito user's email ("" without one); None when there is no such user."""
        try:
            found = self.client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        except self.client.exceptions.UserNotFoundException:
            return None
        attributes = {a["Name"]: a["Value"] for a in found.get("UserAttributes", [])}
        return str(attributes.get("email", ""))

    def create(self, username: str, email: str, temporary_password: str | None = None) -> bool:
        """AdminCreateUser: Cognito e-mails the username and a temporary password (its own
        if none is given). False when the user appeared meanwhile (then it is kept)."""
        request: dict[str, Any] = {
            "UserPoolId": self.user_pool_id,
            "Username": username,
            "UserAttributes": email_attributes(email),
            "DesiredDeliveryMediums": ["EMAIL"],
        }
        if temporary_password:
            request["TemporaryPassword"] = temporary_password
        try:
            self.client.admin_create_user(**request)
        except self.client.exceptions.UsernameExistsException:
            return False
        return True

    def set_email(self, username: str, email: str) -> None:
        self.client.admin_update_user_attributes(
            UserPoolId=self.user_pool_id, Username=username, UserAttributes=email_attributes(email)
        )

    def set_enabled(self, username: str, enabled: bool) -> bool:
        """AdminEnableUser / AdminDisableUser; True when it changed anything."""
        found = self.client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        if bool(found.get("Enabled", True)) == enabled:
            return False
        change = self.client.admin_enable_user if enabled else self.client.admin_disable_user
        change(UserPoolId=self.user_pool_id, Username=username)
        return True

    def sign_out_everywhere(self, username: str) -> None:
        """AdminUserGlobalSignOut: their refresh tokens stop working. A disabled user is
        already refused everything, so that answer counts as done."""
        try:
            self.client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=username)
        except self.client.exceptions.NotAuthorizedException:
            return


def email_attributes(email: str) -> list[dict[str, str]]:
    return [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
