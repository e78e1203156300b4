"""RIS read as Zotero's RIS translator reads it, and the item Zotero then hands to citeproc-js.

Zotero imports RIS with its "RIS" translator (``RIS.js`` in
github.com/zotero/translators). This module follows the translator's
documented mapping — its ``importTypeMap``, ``fieldMap`` and
``degenerateImportFieldMap`` tables and the rules of ``processTag`` and
``applyValue`` — for the tags refparse writes; it is written from reading
the translator, not copied from it. What matters for these tests:

* ``TY`` → item type (``GEN`` becomes a journal article);
* ``AU``: the last name is the text before the first comma, the first name
  the rest; a name without a comma is a one-field name (``fieldMode`` 1);
* ``N1`` and ``RN`` each become a child note; ``ID`` is ignored; tags with
  no mapping for the item type are dropped (``ignoreUnknown`` is the
  default) — a note is never made of them;
* deprecated tags (``JO``, ``EP``, ``CY`` for a conference ...) are read
  after the others and never overwrite a field already set; ``PY`` is only
  a fallback for ``DA``; ``EP`` completes ``SP`` as ``first-last``.

:func:`to_csl` then builds the CSL-JSON item the way Zotero's
``itemToCSLJSON`` does for those fields (schema ``csl`` mappings): a
one-field name becomes ``{"literal": ...}``, a two-field name
``{"family", "given"}``, whose particles citeproc-js parses itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: importTypeMap for the types refparse writes.
ITEM_TYPES = {
    "JOUR": "journalArticle", "CONF": "conferencePaper", "BOOK": "book", "CHAP": "bookSection",
    "RPRT": "report", "THES": "thesis", "ELEC": "webpage", "DATA": "dataset", "COMP": "computerProgram",
    "GEN": "journalArticle",
}

#: fieldMap, then degenerateImportFieldMap (``deprecated``), for those tags:
#: tag → {item type or "*": field}; a field ``None`` means "dropped".
FIELDS: dict[str, dict[str, str]] = {
    "AB": {"*": "abstractNote"}, "AN": {"*": "archiveLocation"}, "DO": {"*": "DOI"}, "J2": {"*": "journalAbbreviation"},
    "KW": {"*": "tags"}, "N1": {"*": "notes"}, "UR": {"*": "url"}, "Y2": {"*": "accessDate"},
    "TI": {"*": "title"},
    "T2": {"journalArticle": "publicationTitle", "bookSection": "bookTitle", "conferencePaper": "conferenceName",
           "webpage": "websiteTitle", "report": "seriesTitle", "computerProgram": "seriesTitle", "book": "series"},
    "T3": {"bookSection": "series", "conferencePaper": "series", "journalArticle": "series"},
    "AU": {"*": "creators/author", "computerProgram": "creators/programmer"},
    "A2": {"journalArticle": "creators/editor", "bookSection": "creators/editor", "conferencePaper": "creators/editor",
           "document": "creators/editor", "book": "creators/seriesEditor", "report": "creators/seriesEditor"},
    "CY": {"*": "place", "dataset": "repositoryLocation", "conferencePaper": ""},
    "DA": {"*": "date"}, "PY": {"*": "date"},
    "ET": {"*": "edition", "computerProgram": "versionNumber", "dataset": "versionNumber"},
    "IS": {"*": "issue", "dataset": ""},
    "M3": {"report": "reportType", "thesis": "thesisType", "webpage": "websiteType"},
    "PB": {"*": "publisher", "report": "institution", "thesis": "university", "dataset": "repository",
           "computerProgram": "company"},
    "SN": {"*": "ISBN", "journalArticle": "ISSN"},
    "SP": {"*": "pages", "book": "numPages", "thesis": "numPages"},
    "VL": {"*": "volume", "webpage": ""},
}
DEPRECATED: dict[str, dict[str, str]] = {
    "CY": {"*": "place"}, "EP": {"*": "pages"}, "ID": {"*": ""}, "JO": {"*": "journalAbbreviation",
    "conferencePaper": "conferenceName"}, "M3": {"*": "DOI"}, "RN": {"*": "notes"},
    "T2": {"*": "backupPublicationTitle"}, "T3": {"book": "series"}, "IS": {"dataset": "versionNumber"},
    "VL": {"*": ""},
}
#: Fields each item type has (Zotero's schema), for those the mapping can produce.
VALID = {
    "journalArticle": {"title", "publicationTitle", "journalAbbreviation", "volume", "issue", "pages", "date", "series",
                       "DOI", "ISSN", "url", "accessDate", "abstractNote", "archiveLocation"},
    "conferencePaper": {"title", "conferenceName", "proceedingsTitle", "place", "publisher", "volume", "pages", "date",
                        "series", "DOI", "ISBN", "url", "accessDate", "abstractNote", "archiveLocation"},
    "book": {"title", "series", "edition", "place", "publisher", "date", "numPages", "ISBN", "url", "accessDate",
             "abstractNote", "archiveLocation", "volume"},
    "bookSection": {"title", "bookTitle", "series", "edition", "place", "publisher", "date", "pages", "ISBN", "url",
                    "accessDate", "abstractNote", "archiveLocation", "volume"},
    "report": {"title", "seriesTitle", "reportType", "institution", "place", "date", "pages", "url", "accessDate",
               "abstractNote", "archiveLocation"},
    "thesis": {"title", "thesisType", "university", "place", "date", "numPages", "url", "accessDate", "abstractNote",
               "archiveLocation"},
    "webpage": {"title", "websiteTitle", "websiteType", "date", "url", "accessDate", "abstractNote"},
    "dataset": {"title", "repository", "repositoryLocation", "versionNumber", "date", "DOI", "url", "accessDate",
                "abstractNote"},
    "computerProgram": {"title", "seriesTitle", "versionNumber", "place", "company", "date", "ISBN", "url",
                        "accessDate", "abstractNote"},
}
_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")


@dataclass
class ZoteroItem:
    """What Zotero stores for one imported record."""

    item_type: str
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _field(table: dict[str, dict[str, str]], tag: str, item_type: str) -> str | None:
    row = table.get(tag)
    if row is None:
        return None
    return row.get(item_type, row.get("*"))


def read_ris(text: str) -> list[ZoteroItem]:
    """Every record of an RIS text as the Zotero translator imports it."""
    items = []
    for record in _records(text):
        types = [v for t, v in record if t == "TY"]
        item = ZoteroItem(ITEM_TYPES.get(types[0].strip().upper(), "journalArticle") if types else "journalArticle")
        backup: dict[str, str] = {}
        deferred = []
        for tag, value in record:
            if tag in ("TY", "ER"):
                continue
            if tag in DEPRECATED:  # read only after every other tag
                deferred.append((tag, value))
                continue
            _apply(item, tag, value, _field(FIELDS, tag, item.item_type), backup)
        for tag, value in deferred:
            target = _field(FIELDS, tag, item.item_type) or _field(DEPRECATED, tag, item.item_type)
            _apply(item, tag, value, target, backup)
        if "date" not in item.fields and "date" in backup:
            item.fields["date"] = backup["date"]
        if "endPage" in backup:
            item.fields["pages"] = f"{item.fields['pages']}-{backup['endPage']}" if "pages" in item.fields \
                else backup["endPage"]
        if "backupPublicationTitle" in backup and "publicationTitle" in VALID[item.item_type]:
            item.fields.setdefault("publicationTitle", backup["backupPublicationTitle"])
        if "journalAbbreviation" in item.fields and "publicationTitle" in VALID[item.item_type]:
            item.fields.setdefault("publicationTitle", item.fields["journalAbbreviation"])
        items.append(item)
    return items


def _records(text: str) -> list[list[tuple[str, str]]]:
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue  # refparse never writes a value over two lines
        tag, value = m.group(1), m.group(2) or ""
        if tag == "TY" and current:
            records.append(current)
            current = []
        if tag == "ER":
            if current:
                records.append(current)
            current = []
            continue
        current.append((tag, value))
    if current:
        records.append(current)
    return records


def _apply(item: ZoteroItem, tag: str, value: str, target: str | None, backup: dict[str, str]) -> None:
    value = value.strip()
    if not value or not target:
        return  # an empty value, an ignored tag, or no mapping: dropped (ignoreUnknown)
    if tag == "PY":
        backup["date"] = _date(value)
        return
    if tag == "EP":
        if "pages" in item.fields and "-" not in item.fields["pages"]:
            item.fields["pages"] += "-" + value
        elif "pages" not in item.fields:
            backup["endPage"] = value
        return
    if tag == "M3" and target == "DOI" and not value.startswith("10."):
        return  # the translator keeps M3 as a DOI only when it cleans as one
    if target == "backupPublicationTitle":
        backup["backupPublicationTitle"] = value
        return
    if target.startswith("creators/"):
        last, _, first = value.partition(",")
        creator: dict[str, Any] = {"creatorType": target.split("/")[1], "lastName": last.strip()}
        if first.strip():
            creator["firstName"] = first.strip()
        else:
            creator["fieldMode"] = 1
        item.creators.append(creator)
    elif target == "notes":
        item.notes.append(value)
    elif target == "tags":
        item.tags.append(value)
    elif target == "date":
        item.fields.setdefault("date", _date(value))
    elif target in VALID.get(item.item_type, set()) or target == "DOI":
        item.fields.setdefault(target, value)  # a value already there is never overwritten


def _date(value: str) -> str:
    """``2024/06/13`` → ``2024-06-13`` (the translator's dateRIStoZotero for Y/M/D)."""
    m = re.fullmatch(r"(\d+)(?:/(\d{0,2})(?:/(\d{0,2}))?)?.*", value)
    if not m:
        return value
    parts = [p.lstrip("0") for p in m.groups() if p]
    out = parts[0].rjust(4, "0")
    for p in parts[1:]:
        if not p:
            break
        out += "-" + p.rjust(2, "0")
    return out


#: Zotero item type → CSL type, and Zotero field → CSL variable (the schema's csl mappings, for these fields).
CSL_TYPES = {
    "journalArticle": "article-journal", "conferencePaper": "paper-conference", "book": "book",
    "bookSection": "chapter", "report": "report", "thesis": "thesis", "webpage": "webpage", "dataset": "dataset",
    "computerProgram": "software",
}
CSL_FIELDS = {
    "title": "title", "publicationTitle": "container-title", "bookTitle": "container-title",
    "proceedingsTitle": "container-title", "websiteTitle": "container-title", "journalAbbreviation":
    "container-title-short", "conferenceName": "event-title", "series": "collection-title",
    "seriesTitle": "collection-title", "volume": "volume", "issue": "issue", "pages": "page", "edition": "edition",
    "publisher": "publisher", "institution": "publisher", "university": "publisher", "company": "publisher",
    "repository": "publisher", "place": "publisher-place", "reportType": "genre", "thesisType": "genre",
    "websiteType": "genre", "DOI": "DOI", "ISBN": "ISBN", "ISSN": "ISSN", "url": "URL", "abstractNote": "abstract",
    "archiveLocation": "archive_location", "numPages": "number-of-pages", "versionNumber": "version",
}
CSL_CREATORS = {"author": "author", "editor": "editor", "seriesEditor": "collection-editor", "programmer": "author"}


def to_csl(item: ZoteroItem, item_id: str) -> dict[str, Any]:
    """The CSL-JSON item Zotero gives citeproc-js for an imported item."""
    out: dict[str, Any] = {"id": item_id, "type": CSL_TYPES.get(item.item_type, "article-journal")}
    for name, value in item.fields.items():
        if name == "date":
            out["issued"] = {"date-parts": [[int(p) for p in value.split("-")]]}
        elif name in CSL_FIELDS:
            out[CSL_FIELDS[name]] = value
    for creator in item.creators:
        role = CSL_CREATORS.get(creator["creatorType"])
        if role is None:
            continue
        if creator.get("fieldMode") == 1:
            name: dict[str, str] = {"literal": creator["lastName"]}
        else:
            name = {"family": creator["lastName"], "given": creator.get("firstName", "")}
        out.setdefault(role, []).append(name)
    return out
