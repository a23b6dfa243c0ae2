"""Builds the llama-index language model that SCRUTINY_LLM names, or None when answers stay extractive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

NONE = "none"
EXTRA_HINT = "pip install 'scrutiny-assistant[llm]'"
OPENAI_LIKE_CONTEXT = 8192  # what an unknown OpenAI-compatible server is assumed to hold; prompts stay far below


def wants_llm(settings: Settings) -> bool:
    """True when answers should come from the model: --answerer llm, or auto with a model configured."""
    if settings.answerer == "llm" and settings.llm == NONE:
        raise ValueError("--answerer llm needs a model: set SCRUTINY_LLM (openai-like, ollama, azure-openai or openai) "
                         "and SCRUTINY_LLM_MODEL; docs/llm.md shows how")
    return settings.answerer != "extractive" and settings.llm != NONE


def model_label(settings: Settings) -> str:
    """How the app and notes name the model: its name and where it runs."""
    where = settings.llm_base_url or settings.llm
    return f"{settings.llm_model or settings.llm} at {where}"


def build_llm(settings: Settings) -> LLM:
    """The configured backend; a missing model name, address or package is a ValueError naming the setting."""
    if not settings.llm_model:
        raise ValueError(f"SCRUTINY_LLM={settings.llm} needs SCRUTINY_LLM_MODEL (the model's name)")
    try:
        return _BUILDERS[settings.llm](settings)
    except ImportError as error:
        raise ValueError(f"SCRUTINY_LLM={settings.llm} needs the optional language-model packages: {EXTRA_HINT} "
                         f"({error})") from error


def _openai_like(settings: Settings) -> LLM:
    from llama_index.llms.openai_like import OpenAILike

    if not settings.llm_base_url:
        raise ValueError("SCRUTINY_LLM=openai-like needs SCRUTINY_LLM_BASE_URL, e.g. http://127.0.0.1:8000/v1")
    # retries would multiply the wait past the timeout; a failed call falls back to the extractive answer instead
    return OpenAILike(model=settings.llm_model, api_base=settings.llm_base_url, api_key=settings.llm_api_key or "none",
                      is_chat_model=True, context_window=OPENAI_LIKE_CONTEXT, timeout=settings.llm_timeout,
                      max_retries=0, max_tokens=settings.llm_max_tokens, temperature=0.0)


def _ollama(settings: Settings) -> LLM:
    from llama_index.llms.ollama import Ollama

    return Ollama(model=settings.llm_model, base_url=settings.llm_base_url or "http://localhost:11434",
                  request_timeout=settings.llm_timeout, temperature=0.0,
                  additional_kwargs={"num_predict": settings.llm_max_tokens})


def _azure_openai(settings: Settings) -> LLM:
    from llama_index.llms.azure_openai import AzureOpenAI

    if not settings.llm_base_url or not settings.llm_api_key:
        raise ValueError("SCRUTINY_LLM=azure-openai needs SCRUTINY_LLM_BASE_URL (https://NAME.openai.azure.com) "
                         "and SCRUTINY_LLM_API_KEY")
    return AzureOpenAI(engine=settings.llm_deployment or settings.llm_model, model=settings.llm_model,
                       azure_endpoint=settings.llm_base_url,
                       api_key=settings.llm_api_key, api_version=settings.llm_api_version, timeout=settings.llm_timeout,
                       max_retries=0, max_tokens=settings.llm_max_tokens, temperature=0.0)


def _openai(settings: Settings) -> LLM:
    from llama_index.llms.openai import OpenAI

    if not settings.llm_api_key:
        raise ValueError("SCRUTINY_LLM=openai needs SCRUTINY_LLM_API_KEY")
    return OpenAI(model=settings.llm_model, api_key=settings.llm_api_key, api_base=settings.llm_base_url,
                  timeout=settings.llm_timeout, max_retries=0, max_tokens=settings.llm_max_tokens, temperature=0.0)


_BUILDERS = {"openai-like": _openai_like, "ollama": _ollama, "azure-openai": _azure_openai, "openai": _openai}
