"""Thread aliases, as tree-hole boards give them: in one post's comments each person has one
stable alias, so anonymous comments read as a conversation. The poster is "OP" (洞主); the
others are A, B, C, ... in the order they first commented (Z, then AA, AB, ...).

What an alias must never do is name anyone:
- It is numbered per post in order of arrival, not derived from the user, so two posts' aliases
  say nothing about each other.
- A person has one alias for the comments that hide who wrote them and another for those that
  show it (the `masked` guise, `walls.selectors.comment_author_shown`'s rule): a shared alias
  would tie their anonymous comments to their signed ones.
- The poster of an anonymous post is "OP" on every comment of theirs there (they are shown as
  "the post's author" anyway); the poster of a signed post is "OP" when signed, and gets a
  letter like anyone when they comment anonymously.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Max
from django.utils.translation import pgettext

from walls.models import Comment, Post, ThreadAlias

POSTER = 0


def masked(*, post: Post, author_id: int, anonymous: bool) -> bool:
    """Whether a comment by `author_id` hides who wrote it (comment_author_shown's rule)."""
    return anonymous or (post.anonymous and author_id == post.author_id)


def alias_of(*, post: Post, author_id: int, anonymous: bool) -> int:
    """The alias number of a new comment's author, given them on their first comment in this
    guise. Runs in the comment's transaction; the post's row is locked while a new number is
    taken, so two first comments at once never get one number."""
    hidden = masked(post=post, author_id=author_id, anonymous=anonymous)
    if author_id == post.author_id and (post.anonymous or not hidden):
        return POSTER
    known = (
        ThreadAlias.objects.filter(post=post, user_id=author_id, masked=hidden)
        .values_list("number", flat=True)
        .first()
    )
    if known is not None:
        return known
    if connection.features.has_select_for_update:
        list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk"))
    taken = ThreadAlias.objects.filter(post=post).aggregate(top=Max("number"))["top"] or 0
    ThreadAlias.objects.create(post=post, user_id=author_id, masked=hidden, number=taken + 1)
    return taken + 1


def alias_label(number: int) -> str:
    """What readers see: the poster's word in the active language, else letters."""
    if number == POSTER:
        return pgettext("the poster, in a thread", "OP")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def comment_alias(comment: Comment) -> str:
    return alias_label(comment.alias)
