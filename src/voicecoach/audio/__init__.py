"""Audio in and out: decoding files, voiced regions, microphone recording and devices."""
