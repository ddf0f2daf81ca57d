"""What deckgen knows of Office Open XML, in one place: namespaces, units, the extension that
marks a shape decorative, and the link schemes a deck may hold.

The render layer writes with these and the checker reads with them; neither keeps a copy.
Standard library only.
"""

from __future__ import annotations

#: DrawingML, PresentationML and relationship namespaces, by their usual prefixes.
NSMAP = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
#: DrawingML charts: a graphic frame that holds one has a `c:chart`.
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
#: The package's own namespaces: content types and relationships parts.
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: The relationship type of a hyperlink.
HYPERLINK = NSMAP["r"] + "/hyperlink"
#: docProps/app.xml: the extended properties and their variant types.
EXTENDED_PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: Dublin Core, in docProps/core.xml.
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"

#: English Metric Units in a point: DrawingML's coordinates are EMU.
EMU_PER_POINT = 12700

#: The extension that marks a shape decorative (Office 2019+): screen readers skip it, and
#: PowerPoint's Accessibility Checker asks it for no alt text.
DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"

#: The extension on a hyperlink that makes it take its run's own colour, not the theme's
#: hyperlink colour (Office 2019+; LibreOffice honours it too).
HYPERLINK_COLOR_URI = "{A12FA001-AC4F-418D-AE19-62706E023703}"
HYPERLINK_COLOR_NS = "http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor"

#: The link schemes text may use; a link to a local file or anything else is refused.
LINK_SCHEMES = ("http://", "https://", "mailto:")
