"""Just enough multipart/form-data parsing for the OpenAI-style upload (stdlib `cgi` is gone in 3.13)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message


@dataclass
class Part:
    name: str
    filename: str | None
    data: bytes


def boundary_of(content_type: str) -> bytes | None:
    msg = Message()
    msg["content-type"] = content_type
    if msg.get_content_type() != "multipart/form-data":
        return None
    boundary = msg.get_param("boundary")
    return boundary.encode() if isinstance(boundary, str) and boundary else None


def parse(body: bytes, boundary: bytes) -> list[Part]:
    parts: list[Part] = []
    delimiter = b"--" + boundary
    pos = body.find(delimiter)
    while pos != -1:
        pos += len(delimiter)
        if body[pos : pos + 2] == b"--":
            break
        header_end = body.find(b"\r\n\r\n", pos)
        if header_end == -1:
            break
        headers = body[pos:header_end].decode("utf-8", "replace")
        nxt = body.find(b"\r\n" + delimiter, header_end + 4)
        if nxt == -1:
            break
        msg = Message()
        for line in headers.strip().split("\r\n"):
            key, _, value = line.partition(":")
            if value:
                msg[key.strip()] = value.strip()
        name = msg.get_param("name", header="content-disposition")
        filename = msg.get_param("filename", header="content-disposition")
        if isinstance(name, str):
            parts.append(Part(name, filename if isinstance(filename, str) else None, body[header_end + 4 : nxt]))
        pos = nxt + 2
    return parts
