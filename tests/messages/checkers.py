"""Extra checkers for the chain tests, loaded through settings.MODERATION_CHECKERS like any."""

from __future__ import annotations

from messages_app.moderation import Verdict


class CrashingChecker:
    name = "crashing"

    def check(self, text: str) -> Verdict:
        raise RuntimeError("the checker's service is down")


class TimingOutChecker:
    name = "timing_out"

    def check(self, text: str) -> Verdict:
        raise TimeoutError("no answer within the checker's deadline")


class ReviewEverything:
    name = "review_everything"

    def check(self, text: str) -> Verdict:
        return Verdict("review", "everything is reviewed")
