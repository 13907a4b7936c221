"""Figures and claims in one piece of plain prose: the wording rules, shared by pages and inventory text.

What counts as a figure
    Numbers with a unit that names an inventory fact: ``56 cores`` / ``16-core`` /
    ``16c/32t``, ``72 threads``, ``448 GB of RAM`` / ``128 GB unified memory`` /
    ``192 GB DDR5``, ``~3.4 PFLOPS`` (FP4; a clause naming another precision such as
    FP8 is skipped), ``3 GPUs``, ``three-node cluster`` / ``3 nodes`` / ``three machines``
    (node counts only in a sentence about the cluster, a total or every node; ``one
    node`` is not a count), ``three etcd members`` / ``3 control-plane nodes``, ``two DGX
    Sparks`` (a count of the nodes of one kind, from the inventory's node kinds; never
    ``one``), ``200 Gbps`` (only in a sentence about the link: link, DAC, cable, QSFP,
    RoCE, RDMA, ConnectX …), and node names shaped like the inventory's
    (``talos-xxx-yyy``). Numbers may be words (``three``) and may carry
    ``~``/``about``; bounds (``over``, ``up to``, ``at most`` …) are not claims and are
    skipped. Sub-counts (``10 performance cores``, ``CUDA cores``) do not match; a
    thread count needs a sentence about CPUs, nodes or the cluster (not ``NCCL
    threads``); a clause about what software gets (``a pod requests 4 cores``, ``8 GB
    per workspace``, ``threads per block``) states no hardware figure, and a speed in a
    clause about PCIe or a measuring tool (``a PCIe Gen5 x4 link``, ``iperf3``) is not
    the link's; memory counts in GB only (``121.7 GiB`` is what the kubelet sees).

What each figure claims (:attr:`~labbook.models.observed.ObservedFigure.claim`)
    ``each`` when its clause says so (``each``, ``per node``, ``apiece`` …; not ``in each
    direction``, ``each step`` and the like, which distribute over something else); ``total``
    when its sentence says so (``in total``, ``combined``, ``across the cluster``,
    ``cluster-wide`` …), and for a link speed when its clause names the link itself
    (link, DAC, cable, fabric, RoCE …); otherwise ``unqualified``, which the drift
    check reads as a per-node figure when it equals one node's value and as a total
    when it does not.

Capabilities
    A sentence that names a capability (its name or one of its terms, given by the
    caller) is a claim about it: ``hedged`` when the sentence also says it does not
    (fully) work (``not``, ``without``, ``yet``, ``whether``, ``planned``, ``partial``,
    ``broken`` …) or names it in a condition (``if``, ``when``, ``unless``: ``allow GPU-Direct
    RDMA when GPU and NIC share a bridge``), else ``unqualified``, which the drift check reads
    as "it works".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_NAME_SHAPES = (r"talos-[a-z0-9]{3}-[a-z0-9]{3}",)
"""Talos's default node names; the drift check adds shapes derived from the inventory."""


@dataclass(frozen=True)
class Terms:
    """What to look for besides the fixed figures, from the inventory (``labbook.drift.docs.terms``)."""

    name_shapes: tuple[str, ...] = ()
    """Regexes for node names (``talos-[a-z0-9]{3}-[a-z0-9]{3}``)."""
    kinds: tuple[str, ...] = ()
    """Node kinds whose counts prose may state (``NVIDIA DGX Spark``)."""
    capabilities: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``(id, names)`` of each capability: its name and the other terms prose uses for it."""

    @classmethod
    def of(cls, value: Terms | Iterable[str] | None) -> Terms:
        """``value`` itself, or name shapes alone (the older call style)."""
        if isinstance(value, Terms):
            return value
        return cls(name_shapes=tuple(value or ()))


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
            _START + r"(?:-(?:(?:kubernetes|talos|physical)-)?node\b|\s+(?:(?:kubernetes|talos|physical)\s+)?nodes\b"
            r"|\s+(?:machines|computers)\b)",
            re.I,
        )
    ],
    "control_planes": [
        re.compile(_START + r"[\s-]+(?:etcd[\s-]+members?|control[\s-]planes?(?:[\s-]+nodes?)?)\b", re.I)
    ],
    "link_gbps": [re.compile(_START + r"\s*(?-i:Gbps|Gb/s|Gbit/s|GbE)\b", re.I)],
}
_HARDWARE = ("cores", "threads", "memory_gb", "gpus", "fp4_pflops")
_CORES_THREADS = re.compile(r"(?<![\w.])(?P<cores>\d+)\s*c\s*/\s*(?P<threads>\d+)\s*t\b", re.I)

_EACH = re.compile(
    r"\b(?:each(?![\s-]+(?:direction|way|side|end|step|iteration|round|pass|epoch|batch|time|rank|channel|process"
    r"|job|pod|message|request)s?\b)|apiece|per[\s-](?:node|machine|box|spark|host)|every node|a single node)\b",
    re.I,
)
_TOTAL = re.compile(
    r"\b(?:in total|totals?|totalling|combined|altogether|all together|cluster[\s-]wide|across (?:the|all|every)\b"
    r"|(?:whole|entire) cluster|the cluster (?:has|have|offers|provides|brings|adds up to))",
    re.I,
)
_CLUSTER = re.compile(r"\b(?:cluster|homelab|lab|(?:every|all)\s+(?:the\s+)?(?:nodes?|machines?))\b", re.I)
_LINK_SENTENCE = re.compile(
    r"\b(?:links?|dac|cable|qsfp\w*|roce(?:\s*v2)?|rdma|fabric|interconnect|point[\s-]to[\s-]point|back[\s-]to[\s-]back"
    r"|connectx(?:-\d)?|cx-?\d)\b",
    re.I,
)
_LINK_ITSELF = re.compile(
    r"\b(?:links?|dac|cable|fabric|interconnect|point[\s-]to[\s-]point|back[\s-]to[\s-]back|roce)\b", re.I
)
_NOT_LINK = re.compile(r"\b(?:pcie|pci express|gen\s?\d|x(?:4|8|16)|lanes?|gt/s|iperf3?|ib_\w+_bw|perftest)\b", re.I)
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
_HEDGE = re.compile(
    r"(?:\b(?:not|no|never|none|without|yet|unconfirmed|unverified|untested|unsupported|unknown|whether|if|when"
    r"|whenever|unless|would"
    r"|could|might|planned|partial|partly|broken|missing|pending|fails?|failed|cannot)\b|n't\b|\?)",
    re.I,
)

_BLOCK_START = re.compile(r"^[ \t]*(?:#{1,6}\s|\||>|[-*+]\s|\d+[.)]\s|!!!|\?\?\?|===)")
_ONE_LINE_BLOCK = re.compile(r"^[ \t]*(?:#{1,6}\s|\|)")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")
_CLAUSE_END = re.compile(r"[,()\u2013\u2014]|\s-\s")

Found = tuple[int, str, str, str, str | None]
"""``(offset, kind, value, claim, of)`` of one figure or claim in a sentence."""


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentences as ``(start, end)``: blocks (paragraphs, list items, headings, table rows) split at ``.;!?``."""
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


def _kind_pattern(kind: str) -> re.Pattern[str] | None:
    """``NVIDIA DGX Spark`` → ``two (NVIDIA )(DGX )Sparks``; None when the kind does not end in a word."""
    words = kind.split()
    if not words or not re.fullmatch(r"[A-Za-z]{2,}", words[-1]):
        return None
    head = "".join(rf"(?:{re.escape(w)}\s+)?" for w in words[:-1])
    return re.compile(_START + rf"\s+{head}{re.escape(words[-1])}(?:s|es)?\b", re.I)


class Reader:
    """Finds figures and claims in sentences, for one set of :class:`Terms` (compiled once)."""

    def __init__(self, terms: Terms) -> None:
        alternatives = "|".join(dict.fromkeys([*DEFAULT_NAME_SHAPES, *terms.name_shapes]))
        self.names = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        self.kinds = [(k, p) for k in dict.fromkeys(terms.kinds) if (p := _kind_pattern(k)) is not None]
        self.capabilities = []
        for ident, names in terms.capabilities:
            words = sorted({n for n in names if n.strip()}, key=len, reverse=True)
            if words:
                pattern = "|".join(re.escape(w) for w in words)
                self.capabilities.append((ident, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I)))

    def read(self, sentence: str) -> Iterator[Found]:
        """Every figure and claim in one sentence, with its offset in the sentence."""
        total = bool(_TOTAL.search(sentence))
        for m in _CORES_THREADS.finditer(sentence):
            yield m.start("cores"), "cores", m["cores"], "unqualified", None
            yield m.start("threads"), "threads", m["threads"], "unqualified", None
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
                    if kind == "link_gbps" and (_NOT_LINK.search(clause) or _NOT_HARDWARE.search(clause)):
                        continue
                    if kind == "link_gbps":
                        claim = "total" if _LINK_ITSELF.search(clause) else "unqualified"
                    elif kind in ("nodes", "control_planes"):
                        claim = "total"
                    else:
                        claim = "each" if _EACH.search(clause) else "total" if total else "unqualified"
                    yield m.start("num"), kind, _number(m["num"]), claim, None
        for node_kind, pattern in self.kinds:
            for m in pattern.finditer(sentence):
                if not m["lead"] and _number(m["num"]) != "1":
                    yield m.start("num"), "kind_count", _number(m["num"]), "total", node_kind
        for m in self.names.finditer(sentence):
            yield m.start(), "node_name", m[0], "unqualified", None
        hedged = bool(_HEDGE.search(sentence))
        for ident, pattern in self.capabilities:
            m = pattern.search(sentence)
            if m is not None:
                yield m.start(), "capability", ident, "hedged" if hedged else "unqualified", None


def read_text(text: str, reader: Reader) -> list[Found]:
    """Every figure and claim in ``text`` (plain prose), as ``(offset in text, kind, value, claim, of)``, in order."""
    found = [
        (start + offset, kind, value, claim, of)
        for start, end in sentences(text)
        for offset, kind, value, claim, of in reader.read(text[start:end])
    ]
    return sorted(found, key=lambda item: item[0])
