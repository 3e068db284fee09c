"""Base64 VLQ decoding, written apart from ``searchindex`` to check what it encodes."""

from __future__ import annotations


def decode(text: str) -> list[int]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    numbers, value, shift = [], 0, 0
    for char in text:
        digit = alphabet.index(char)
        value += (digit & 31) << shift
        shift += 5
        if not digit & 32:
            numbers.append(value)
            value, shift = 0, 0
    return numbers
