"""The tolerance (容错) procedure, stage by stage (seed 003, S003-04/05/08–11/15).

**Reach.** The provision ``tolerance`` (τ, in force at the unit) decides which errors are
*eligible*. Reform and innovation failures come first (S003-15b): eligible with
probability min(1, 2τ). Unintentional errors in routine work (a missed target) and acts
judged under drifted standards (retroactive cases, the "today right, tomorrow wrong" of
S000-06b) follow as the provision broadens: max(0, 2τ − 1). Inaction is never eligible:
tolerance protects those who act in the public interest (S003-15c).

**Procedure.** An eligible case passes, or drops out at, each stage:

1. application  — the cadre applies if it knows its error qualifies (clarity) and
                  believes the procedure works (its own belief ``b``);
2. acceptance   — the case is accepted; public intolerance blocks high-profile cases;
                  with ``consensus_to_start`` > 0, disagreement between levels keeps
                  cases from starting at all (局部空转, S003-09b: 很难启动);
3. consultation — discipline commission and organisation department jointly; the
                  discipline commission only clears clearly listed errors (S003-10);
4. determination — the same-level party committee; high-profile cases go to the upper
                  level, whose (dis)agreement acts here (S003-05c);
5. recognition  — the upper level recognises the decision, else it is a 'local ration
                  coupon' (地方粮票, S003-09c): tolerated below, not above; the sanction stands.

**Strength.** The provision binds the stages where officials have discretion: it
obliges departments to tell a cadre its error qualifies and help it apply (S003-05),
to accept the case, and the committee to decide on it. A stage with discretion ``x``
passes with τ + (1 − τ)·x; at the application stage the text binds with ``duty``·τ
(``application_duty``: that departments help cadres apply is seed 003's proposal,
S003-05; the county text it quotes leaves applying to the cadre, S003-04; 1 by default,
model 2.0's reading). It cannot overcome what a text does not decide: unclear
standards (cadres do not know their error qualifies, the discipline commission clears
only listed errors — and a text binds it only half, S003-10), public opinion against
a high-profile case (S003-11), and an upper level that disagrees (S003-09). The
chance that a case is tolerated is the product of the stages and so *emerges*; "text
rich, practice poor" (S003-07) appears where those other stages block.

**Local texts.** The provision is written down level by level: "some local governments
follow at once with more detailed" texts (一些地方政府便随即跟进并制定出更为详细的政策,
S003-03e; Shaanxi's text, then its cities', then Zichang county's, S003-03c, S003-04),
detailed above all in "the standards, the procedure and the use of the results"
(S003-03d). So the provision in force differs between jurisdictions: a city's text
departs from the province's, a county's from its city's, and a township works under its
county's. ``local_texts`` draws each jurisdiction's departure (a standard offset; half of
a county's variance is its city's); ``local_text_spread`` (s_L) scales it on the logit
scale of the provision's strength τ and of the standards' clarity together — a more
detailed text is both clearer and binds more. The parameter values are the province's
text, the median county's. s_L = 0 switches the mechanism off: one text everywhere.
Assumptions (ODD §3.4): departures fall either way around the province's text, although
the sources find city and county texts more detailed on the whole, so the calibration fits
the median county's provision; townships have no text of their own. How far local texts
differ is not a figure of the sources: s_L is fitted to the survey (S003-06), where it
decides how many respondents know of "many" cases.
"""

from __future__ import annotations

import numpy as np

from model.hierarchy import LEVELS, Hierarchy

STAGES: tuple[str, ...] = ("cases", "applied", "accepted", "consulted", "approved", "recognised")
STAGES_ZH: tuple[str, ...] = (
    "被问责案例",
    "提出申请",
    "受理",
    "调查会商通过",
    "审议认定",
    "上级认可",
)
ORGANISATION_APPROVAL = 0.9  # the organisation department leans to incentive (S003-10)
# A cadre who thinks the procedure never works still applies sometimes (its superiors or
# the organisation department may apply for it, S003-05).
APPLY_FLOOR = 0.2
# Transmitted parameters a local text details (S003-03d): the standards and the procedure.
LOCAL_TEXT: tuple[str, ...] = ("tolerance", "standards_clarity")
# Levels that write their own implementing texts (S003-03c); townships work under their
# county's, the province's text is the reference.
_TEXT_LEVELS = (LEVELS.index("city"), LEVELS.index("county"))
# Columns of ``eligibility``: failed innovations, unintentional routine errors, retro cases.
ELIGIBLE_INNOVATION, ELIGIBLE_ROUTINE, ELIGIBLE_RETRO = range(3)


def local_texts(h: Hierarchy, rng: np.random.Generator) -> np.ndarray:
    """(U,) each unit's local text's departure from the province's, in standard units: a
    city's is N(0, 1/2); a county's is its city's plus its own N(0, 1/2), so counties
    differ by 1 in all; a township's is its county's; the centre and provinces 0."""
    z = np.zeros(h.n_units)
    for lv in range(1, len(LEVELS)):
        units = h.units_at(lv)
        z[units] = z[h.parent[units]]
        if lv in _TEXT_LEVELS:
            z[units] += np.sqrt(0.5) * rng.standard_normal(len(units))
    return z


def localised(x: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """``x`` in [0, 1] moved by ``shift`` on the logit scale: x·e^s / (x·e^s + 1 − x),
    exact at 0 and 1 (which no local text moves) and where the shift is 0 (the
    province's own text)."""
    x = np.asarray(x, dtype=float)
    up = x * np.exp(shift)
    return np.where(shift == 0, x, up / (up + (1.0 - x)))  # (1 - x) first: exact at x = 1


def eligibility(tol: np.ndarray) -> np.ndarray:
    """(U, 3) chance that a case of each eligible kind falls under the provision."""
    tol = np.asarray(tol, dtype=float)
    broad = np.clip(2.0 * tol - 1.0, 0.0, 1.0)
    return np.stack([np.minimum(2.0 * tol, 1.0), broad, broad], axis=-1)


def stage_factors(
    tol: np.ndarray,
    clarity: np.ndarray,
    discipline: np.ndarray,
    consensus: np.ndarray,
    public: float,
    start: float = 0.0,
) -> np.ndarray:
    """(U, 2, 5) pass probability of each stage for an ordinary (row 0) and a
    high-profile (row 1) case. Column 0 holds stage 1's chance that the cadre knows its
    error qualifies; whether it then applies depends on its belief (``application``).
    ``start`` (``consensus_to_start``) is how far disagreement between levels stops a
    case at acceptance, beyond what the text can oblige: acceptance × (1 − start·(1 − κ))."""
    tol, clarity, discipline, consensus = (
        np.asarray(x, dtype=float) for x in (tol, clarity, discipline, consensus)
    )

    def bound(x: np.ndarray | float) -> np.ndarray:  # a stage the text can oblige
        return tol + (1.0 - tol) * x

    out = np.empty((*tol.shape, 2, 5))
    out[..., :, 0] = (0.4 + 0.6 * clarity)[..., None]
    out[..., 0, 1] = bound(0.7 + 0.3 * public)
    out[..., 1, 1] = public * (0.5 + 0.5 * tol)
    if start:  # 0 leaves the floats exactly as they were
        out[..., :, 1] *= (1.0 - start * (1.0 - consensus))[..., None]
    out[..., :, 2] = (
        discipline * clarity * (0.5 + 0.5 * tol) + (1.0 - discipline) * ORGANISATION_APPROVAL
    )[..., None]
    committee = (0.5 + 0.5 * clarity) * bound(0.5)
    out[..., 0, 3] = committee
    out[..., 1, 3] = committee * consensus
    out[..., 0, 4] = consensus
    out[..., 1, 4] = 1.0
    return out


def application(tol: np.ndarray, belief: np.ndarray, duty: float = 1.0) -> np.ndarray:
    """Chance that a cadre who knows its error qualifies applies: obliged by the text
    (its strength ``tol`` times the ``duty`` it lays on departments to help), or on its
    own belief that the procedure works."""
    bind = duty * np.asarray(tol, dtype=float)
    apply_own = APPLY_FLOOR + (1.0 - APPLY_FLOOR) * np.asarray(belief, dtype=float)
    return bind + (1.0 - bind) * apply_own


def effective_tolerance(
    factors: np.ndarray,
    tol: np.ndarray,
    high_profile_share: float,
    belief: np.ndarray | float | None = None,
    duty: float = 1.0,
) -> np.ndarray:
    """Chance that an eligible case ends tolerated and recognised, per unit.

    At a given belief of the applicant, or (``belief`` None) at the belief that equals
    it — the fixed point of b = stages(b), which is linear in b: what a cadre who had
    learnt the procedure's record would expect.
    """
    through = factors.prod(axis=-1)  # (U, 2) with stage 1's knowledge, without applying
    reach = (1.0 - high_profile_share) * through[..., 0] + high_profile_share * through[..., 1]
    if belief is not None:
        return reach * application(tol, belief, duty)
    bind = duty * np.asarray(tol, dtype=float)
    alpha = bind + (1.0 - bind) * APPLY_FLOOR  # application at belief 0 ...
    beta = (1.0 - bind) * (1.0 - APPLY_FLOOR)  # ... and its slope in the belief
    return alpha * reach / (1.0 - beta * reach)


def referred_up(stages: np.ndarray, high_profile: np.ndarray) -> np.ndarray:
    """Which cases reached the superior unit, from ``run_procedure``'s (k, 5) stages: an
    ordinary case once determined below (stage 4 passed; it goes up for recognition,
    stage 5), a high-profile one once cleared in consultation (stage 3 passed; its
    determination, stage 4, is made with the upper committee, S003-05c)."""
    return np.where(high_profile, stages[:, 2], stages[:, 3])


def run_procedure(
    factors: np.ndarray,
    tol: np.ndarray,
    belief: np.ndarray,
    u: np.ndarray,
    applies: np.ndarray | None = None,
    duty: float = 1.0,
) -> np.ndarray:
    """Stages passed per case: bool (k, 5); row i is True up to where case i dropped out.

    ``factors`` (k, 5) are each case's ``stage_factors`` row (its unit, high-profile or
    not), ``tol`` (k,) the provision in force there, ``belief`` (k,) the applicant's
    believed tolerance, ``u`` uniforms (k, 5). ``applies`` (k,) may decide stage 1 for
    some cases (1: applies, 0: does not, -1: as the rule says), for a cadre played by a
    user.
    """
    probs = np.array(factors, dtype=float)
    probs[:, 0] *= application(tol, belief, duty)
    if applies is not None:
        probs[:, 0] = np.where(applies >= 0, applies, probs[:, 0])
    return np.logical_and.accumulate(u < probs, axis=1)
