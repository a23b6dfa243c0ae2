"""A plain llama-index pipeline over the same documents (SentenceSplitter, dense top-k in Chroma, best sentences as the answer), for comparison."""

from __future__ import annotations

import time
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
from llama_index.core.schema import MetadataMode, NodeWithScore
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from llama_index.vector_stores.chroma import ChromaVectorStore

from evals.metrics import Attempt, Cited
from index.embedder import resolve_model_path
from ingest.readers import reader_for

CHUNK_TOKENS = 256  # the embedding model reads at most 256 word pieces; longer chunks would be truncated
CHUNK_OVERLAP = 32


def configure_llama_index(model_name: str) -> HuggingFaceEmbedding:
    """The same bundled embedding model, set explicitly, and no LLM, so nothing reaches for OpenAI."""
    embed_model = HuggingFaceEmbedding(model_name=str(resolve_model_path(model_name)), device="cpu", embed_batch_size=64)
    Settings.embed_model = embed_model
    Settings.llm = MockLLM()
    return embed_model


def load_documents(files: list[Path]) -> list[Document]:
    """One llama-index Document per PDF page (so citations carry pages) or per text file, via the project's readers."""
    documents: list[Document] = []
    for path in files:
        loaded = reader_for(path).read(path)
        if not loaded.page_starts:
            documents.append(Document(text=loaded.text, metadata={"source": path.name}))
            continue
        ends = [*loaded.page_starts[1:], len(loaded.text)]
        for page, (start, end) in enumerate(zip(loaded.page_starts, ends), start=1):
            if loaded.text[start:end].strip():
                documents.append(Document(text=loaded.text[start:end], metadata={"source": path.name, "page": page}))
    for document in documents:
        document.excluded_embed_metadata_keys = ["source", "page"]
    return documents


class LlamaIndexBaseline:
    """Dense retrieval only, no abstention threshold: the answer is the top passages' sentences closest to the question."""

    def __init__(self, embed_model: HuggingFaceEmbedding, chroma_dir: Path, top_k: int = 10,
                 answer_passages: int = 5, answer_sentences: int = 3) -> None:
        self.embed_model = embed_model
        self.client = chromadb.PersistentClient(path=str(chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
        self.top_k = top_k
        self.answer_passages = answer_passages
        self.answer_sentences = answer_sentences
        self.split_sentences = split_by_sentence_tokenizer()
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self.index: VectorStoreIndex | None = None

    def build(self, files: list[Path], name: str = "baseline") -> int:
        """Index the files into a fresh collection; returns the number of chunks."""
        if name in [c.name for c in self.client.list_collections()]:
            self.client.delete_collection(name)
        store = ChromaVectorStore(chroma_collection=self.client.create_collection(name))
        nodes = SentenceSplitter(chunk_size=CHUNK_TOKENS, chunk_overlap=CHUNK_OVERLAP).get_nodes_from_documents(
            load_documents(files))
        self.index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store),
                                      embed_model=self.embed_model)
        return len(nodes)

    def _vectors(self, sentences: list[str]) -> np.ndarray:
        missing = [s for s in dict.fromkeys(sentences) if s not in self._sentence_vectors]
        if missing:
            for sentence, vector in zip(missing, self.embed_model.get_text_embedding_batch(missing)):
                self._sentence_vectors[sentence] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._sentence_vectors[s] for s in sentences])

    def ask(self, question: str, history: tuple[str, ...] = ()) -> Attempt:
        """A follow-up is searched together with the previous turn, the plainest way to carry context."""
        if self.index is None:
            raise RuntimeError("call build() before ask()")
        started = time.perf_counter()
        query = f"{history[-1]} {question}" if history else question
        nodes: list[NodeWithScore] = self.index.as_retriever(similarity_top_k=self.top_k).retrieve(query)
        texts = [n.node.get_content(metadata_mode=MetadataMode.NONE) for n in nodes]
        candidates = [(position, sentence.strip()) for position, text in enumerate(texts[: self.answer_passages])
                      for sentence in self.split_sentences(text) if sentence.strip()]
        if not candidates:
            return Attempt("", True, [], texts, (time.perf_counter() - started) * 1000)
        query_vector = np.asarray(self.embed_model.get_query_embedding(query), dtype=np.float32)
        similarity = self._vectors([sentence for _, sentence in candidates]) @ query_vector
        best = [candidates[i] for i in np.argsort(-similarity)[: self.answer_sentences]]
        citations = [Cited(source=nodes[p].node.metadata["source"], quote=sentence, text=texts[p],
                           page=nodes[p].node.metadata.get("page")) for p, sentence in best]
        answer = " ".join(f"{sentence} [{n}]" for n, (_, sentence) in enumerate(best, start=1))
        return Attempt(answer, False, citations, texts, (time.perf_counter() - started) * 1000)
