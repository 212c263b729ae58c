"""Personal API tokens: issue (from a two-factor session only) and revoke."""

from datetime import timedelta

from ninja import Field, Router, Schema, Status

from safeshare.api.auth import TOKEN_LIFETIME_MAX, TwoFactorSession, issue_token

router = Router(tags=["tokens"])


class TokenIssueIn(Schema):
    label: str = Field(min_length=1, max_length=100)
    days: int = Field(ge=1, le=TOKEN_LIFETIME_MAX.days)


class TokenIssueOut(Schema):
    id: str
    label: str
    token: str
    expires_at: str


@router.post(
    "", response={201: TokenIssueOut}, auth=TwoFactorSession(), operation_id="tokens_issue"
)
def tokens_issue(request, payload: TokenIssueIn):
    """Issue a personal token; it is shown once. Tokens can only come from a two-factor session."""
    record, plain = issue_token(
        user=request.auth, label=payload.label, lifetime=timedelta(days=payload.days)
    )
    return Status(
        201,
        {
            "id": str(record.id),
            "label": record.label,
            "token": plain,
            "expires_at": record.expires_at.isoformat(),
        },
    )
