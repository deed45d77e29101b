"""Input and output devices through sounddevice (PortAudio)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voicecoach.errors import AudioError

NO_DEVICE_HELP = (
    "no microphone found: plug one in or enable it in the system's sound settings "
    "(on Linux, check `pactl list short sources`)"
)


def sounddevice() -> Any:
    """Import sounddevice, turning a missing PortAudio library into a clear error."""
    try:
        import sounddevice as sd
    except OSError:
        raise AudioError(
            "the PortAudio library is missing: run ./scripts/setup (Debian package libportaudio2)"
        ) from None
    return sd


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    samplerate: float
    is_default: bool


def list_inputs() -> list[InputDevice]:
    sd = sounddevice()
    try:
        devices = sd.query_devices()
        default_in = sd.default.device[0]
    except Exception as e:  # PortAudio reports host errors as PortAudioError or ValueError
        raise AudioError(f"cannot list audio devices ({e})") from None
    if default_in is None or default_in < 0:
        try:
            default_in = sd.query_devices(kind="input")["index"]
        except Exception:
            default_in = -1
    return [
        InputDevice(
            i,
            d["name"],
            int(d["max_input_channels"]),
            float(d["default_samplerate"]),
            i == default_in,
        )
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def resolve_input(setting: str | int | None) -> InputDevice:
    """The device a setting names (index or part of a name); the default when empty."""
    inputs = list_inputs()
    if not inputs:
        raise AudioError(NO_DEVICE_HELP)
    if setting in (None, ""):
        return next((d for d in inputs if d.is_default), inputs[0])
    text = str(setting)
    if text.isdigit():
        for d in inputs:
            if d.index == int(text):
                return d
    matches = [d for d in inputs if text.lower() in d.name.lower()]
    if not matches:
        names = ", ".join(d.name for d in inputs)
        raise AudioError(f"no input device matches '{text}' (have: {names})")
    return matches[0]
