"""What every chart qplan draws shares: colours that stay apart under the common
colour-vision deficiencies (Okabe and Ito), the ring of a figure that takes keyboard
focus, and the width a legend's character takes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

BLUE = "#0072b2"
ORANGE = "#e69f00"
VERMILLION = "#d55e00"
#: where there is nothing to show (no items, a team off duty)
GREY = "#e0e0e0"

#: the width of a legend's character at the charts' 11 px, with room to spare
CHAR_W = 6.2


def focus_style(name: str) -> str:
    """The style sheet rule that rings an element of class ``name`` on hover and focus."""
    return f".{name}:hover, .{name}:focus {{ stroke: #000; stroke-width: 2; outline: none }}"


def svg_root(width: int, height: int, label: str, style: str, font_size: int = 11) -> ET.Element:
    """A chart's root element: its size, its accessible name (an image named ``label``)
    and its style sheet (``style``), to which the chart adds its drawing."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "sans-serif",
            "font-size": str(font_size),
            "role": "img",
            "aria-label": label,
        },
    )
    ET.SubElement(svg, "style").text = style
    return svg
