"""Write an answer from retrieved chunks through the configured LLM, citing chunk ids.

The model sees the passages as [1], [2], ... and must cite them; the labels are
rewritten to chunk ids in the answer. Without a model (none configured or none
reachable, or a client that cannot sample) nothing is written: the caller gets
the best passages and `NO_MODEL`, a plain statement that no model is configured.
"""

from __future__ import annotations

import re

from pygent.core.llm.base import ChatMessage, ChatOptions, LLMProvider
from pygent.servers.rag.models import Hit

SYSTEM = (
    "You answer questions using only the numbered passages you are given. After each claim, cite the passage it "
    "comes from by its number in square brackets, like [2]. If the passages do not contain the answer, say that "
    "they do not. Do not use outside knowledge."
)
_LABEL = re.compile(r"\[(\d+)\]")


def prompt(question: str, hits: list[Hit]) -> list[ChatMessage]:
    passages = []
    for number, hit in enumerate(hits, start=1):
        where = " > ".join([hit.citation.title, *hit.citation.heading_trail])
        passages.append(f"[{number}] ({where})\n{hit.text}")
    user = "Passages:\n\n" + "\n\n".join(passages) + f"\n\nQuestion: {question}"
    return [ChatMessage(role="system", content=SYSTEM), ChatMessage(role="user", content=user)]


async def write_answer(provider: LLMProvider, question: str, hits: list[Hit]) -> tuple[str, list[Hit]]:
    """The model's answer with [n] rewritten to [chunk_id], and the hits it cited (all, if none)."""
    reply = await provider.chat(prompt(question, hits), options=ChatOptions(temperature=0.0))
    cited: list[Hit] = []

    def relabel(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(hits):
            return match.group(0)
        hit = hits[number - 1]
        if hit not in cited:
            cited.append(hit)
        return f"[{hit.chunk_id}]"

    text = _LABEL.sub(relabel, reply.message.content).strip()
    return text, cited or hits


NO_MODEL = (
    "No language model is configured: set PYGENT_LLM=ollama:MODEL (and OLLAMA_HOST) or openai:MODEL with "
    "PYGENT_OPENAI_BASE_URL, or connect through a client that offers sampling."
)
