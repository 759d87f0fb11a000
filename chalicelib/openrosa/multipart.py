"""The multipart/form-data body of an OpenRosa submission: the XML part and the attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from chalicelib.openrosa.messages import OpenRosaError

XML_PART = "xml_submission_file"
XML_TYPES = ("text/xml", "application/xml")
INCOMPLETE = "*isIncomplete*"
MAX_PARTS = 20


@dataclass(frozen=True)
class Upload:
    """One POST of a submission: the XML, the files by name, and whether more POSTs follow."""

    xml: bytes
    files: dict[str, bytes] = field(default_factory=dict)
    incomplete: bool = False


def _refuse(message_id: str, message_en: str) -> OpenRosaError:
    return OpenRosaError(400, "bad_multipart", message_id, message_en)


def read_upload(content_type: str, body: bytes) -> Upload:
    """The parts of a submission POST (multipart/form-data with `xml_submission_file`)."""
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type.lower():
        raise OpenRosaError(
            415,
            "not_multipart",
            "Kiriman harus multipart/form-data",
            "A submission must be multipart/form-data",
        )
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _refuse("Isi multipart tidak terbaca", "The multipart body cannot be read")
    parts = list(message.iter_parts()) if hasattr(message, "iter_parts") else []
    if len(parts) > MAX_PARTS:
        raise _refuse(f"Paling banyak {MAX_PARTS} bagian per kiriman", f"At most {MAX_PARTS} parts per submission")
    xml: bytes | None = None
    files: dict[str, bytes] = {}
    incomplete = False
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = _payload(part)
        if name == XML_PART:
            if part.get_content_type() not in XML_TYPES:
                raise _refuse(
                    "xml_submission_file harus text/xml", "xml_submission_file must be text/xml or application/xml"
                )
            xml = payload
        elif name == INCOMPLETE:
            incomplete = payload.strip().lower() in (b"yes", b"true")
        elif filename or name:
            key = str(filename or name).replace("\\", "/").rsplit("/", 1)[-1]
            files[key] = payload
    if xml is None:
        raise _refuse("Kiriman tanpa xml_submission_file", "The submission has no xml_submission_file part")
    return Upload(xml=xml, files=files, incomplete=incomplete)


def _payload(part: Message) -> bytes:
    raw = part.get_payload(decode=True)
    return raw if isinstance(raw, bytes) else b""
