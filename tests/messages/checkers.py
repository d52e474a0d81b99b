"""Extra checkers for the chain tests, loaded through settings.MODERATION_CHECKERS like any."""

from __future__ import annotations

from moderation.checkers import Verdict


class CrashingChecker:
    name = "crashing"

    def check(self, text: str, *, author=None) -> Verdict:
        raise RuntimeError("the checker's service is down")


class TimingOutChecker:
    name = "timing_out"

    def check(self, text: str, *, author=None) -> Verdict:
        raise TimeoutError("no answer within the checker's deadline")


class ReviewEverything:
    name = "review_everything"

    def check(self, text: str, *, author=None) -> Verdict:
        return Verdict("review", "everything is reviewed")
