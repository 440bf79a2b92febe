"""Who may be called what: user names and e-mail addresses that cannot pass for someone else's."""

from confusable_homoglyphs import confusables
from django import forms

from accounts.models import User

TAKEN_NAME = "A user with that username already exists."
LOOK_ALIKE = ("This username mixes look-alike letters of different alphabets (such as a Cyrillic "
              "\u201c\u043e\u201d in a Latin name). Use letters of one alphabet.")
TAKEN_EMAIL = "An account already uses this e-mail address."


def username_check(*, username: str, exclude_id: int | None = None) -> None:
    """Raise ValidationError when the name is taken in any case, or mixes look-alike letters of two scripts."""
    # Unicode TR39's mixed-script confusable test (the package ships the Unicode consortium's tables):
    # "r\u043e\u043et" (Cyrillic o's) is refused, a name written wholly in Cyrillic or Greek is not.
    if confusables.is_dangerous(username):
        raise forms.ValidationError(LOOK_ALIKE, code="confusable")
    if User.objects.filter(username__iexact=username).exclude(id=exclude_id).exists():
        raise forms.ValidationError(TAKEN_NAME, code="unique")


def email_check(*, email: str, exclude_id: int | None = None) -> None:
    """Raise ValidationError when another account has this address in any case."""
    if email and User.objects.filter(email__iexact=email).exclude(id=exclude_id).exists():
        raise forms.ValidationError(TAKEN_EMAIL, code="unique")
