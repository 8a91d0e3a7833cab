"""`PYGENT_LLM=auto`: the first model that is actually there, decided at first use.

Choosing needs network probes, which are async, while `select_provider` is a
plain function; so `auto` returns this provider, which probes on its first
call: the OpenAI-compatible endpoint at PYGENT_OPENAI_BASE_URL when one is set
and lists a model, else Ollama when it answers and has a model pulled, else
the calling MCP client's model when it declares sampling, else `NoModelError`.
The choice is then kept for the life of the provider (one tool call, or one
agent run). A client that declares sampling but refuses the request as
unsupported, or fails it (a user who declines), also ends in `NoModelError`:
for `auto`, that client had no model to give, so callers fall back the same way.

    provider = AutoProvider(settings, ctx)
    chosen = await provider.resolve()     # optional: to learn the choice early
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from fastmcp import Context
from pygent.core.errors import UpstreamError
from pygent.core.llm.base import (
    NO_MODEL_HELP,
    ChatChunk,
    ChatMessage,
    ChatOptions,
    ChatResponse,
    LLMProvider,
    NoModelError,
    ToolSpec,
)
from pygent.core.llm.client import ClientProvider, offers_sampling
from pygent.core.llm.retry import RetryPolicy
from pygent.core.settings import Settings


@contextmanager
def _client_failure_is_no_model(chosen: LLMProvider) -> Iterator[None]:
    try:
        yield
    except UpstreamError as exc:
        if not isinstance(chosen, ClientProvider):
            raise
        raise NoModelError(f"{NO_MODEL_HELP} ({exc.message})") from None


class AutoProvider:
    """A configured OpenAI-compatible endpoint, else Ollama, else the MCP client's model, else `NoModelError`."""

    def __init__(
        self, settings: Settings, client_context: Context | None = None, retry: RetryPolicy | None = None
    ) -> None:
        self.settings = settings
        self.client_context = client_context
        self.retry = retry
        self._chosen: LLMProvider | None = None

    @property
    def name(self) -> str:
        return self._chosen.name if self._chosen is not None else "auto"

    @property
    def model(self) -> str:
        return self._chosen.model if self._chosen is not None else ""

    async def resolve(self) -> LLMProvider:
        """Probe once and keep the choice.

        Raises:
            NoModelError: no endpoint, no Ollama and no sampling-capable client is there.
        """
        if self._chosen is not None:
            return self._chosen
        tried = []
        for probe in (self._openai, self._ollama):
            found, detail = await probe()
            if found is not None:
                self._chosen = found
                return found
            if detail:
                tried.append(detail)
        if offers_sampling(self.client_context) and self.client_context is not None:
            self._chosen = ClientProvider(self.client_context, timeout=self.settings.llm_timeout)
            return self._chosen
        tried.append("the MCP client does not declare sampling")
        raise NoModelError(f"{NO_MODEL_HELP} ({'; '.join(tried)})")

    async def _openai(self) -> tuple[LLMProvider | None, str]:
        base_url = self.settings.openai_base_url
        if not base_url:
            return None, ""
        # Imported on use, like in `select`: keeps the HTTP clients out of a server's start.
        from pygent.core.llm.openai_compat import OpenAICompatProvider

        endpoint = OpenAICompatProvider(
            "",
            base_url=base_url,
            api_key=self.settings.openai_api_key,
            timeout=self.settings.llm_timeout,
            retry=self.retry,
        )
        if not await endpoint.reachable():
            return None, f"{endpoint.base_url} is not answering"
        models = await endpoint.list_models()
        if not models:
            return None, f"{endpoint.base_url} lists no models"
        endpoint.model = models[0]
        return endpoint, ""

    async def _ollama(self) -> tuple[LLMProvider | None, str]:
        from pygent.core.llm.ollama import OllamaProvider

        ollama = OllamaProvider(host=self.settings.ollama_host, timeout=self.settings.llm_timeout, retry=self.retry)
        if not await ollama.reachable():
            return None, f"Ollama is not answering at {ollama.host}"
        models = await ollama.list_models()
        if not models:
            return None, f"Ollama at {ollama.host} has no models pulled"
        ollama.model = models[0]
        return ollama, ""

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse:
        chosen = await self.resolve()
        with _client_failure_is_no_model(chosen):
            return await chosen.chat(messages, tools, options)

    async def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]:
        chosen = await self.resolve()
        with _client_failure_is_no_model(chosen):
            async for chunk in chosen.stream(messages, tools, options):
                yield chunk

    async def list_models(self) -> list[str]:
        chosen = await self.resolve()
        models: list[str] = await chosen.list_models()
        return models

    async def reachable(self) -> bool:
        try:
            await self.resolve()
        except NoModelError:
            return False
        return True
