"""The fixed words of the AAR/IP and the printed documents, marked for the message catalogs.

Exercise files and the journal speak in ids and English words (``tabletop``, ``on time``, ``U``); a
document shows them through :func:`word`, in the reader's language. HSEEP rating letters (P, S, M,
U) and ids (``I4``, ``D3``, ``CT2.1``) stay as they are in every language: they are what the
evaluators write on paper. Core capability names follow the National Preparedness Goal's list; the
French and Arabic names are the glossary's (docs/glossary.md).

>>> from facilitator.i18n import translator
>>> word("tabletop", translator("fr")), word("on time", translator("ar")), word("anything else", translator("fr"))
('sur table', 'في الوقت', 'anything else')
"""

from __future__ import annotations

from facilitator.i18n import N_, Translator, translator

__all__ = ["word", "WORDS", "capability", "noun", "NOUNS"]

_CAPABILITIES = (
    N_("Planning"), N_("Public Information and Warning"), N_("Operational Coordination"), N_("Forensics and Attribution"),
    N_("Intelligence and Information Sharing"), N_("Interdiction and Disruption"),
    N_("Screening, Search, and Detection"), N_("Access Control and Identity Verification"), N_("Cybersecurity"),
    N_("Physical Protective Measures"), N_("Risk Management for Protection Programs and Activities"),
    N_("Supply Chain Integrity and Security"), N_("Community Resilience"), N_("Long-term Vulnerability Reduction"),
    N_("Risk and Disaster Resilience Assessment"), N_("Threats and Hazards Identification"),
    N_("Critical Transportation"), N_("Environmental Response/Health and Safety"), N_("Fatality Management Services"),
    N_("Fire Management and Suppression"), N_("Logistics and Supply Chain Management"), N_("Mass Care Services"),
    N_("Mass Search and Rescue Operations"), N_("On-scene Security, Protection, and Law Enforcement"),
    N_("Operational Communications"), N_("Public Health, Healthcare, and Emergency Medical Services"),
    N_("Situational Assessment"), N_("Economic Recovery"), N_("Health and Social Services"), N_("Housing"),
    N_("Infrastructure Systems"), N_("Natural and Cultural Resources"),
)
"""The 32 core capabilities (:data:`facilitator.exercise.schema.CORE_CAPABILITIES`), marked for translation."""

WORDS = frozenset(_CAPABILITIES) | {
    # exercise types and mission areas (facilitator.exercise.schema.Overview)
    N_("seminar"), N_("workshop"), N_("tabletop"), N_("game"),
    N_("prevention"), N_("protection"), N_("mitigation"), N_("response"), N_("recovery"),
    # team roles, session phases, capability elements (POETE)
    N_("player"), N_("controller"), N_("evaluator"), N_("observer"),
    N_("setup"), N_("briefing"), N_("conduct"), N_("hot wash"), N_("closed"), N_("pre-incident"),
    N_("planning"), N_("organisation"), N_("equipment"), N_("training"), N_("exercise"),
    # scoring statuses (facilitator.evaluation.scoring.points_for)
    N_("on time"), N_("late"), N_("too late"), N_("missing"), N_("taken"), N_("partial"), N_("not released"),
    # the rating names (facilitator.exercise.schema.RATING_NAMES) and the feedback items (hotwash.FEEDBACK_ITEMS)
    N_("Performed without challenges"), N_("Performed with some challenges"), N_("Performed with major challenges"),
    N_("Unable to be performed"),
    N_("The exercise met its objectives"), N_("The scenario was realistic"), N_("My role and responsibilities were clear"),
    N_("I am better prepared to respond to a real incident"),
    # outcome indicators and arms (facilitator.evaluation.outcomes.METRICS, ARM_LABELS)
    N_("Deaths"), N_("Preventable deaths"), N_("Exposed person-minutes"), N_("95 %% evacuation time"),
    N_("Last immediate patient at hospital"), N_("Everyone accounted for"), N_("Reunification complete"), N_("Mean reunification wait"),
    N_("all clear"), N_("contained"),
    # how an inject reaches its recipients (schema.DELIVERY_METHODS, in words) and what a zone is (venue ZoneKind)
    N_("in person"), N_("phone"), N_("radio"), N_("email"), N_("text message"), N_("public address"),
    N_("social media"), N_("news media"), N_("document"),
    N_("room"), N_("hall"), N_("corridor"), N_("concourse"), N_("stair"), N_("outdoor"),
    # recovery phases (simsoft.schema.recovery.PHASES, in words)
    N_("investigation"), N_("clean up"), N_("reopen preparation"), N_("family assistance"),
    N_("your decisions"), N_("doctrine"), N_("no action"), N_("people"), N_("person-min"), N_("vehicles"),
    # who overrides an order, what happens instead, and why (simsoft's override.order / override.cordon events)
    N_("occupants"), N_("plan"), N_("containment"), N_("scenario"),
    N_("evacuate"), N_("shelter"), N_("lockdown"), N_("release"), N_("hot"), N_("warm"), N_("cold"),
    N_("cordon hot"), N_("cordon warm"), N_("cordon cold"),
    N_("occupants see the incident"), N_("occupants hear or see the incident next door"),
    N_("recovery: release after the all clear"),
    N_("recovery: everyone still inside is brought out after the all clear"),
    N_("harm is happening in the zone"),
}
"""Every fixed word a document may show through :func:`word`."""

NOUNS = {"alert": N_("alerting"), "evacuate": N_("evacuation order"), "shelter": N_("shelter order"),
         "lockdown": N_("lockdown"), "release": N_("release of the sheltered zones"), "close": N_("closure"),
         "open": N_("opening of a door or passage"), "dispatch": N_("unit dispatch"), "cordon": N_("cordon"), "declare": N_("declaration"),
         "public_information": N_("public information message"), "staging": N_("ambulance staging point"),
         "casualty_collection_point": N_("casualty collection point"), "mutual_aid": N_("mutual aid request"),
         "major_incident": N_("major incident declaration"), "request_ambulances": N_("request for ambulances"),
         "warm_zone": N_("warm-zone entry"), "distribution": N_("hospital distribution"),
         "hospital_plan": N_("hospital plan activation"), "scene_resources": N_("scene resources"),
         "accountability": N_("accountability"), "recovery": N_("recovery phase"), "reunification": N_("reunification"),
         # the regional decisions (simsoft.region.decisions)
         "assign_units": N_("units assigned"), "release_units": N_("units released"),
         "reassign_units": N_("units reassigned"), "divert": N_("hospital diversion"), "posture": N_("protective posture"),
         "site": N_("action at a site")}
"""Each action verb as a noun (``close`` -> ``closure``): what a team did, or never did, in a finding."""


def word(text: str, tr: Translator | None = None) -> str:
    """``text`` in ``tr``'s language when it is one of :data:`WORDS` (else as it is: an id, a free text)."""
    key = text.replace("%", "%%")  # a catalog message with a percent sign is always %-formatted
    if tr is None or tr.lang == "en" or key not in WORDS:
        return text
    return tr(key)


def capability(name: str, tr: Translator | None = None) -> str:
    """A core capability's name in ``tr``'s language (a name outside the National Preparedness Goal stays)."""
    return word(name, tr)


def noun(verb: str, tr: Translator | None = None) -> str:
    """The action ``verb`` as a noun (``evacuate`` -> ``evacuation order``), in ``tr``'s language."""
    said = NOUNS.get(verb, verb.replace("_", " "))
    return (tr or translator("en")).gettext(said) if verb in NOUNS else said
