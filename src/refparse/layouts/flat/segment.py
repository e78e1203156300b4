"""A flat reference cut into the elements a journal page prints on lines of their own.

The grammar reads *elements* — a surname, the initials, the title, a journal,
a volume, every mark between them — because that is how a publisher's page
arrives (:mod:`refparse.layouts.linebroken`). A reference pasted from a PDF,
Word or PubMed is one run of text, so this module cuts it the way a page
would have, in four zones:

1. **authors** — name by name (:mod:`.names`), or, when the text starts with
   no name, its first sentence (an organisation, or a title the grammar will
   recognise as one);
2. **date** — a year printed right after the names (``(2010).``, ``, 2007.``);
3. **title and container** — a quoted title (``“…,”``) is its quotes' content.
   Otherwise the text up to the first volume–issue–pages group is read
   backwards: the container is its last sentence, together with the
   sentences before it that are only abbreviations (``Nat. Cell Biol.``,
   ``J. Am. Chem. Soc.``); the title is all before (so a title with a
   question or a subtitle stays whole). Without such a group (books,
   chapters, reports) the title ends at the first full stop that ends a
   sentence;
4. **the rest** — identifiers (DOI, URL, PMCID …) and dated notes are kept
   whole; the remainder is cut at its marks, numbers apart from words, with
   the labels that carry a dot (``vol.``, ``pp.``, ``v.``, ``n.``) kept whole.

The cut decides boundaries only; what each element is (a surname, a volume,
the journal) is decided by the shared lexer and grammar, as on a page.
"""

from __future__ import annotations

import re
from functools import cache

from ...grammar_files import read_sections
from ...normalize import looks_like_organization, looks_like_publisher, looks_like_publishing_body
from .names import Piece, scan_authors

#: A same-author dash at a reference's start ("———.", "______.", "---.").
SAME_AUTHOR = re.compile(r"(?:[\u2014_-] ?){3,}[.,]?|\u2014\u2014[.,]?")

# --------------------------------------------------------------------------- shared patterns
_QUOTES_OPEN = "\u201c\"\u2018\u00ab'"
_QUOTE_CLOSE = {"\u201c": "\u201d", '"': '"', "\u2018": "\u2019", "\u00ab": "\u00bb", "'": "'"}
_YEAR = r"(?:1[5-9]|20)\d\d[a-z]?"
#: A quoted phrase that opens a title followed by a colon ("‘After the stroke’: patients' …"):
#: the title goes on after the quote.
_QUOTE_THEN_COLON = re.compile(r".[^\u201d\u2019\"\u00bb]{1,120}[\u201d\u2019\"\u00bb]:\s")
#: After a quote's close, words in lower case ("“Manifesto” for advancing …"; not "in" before a book).
_LOWER_AFTER_QUOTE = re.compile(r"\s+(?!in\s)[a-z]+\s")

#: A year printed after the names: "(2010).", "(2010a)", "(2019, March 3).", "(n.d.).", ", 2007.", ". 2010.",
#: or its status: "In press.", "No prelo.".
_DATE = re.compile(
    rf"\(\s*(?:{_YEAR}(?:\s*[,/]\s*[^()]{{0,30}})?|n\.\s?d\.?|s\.\s?d\.?|[Ii]n press|[Ff]orthcoming|[Nn]o date)\s*\)"
    rf"[.,:;]?|{_YEAR}[.,:](?=\s|$|[A-Z\u00c0-\u00de][a-z])|(?:[Ii]n press|[Nn]o prelo|[Ee]n prensa)[.,:](?=\s)"
)
#: A date in brackets with its month and day after the year ("(2023, July 7)", "(2023, 1º de setembro)").
_DAY_IN_DATE = re.compile(rf"\(\s*{_YEAR}\s*,\s*([^()]*?[^\W\d_][^()]*?)\s*\)")
#: The editors' role in brackets ("(orgs.)", "(Eds.)", "(ed.)"), and right after their names.
_BRACKETED_ROLE = r"\((?:[Oo]rgs?|[Ee]ds?|[Cc]oords?|[Ee]ditors?|[Cc]omps?|[Dd]irs?|[Hh]rsg)\.?\)"
_ROLE_AFTER_NAMES = re.compile(_BRACKETED_ROLE)
#: An organisation's name in title case, then a colon and the title (Springer's "WHO: Report …").
_ORG_COLON = re.compile(r"(?:[A-Z][\w&'-]*|of|for|and|the|on)(?: (?:[A-Z][\w&'-]*|of|for|and|the|on)){0,7}:(?= [A-Z])")
#: An organisation's name then a comma, at a reference's start ("World Health Organization, The global …").
_ORG_COMMA = re.compile(r"([A-Z][\w&'.-]*(?: (?:[A-Z][\w&'.-]*|of|for|and|the|on)){0,7}),\s")
_ACRONYM_OR_TEAM = re.compile(r"[A-Z]{2,8}|.*\b(?:Team|Group)")


def _org_then_title(name: str, rest: str) -> bool:
    """Whether ``name, rest`` is an organisation then a title.

    The name reads as an organisation's and the rest does not (else it is
    one long name: "United Nations, Department of …").
    """
    org = looks_like_organization(name) or _ACRONYM_OR_TEAM.fullmatch(name) is not None
    return org and not looks_like_organization(rest) and len(rest.split()) >= 2


#: The editors' role after their names: ", editors.", " (Org.).", ", eds.", " (ed.),".
_ROLE = re.compile(
    rf"\s*[,.]?\s*(?:{_BRACKETED_ROLE}"
    r"|(?:[Ee]ditors?|[Ee]ds?|[Oo]rgs?|[Cc]oords?|[Oo]rganizador(?:a|es|as)?|[Ee]ditor(?:a|es|as)"
    r"|[Cc]oordenador(?:a|es|as)?|[Cc]oordinador(?:a|es|as)?)\b\.?)[.,:]?\s*"
)
_STARTS_TEXT = re.compile(r"\s*[A-Z\u00c0-\u00de\u201c\"]")
_DOT_THEN_TEXT = re.compile(r"\.\s+[A-Z\u00c0-\u00de\u201c\"]")
#: Where a book's title after "In" ends: a semicolon, a bracket, its editors.
_BOOK_END = re.compile(
    r";\s|\s\(|,\s+(?:[Ee]d(?:itor)?s?\.|[Ee]ds?\s(?=[A-Z])|edited by)|,\s+(?=[A-Z][\w'-]+,\s[A-Z]\.)"
    r"|,\s+(?=(?:[A-Z]\.\s?){1,3}[A-Z][\w'-]+(?:,| and | &))"
    r"|[.,]\s+(?=pp?\.\s?\d|[Cc]hapter\b)|,\s+(?=\d+\s?[-\u2013]\s?\d+[.,](?:\s|$))"  # ", 565–574. AUAI Press"
    # Nature: "in Nucleic acids research vol. 36 W5–W9 (2008)", "in Nova Acta XV 191–403 (1831)"
    r"|\s(?=vol\.\s?\d)|\s(?=[A-Za-z]?\d+\s?[-\u2013]\s?[A-Za-z]?\d+\s\()"
)
#: A year in parentheses after a few words, or after a comma ("R Core Team, 2013."): an author–year
#: reference's date.
_DATED = re.compile(rf"(?<=\S)\s+(?=\((?:{_YEAR}|n\.?\s?d\.?)\))|(?<=[^\W\d_]),(?=\s{_YEAR}[.,]\s)")
#: Not after a month: "December 15, 2022. http://…" is an access date, not a volume and page.
_NOT_AFTER_MONTH = "".join(
    f"(?<!{m})"
    for m in "uary arch pril May June July gust mber ober Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec".split()
) + "".join(f"(?<!{m}\\.)" for m in "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split())
#: Where a journal's volume–issue–pages group starts (the container ends just before it):
#: "2002;99:16847", "2020 Nov;73(5)", "2018, 147, 323" (ACS), " 99: 16847" and " 12 (3): 100" (PLOS,
#: Chicago), ", 12(3), 100" and ", 12, 100" (APA), ", vol. 5" ", v. 34" (IEEE, MLA, ABNT),
#: " 12, 100–110 (2010)" (Nature), " 2 Suppl 1: S13" (PLOS).
_JOURNAL_GROUP = re.compile(
    # every alternative opens with marks and spaces, then a digit, "Suppl" or a volume label: tested once, first
    # (after the one character test every match passes: a mark, a space, or a year's first digit)
    r"(?=[.,\s12])(?=[.,]?\s*(?:\d|Suppl|(?:[Vv]ol|[Vv]|[Nn]|Bd|[Tt]|[Aa]no)\.))(?:"
    rf"[.,]?\s*(?={_YEAR}(?: [A-Z][a-z]{{2,8}}\.?(?:[-/][A-Z][a-z]{{2,8}}\.?)?(?: \d{{1,2}})?)?"
    r"(?:\s?\[(?:[Cc]ited|[Uu]pdated|[Aa]ccessed)[^\]]{1,40}\])?\s*(?:;\s*(?:[A-Za-z]?\d|\(|[A-Z][a-z]+\.?\s?\d)|:\s*[A-Za-z]?\d))"
    rf"|[.,]?\s*(?={_YEAR},\s*\d+\s*(?:\(\w+\))?\s*,\s*[A-Za-z]?\d)"
    r"|\s+(?=\d+\s*(?:\(\s*[\w\s.-]+\))?\s*:\s*[A-Za-z]?\d)"
    r"|\s+(?=(?:\d+\s+)?(?:Suppl|Supplement)\.?(?:\s*\d+)?\s*:?\s*[A-Za-z]?\d)"  # "2 Suppl 1: S13", "Suppl 47 70"
    r"|,\s*(?=(?:[Vv]ol|[Vv]|Bd|[Tt]|[Aa]no)\.\s*\d|n\.\s*\d+,\s*p\.\s*\d)"  # ", n. 24, p. 31" (ABNT, no volume)
    r"|\s+(?=\d+,\s*no\.\s*\w+)"
    rf"|{_NOT_AFTER_MONTH}\s+(?=\d+,\s*[A-Za-z]?\d+[A-Za-z]?\d*\.?(?:\s+(?:https?://|doi)|$))"
    rf"|[.,]?\s+(?={_YEAR},\s*\d+\s*(?:\(\w+\))?\s*:\s*[A-Za-z]?\d)"
    r"|\s+(?=\d+,\s*[A-Za-z]{0,2}\d+\s*[-\u2013]\s*[A-Za-z]{0,2}\d+\.?(?:\s|$))"
    # a page range that ends the reference, after a journal that prints no volume ("Proc. ECCV 418–432.")
    r"|(?<!\bp)(?<!\bp\.)(?<!\bpp)(?<!\bpp\.)(?<![\d)\]:;,])\s+(?=[A-Za-z]?(?!0)\d+\s?[-\u2013]\s?[A-Za-z]?\d+\.?(?:\s+(?:https?://|doi)\S*)?$)"
    r"|,\s*(?=\d+\s*(?:\(\s*[\w\s.-]+\)\s*)?,\s*(?:pp?\.\s*)?[A-Za-z]?\d)"
    r"|,\s*(?=\d+\s*\(\s*[\w\s.-]+\)\s*[,.:]?\s*(?:pp?\.\s*)?[A-Za-z]?\d)"
    rf"|\s+(?=\d+(?:\s?\([\w\s.-]{{1,12}}\))?,\s*[A-Za-z]?\d+(?:\s*[-\u2013]\s*[A-Za-z]?\d+)?\s*\({_YEAR}\))"
    r")"
)
#: A book's publisher after its title: "(World Scientific Press, 2009)" (Nature),
#: "; CRC: Boca Raton, 2004" (MDPI, ACS), ", Cambridge: The MIT Press, 2001".
_BOOK_TAIL = re.compile(
    rf"\s+\([^()]{{2,80}}(?:,|:)\s*{_YEAR}\)(?=[.,]?(?:\s|$))|;\s+(?=[^;]{{2,80}}[,:]\s*{_YEAR}[.;]?(?:\s|$))"
    # ", Cambridge: The MIT Press, 2001." — the place after a comma (MLA, Chicago as some print them)
    rf"|,\s+(?=[A-Z\u00c0-\u00de][\w\u00c0-\u017f' -]{{1,30}}: [A-Z\u00c0-\u00de][^.;:]{{2,60}}?,\s*{_YEAR}\b)"
)
#: A book's "Place: Publisher, year" (ABNT, Vancouver): a sentence that starts with a place,
#: then a colon, a publisher and a year.
_PLACE_PUBLISHER_YEAR = re.compile(
    rf"(?<=[.?!] )[A-Z\u00c0-\u00de][\w\u00c0-\u017f'/ -]{{1,40}}(?:\([^()]{{1,20}}\))?(?:, [A-Z]{{2}})?: "
    rf"[^.;:]{{2,80}}?\s?[,;] ?{_YEAR}"
)
#: What a title does not run on over: an edition, a genre, a date, a label, a link.
_NOT_TITLE = re.compile(
    rf"\b(?:Trad|Org|Coord|Trans|Transl)\.\s|\bEd\. and trans\.|\b(?:Tradução|Organização|Translated by|Edited by)\b"
    rf"|\bed\.|\bedn\b|\bedition\b|\[|\b{_YEAR}\b|https?://|\b(?:vol|v|n|no|pp?)\. ?\d|\bIn:"
)
#: A thesis or a report in brackets after a title ("[Tese de Doutorado]", "[dissertação]"): the title
#: ends before it. Other brackets belong to the title as printed ("[Internet]", "[Vídeo]", "[Computer
#: Program]": APA's description of the work).
_GENRE = re.compile(
    r"\s\[(?=[^\]]*(?:[Tt]ese|[Tt]esis|[Dd]isserta|[Tt]hesis|[Rr]elatório|[Mm]onografia|[Tt]rabalho de [Cc]onclus))"
    r"[^\]]{3,80}\]"
)
#: A book's pages in brackets at its title's end ("… Bermuda (p. 720). Knopf.", APA): the pages, not the title.
_TITLE_PAGES = re.compile(r"\s\((?=pp?\.\s?\d)[^()]{3,30}\)$")
#: "In:" or "In" before editors or a book: a chapter; the title ends before it.
_CHAPTER = re.compile(  # (the mark first, then which marks each case takes: the engine then skips to a mark)
    r"[.?!,](?:(?<=[.?!])\s+(?=[Ii]n:?\s+[A-Z\u201c\u2018\"])(?![Ii]n\s+(?:[Vv]itro|[Vv]ivo|[Ss]ilico)\b)"
    r"|(?<=,)\s+(?=(?:In:?|in:)\s+[A-Z\u201c\u2018\"])|(?<=[.,])\s+(?=[Ee]m:\s|[Ee]n:\s))"
)
#: "… coral reefs In: SalePF. Coral reef fishes": "In:" with its colon starts a chapter's book even
#: where the full stop before it was lost.
_CHAPTER_UNMARKED = re.compile(r"(?<=[^\W\d_])\s+(?=In:\s+[A-Z\u00c0-\u00de])")
#: "In:", "In", "Em:", "En:" before the editors of a book.
_IN = re.compile(
    r"(?=[iIEe])(?:(?<=[.?!\u201d\u2019\"]\s)in|(?<=[\u201d\u2019\"],\s)in|(?<![^\s.,])(?:In:?|in:|Em:|En:|em:|en:))"
    r"(?=\s+[A-Z\u00c0-\u00de\u201c\u2018\"])(?!\s+(?:[Vv]itro|[Vv]ivo|[Ss]ilico|[Pp]ress)\b)"
)
#: A group that opens with "year:" — a book's pages after its publisher ("Boca Raton: CRC; 2004:2051"),
#: where a colon before it is "Place: Publisher", not a journal's subtitle.
_YEAR_PAGES = re.compile(r"[.,;]?\s*\d{4}[a-z]?\s*:")
#: A volume label after a comma: the ABNT/IEEE group, after which a journal may carry its place.
_VOLUME_LABEL = re.compile(r",\s*(?:[Vv]ol|[Vv]|Bd|[Tt]|[Aa]no|n(?=\.\s*\d+,\s*p\.))\.")
#: A sentence's end: a full stop, question or exclamation mark (or a full stop set off by a space
#: after a word: "… vaporariorum . Insects"), then a space and a capital, a digit, a quote or a bracket.
_SENTENCE_END = re.compile(  # (the mark first, the look-behinds after it: the engine then skips to a mark)
    r"([.?!])(?:(?<=[^\s.][.?!])|(?<=[a-z\u00df-\u00ff] \.))"
    r"(?=\s+(?:[\"\u201c\u2018(\[0-9A-Z\u00c0-\u00de]|[a-z]{1,3}[A-Z]))"
    # a question quoted at a title's end: '…, or “Where are the genes?” Curr Opin Microbiol' (the quote ends it)
    r"|[?!]([\u201d\u2019\"])(?=\s+[A-Z\u00c0-\u00de])"
)
#: Words after which a full stop ends no sentence.
_NO_STOP = frozenset(
    "vs v e.g i.e al sp spp var subsp cv cf no nos st dr mr mrs ms ca approx fig figs vol ed eds jr sr inc ltd co "
    "univ dept nr pt pp p n t org orgs coord trad".split()
)
#: The longest of them (letters): a longer word before a full stop is no abbreviation.
_LONGEST_NO_STOP = max(len(w) for w in _NO_STOP)
#: A sentence of abbreviated words each with its full stop ("J. Clin.", "Health Res.", "MIDAS J. Syst."):
#: the start of a journal's name, whatever word ends it.
_DOTTED_ABBREVIATIONS = re.compile(
    r"(?:(?:[A-Z][a-z]{0,9}|[A-Z]{2,6})\.\s?){1,4}|(?:[A-Z][a-z]{0,9} )?[A-Z][a-z]{1,9}\."
)
#: A short sentence of capitalised words, two or more abbreviated with a full stop ("J. Child Psychol."):
#: a journal's name going on after its last abbreviation.
_DOTTED_HEAD = re.compile(r"(?=(?:[^.]*\.){2})(?:(?:[A-Z][a-z]{0,9}|[A-Z]{2,6})\.?\s){1,4}[A-Z][a-z]{1,9}\.")
#: A word of an abbreviated journal title: "J", "Nat", "Biol", "Am", "U", "Soc", "Rev", "Res".
_ABBREVIATED = re.compile(
    r"(?:[A-Z][a-z]{0,8}|[A-Z][a-z]{0,4}technol|[A-Z]{1,6}|[A-Z][A-Za-z]{1,5}|&|of|and|the|de|der|für|fur|y|e"
    r"|d'[A-Z][a-z]*)(?:\.|-)?"  # ("Mar. Ecol- Prog. Ser.": a hyphen for the dot)
)

#: A software's version after its name, printed as the title's last sentence ("R package version 1.1-7").
_VERSION = re.compile(r"\s*(?:R package |Python package )?[Vv]ersion \d[\w.-]*?(?=[.,;]?(?:\s|$))")
#: A full stop after an abbreviation inside a journal's name ("J. Biol.", "Technol. Biotechnol."):
#: a word of up to eight letters; after a longer word it ends a sentence ("Physiology. A, Sensory").
_ABBREVIATION_DOT = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,8}\.")
#: Words a run of dotted abbreviations holds undotted ("Proc. R. Soc. of Lond.").
_JOINING_WORDS = frozenset({"&", "of", "and", "the", "de", "der", "für", "y", "e"})
#: A short capitalised word, which abbreviations print whole ("Food Technol.", "Ann. Bot.").
_SHORT_WORD = re.compile(r"[A-Z][a-z]{0,3}|[A-Z]{1,5}")
#: A journal's section after its name and a full stop: "A, Sensory …", "B: Biointerfaces", "Part A", "Section D".
_SECTION = re.compile(r"(?:[A-Z](?=[,:]\s)|(?:Part|Section|Series|Sect\.|Ser\.) [A-Z0-9]{1,3}\b)")

# --------------------------------------------------------------------------- the rest
#: Text kept whole in the rest of a reference: identifiers, and notes that carry a date or a number.
_WHOLE = re.compile(  # (each alternative's first character tested once, first: most positions start none)
    r"(?=[dDh1fwP\[AaCcRrVvEOoI(\d])(?:"
    r"(?:(?:doi|DOI|Doi):\s?|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+?(?=>?[.,;]?(?:\s|$))"
    r"|(?:https?|ftp)://\S+?(?=[.,;)\]>]*(?:\s|$))|www\.\S+?(?=[.,;)\]>]*(?:\s|$))"
    r"|(?:PubMed Central )?PMCID:?\s?PMC\w+|PMC\d{4,9}"
    r"|\[(?:[Cc]ited|[Aa]ccessed|[Cc]itado|[Aa]cesso)[^\]]{0,60}\]"
    r"|(?:[Aa]ccessed|[Aa]cesso em|[Aa]cessado em|[Cc]onsultado|[Rr]etrieved|[Vv]iewed)(?: on)?:?\s"
    r"(?:[^;]{0,40}?\d{4}|[^;]{0,12}?\d{1,2})(?=[.;]?(?:\s|$))"
    r"|\[?(?:Epub|E-?pub(?:lished)?|Published online|[Oo]nline ahead of print|Epub ahead of print)\b[^;\]]{0,40}?"
    r"(?:\d{4}(?:[/-]\d\d){0,2}|print)\.?\]?(?=\s|$)"
    r"|ISBN(?:-1[03])?:?\s?[0-9][0-9Xx -]{8,20}[0-9Xx]"
    r"|[Aa]r[Xx]iv:\s?\S+?(?=[.,;]?(?:\s|$))"
    r"|\[[^\]]{2,40}\]"
    rf"|{_BRACKETED_ROLE}"
    r"|\b\d{1,2}(?:\.|[ª°º]|st|nd|rd|th)?\s?(?:ed\.|ed(?=[:;,]\s)|edn\.?|edição|edición|edition)"  # "1st ed: Sinauer"
    r")"
)
#: After a comma: more of a place, then a colon and a publisher (", IL, USA: University …").
_PLACE_COLON = re.compile(
    r",(?: [A-Z\u00c0-\u00de][\w.\u00c0-\u017f'-]*){1,3}(?:,(?: [A-Z][\w.'-]*){1,3}){0,2}: [A-Z\u00c0-\u00de]"
)
#: A firm's legal ending after a comma ("Curran Associates, Inc.", "Wiley-VCH, GmbH"), never an initial.
_FIRM = re.compile(r", (?:Inc|Ltd|LLC|GmbH|Co|Corp|S\.A|PLC|plc)\b\.?(?=[,;.]?(?:\s|$))")
#: Words in brackets that belong to the word before them ("(D.C.)", "(New York)", "(Botucatu)"),
#: not a label ("(Eds.)", "(Org.)") nor a number.
_BRACKETED = re.compile(
    r"\((?!(?:[Ee]ds?|[Oo]rgs?|[Cc]oords?|[Ee]ditors?|[Ee]ditor|[Cc]omp|[Tt]rad)\.?\))"
    r"[A-Z\u00c0-\u00de][\w.\u00c0-\u017f' -]{0,30}\)"
)
#: Labels whose colon is part of them.
_COLON_LABEL = re.compile(
    r"(?:\b(?:PMID|PMid|PMCID|DOI|doi|Doi|ISBN|ISSN|URL)|[Aa]vailable(?: from| at)?|Dispon[íi]vel em)$"
)
#: The last characters of those labels (and a line's end, where ``$`` matches too): a colon after any
#: other is no label's.
_COLON_LABEL_ENDS = "DdIiNLemt\n"
#: Labels whose full stop is part of them.
_LABEL_WORDS = frozenset(
    "vol vols v no nos n nr pp p pag pág art suppl supl pt ed eds edn org orgs coord trad rev repr reimpr bd t "
    "hrsg hg ch chap sec fig col et al".split()
)
#: Labels that start a group of their own, even after words ("Inc. pp. 1692").
_PAGE_LABELS = frozenset({"pp", "p", "vol", "v", "no", "n"})
_MARK = re.compile(  # (a one-character test first: most positions start no mark)
    r"(?=[\s,;:()\[\]<>.?!\u2013\u2014-])\s*([,;:()\[\]<>]|[.?!](?=\s|$)|\u2013|\u2014|(?<=\s)-(?=\s))\s*"
)
_NUMBER = re.compile(r"[A-Za-z]{0,3}\d[\w.\u2013-]*")


def _is_no_stop(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` follows an initial or an abbreviation (no sentence ends there).

    The word read is the letters and hyphens right before the dot (after any
    earlier dot: "J.Am" reads "Am"); one longer than any abbreviation is none,
    so the walk back stops there.
    """
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "-"):
        start -= 1
        if dot - start > _LONGEST_NO_STOP:
            return False
    last = text[start:dot]
    return (len(last) == 1 and last.isupper()) or last.casefold() in _NO_STOP


def _sentence_ends(text: str, start: int, end: int, strict: bool) -> list[int]:
    """Positions of the marks that end a sentence in ``text[start:end]``.

    ``strict`` leaves out full stops after an initial or an abbreviation.
    """
    out = []
    for m in _SENTENCE_END.finditer(text, start, end):
        i = m.start(1) if m.start(1) >= 0 else m.start(2)
        if strict and text[i] == "." and _is_no_stop(text, i):
            continue
        out.append(i)
    return out


def _abbreviated(piece: str, loose: bool = False) -> bool:
    """Whether a sentence is only abbreviated title words ("J", "Nat", "Cell Biol").

    ``loose`` accepts a last piece that merely holds one ("Biol", "Soc", "Cell Biol").
    """
    words = piece.split(None, 6)  # (a seventh word is too many: a long title is not split whole)
    if not 0 < len(words) <= 6:
        return False
    if loose:
        return _ABBREVIATED.fullmatch(words[0]) is not None
    return all(_ABBREVIATED.fullmatch(w) for w in words) and len(words) <= 3


def _dotted_words(piece: str, longest: int = 9) -> bool:
    """Whether a sentence is one to three abbreviated words, each with its full stop ("J. Gen.", "Pers.").

    ``longest`` is the most letters a word may have ("Endocrinol.", "Complement." have 10).
    """
    words = piece.split(None, 3)  # (a fourth word is too many)
    return 0 < len(words) <= 3 and all(
        w.endswith(".") and (
            _ABBREVIATED.fullmatch(w)
            or (w[0].isupper() and w[1:-1].isalpha() and w[1:-1].islower() and len(w) <= longest + 1)
        )
        for w in words
    )


@cache
def _subtitled() -> tuple[str, ...]:
    """Journal titles that print a subtitle after a full stop (``grammars/journals.txt``)."""
    return tuple(read_sections("journals.txt", "subtitled")["subtitled"])


#: A book's medium after its title, then "Place: Publisher" or "Place; year" (Vancouver):
#: "… COVID-19 [Internet]. Brasília (DF): …", "… viral hepatitis [Internet]. Geneva; 2016.".
_MEDIUM_BOOK = re.compile(
    r"\s\[(?:Internet|internet|Online|online)\](?=\.\s+[A-Z\u00c0-\u00de][^.;:\[\]]{1,60}(?:\([^()]{1,20}\))?(?::|;\s*\d{4})\s?)"
)
#: A legal act's name ("Lei nº 12.711", "Decreto nº 6.949", "Resolução nº 4"): its summary follows it
#: in the title (ABNT, APA as Brazilian journals print them).
_LEGAL_ACT = re.compile(
    r"(?:Lei(?: Complementar)?|Decreto(?:-[Ll]ei)?|Resolução|Portaria|Nota [Tt]écnica|Medida [Pp]rovisória|Parecer"
    r"|Instrução [Nn]ormativa|Emenda [Cc]onstitucional|Deliberação)\s+(?:[Nn][º°o]\.?|n\.º|[Nn]\.)\s*\d"
)
#: The year that ends a legal act's date ("Lei nº 9.985, de 18 de julho de 2000").
_ACT_YEAR = re.compile(rf"(?<= de ){_YEAR}$")
#: A year after a legal act's title that is not its link's nor its access date's.
_OTHER_YEAR = re.compile(rf"https?://\S+|(?:Acesso|Acessado|Accessed|Consultado)[^.]*|\b(?P<year>{_YEAR})\b")


def _act_year_apart(text: str, q: int, end: int) -> int:
    """Where a legal act's title ends when its link follows and no other year: before its date's year.

    "Brasil. Lei nº 9.985, de 18 de julho de 2000. Disponível em …" prints no
    other date: the act's year is the reference's, as a page tags it (the title
    "… de 18 de julho de", the year 2000). With a later year ("Brasília, 1973.")
    the title keeps its own.
    """
    year = _ACT_YEAR.search(text, q, end)
    if year is None:
        return end
    if any(m.group("year") for m in _OTHER_YEAR.finditer(text, end + 1)):
        return end
    return year.start() - 1


#: Where a link's label or the link itself starts: a legal act's summary is not there.
_ACCESS_LABEL = re.compile(r"\s*(?:Dispon[íi]vel|Available|Acesso|Accessed|Retrieved|URL|https?://|www\.)")
#: A journal's place: one to three capitalised words ("São Paulo", "Rio de Janeiro").
_PLACE = re.compile(
    r"[A-Z\u00c0-\u00de][\w\u00c0-\u017f-]+(?: (?:de|do|da|del|la)?\s?[A-Z\u00c0-\u00de][\w\u00c0-\u017f-]+){0,2}"
)
#: "Place: Publisher" — a colon between capitalised words.
_PLACE_PUBLISHER = re.compile(r"[A-Za-z\u00c0-\u017f)]: [A-Z\u00c0-\u00de]")


#: Lower-case words a name in title case holds ("Academy of Sciences", "Revista de Saúde").
_TITLE_JOINERS = frozenset("de da do das dos e em para of and for the on y del la las los des du et und für".split())


#: First words of journals' names that print a section after a full stop ("Acta Biologica Cracoviensia. Series;
#: Botanica", "Proceedings of the Estonian Academy of Sciences. Biology, Ecology").
_SECTIONED_HEADS = frozenset({"acta", "proceedings", "journal", "annals", "bulletin", "transactions", "archives",
                              "revista", "anais", "cadernos", "boletim", "boletín"})


def _section_name(head: str, tail: str) -> bool:
    """Whether ``tail`` (a few capitalised words) is the section of the journal named by ``head``.

    A journal's name in title case, which opens with a journal's word or holds
    "&", then one to three capitalised words; a section listing its fields
    ("Biology, Ecology", "Series; Botanica") follows a name of any kind.
    """
    # (split one word past the most allowed: a long title is not split whole)
    words, section = head.split(None, 8), tail.replace(",", " ").replace(";", " ").split(None, 3)
    if not (0 < len(words) <= 8 and 0 < len(section) <= 3):
        return False
    if not all(w[:1].isupper() or w in _TITLE_JOINERS or w == "&" for w in (*words, *section)):
        return False
    return words[0].casefold() in _SECTIONED_HEADS or "&" in words or any(m in tail for m in ",;")


#: How a :class:`Piece` is made without its ``__new__`` (a Python function) in between: the hot
#: :meth:`_Cutter.emit` makes some sixteen per reference.
_new_piece = tuple.__new__


class _Cutter:
    """Builds the element list of one reference, zone by zone."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[Piece] = []

    def emit(self, start: int, end: int) -> None:
        """Emit ``text[start:end]`` (stripped) as one element, if it holds anything."""
        chunk = self.text[start:end]
        stripped = chunk.strip()
        if stripped:
            if chunk[0] != stripped[0]:  # (most chunks start with their text: no second strip)
                start += len(chunk) - len(chunk.lstrip())
            self.out.append(_new_piece(Piece, (start, stripped)))  # Piece(start, stripped), one call fewer

    def marks(self, p: int, chars: str = ".,;:") -> int:
        """Emit the run of ``chars`` (and spaces) at ``p`` as one element; return where it ends."""
        end = p
        while end < len(self.text) and (self.text[end] in chars or self.text[end].isspace()):
            end += 1
        self.emit(p, end)
        return end

    # ----------------------------------------------------------------- zones
    def authors(self) -> int:
        same = SAME_AUTHOR.match(self.text)
        if same is not None:  # "———. Title" — the authors of the reference before
            self.emit(0, same.end())
            return same.end()
        if _LEGAL_ACT.match(self.text):
            return 0  # a law or a decree: its name and summary are the title, no one is its author
        names, p = scan_authors(self.text)
        if names:
            self.out.extend(names)
            return p
        # No name: an organisation or the title, up to the first sentence end
        # or a year in parentheses ("R Development Core Team (2011) R: a language").
        ends = _sentence_ends(self.text, 0, len(self.text), strict=True)
        end = ends[0] if ends else len(self.text)
        dated = _DATED.search(self.text, 0, end + 2)  # the year's full stop and the space after it
        if dated is not None:
            self.emit(0, dated.start())
            return dated.start()
        org = _ORG_COMMA.match(self.text, 0, end)
        if org is not None and _org_then_title(org.group(1), self.text[org.end() : end]):
            self.emit(0, org.end(1))  # "WHO, Report on … Package." (IEEE): the organisation, then the title
            return org.end(1)
        colon = _ORG_COLON.match(self.text)
        if colon is not None and colon.end() < end:  # "WHO: Report on …" (Springer)
            self.emit(0, colon.end() - 1)
            return colon.end() - 1
        chapter = _CHAPTER.search(self.text, 0, end)
        if chapter:
            return 0  # "Title. In: ..." — the title zone takes it
        group = _JOURNAL_GROUP.search(self.text, 0, end + 1)
        if group is not None and not ends:
            return 0  # one sentence then the numbers: a title (read by the title zone)
        self.emit(0, end)
        return end

    def date(self, p: int) -> int:
        q = p
        while q < len(self.text) and self.text[q] in " .,:":
            q += 1
        role = _ROLE_AFTER_NAMES.match(self.text, q) if q > 0 else None
        if role is not None:  # "Duarte, M.M. & Bencke, G.A. (orgs.). 2006. Plano …": the editors' role first
            self.emit(p, q)
            self.emit(q, role.end())
            p = q = role.end()
            while q < len(self.text) and self.text[q] in " .,:":
                q += 1
        m = _DATE.match(self.text, q)
        if m is None:
            return p
        self.emit(p, q)
        day = _DAY_IN_DATE.match(self.text, q, m.end())
        if day is not None:  # "(2023, July 7).", "(2023, 7 de julho).": the month and day one element
            self.emit(q, day.start(1))
            self.emit(*day.span(1))
            self.emit(day.end(1), m.end())
        else:
            self.emit(q, m.end())
        return m.end()

    def title(self, p: int) -> int:
        text = self.text
        q = p
        while q < len(text) and text[q] in " .,:;":
            q += 1
        self.emit(p, q)
        if (q < len(text) and text[q] in _QUOTES_OPEN and not _QUOTE_THEN_COLON.match(text, q)
                and not _LOWER_AFTER_QUOTE.match(text, text.find(_QUOTE_CLOSE[text[q]], q + 1) + 1 or len(text))):
            quoted = self._quoted(q)
            if quoted is not None:
                return self._after_quoted(quoted)
        chapter = _CHAPTER.search(text, q)
        if chapter is None and " In: " in text:
            chapter = _CHAPTER_UNMARKED.search(text, q)
        group = _group(text, q)
        if group is not None and (chapter is None or group.start() < chapter.start()):
            return self._title_and_container(q, group.start())
        if chapter is not None:
            ends = _sentence_ends(text, q, chapter.start(), strict=True)
            if all(text[e] in "?!" for e in ends):  # "Healthy body? Changing perceptions …. In Body beautiful"
                end = chapter.start() + (text[chapter.start()] in "?!")  # a question is the title's own
                self.emit(q, end)
                return end
        ends = _sentence_ends(text, q, len(text), strict=True)
        medium = _MEDIUM_BOOK.search(text, q)
        if medium is not None and not _NOT_TITLE.search(text, q, medium.start()):
            # "Ministério da Saúde. Doença pelo Novo Coronavírus – COVID-19 [Internet]. Brasília (DF): …":
            # a book's title runs to its medium, whatever full stops it holds (Vancouver)
            self.emit(q, medium.end())
            return medium.end()
        end = ends[0] if ends else len(text)
        if _LEGAL_ACT.match(text, q) and not (ends and _ACCESS_LABEL.match(text, ends[0] + 1)):
            # "Lei nº 12.711, de 29 de agosto de 2012. Dispõe sobre …." (a link ends it; "Disponível em" too)
            end = ends[1] if len(ends) > 1 else len(text)
        elif ends and _LEGAL_ACT.match(text, q):
            end = _act_year_apart(text, q, end)
        if end < len(text) and text[end] in "?!":  # a question is the title's own
            end += 1
        version = _VERSION.match(text, end + 1)  # "lme4: … Eigen and S4. R package version 1.1-7. 2014."
        if ends and version is not None:
            end = version.end()
        book = _BOOK_TAIL.search(text, q, end + 1)  # "Title (World Scientific, 2009).", "Title; CRC: Boca Raton, 2004."
        end = book.start() if book is not None else self._book_title_end(q, end)
        genre = _GENRE.search(text, q, end)  # "… inclusivas [Tese de Doutorado, PUC-Rio]."
        if genre is not None:
            end = genre.start()
        elif text[end - 1 : end] == ")":
            pages = _TITLE_PAGES.search(text, q, end)  # "Field guide to fishes (p. 720). Knopf." (APA)
            if pages is not None:
                end = pages.start()
        identifier = _WHOLE.search(text, q, end)  # a URL or DOI ends a title, whatever precedes it
        if identifier is not None and text[identifier.start()] not in "[":
            end = identifier.start()
            while end > q and text[end - 1] in " .,;:":
                end -= 1
        if end == len(text) and text.endswith(".") and not _is_no_stop(text, end - 1):
            end -= 1  # the reference's last full stop is no part of a title that ends it
        self.emit(q, end)
        return end

    def _book_title_end(self, q: int, end: int) -> int:
        """A book's title runs on to its "Place: Publisher, year" ("Cinismos. Retrato de los filósofos …").

        A book's subtitle after a full stop, or a volume after a number
        ("Discursos I - V. Madrid: Gredos"), is its title's; an edition, a
        genre or a year between them stops it.
        """
        text = self.text
        place = _PLACE_PUBLISHER_YEAR.search(text, q)
        if place is None or place.start() <= q:
            return end
        if place.start() > end and _NOT_TITLE.search(text, end, place.start()):
            return end
        stop = place.start()
        while stop > q and text[stop - 1] in " .":
            stop -= 1
        return stop

    def _quoted(self, q: int) -> int | None:
        text = self.text
        close = text.find(_QUOTE_CLOSE[text[q]], q + 1)
        if close < 0:
            return None
        inner_end = close
        while inner_end > q + 1 and text[inner_end - 1] in ",.;:":
            inner_end -= 1
        self.emit(q, q + 1)
        self.emit(q + 1, inner_end)
        after = close + 1
        while after < len(text) and text[after] in ",.;:":
            after += 1
        self.emit(inner_end, after)
        return after

    def _after_quoted(self, p: int) -> int:
        """After a quoted title: the container, when a volume–issue–pages group follows it."""
        text = self.text
        group = _group(text, p)
        chapter = _IN.search(text, p)
        if group is None or (chapter is not None and chapter.start() < group.start()):
            return p
        pieces = self._pieces(p, group.start(), strict=True)
        if group.start() - p > 200 or not all(_abbreviated(text[a:b].strip(" .")) or _dotted_words(text[a:b], 12)
                                               for a, b in pieces[:-1]):
            return p
        # "“Title.” Book, edited by Stefan Kotz and Nina L. Johnson, Springer, 1973" (MLA): the book, then
        # the credit (searched in the whole text: its look-aheads read past the group's start)
        credit = _credit(text, p)
        if credit is not None and credit.end() <= group.start():
            end = credit.start()
            while end > p and text[end - 1] in " ,":
                end -= 1
            self._container(p, end)
            self.emit(end, credit.start())
            self.emit(credit.start(), credit.end())
            self._whole(credit.end(), group.start())
            return group.start()
        self._container(p, group.start(), place=_VOLUME_LABEL.match(text, group.start()) is not None)
        return group.start()

    def _title_and_container(self, q: int, group: int) -> int:
        """Title and container before a volume–issue–pages group starting at ``group``."""
        text = self.text
        pieces = self._pieces(q, group, strict=True)
        if len(pieces) == 1:  # "…vitamin D. J Nutr": the sentence end after an initial, then
            pieces = self._pieces(q, group, strict=False)
        if not pieces:
            return q
        first = len(pieces) - 1
        while first > 0 and self._joins_container(pieces[first - 1], pieces[first]):
            if first == 1 and not self._untitled(pieces):
                break  # "Implied Binomial Trees. Journal of Finance 49": the first sentence is the title
            first -= 1
        if first > 0:
            # "…International Body Project I. Pers. Soc. Psychol. Bull.": the title's last sentence
            # ends at an initial, and the journal's first word is in it
            a, b = pieces[first - 1]
            weak = [e for e in _sentence_ends(text, a, b, strict=False) if e + 1 < b]
            tail = text[pieces[first][0] : pieces[first][1]].strip(" .")
            # the earliest weak end after which every word is a dotted abbreviation ("… I. J. Gen." + "Virol.")
            head = next((e for e in weak if _dotted_words(text[e + 1 : b])), None)
            dotted = text[pieces[first][0] : pieces[first][1]].rstrip().endswith(".")  # "Virol.", not "Cell 2009"
            if head is not None and dotted and _abbreviated(tail, loose=True):
                pieces[first - 1 : first] = [(a, head + 1), (head + 1, b)]
        year = _YEAR_SENTENCE.fullmatch(text, *pieces[first - 1]) if first > 1 else None
        if year is not None:
            # "Title. 2017. J Nat Prod Resour 3: 94-96": the year between them is the date, not the title's
            mark = pieces[first - 2][1] - 1
            while mark > q and text[mark] in " .":
                mark -= 1
            self.emit(q, mark + 1)
            self.emit(mark + 1, year.start(1))
            self.emit(*year.span(1))
            self.emit(year.end(1), pieces[first][0])
        elif first > 0:
            title_end = pieces[first - 1][1]
            mark = title_end - 1
            while mark > q and text[mark] in " .":
                mark -= 1
            self.emit(q, mark + 1)
            self.emit(mark + 1, pieces[first][0])
        start = pieces[first][0]
        if _YEAR_PAGES.match(text, group) and _PLACE_PUBLISHER.search(text, start, group):
            self._plain(start, group)  # "Boca Raton: CRC; 2004:2051": a book's publisher and pages
        else:
            self._container(start, group, place=_VOLUME_LABEL.match(text, group) is not None)
        return group

    def _pieces(self, q: int, end: int, strict: bool) -> list[tuple[int, int]]:
        """``text[q:end]`` cut at its sentence ends (empty pieces left out)."""
        ends = _sentence_ends(self.text, q, end, strict=strict)
        bounds = [q, *[e + 1 for e in ends], end]
        return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)
                if self.text[bounds[i] : bounds[i + 1]].strip(" .?!")]

    def _untitled(self, pieces: list[tuple[int, int]]) -> bool:
        """Whether every sentence before a group may be the container, leaving no title.

        Physics and chemistry styles print none ("Phys. Rev. Lett. 99, 1234"):
        then each sentence is dotted abbreviations and the last one short. A
        sentence of whole words ("Why Whales Leap. Sci Am 25: 84") is a title; short
        words are printed whole among abbreviations ("Food Technol. Biotechnol.").
        """
        text = self.text
        head = text[pieces[0][0] : pieces[0][1]].strip(" .")
        if head.casefold().startswith(_subtitled()):
            return True
        for a, b in pieces[:-1]:
            if not all(w.endswith(".") or w in _JOINING_WORDS or _SHORT_WORD.fullmatch(w) for w in text[a:b].split()):
                return False
        words = [w.rstrip(",:;") for w in text[pieces[-1][0] : pieces[-1][1]].split()]
        return 0 < len(words) <= 6 and all(_ABBREVIATED.fullmatch(w) or _SHORT_WORD.fullmatch(w) for w in words)

    def _joins_container(self, before: tuple[int, int], piece: tuple[int, int]) -> bool:
        """Whether the sentence ``before`` belongs to the container that starts at ``piece``.

        It does when both are abbreviated words ("J. Am. Chem. Soc.", "Nat. Cell
        Biol.") or when it opens a title known to print a subtitle after a full
        stop ("Nature Reviews. Genetics").
        """
        head = self.text[before[0] : before[1]].strip(" .")
        tail = self.text[piece[0] : piece[1]].strip(" .")
        if _abbreviated(head) and _abbreviated(tail.split(",")[0], loose=True):
            return True
        sentence = self.text[before[0] : before[1]].strip()
        if _DOTTED_ABBREVIATIONS.fullmatch(sentence) or _DOTTED_HEAD.fullmatch(sentence):  # "J. Clin." "Psychiatry"
            return True
        if len(sentence.split()) > 1 and _dotted_words(sentence, 12) and _abbreviated(tail.split(",")[0], loose=True):
            # "J. Immunopathol." "Pharmacol."
            return True
        if _SECTION.match(tail) and len(head.split()) <= 8:  # "Journal of Comparative Physiology. A, Sensory …"
            return True
        if _section_name(head, tail):  # "In Vitro Cellular & Developmental Biology. Plant"
            return True
        return head.casefold().startswith(_subtitled()) and len(head.split()) <= 8

    def _container(self, start: int, end: int, place: bool = False) -> None:
        """The container, its final full stop apart unless it is dotted throughout (``J. Biol. Chem.``).

        With ``place`` (a volume label follows: ABNT), a last comma-separated
        part of one to three capitalised words is the journal's place
        ("Educação e Pesquisa, São Paulo, v. 34").
        """
        text = self.text
        body = text[start:end].rstrip().rstrip(";")  # "WHO Press; 2008:146": the mark is no part of a name
        stop = start + len(body)
        # "J. Biol. Chem." yes, "… Physiology. A, …" no (no search without a full stop)
        dotted = "." in body[:-1] and _ABBREVIATION_DOT.search(body[:-1]) is not None
        if body.endswith(".") and not dotted:
            stop -= 1
        elif dotted and not body.endswith(".") and text[end : end + 1] == ".":  # "J. Am. Chem. Soc." then "2015,"
            end = stop = end + 1
        comma = text.rfind(", ", start, stop)
        where = text[comma + 2 : stop] if comma >= 0 else ""
        if place and comma >= 0 and _PLACE.fullmatch(where):
            before = text.rfind(", ", start, comma)  # "…, Ottawa, Canada, v. 8": a city and its country
            if before > start and _PLACE.fullmatch(text[before + 2 : comma]) and text.rfind(", ", start, before) < 0:
                comma = before
            self.emit(start, comma)
            self.emit(comma, comma + 1)
            self.emit(comma + 2, stop)
        else:
            self.emit(start, stop)
        self.emit(stop, end)

    # ----------------------------------------------------------------- the rest
    def rest(self, p: int) -> None:
        text = self.text
        marker = _search_in(text, p)
        if marker is not None:
            names, end = scan_authors(text, marker.end() + 1)
            self._whole(p, marker.start())
            self.emit(marker.start(), marker.end())
            if names:  # "In: Brown DD, Fox CF, editors." — the editors, name by name, then the book
                self.out.extend(names)
                role = _ROLE.match(text, end)
                if role is not None:
                    self._whole(end, role.end())
                    end = role.end()
                if not _STARTS_TEXT.match(text, end) and _DOT_THEN_TEXT.match(text, end):
                    end = self.marks(end, ".")  # "In: BENDAZZI, Giannalberto. Cartoons: One Hundred …" (ABNT)
                p = self._book(end) if _STARTS_TEXT.match(text, end) else end
            else:  # "In Forensic Human Identification: An Introduction; Thompson, T., Eds.;" — the book
                p = self._book(marker.end())
        self._whole(p, len(text))

    def _book(self, p: int) -> int:
        """A book's title after "In" when no editors come first.

        It ends at a semicolon, a bracket, its editors, or a sentence's end
        that abbreviations do not continue ("In Proc. Twenty-Fifth Conf. …;").
        """
        text = self.text
        stop = _BOOK_END.search(text, p)
        end = stop.start() if stop else len(text)
        for comma in _COMMA.finditer(text, p, end):  # ", Cambridge University Press, Cambridge."
            rest = text[comma.end() : end].split(". ")[0]
            head = rest.split(",")[0]
            # in the book's first sentence: ", Carnegie Institution of Washington, 1928", ", 2006.", ", Maryland: …"
            first = "." not in text[p : comma.start()]
            if looks_like_publisher(head) or (first and (
                    looks_like_publishing_body(head) or _AFTER_BOOK.match(text, comma.end()) is not None)):
                end = comma.start()
                break
        year = _DOT_YEAR.search(text, p)  # "In Cengage Learning. 2006.": the date after the book
        if year is not None and year.start() < end:
            end = year.start()
        pieces = self._pieces(p, end, strict=True)
        if len(pieces) > 1:
            k = 1
            # abbreviations go on into the next sentence ("Proc. Twenty-Fifth Conf. Uncertain. Artif. Intell."),
            # but not into a publisher's name ("… Intell. AUAI Press, 2009")
            while (k < len(pieces)
                   and _abbreviated(text[pieces[k - 1][0] : pieces[k - 1][1]].strip(" .").replace("-", " "))
                   and not looks_like_publisher(text[pieces[k][0] : pieces[k][1]].split(",")[0])
                   and not _PUBLISHER_DATE.match(text, pieces[k][0], pieces[k][1])):
                k += 1
            subtitle = k + 1 == len(pieces) - 1 and self._book_subtitle(pieces[k], pieces[k + 1])
            if subtitle:
                k += 1  # "Breakthroughs in Statistics Volume 1. Foundations and Basic Theory. Springer-Verlag; 1973"
            end = pieces[k - 1][1]
            while end > p and text[end - 1] in " .":
                end -= 1
            dotted = "." in text[p : end - 1] and not subtitle
            if text[end : end + 1] == "." and dotted and _abbreviated(text[pieces[k - 1][0] : end].split()[-1]):
                end += 1
        self.emit(p, end)
        return end

    def _book_subtitle(self, piece: tuple[int, int], last: tuple[int, int]) -> bool:
        """Whether ``piece`` continues a book's title: the last sentence is its publisher, this one none.

        A sentence between a book's title and "Publisher; 1973" is the title's
        own unless it is an edition, a date, a label or a publisher itself.
        """
        text = self.text
        head = re.split(r"[,;:]", text[last[0] : last[1]])[0]
        words = text[piece[0] : piece[1]].strip(" .")
        return (looks_like_publisher(head) and not looks_like_publisher(words)
                and _NOT_TITLE.search(words) is None and _PLACE_PUBLISHER.search(words) is None)

    def _whole(self, p: int, end: int) -> None:
        """Identifiers and dated notes whole; the plain text between them cut at its marks."""
        text = self.text
        credit = _credit(text, p)
        if credit is not None and credit.end() <= end:  # "Trans. Hugh Tomlinson and Barbara Habberjam.": one note
            self._whole(p, credit.start())
            self.emit(credit.start(), credit.end())
            p = credit.end()
        for m in _WHOLE.finditer(text, p, end):
            self._plain(p, m.start())
            self.emit(m.start(), m.end())
            p = m.end()
        self._plain(p, end)

    def _plain(self, start: int, end: int) -> None:
        """Cut plain text at its marks; numbers apart from words; labels keep their dot.

        Kept inside one element, as a page prints them: a place with its region
        before a publisher ("Chicago, IL, USA: University of Chicago Press"),
        and words in brackets after a word ("Washington (D.C.)").
        """
        text = self.text
        p = start
        skip_to = -1
        for m in _MARK.finditer(text, start, end):
            mark = m.group(1)
            at = m.start(1)
            if at < skip_to:
                continue
            if mark == "." and self._label_dot(p, at):
                continue
            if mark == "," and (_PLACE_COLON.match(text, at, end) or _FIRM.match(text, at, end)):
                continue  # ", IL, USA: University …"; "Curran Associates, Inc.": a firm's ending is its name's
            if mark == ":" and text[at - 1 : at] in _COLON_LABEL_ENDS and _COLON_LABEL.search(text, p, at):
                continue  # "PMid:", "DOI:", "Available from:" — the label with its colon
            if mark == "(":
                close = _BRACKETED.match(text, at, end)
                if close is not None and at > p and text[at - 1] == " ":
                    skip_to = close.end()
                    continue
            if at > p:  # (between two marks nothing: the first mark's spaces are its own)
                self._words(p, at)
            self.out.append(Piece(at, mark))  # a mark holds no space: as emit would
            p = m.end()
        self._words(p, end)

    def _label_dot(self, p: int, dot: int) -> bool:
        word_start = dot
        while word_start > p and self.text[word_start - 1].isalpha():
            word_start -= 1
        word = self.text[word_start:dot]
        return bool(word) and (word.casefold() in _LABEL_WORDS or _is_no_stop(self.text, dot))

    def _words(self, start: int, end: int) -> None:
        """Words joined into one element; a number (or a label with its number) on its own."""
        text = self.text
        if len(text[start:end].split(None, 1)) < 2 or _NUMBER_OR_DOT.search(text, start, end) is None:
            self.emit(start, end)  # most runs: words only, or one word (a number too), one element
            return
        run_start = None
        pos = start
        for m in _WORD.finditer(text, start, end):
            a, b = m.start(), m.end()
            word = m.group()
            if (run_start is not None and word.endswith(".") and word[:-1].casefold() in _PAGE_LABELS
                    and not _ARTICLE.fullmatch(text[run_start:pos])):  # "Art. no." is one label
                self.emit(run_start, pos)  # "Curran Associates, Inc. pp." — the label apart
                run_start = a
            if _NUMBER.fullmatch(word):  # (it holds a digit)
                if run_start is not None and not _takes_number(text[run_start:pos]):
                    self.emit(run_start, pos)
                    run_start = None
                if run_start is not None:
                    self.emit(run_start, b)
                    run_start = None
                else:
                    self.emit(a, b)
            elif run_start is None:
                run_start = a
            pos = b
        if run_start is not None:
            self.emit(run_start, pos)


_WORD = re.compile(r"\S+")
#: After a comma in a book's title: its year (", 2006.", ", 1999, p. 65") or its place and publisher
#: (", Maryland: Silver Spring"), which end the title.
_AFTER_BOOK = re.compile(rf"{_YEAR}(?=[.,;]?(?:\s|$))|[A-Z\u00c0-\u00de][\w\u00c0-\u017f' -]{{1,30}}: [A-Z(]")
#: A full stop, then a year that ends the reference ("In Cengage Learning. 2006."; not "Interv. 2010, Springer").
_DOT_YEAR = re.compile(rf"\.\s+{_YEAR}(?=\.?\s*$)")
#: A sentence that is a year alone (" 2017."), between a title and its journal.
_YEAR_SENTENCE = re.compile(rf"\s*({_YEAR})\.?\s*")
_CREDIT_INITIAL = r"[A-Z\u00c0-\u00de]\.(?:-[A-Z]\.)?"
_CREDIT_WORD = r"(?:[A-Z\u00c0-\u00de][\w\u00c0-\u017f'\u2019-]+|d[aeo]s?|van|von|der)"
_CREDIT_NAME = rf"(?:(?:{_CREDIT_INITIAL}) ?)*{_CREDIT_WORD}(?: {_CREDIT_WORD})*|(?:{_CREDIT_INITIAL} ?)+"
#: A translator's or an editor's credit after a title, its names with it ("Trans. Hugh Tomlinson and
#: Barbara Habberjam.", "Trad. de J. Oliveira Santos, S. J. e A. Ambrósio.", MLA's "Book, edited by
#: Stefan Kotz and Nina L. Johnson, Springer"): one note, which the lexer reads as CONTRIB (EDITED for
#: editors). Cut at its marks, a name after a comma would read as a container. It stops before a
#: place and its publisher (", London: Methuen") and before a publisher and a year (", Springer, 1973").
_CREDIT = re.compile(
    r"(?:(?<=[.] )(?:Trad\.(?: cast\.)?(?: de)?|Tradução de|Traducción de|Translated by|Trans\.|Transl\."
    r"|Ed\. and trans\.|Edited and translated by)"
    r"|(?<=, )(?:edited|translated|edited and translated) by) "
    rf"(?=[A-Z\u00c0-\u00de])(?:{_CREDIT_NAME})"
    rf"(?:(?:,? (?:and|e|y|&) |, (?!(?:{_CREDIT_NAME}),\s{_YEAR}))(?:{_CREDIT_NAME}))*"
    r"(?: et al\.)?"
    r"(?=[.,;]?(?:\s|$))"
)
#: A sentence of words, a comma and a year: a book's publisher and date ("… Management, 2000."), which
#: a book's title does not run on into (a year alone may be the title's: "Comput. Interv. 2004").
_PUBLISHER_DATE = re.compile(rf"\s*[^.\d]*[^\W\d_][^.\d]*,\s*{_YEAR}(?:\.?\s*$|\.\s)")
#: The first word of an article-number label ("Art. no. e16591", "Article no. 12").
_ARTICLE = re.compile(r"Art\.?|Article")
_COMMA = re.compile(r",\s")
#: What makes a run of words more than one element: a digit, or a dot (a page label's, "pp.").
_NUMBER_OR_DOT = re.compile(r"[\d.]")


#: A link: a journal's group is never inside one ("…/articleC/0,2777,6599_40054629,00.html").
_LINK = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")


def _credit(text: str, start: int) -> re.Match[str] | None:
    """The first translator's or editor's credit after ``start`` (see :data:`_CREDIT`).

    Its pattern opens with look-behinds, which the engine tries at every
    character; the words every credit holds are looked for first.
    """
    if "by " not in text and "Tra" not in text and "Ed. and" not in text:
        return None
    return _CREDIT.search(text, start)


def _group(text: str, start: int) -> re.Match[str] | None:
    """The first volume–issue–pages group after ``start`` that is not inside a link."""
    group = _JOURNAL_GROUP.search(text, start)
    while group is not None:
        link = _search_link(text, start, group.start() + 1)
        while link is not None and link.end() <= group.start():
            link = _search_link(text, link.end(), group.start() + 1)
        if link is None:
            return group
        group = _JOURNAL_GROUP.search(text, link.end())
    return None


def _search_link(text: str, start: int, end: int) -> re.Match[str] | None:
    """``_LINK.search(text, start, end)``, without the regex where no link can be (most titles)."""
    if text.find("://", start, end) < 0 and text.find("www.", start, end) < 0:
        return None
    return _LINK.search(text, start, end)


def _search_in(text: str, start: int) -> re.Match[str] | None:
    """``_IN.search(text, start)``, without the regex when the text holds none of its words.

    Every match holds "in", "In" or a colon after "m" or "n" ("Em:", "en:");
    most references' rests (the numbers, a DOI) hold none of them.
    """
    rest = text[start:]
    if "in" not in rest and "In" not in rest and "m:" not in rest and "n:" not in rest:
        return None
    return _IN.search(text, start)


def _takes_number(words: str) -> bool:
    """Whether a label takes the number after it in one element ("Suppl 1", "Part 2")."""
    last = words.split()[-1].rstrip(".").casefold() if words.split() else ""
    return last in {"suppl", "supl", "supplement", "suplemento", "part", "pt"}


def cut(text: str) -> list[Piece]:
    """One flat reference (its label removed) cut into elements.

    Args:
        text: the reference's text on one line.

    Returns:
        Its elements in order, each with its start in ``text``.
    """
    cutter = _Cutter(text)
    p = cutter.authors()
    p = cutter.date(p)
    p = cutter.title(p)
    cutter.rest(p)
    return cutter.out
