"""Which provider answers, from the host-level `PYGENT_LLM` setting.

ollama:MODEL   a local (or OLLAMA_HOST) Ollama; plain `ollama` takes its first pulled model
openai:MODEL   an OpenAI-compatible endpoint (PYGENT_OPENAI_BASE_URL, PYGENT_OPENAI_API_KEY)
client         the calling MCP client's model (needs `client_context`, a tool call's Context)
auto           the endpoint at PYGENT_OPENAI_BASE_URL if it lists a model, else Ollama when reachable,
               else the client when it declares sampling (decided at first use)
none           no model: callers get `NoModelError`

provider = select_provider(Settings.load(), ctx)
"""

from __future__ import annotations

from fastmcp import Context
from pygent.core.errors import ConfigError
from pygent.core.llm.auto import AutoProvider
from pygent.core.llm.base import NO_MODEL_HELP, LLMProvider, NoModelError
from pygent.core.llm.client import ClientProvider, offers_sampling
from pygent.core.llm.retry import RetryPolicy
from pygent.core.settings import Settings

FORMS = "ollama:MODEL, openai:MODEL, client, auto or none"


def select_provider(
    settings: Settings, client_context: Context | None = None, *, retry: RetryPolicy | None = None
) -> LLMProvider:
    """The provider `settings.llm` names.

    Raises:
        NoModelError: models are turned off (`none`), or `client` was chosen and the
            client offers no sampling. The message says how to configure a model.
        ConfigError: `settings.llm` is not one of the forms above.
    """
    spec = settings.llm.strip()
    kind, _, model = spec.partition(":")
    kind, model = kind.strip().lower(), model.strip()
    if kind == "auto" and not model:
        return AutoProvider(settings, client_context, retry)
    if kind == "none" and not model:
        raise NoModelError(f"language models are turned off (PYGENT_LLM=none); {NO_MODEL_HELP}")
    if kind == "client" and not model:
        if client_context is None or not offers_sampling(client_context):
            raise NoModelError(f"PYGENT_LLM=client, but the MCP client does not declare sampling; {NO_MODEL_HELP}")
        return ClientProvider(client_context, timeout=settings.llm_timeout)
    if kind == "ollama":
        # Imported on use: the ollama package (with httpx) adds ~0.3 s to a server's start,
        # and servers must answer their first listing within 2 s.
        from pygent.core.llm.ollama import OllamaProvider

        return OllamaProvider(model, host=settings.ollama_host, timeout=settings.llm_timeout, retry=retry)
    if kind == "openai":
        from pygent.core.llm.openai_compat import OPENAI_BASE_URL, OpenAICompatProvider

        if not model:
            raise ConfigError("PYGENT_LLM=openai needs a model name, e.g. openai:gpt-4o-mini")
        base_url = settings.openai_base_url or OPENAI_BASE_URL
        if base_url == OPENAI_BASE_URL and not settings.openai_api_key:
            raise ConfigError("PYGENT_LLM=openai:… on api.openai.com needs PYGENT_OPENAI_API_KEY")
        return OpenAICompatProvider(
            model, base_url=base_url, api_key=settings.openai_api_key, timeout=settings.llm_timeout, retry=retry
        )
    raise ConfigError(f"PYGENT_LLM={spec!r} is not understood; use {FORMS}")
