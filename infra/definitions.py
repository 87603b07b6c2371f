"""What the stack is made of, in one place: the local stack builds it in moto from here and
the CloudFormation template is generated from here and from the PynamoDB models."""

from __future__ import annotations

PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}
# Admins create every account; nobody signs themselves up.
ADMIN_CREATE_USER_CONFIG = {"AllowAdminCreateUserOnly": True}
APP_CLIENT_AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ID_TOKEN_HOURS = 1
REFRESH_TOKEN_HOURS = 12  # a working day; after that everyone signs in again
