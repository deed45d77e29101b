"""STAR structure: a label for every sentence, and each section's time.

Each sentence is described by binary features: cue phrases, its grammatical subject ("I decided"
against "they missed"), its tense, where it sits in the answer, the cues of the sentences on
either side, and the words it uses and opens with (cue lists never cover every way a speaker
says "in the end" or "these days"; words seen in enough training answers carry that). A
linear-chain model (a conditional random field) scores every label for every sentence from those
features, and a Viterbi pass picks the best label sequence for the whole answer, because stories
mostly move forward (situation, task, action, result, reflection) and a sentence's neighbours say
a lot about it. The weights live in `star_weights` (written by
scripts/train_coaching from the labelled development set in tests/data/coaching)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.analysis import star_weights
from voicecoach.analysis.text import NUMBER_WORDS, Sentence
from voicecoach.analysis.types import LABELS

# Leading words that do not change what a sentence is about.
_LEAD = r"^((so|and|then|but|well|um|uh|oh|okay|now|first|next|instead|also|actually|basically|honestly|yeah|like|anyway) )*"
# Past tense: regular and the common irregular verbs of work stories.
_PAST = (
    r"\w{3,}ed|went|set|took|made|wrote|built|ran|met|spoke|sat|told|brought|got|began|led|gave|"
    r"chose|kept|sent|found|did|dug|drew|held|sought|put|broke|spent|rewrote|paid|lost|won|grew|"
    r"fell|rose|came|saw|knew|thought|felt|left|heard|said|caught|cut|hit|shut|let|quit|read|"
    r"sold|bought|taught|meant|stood|ate|drove|flew|forgot|hid|shook|threw|understood|woke|wore"
)

# Cue groups: a regex over the normalized sentence (lowercase words, single spaces).
CUES: dict[str, str] = {
    # situation: when, where, who, what was going on
    "sit_time": r"\b(at the time|back (then|in|when)|a (few|couple of|couple) (years|months|weeks) ago|"
    r"(last|this past|earlier this) (year|spring|summer|fall|autumn|winter|quarter)|years ago|months ago|"
    r"(a|one|about a|around a) (year|year and a half|month) (ago|into)|midway through|"
    r"at my (last|previous|old|current|first|former) (job|company|role|team|employer|startup)|"
    r"(at|in) my (last|previous|first) (job|role|position)|when i (was|joined|started)|"
    r"a while (back|ago)|early in my career)\b",
    "sit_context": r"\b(i was (a|an|the|working|leading|running|on|part|one|at|in|kind of a|sort of the)|"
    r"i worked (at|as|on|for|in)|i'm a|we were (a|an|the|building|running|working|migrating|moving|"
    r"trying|about|in|on)|our team (was|had)|my team (was|had)|(the|our) (company|team|project|product|"
    r"system|platform|client|customer|model|service|app|business|startup|org) (was|had|is|were)|"
    r"there (was|were|had been)|we had (a|an|about|around|this|these|some|one)|it was (a|an)|"
    r"this was|had this|i had this|we supported|we ran|we built|we owned)\b",
    "sit_stakes": r"\b(high.stakes|deadline|critical|important|at stake|launch|contract|quarter|"
    r"investors?|the board|promised|code freeze|holiday|renewal|budget|pressure|urgent)\b",
    "sit_aside": r"\b(i should (mention|explain|say|add|point out)|to back up|for context|some context|"
    r"(some|bit of|little) background|by the way|to be fair|keep in mind|oh and|i forgot to (say|mention)|"
    r"worth (saying|mentioning))\b",
    "sit_state": r"\b(was|were) (already|always|constantly|still|also|only|basically|pretty|really|"
    r"honestly|just|kind of|huge|new|old|skeptical|nervous|drowning|sitting|running|stuck)\b",
    # task: the speaker's job or the goal
    "task_mine": r"\b(my (job|role|task|goal|responsibility|mandate|mission|assignment|remit|piece|part|"
    r"brief|target)|i (was|were|got|'d been) (responsible|tasked|asked|supposed|expected|assigned|"
    r"charged|brought in|put in charge|in charge|given)|i had to|i needed to|i was the one|"
    r"(it|that) was (on me|mine)|(was|were) (both |all )?mine|fell to me|i volunteered|"
    r"i decided i'd|i set myself|i picked up|i took (it|that|this) on|my name on|"
    r"i felt like i needed|i owned (the|this|that)|^as (the|a|an|her|his|their) \w+( \w+)?( \w+)? "
    r"(for|on|of|in|it)|up to me)\b",
    "task_goal": r"\b(the (goal|objective|ask|challenge|task|mission|brief|target|idea|plan) was|"
    r"we needed to|we had to|needed to (get|make|ship|deliver|find|fix|figure|turn|keep|move)|"
    r"had to (get|make|ship|deliver|find|fix|figure|turn|keep|move|decide|choose)|"
    r"was supposed to|wanted (it|us|me) to|set a target|goal of|in order to)\b",
    # action: what the speaker did
    # (not "I learned", "I realized": those are the reflection talking)
    "act_i_past": rf"\bi (\w+ly )?(?!(learned|realized|realised|learnt)\b)({_PAST}|set up|went back)\b",
    "act_we_past": rf"\bwe (\w+ly )?({_PAST})\b",
    "act_sequence": r"^((so|and|then|first|next|after that|once|at that point|the next (day|week|morning)|"
    r"immediately|instead|from there|meanwhile|while) )|\b(so i|then i|first i|i immediately|"
    r"i personally|i also|next i|instead i|i then|so we|then we)\b",
    "act_comm": r"\b(told|called|emailed|wrote to|sat down with|walked (him|her|them|the \w+) through|"
    r"asked|proposed|suggested|booked|posted|presented|explained|escalated|flagged|apologi[sz]ed|"
    r"met with|talked to|reached out|pitched|offered)\b",
    "act_discovery": r"\b(turned out|found out|figured out|realized|noticed|caught|tracked it down|"
    r"traced|discovered|dug into|looked into)\b",
    "act_others": r"^((so|and|then|but|well) )*(she|he|they) (agreed|was (fine|okay|happy)|were (fine|okay)|"
    r"said|asked|pushed|kept|wanted|came back)\b",
    # result: what came of it
    "res_outcome": r"\b(as a result|in the end|ended up|eventually|ultimately|the result|outcome|"
    r"resulting in|which (meant|led|resulted)|at the end|by the end|all in|we (shipped|launched|delivered|"
    r"hit|met|missed|saved|cut|reduced|landed|closed|recovered|finished|opened|moved|ended)|went from|"
    r"it (worked|paid off|succeeded|failed|went live|went (badly|well|fine|clean))|successful|"
    r"(was|a) (big )?success|on time|"
    r"(reduced|cut|increased|improved|dropped|grew|saved|lowered|raised|fell|rose|came down|went up|"
    r"went down) .*(by|to|from)\b)",
    "res_timing": r"\b(ahead of (the )?(deadline|schedule|time|plan)|on time|on schedule|"
    r"(days|weeks|months) (early|late|ahead|behind)|in (\w+ ){0,2}(days|weeks|months)|"
    r"within (\w+ ){0,3}(days|weeks|months|hours))\b",
    "res_consequence": r"\b(resulting in|cost (us|the company|me|them)|costing|penalty|fee|refunds?|"
    r"credit|downtime|revenue|churn(ed)?|overcharged|saved|savings|lost (us|about|around|roughly)|"
    r"slipped|impacted|(was|were) (late|delayed|successful|down|up|flat))\b",
    "res_change": r"\b(dropped|fell|rose|grew|doubled|halved|tripled|went up|went down|came down|"
    r"improved|increased|decreased|reduced|declined|climbed|jumped)\b",
    "res_reception": r"\b(appreciated|thanked|praised|got (promoted|recognized|a raise)|promoted|renewed|trust|credibility|relationship|reputation|"
    r"churned|stayed with us|kept the|feedback was|reviews?|(the )?(customer|client|team|manager|vp|"
    r"leadership|owners?) (was|were) (happy|pleased|thrilled|gracious|not thrilled))\b",
    "res_first": r"\b(short version|outcome first|result first|spoiler|long story short|bottom line|"
    r"i'll get to (that|it)|to start with the (end|result))\b",
    # reflection: the lesson and what the speaker does now
    "ref_lesson": r"\b(i learned|i've learned|we learned|i learnt|lesson|taught me|looking back|"
    r"in hindsight|takeaway|i realized|i've realized|this experience|that experience|what i took|"
    r"i took (away|from)|made me realize|showed me|stuck with me|the big (thing|takeaway)|"
    r"what i('d| would) (do|change))\b",
    "ref_change": r"\b(since then|ever since|now i|these days|nowadays|going forward|from then on|"
    r"next time|anymore|any more|i (always|never) |i now|today i|today we|i'd (do|have)|"
    r"i would (have|do|now)|if i (did|were|had|could)|i still|we now|i make (sure|a point)|i try to|"
    r"whenever|every time|i've used|i('ve| have) (kept|started|been) )",
    "present_i": r"\b(i (am|always|usually|now|make|try|ask|insist|require|run|treat|check|push|"
    r"write|keep|give|do|don't|bring|start|get|send|book|use|go|pick|find|look|spend|tell|"
    r"think)|i'm|i've)\b",
    "present_generic": r"\b(is|are|isn't|aren't|matters|doesn't|don't|can't|usually|mostly|"
    r"always|never|tends? to|people|you)\b",
    "hypothetical": r"\b(would have|should have|could have|would've|should've|could've|if i had|"
    r"i'd have|i wish)\b",
    # other: small talk and talk about the answer itself
    "other_meta": r"\b(great question|good question|interesting question|tough question|tricky one|"
    r"let me think|that's (about |kind of )?it|so yeah|that's (my|the) (story|example)|"
    r"does that answer|hope that (answers|helps)|give me a (second|moment)|"
    r"off the top of my head|let me tell you about|(comes|springs) to mind|i'll (tell|talk) (you )?about|"
    r"i can (tell|talk) (you )?about|i('ve)? (got|have) (a|one)|(good|great|the) one (for|that)|"
    r"(like|love) this one|this one('s| is| needs)|(proud|happy) of that|not going to lie|"
    r"to be honest|what you were asking|always a (juggling|balancing)|it was a (rough|frustrating|"
    r"tough|hard|crazy|stressful) (one|time|few)|that kind of thing|i think about (this|that))\b",
    "opener_filler": r"^(um|uh|hmm|oh|okay|ok|sure|yeah|well|ha|wow|right)\b",
    "subj_i": _LEAD + r"(i|i'd|i've|i'm)\b",
    "subj_we": _LEAD + r"(we|we'd|we've|our team|my team)\b",
    "subj_they": _LEAD + r"(they|he|she|their|his|her)\b",
    "subj_thing": _LEAD + r"(the|it|that|this|there|our|my)\b",
    "past": rf"\b({_PAST}|was|were|had|did|didn't|wasn't|weren't)\b",
    "past_be": r"\b(was|were|had)\b",
    "now": r"\b(now|today|these days|nowadays|anymore)\b",
    "number": r"(\d|%|\$)",
}
_COMPILED = {name: re.compile(rx) for name, rx in CUES.items()}
_ENDS_SENTENCE = re.compile(r"[.?!]['\")\]]*$")
# Cues of the sentence before and after that are worth knowing when labelling this one.
_CONTEXT_CUES = (
    "sit_time",
    "sit_context",
    "sit_aside",
    "task_mine",
    "task_goal",
    "act_i_past",
    "res_outcome",
    "res_first",
    "ref_lesson",
    "ref_change",
    "other_meta",
    "number",
)


def features(sentence: Sentence, position: float, n_sentences: int) -> set[str]:
    """The binary features of one sentence (those that are on); `position` is its index over the
    answer's length (0-1)."""
    text = sentence.normalized
    f = {name for name, rx in _COMPILED.items() if rx.search(text)}
    if any(tok in NUMBER_WORDS for tok in sentence.tokens):
        f.add("number")
    if "past" not in f and ("present_generic" in f or "present_i" in f):
        f.add("present_only")
    f.add("bias")
    if position < 0.15:
        f.add("pos_start")
    elif position < 0.35:
        f.add("pos_early")
    elif position < 0.65:
        f.add("pos_mid")
    elif position < 0.85:
        f.add("pos_late")
    else:
        f.add("pos_end")
    if sentence.index == 0:
        f.add("first")
    if sentence.index == n_sentences - 1:
        f.add("last")
    if len(sentence.tokens) <= 6:
        f.add("short")
    return f


# Prefixes of the features that are a sentence's words, first word and first two words (training
# keeps only those seen in enough answers).
LEXICAL_PREFIXES = ("w:", "o:", "o2:")


def sequence_features(sentences: Sequence[Sentence]) -> list[set[str]]:
    """`features` of every sentence of an answer, plus the main cues of its neighbours."""
    n = len(sentences)
    own = [features(s, i / max(n - 1, 1), n) for i, s in enumerate(sentences)]
    out = []
    for i, f in enumerate(own):
        g = set(f)
        if i > 0:
            g.update(f"prev_{k}" for k in _CONTEXT_CUES if k in own[i - 1])
        if i + 1 < n:
            g.update(f"next_{k}" for k in _CONTEXT_CUES if k in own[i + 1])
        if any("ref_lesson" in h or "ref_change" in h for h in own[:i]):
            g.add("after_reflection")
        if not _ENDS_SENTENCE.search(sentences[i].text):
            # A piece cut out of unpunctuated speech: its cues mean something a little different
            # (a fragment may lack its subject), so every feature also gets a copy of its own.
            g.update([f"u:{k}" for k in g])
        # its words and opening words (the same with or without punctuation, so no copy)
        toks = [t for t in sentences[i].tokens if t]
        word, opener, opener2 = LEXICAL_PREFIXES
        g.update(f"{word}{t}" for t in toks)
        if toks:
            g.add(f"{opener}{toks[0]}")
            g.add(f"{opener2}{' '.join(toks[:2])}")
        out.append(g)
    return out


_by_feature: tuple[object, dict[str, tuple[float, ...]]] = (None, {})


def _weights_by_feature() -> dict[str, tuple[float, ...]]:
    """EMISSION turned around: per feature, its weight for every label in LABELS order, so a
    sentence costs one lookup per feature rather than one per feature and label. Rebuilt when
    the weights are replaced (training installs its own)."""
    global _by_feature
    emission = star_weights.EMISSION
    if _by_feature[0] is not emission:
        names = {n for lab in LABELS for n in emission[lab]}
        table = {n: tuple(emission[lab].get(n, 0.0) for lab in LABELS) for n in names}
        _by_feature = (emission, table)
    return _by_feature[1]


def emission_scores(sentences: Sequence[Sentence]) -> list[dict[str, float]]:
    """Every label's score for every sentence, from its features alone."""
    table = _weights_by_feature()
    zero = (0.0,) * len(LABELS)
    out = []
    for f in sequence_features(sentences):
        rows = [table[k] for k in f if k in table] or [zero]
        out.append(dict(zip(LABELS, map(sum, zip(*rows)))))
    return out


# Explicit signposts a speaker uses to name a STAR part. When the sequence model leaves a part
# out altogether, a sentence that names it this plainly is given that label: a coach would.
SIGNPOSTS = {
    "task": re.compile(r"^((so|and|but|well|now) )*(as \w+( \w+){0,6}, )?(my (job|role|task|goal|"
                       r"responsibility|mandate|assignment) (was|were|is)|i was (responsible|tasked|"
                       r"asked|brought in) |the (goal|objective|task) was)\b|\bmy job was to\b|"
                       r"\b(saw|see|took|take) it as my (job|role|responsibility) to\b"),
    "result": re.compile(r"^((so|and|but|well) )*(in the end|as a result|the result was|ultimately|"
                         r"eventually|at the end of the day|by the end)\b"),
}


def label_sentences(sentences: Sequence[Sentence]) -> list[str]:
    """The most likely STAR label sequence, with plainly signposted parts never lost."""
    labels = _viterbi(sentences)
    n = len(labels)
    for part, rx in SIGNPOSTS.items():
        if part in labels:
            continue
        for i, sent in enumerate(sentences):
            early = i < max(2, n * 0.6)
            if rx.search(sent.normalized) and (early if part == "task" else i >= n * 0.4):
                labels[i] = part
                break
    return labels


def _viterbi(sentences: Sequence[Sentence]) -> list[str]:
    """The most likely STAR label sequence for an answer's sentences (Viterbi)."""
    if not sentences:
        return []
    emissions = emission_scores(sentences)
    trans = star_weights.TRANSITION
    start, end = star_weights.START, star_weights.END
    best = [{lab: start[lab] + emissions[0][lab] for lab in LABELS}]
    back: list[dict[str, str]] = []
    for em in emissions[1:]:
        prev = best[-1]
        row, ptr = {}, {}
        for lab in LABELS:
            src = max(LABELS, key=lambda p, lab=lab: prev[p] + trans[p][lab])
            row[lab] = prev[src] + trans[src][lab] + em[lab]
            ptr[lab] = src
        best.append(row)
        back.append(ptr)
    label = max(LABELS, key=lambda lab: best[-1][lab] + end[lab])
    path = [label]
    for ptr in reversed(back):
        label = ptr[label]
        path.append(label)
    return path[::-1]


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    start: float | None
    end: float | None
    seconds: float | None
    share: float  # of speaking time (of words, for typed answers)
    sentences: tuple[int, ...]


def sections(sentences: Sequence[Sentence], labels: Sequence[str]) -> list[Section]:
    """One entry per STAR label that occurs, with its total time and share of the answer.

    A label that occurs in several places (a rambling answer goes back to context) keeps its first
    start and last end, and its seconds are the sum of its sentences' own durations."""
    timed = bool(sentences) and all(s.start is not None and s.end is not None for s in sentences)
    # A sentence owns the time up to the next one, so the sections tile the answer.
    own: dict[int, float] = {}
    for i, s in enumerate(sentences):
        if timed:
            nxt = sentences[i + 1].start if i + 1 < len(sentences) else s.end
            own[s.index] = max(nxt - s.start, 0.0)  # type: ignore[operator]
        else:
            own[s.index] = float(len(s.tokens))
    per: dict[str, list[Sentence]] = {}
    for s, lab in zip(sentences, labels):
        per.setdefault(lab, []).append(s)
    weight = {lab: sum(own[s.index] for s in group) for lab, group in per.items()}
    total = sum(weight.values())
    out = []
    for lab in LABELS:
        group = per.get(lab)
        if not group:
            continue
        out.append(
            Section(
                label=lab,
                start=group[0].start if timed else None,
                end=group[-1].end if timed else None,
                seconds=round(weight[lab], 2) if timed else None,
                share=round(weight[lab] / total, 3) if total else 0.0,
                sentences=tuple(s.index for s in group),
            )
        )
    return out
