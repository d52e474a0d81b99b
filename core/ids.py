"""Public ids of what people write (confessions, replies, wall posts, comments, media).

Sequential ids ordered and counted rows across users: an anonymous confession and a named one
sent 9 ms apart got ids 4602 and 4603, which tied the anonymous one to its sender. These rows
take a random id instead, drawn once at creation: it says nothing of when a row was written,
by whom, or how many came before.

Ids stay JSON integers (the contract's type), below 2**53 so that JavaScript reads them
exactly (the mini program, the web client), and at or above 2**40 so that they never meet the
sequential ids of rows written before. Two draws meet with a chance of about n / 2**53 for a
table of n rows: a row in ten thousand tables of a million, which then fails its INSERT (a 500,
nothing half-written) and is sent again."""

from __future__ import annotations

import secrets

LOWEST = 2**40
HIGHEST = 2**53 - 1


def random_id() -> int:
    return LOWEST + secrets.randbelow(HIGHEST - LOWEST + 1)
