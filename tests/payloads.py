"""The XSS / HTML-injection payloads of the shared fixtures, deduplicated, each with the sources it came
from (payloadsallthethings/*.txt, payloadbox/xss-payload-list.txt, dompurify/expect.json)."""

import json
from dataclasses import dataclass
from functools import cache

from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
NOT_PAYLOADS = {"UPSTREAM-LICENSE.txt"}  # the licence text that travels with the lists


@dataclass(frozen=True)
class Payload:
    index: int
    text: str
    sources: tuple[str, ...]  # e.g. "payloadsallthethings/RSNAKE_XSS.txt"


def _source_files() -> dict[str, list[str]]:
    found = {}
    for path in sorted((FIXTURES / "payloadsallthethings").glob("*.txt")):
        if path.name not in NOT_PAYLOADS:
            found[f"payloadsallthethings/{path.name}"] = path.read_text(errors="replace").splitlines()
    box = FIXTURES / "payloadbox" / "xss-payload-list.txt"
    found["payloadbox/xss-payload-list.txt"] = box.read_text(errors="replace").splitlines()
    cases = json.loads((FIXTURES / "dompurify" / "expect.json").read_text())
    found["dompurify/expect.json"] = [case["payload"] for case in cases]
    return found


@cache
def load_payloads() -> tuple[Payload, ...]:
    """Every distinct non-blank payload once, in the order first seen."""
    sources: dict[str, list[str]] = {}
    for name, lines in _source_files().items():
        for line in lines:
            if line.strip():
                sources.setdefault(line, [])
                if name not in sources[line]:
                    sources[line].append(name)
    return tuple(Payload(i, text, tuple(names)) for i, (text, names) in enumerate(sources.items()))


def payloads_available() -> bool:
    return (FIXTURES / "payloadbox" / "xss-payload-list.txt").exists()
