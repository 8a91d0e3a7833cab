"""`PYGENT_LLM=auto`: the first model that is actually there, decided at first use.

Choosing needs network probes, which are async, while `select_provider` is a
plain function; so `auto` returns this provider, which probes on its first
call: Ollama when it answers and has a model pulled, else the calling MCP
client's model when it offers sampling, else `NoModelError`. The choice is
then kept for the life of the provider (one tool call, or one agent run).
A client that declares sampling but fails the request (a gateway whose own
caller cannot sample, a user who declines) also ends in `NoModelError`: for
`auto`, that client had no model to give.

    provider = AutoProvider(settings, ctx)
    chosen = await provider.resolve()     # optional: to learn the choice early
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from fastmcp import Context
from pygent.core.errors import UpstreamError
from pygent.core.llm.base import ChatChunk, ChatMessage, ChatOptions, ChatResponse, LLMProvider, NoModelError, ToolSpec
from pygent.core.llm.client import ClientProvider, offers_sampling
from pygent.core.llm.retry import RetryPolicy
from pygent.core.settings import Settings

NO_MODEL_HELP = (
    "no language model is available. Configure one with PYGENT_LLM: `ollama:llama3.2` for a local Ollama "
    "(at OLLAMA_HOST, default http://127.0.0.1:11434; run `ollama serve` and `ollama pull llama3.2`), "
    "`openai:gpt-4o-mini` with PYGENT_OPENAI_API_KEY (PYGENT_OPENAI_BASE_URL for vLLM, llama.cpp or LM Studio), "
    "or `client` to use the model of an MCP client that supports sampling"
)


@contextmanager
def _client_failure_is_no_model(chosen: LLMProvider) -> Iterator[None]:
    try:
        yield
    except NoModelError as exc:
        raise NoModelError(f"{NO_MODEL_HELP} ({exc.message})") from None
    except UpstreamError as exc:
        if not isinstance(chosen, ClientProvider):
            raise
        raise NoModelError(f"{NO_MODEL_HELP} ({exc.message})") from None


class AutoProvider:
    """Ollama if reachable, else the MCP client's model, else a clear `NoModelError`."""

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
            NoModelError: neither Ollama nor a sampling-capable client is there.
        """
        if self._chosen is not None:
            return self._chosen
        # Imported on use, like in `select`: keeps the ollama package out of a server's start.
        from pygent.core.llm.ollama import OllamaProvider

        ollama = OllamaProvider(host=self.settings.ollama_host, timeout=self.settings.llm_timeout, retry=self.retry)
        detail = f"Ollama is not answering at {ollama.host}"
        if await ollama.reachable():
            models = await ollama.list_models()
            if models:
                ollama.model = models[0]
                self._chosen = ollama
                return ollama
            detail = f"Ollama at {ollama.host} has no models pulled"
        if offers_sampling(self.client_context) and self.client_context is not None:
            self._chosen = ClientProvider(self.client_context, timeout=self.settings.llm_timeout)
            return self._chosen
        raise NoModelError(f"{NO_MODEL_HELP} ({detail}, and the MCP client offers no sampling)")

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
