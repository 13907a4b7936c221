"""Read the hand-written pages in ``docs/`` into figures they state: a :class:`~labbook.models.observed.DocsObserved`.

What counts as a figure
    Numbers with a unit that names an inventory fact: ``56 cores`` / ``16-core`` /
    ``16c/32t``, ``72 threads``, ``448 GB of RAM`` / ``128 GB unified memory`` /
    ``192 GB DDR5``, ``~3.4 PFLOPS`` (FP4; a clause naming another precision such as
    FP8 is skipped), ``3 GPUs``, ``three-node cluster`` / ``3 nodes`` (node counts only
    in a sentence about the cluster or a total; ``one node`` is not a count),
    ``200 Gbps`` (only in a sentence about the link: link, DAC, cable, QSFP, RoCE,
    RDMA, ConnectX …), and node names shaped like the inventory's
    (``talos-xxx-yyy``). Numbers may be words (``three``) and may carry
    ``~``/``about``; bounds (``over``, ``up to``, ``at least`` …) are not claims and
    are skipped. Sub-counts (``10 performance cores``, ``CUDA cores``) do not match; a
    thread count needs a sentence about CPUs, nodes or the cluster (not ``NCCL threads``);
    a clause about what software gets (``a pod requests 4 cores``, ``8 GB per
    workspace``, ``threads per block``) states no hardware figure; memory counts in GB
    only (``121.7 GiB`` is what the kubelet sees, not the inventory).

Only literal text
    Front matter, fenced code blocks, inline code, macro expressions ``{{ … }}``,
    ``{% … %}`` and ``{# … #}``, HTML comments and tags, link destinations and
    attribute lists are blanked before scanning (columns and lines are kept), so a
    page that renders a figure through a macro is never read as stating it. A line
    containing ``<!-- labbook: ignore -->`` is skipped on purpose.

What each figure claims (:attr:`ObservedFigure.claim`)
    ``each`` when its clause says so (``each``, ``per node``, ``apiece`` …); ``total``
    when its sentence says so (``in total``, ``combined``, ``across the cluster``,
    ``cluster-wide`` …), and for a link speed when its clause names the link itself
    (link, DAC, cable, fabric, RoCE …); otherwise ``unqualified``, which the drift
    check reads as a per-node figure when it equals one node's value and as a total
    when it does not.

``journal/`` (and Material's ``blog/posts``) is dated history and is not read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.models.location import Location
from labbook.models.observed import DocsObserved, ObservedFigure
from labbook.models.report import ReportWarning

DEFAULT_NAME_SHAPES = (r"talos-[a-z0-9]{3}-[a-z0-9]{3}",)
"""Talos's default node names; the drift check adds shapes derived from the inventory."""

SKIPPED_DIRS = (("journal",), ("blog", "posts"))
"""Folders under ``docs/`` that hold dated history, not claims about the present."""

IGNORE = "<!-- labbook: ignore -->"
"""Put on a line to keep its figures out of the check."""

_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_NUMBERS = {w: str(i) for i, w in enumerate(_WORDS, start=1)}
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|" + "|".join(_WORDS) + r")"
_LEAD = r"(?P<lead>(?:over|above|under|below|more than|less than|fewer than|up to|at least|at most|nearly|almost)\s+)?"
_APPROX = r"(?:~|≈|about\s+|around\s+|approximately\s+|roughly\s+)?"
_START = r"(?<![\w.,/-])" + _LEAD + _APPROX + _NUM

_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "cores": [re.compile(_START + r"[\s-]+(?:(?:physical|cpu)[\s-]+)?cores?\b", re.I)],
    "threads": [re.compile(_START + r"[\s-]+(?:(?:hardware|cpu)[\s-]+)?threads?\b", re.I)],
    "memory_gb": [
        re.compile(
            _START + r"\s?(?-i:GB)\b(?!/s)(?=\s+(?:of\s+)?(?:(?:total|unified|system|shared|coherent|combined)\s+)*"
            r"(?:RAM|memory|(?:LP)?DDR\d))",
            re.I,
        ),
        re.compile(
            r"\b(?:RAM|memory)\s*(?::|of|is|=|totals?|totalling)?\s*" + _APPROX + _NUM + r"\s?(?-i:GB)\b(?!/s)",
            re.I,
        ),
    ],
    "fp4_pflops": [re.compile(_START + r"\s*(?-i:PFLOPS|PFLOP/s|PFLOP|petaflops?)", re.I)],
    "gpus": [re.compile(_START + r"\s+(?:nvidia\s+)?GPUs?\b", re.I)],
    "nodes": [
        re.compile(
            _START + r"(?:-(?:(?:kubernetes|talos|physical)-)?node\b|\s+(?:(?:kubernetes|talos|physical)\s+)?nodes\b)",
            re.I,
        )
    ],
    "link_gbps": [re.compile(_START + r"\s*(?-i:Gbps|Gb/s|Gbit/s|GbE)\b", re.I)],
}
_HARDWARE = ("cores", "threads", "memory_gb", "gpus", "fp4_pflops")
_CORES_THREADS = re.compile(r"(?<![\w.])(?P<cores>\d+)\s*c\s*/\s*(?P<threads>\d+)\s*t\b", re.I)

_EACH = re.compile(r"\b(?:each|apiece|per[\s-](?:node|machine|box|spark|host)|every node|a single node)\b", re.I)
_TOTAL = re.compile(
    r"\b(?:in total|totals?|totalling|combined|altogether|all together|cluster[\s-]wide|across (?:the|all|every)\b"
    r"|(?:whole|entire) cluster|the cluster (?:has|have|offers|provides|brings|adds up to))",
    re.I,
)
_CLUSTER = re.compile(r"\b(?:cluster|homelab|lab)\b", re.I)
_LINK_SENTENCE = re.compile(
    r"\b(?:links?|dac|cable|qsfp\w*|roce(?:\s*v2)?|rdma|fabric|interconnect|point[\s-]to[\s-]point|back[\s-]to[\s-]back"
    r"|connectx(?:-\d)?|cx-?\d)\b",
    re.I,
)
_LINK_ITSELF = re.compile(
    r"\b(?:links?|dac|cable|fabric|interconnect|point[\s-]to[\s-]point|back[\s-]to[\s-]back|roce)\b", re.I
)
_NOT_HARDWARE = re.compile(
    r"\b(?:requests?|requested|limits?|allocat\w*|reserv\w*|quotas?|workspaces?|pods?|containers?|vms?|jobs?"
    r"|replicas?|per (?:block|warp|channel|rank|process))\b",
    re.I,
)
_CPU = re.compile(
    r"\b(?:cpus?|cores?|ryzen|epyc|xeon|grace|cortex|arm64|amd64|smt|hyper-?threading|nodes?|sparks?|machines?"
    r"|workstation|kubelet|cluster)\b",
    re.I,
)
_OTHER_PRECISION = re.compile(r"\b(?:FP8|FP16|BF16|TF32|FP32|FP64|INT8|INT4)\b", re.I)
_FP4 = re.compile(r"\bFP4\b", re.I)

_BLANKED = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S),
    re.compile(r"(?<!`)(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\1(?!`)"),
    re.compile(r"(?<=\])\((?:[^()\n]|\([^()\n]*\))*\)"),
    re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M),
    re.compile(r"</?[A-Za-z][^>\n]*>"),
    re.compile(r"\{\s*[:#.][^}\n]*\}"),
]
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_BLOCK_START = re.compile(r"^[ \t]*(?:#{1,6}\s|\||>|[-*+]\s|\d+[.)]\s|!!!|\?\?\?|===)")
_ONE_LINE_BLOCK = re.compile(r"^[ \t]*(?:#{1,6}\s|\|)")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")
_CLAUSE_END = re.compile(r"[,()\u2013\u2014]|\s-\s")


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def visible_text(text: str) -> str:
    """``text`` with everything that is not literal prose replaced by spaces (same lines and columns)."""
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() in ("---", "..."):
                lines[: i + 1] = [_blank(x) for x in lines[: i + 1]]
                break
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m["fence"]
            lines[i] = _blank(line)
        elif fence is not None:
            if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not line[m.end() :].strip():
                fence = None
            lines[i] = _blank(line)
        elif IGNORE in line:
            lines[i] = _blank(line)
    out = "\n".join(lines)
    for pattern in _BLANKED:
        out = pattern.sub(lambda m: _blank(m[0]), out)
    return out


def _spans(text: str) -> Iterator[tuple[int, int]]:
    """Sentences: blocks (paragraphs, list items, headings, table rows) split at ``.``/``;``/``!``/``?``."""
    blocks: list[tuple[int, int]] = []
    start, pos = None, 0
    for line in text.split("\n"):
        end = pos + len(line)
        if not line.strip():
            if start is not None:
                blocks.append((start, pos))
            start = None
        elif _BLOCK_START.match(line):
            if start is not None:
                blocks.append((start, pos))
            start = pos
            if _ONE_LINE_BLOCK.match(line):
                blocks.append((start, end))
                start = None
        elif start is None:
            start = pos
        pos = end + 1
    if start is not None:
        blocks.append((start, len(text)))
    for b_start, b_end in blocks:
        s = b_start
        for m in _SENTENCE_END.finditer(text, b_start, b_end):
            yield s, m.end()
            s = m.end()
        if text[s:b_end].strip():
            yield s, b_end


def _clause(sentence: str, at: int) -> str:
    starts = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, at)]
    end = _CLAUSE_END.search(sentence, at)
    return sentence[starts[-1] if starts else 0 : end.start() if end else len(sentence)]


def _number(raw: str) -> str:
    return _NUMBERS.get(raw.lower(), raw.replace(",", ""))


def _figures(sentence: str, name_shapes: re.Pattern[str]) -> Iterator[tuple[int, str, str, str]]:
    """``(offset in sentence, kind, value, claim)`` for each figure in one sentence."""
    total = bool(_TOTAL.search(sentence))
    for m in _CORES_THREADS.finditer(sentence):
        yield m.start("cores"), "cores", m["cores"], "unqualified"
        yield m.start("threads"), "threads", m["threads"], "unqualified"
    for kind, patterns in _PATTERNS.items():
        if kind == "nodes" and not (total or _CLUSTER.search(sentence)):
            continue
        if kind == "link_gbps" and not _LINK_SENTENCE.search(sentence):
            continue
        if kind == "threads" and not (total or _CPU.search(sentence)):
            continue
        for pattern in patterns:
            for m in pattern.finditer(sentence):
                if m.groupdict().get("lead"):
                    continue
                clause = _clause(sentence, m.start("num"))
                if kind == "fp4_pflops" and _OTHER_PRECISION.search(clause) and not _FP4.search(clause):
                    continue
                if kind in _HARDWARE and _NOT_HARDWARE.search(clause):
                    continue
                if kind == "link_gbps":
                    claim = "total" if _LINK_ITSELF.search(clause) else "unqualified"
                elif kind == "nodes":
                    claim = "total"
                else:
                    claim = "each" if _EACH.search(clause) else "total" if total else "unqualified"
                yield m.start("num"), kind, _number(m["num"]), claim
    for m in name_shapes.finditer(sentence):
        yield m.start(), "node_name", m[0], "unqualified"


def _shapes(extra: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(dict.fromkeys([*DEFAULT_NAME_SHAPES, *extra]))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def scan(text: str, file: str, name_shapes: Iterable[str] = ()) -> list[ObservedFigure]:
    """Every figure stated in one page's literal text, in reading order, each with its file:line."""
    visible = visible_text(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", visible)]
    shapes = _shapes(name_shapes)
    found: dict[tuple[int, str, str], tuple[int, ObservedFigure]] = {}
    for start, end in _spans(visible):
        for offset, kind, value, claim in _figures(visible[start:end], shapes):
            line = bisect.bisect_right(line_starts, start + offset)
            figure = ObservedFigure(kind=kind, value=value, claim=claim, origin=Location(file=file, line=line))
            found.setdefault((line, kind, value), (start + offset, figure))  # "16 cores (16c/32t)" is one claim
    return [figure for _, figure in sorted(found.values(), key=lambda item: item[0])]


def _pages(directory: Path) -> list[Path]:
    pages = []
    for path in sorted(directory.rglob("*.md")):
        parts = path.relative_to(directory).parts[:-1]
        if any(p.startswith(".") for p in parts):
            continue
        if any(parts[: len(skip)] == skip for skip in SKIPPED_DIRS):
            continue
        pages.append(path)
    return pages


def read_docs(directory: Path, name_shapes: Iterable[str] = ()) -> DocsObserved:
    """Scan every hand-written page under ``directory``; unreadable pages become warnings."""
    shown = display(directory)
    if not directory.is_dir():
        raise BadInput(Problem(shown, None, None, "docs folder not found (expected a folder of markdown pages)"))
    shapes = list(name_shapes)
    figures: list[ObservedFigure] = []
    warnings: list[ReportWarning] = []
    pages: list[str] = []
    for path in _pages(directory):
        file = display(path)
        pages.append(file)
        try:
            text = read_bytes(path, file).decode("utf-8-sig")
        except BadInput as exc:
            warnings += [ReportWarning(file=file, message=str(p).removeprefix(f"{file}: ")) for p in exc.problems]
            continue
        except UnicodeDecodeError as exc:
            line = exc.object.count(b"\n", 0, exc.start) + 1
            warnings.append(
                ReportWarning(file=file, line=line, message="not UTF-8, page skipped (expected UTF-8 text)")
            )
            continue
        figures += scan(text.replace("\r\n", "\n"), file, shapes)
    return DocsObserved(target=shown, pages=pages, figures=figures, warnings=warnings)
