"""Images that go into letters: a mission's emblem and a signatory's signature, PNG or SVG.

Checked when uploaded, not trusted later: a PNG must decode as a PNG of bounded size and dimensions; an SVG must
parse as SVG without a document type (so no entities), without scripts, event handlers, foreign objects or any
reference outside itself (href, url(), @import). What passes is drawn by WeasyPrint, whose fetcher also refuses
everything outside the project's files, so a reference that slipped through would still fetch nothing.
"""

import io
import re
import xml.etree.ElementTree as ET  # DOCTYPE and entities are refused before parsing

from django.core.exceptions import ValidationError
from PIL import Image

MAX_BYTES = 512 * 1024
MAX_SIDE = 2000  # pixels, for PNG
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements a drawing needs; anything else (script, foreignObject, image, iframe, animate…) is refused.
SVG_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "symbol", "use",
    "metadata", "style",
}  # fmt: skip
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def _read(file) -> bytes:
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationError(f"The image is {file.size // 1024:,} KB; at most {MAX_BYTES // 1024} KB.")
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    file.seek(0)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The image is larger than {MAX_BYTES // 1024} KB.")
    return data


def check_png(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValidationError("Upload a PNG or SVG image.")
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(f"The image is {width}×{height} pixels; at most {MAX_SIDE}×{MAX_SIDE}.")
            image.verify()
    except ValidationError:
        raise
    except Exception as error:  # Pillow's errors for a truncated or forged file, or a decompression bomb
        raise ValidationError("This file is not a readable PNG image.") from error


def _local_name(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def check_svg(data: bytes) -> None:
    """Refuses an SVG that could run, fetch or expand anything; see the module's docstring."""
    head = data.lstrip()[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise ValidationError("The SVG has a document type or entities; save it as plain SVG.")
    if not (head.startswith(b"<svg") or head.startswith(b"<?xml") or head.startswith(b"<!--")):
        raise ValidationError("Upload a PNG or SVG image.")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE, so no entity can be declared
    except ET.ParseError as error:
        raise ValidationError(f"The SVG is not well-formed XML ({error}).") from error
    if _local_name(root.tag) != (SVG_NS, "svg"):
        raise ValidationError("Upload a PNG or SVG image.")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        namespace, name = _local_name(element.tag)
        if namespace != SVG_NS or name not in SVG_ELEMENTS:
            raise ValidationError(f"The SVG contains a <{name}> element, which a letter's image may not have.")
        for attribute, value in element.attrib.items():
            _, attr_name = _local_name(attribute)
            if attr_name.lower().startswith("on"):
                raise ValidationError(f"The SVG has an event handler ({attr_name}); scripts are not allowed.")
            if attr_name == "href" and not value.strip().startswith("#"):
                raise ValidationError("The SVG refers to another file or address; it must be self-contained.")
            if any(not target.startswith("#") for target in _URL.findall(value)):
                raise ValidationError("The SVG refers to another file or address; it must be self-contained.")
        if name == "style" and (
            "@import" in (element.text or "").lower()
            or any(not target.startswith("#") for target in _URL.findall(element.text or ""))
        ):
            raise ValidationError("The SVG's style refers to another file or address; it must be self-contained.")


def _check_extension(file, extension: str, kind: str) -> None:
    # Emblems are public files served by the name they were uploaded with: "x.html" holding a valid PNG with a script
    # after its end would be served as a page of the portal. The name must say what the content is.
    if not (getattr(file, "name", "") or "").lower().endswith(extension):
        raise ValidationError(f"The file's name must end in {extension}, as its content is {kind}.")


def check_image(file) -> None:
    data = _read(file)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_extension(file, ".png", "a PNG image")
        check_png(data)
    else:
        check_svg(data)
        _check_extension(file, ".svg", "an SVG image")


def validate_emblem(file) -> None:
    check_image(file)


def validate_signature_image(file) -> None:
    check_image(file)
