"""What a conversation remembers between turns, kept by the platform and sent back each turn."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from index.snippets import sentences

# The key under which the skill's memory travels in Alexa session attributes, Dialogflow CX
# session parameters and the name of the Dialogflow ES output context.
MEMORY_KEY = "faq_last_answer"


@dataclass(frozen=True)
class Memory:
    """The last answer's source and the part of its passage not yet spoken."""

    article: str = ""
    section: str = ""
    url: str = ""
    # The rest of the passage, for "tell me more".
    more: str = ""
    # Whether the user has been told the answers are in English (said once per conversation).
    english_noted: bool = False

    def to_json(self) -> dict:
        """Return the memory as a JSON object for the platform to keep."""
        return asdict(self)

    @classmethod
    def from_json(cls, value: object) -> Memory:
        """Read a memory the platform sent back; anything of the wrong type is forgotten."""
        if not isinstance(value, dict):
            return cls()
        kept = {}
        for f in fields(cls):
            given = value.get(f.name)
            if isinstance(given, bool if f.type == "bool" else str):
                kept[f.name] = given
        return cls(**kept)

    @property
    def has_answer(self) -> bool:
        """Return whether a question has been answered in this conversation."""
        return bool(self.article)


def unspoken(passage: str, spoken: str) -> str:
    """Return the sentences of passage that follow the last one spoken, in order."""
    said = sentences(spoken)
    parts = sentences(passage)
    if not said or said[-1] not in parts:
        return ""
    last = max(i for i, s in enumerate(parts) if s == said[-1])
    return " ".join(parts[last + 1 :])
