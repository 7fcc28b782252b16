"""Model files: reading GGUF headers, choosing chat templates, finding and importing models.

Nothing here loads weights or imports llama_cpp; that happens only in the engine process.
"""

from assistant.models.discovery import (
    STARTER_FILENAME,
    STARTER_SHA256,
    STARTER_SIZE,
    ModelEntry,
    add_model,
    cached_sha256,
    default_model_path,
    file_sha256,
    list_models,
    remove_model,
    starter_model_candidates,
    starter_model_path,
    verify_file,
    verify_starter_model,
)
from assistant.models.gguf_info import ModelInfo, format_parameter_count, read_info
from assistant.models.template_turns import normalize_turns
from assistant.models.templates import KNOWN_TEMPLATES, KnownTemplate, TemplateChoice, choose_template, render

__all__ = [
    "KNOWN_TEMPLATES",
    "STARTER_FILENAME",
    "STARTER_SHA256",
    "STARTER_SIZE",
    "KnownTemplate",
    "ModelEntry",
    "ModelInfo",
    "TemplateChoice",
    "add_model",
    "choose_template",
    "cached_sha256",
    "default_model_path",
    "file_sha256",
    "format_parameter_count",
    "list_models",
    "normalize_turns",
    "read_info",
    "remove_model",
    "render",
    "starter_model_candidates",
    "starter_model_path",
    "verify_file",
    "verify_starter_model",
]
