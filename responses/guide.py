"""Turns a topic, a safety concern or a conversation move into a reply.

The handlers in `skill/` decide *what* was asked; this module decides *what to say*: which
wording, whether the disclaimer is due, which follow-up to offer, what Yes, No, "more", "repeat"
and "go back" mean at this point, and the safety lines of docs/safety.md. It mutates the
Conversation it is given and returns a Reply.

Words for the ear: an answer comes first, then (once a session) the disclaimer, then one offer.
No offer is made twice in a session, and an offer is never for a topic already heard.

Safe when the understanding misses: a reassuring answer always carries the red-flag clause, and
once a safety line has been said the session remembers it, so no later answer reassures (the
`replaced` table, from skill/safety.py, says which kinds of answer each concern replaces).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from responses.content import Content, Offer, Topic
from responses.conversation import MAX_ANSWERS, MAX_HISTORY, Conversation
from responses.reply import Reply
from responses.ssml import speak

REASSURANCE = "reassurance"
"""The kind of topic that says twitches usually pass or are harmless (Topic.kind)."""

MISSES_BEFORE_GOODBYE = 2
"""Fallbacks in a row after which the session ends politely (Amazon: no dead ends, no loops)."""


CONCERN_TITLES = {
    "urgent": "urgent_title",
    "warning": "warning_title",
    "worry": "worry_title",
    "medicine": "professional_title",
    "person": "professional_title",
}
"""Each safety line that keeps the session open, and its card title's key."""


class Guide:
    def __init__(self, content: Content, rng: random.Random, replaced: Mapping[str, frozenset[str]]) -> None:
        self.content = content
        self.rng = rng
        """Which wording is said: handed in, never made here, so whoever builds a guide decides
        whether chance or a test chooses."""
        self.replaced = replaced
        """Safety line -> the kinds of topic (Topic.kind) it replaces for the rest of the session."""

    # Answers -----------------------------------------------------------------------------------

    def answer(self, conversation: Conversation, topic_key: str) -> Reply:
        """A topic's short answer, a wording not used for it last time in this session; after a
        concern, the concern again instead of any answer it replaces."""
        topic = self.content.topics[topic_key]
        if self._replaced(conversation, topic):
            return self.after_concern(conversation)
        wording = self._wording(conversation, topic)
        conversation.heard = [*conversation.heard, topic.key][-MAX_HISTORY:]
        conversation.expanded = False
        return self._topic_reply(conversation, topic, self.with_red_flag(topic, wording))

    def more(self, conversation: Conversation) -> Reply:
        """The longer version of the last answer, topic or safety line (once; after that, say
        there is no more)."""
        topic = self._current(conversation)
        if topic is None and conversation.concern is not None:
            return self._concern_reply(conversation, self.content.safety[f"{conversation.concern}_more"])
        if topic is None:
            return self._question(conversation, self.content.line("ask_first"))
        if conversation.expanded:
            return self._topic_reply(conversation, topic, self.content.line("nothing_more"))
        conversation.expanded = True
        return self._topic_reply(conversation, topic, self.with_red_flag(topic, topic.more))

    # Safety (docs/safety.md): no reassurance, no tips, the right professional ---------------------

    def emergency(self, conversation: Conversation) -> Reply:
        """One line with the locale's emergency number and nothing else; the session ends."""
        safety = self.content.safety
        reply = Reply(
            speak(safety["emergency"]),
            None,
            safety["emergency_title"],
            safety["emergency_card"],
            concern="emergency",
        )
        return self._finish(conversation, reply)

    def clarify(self, conversation: Conversation) -> Reply:
        """Emergency-shaped words that name no emergency ("what should I do"): the number, in
        case, and a question; the session stays open. Only a named emergency ends it."""
        conversation.offer = None
        reply = Reply(
            speak(self.content.safety["clarify"]),
            speak(self.content.safety["clarify_reprompt"]),
            self.content.safety["emergency_title"],
            self.content.safety["emergency_card"],
            concern="clarify",
        )
        return self._finish(conversation, reply)

    def urgent(self, conversation: Conversation) -> Reply:
        """Dark urine after hard exercise: medical care today."""
        return self._raise(conversation, "urgent")

    def warning(self, conversation: Conversation, sign: str) -> Reply:
        """A warning sign (an id of the content's [signs]): see a doctor."""
        return self._raise(conversation, "warning", sign)

    def worry(self, conversation: Conversation) -> Reply:
        """A feared illness, or a cause we do not know: only a doctor can tell."""
        return self._raise(conversation, "worry")

    def medicine(self, conversation: Conversation) -> Reply:
        """Medicines, supplements and doses: ask a doctor or pharmacist, never a name or a dose."""
        return self._raise(conversation, "medicine")

    def person(self, conversation: Conversation, person: str) -> Reply:
        """A baby, a child or pregnancy (an id of the content's [persons]): ask a professional."""
        return self._raise(conversation, "person", person)

    def after_concern(self, conversation: Conversation) -> Reply:
        """A question whose answer would reassure, after a concern: the concern again, never "it
        will pass"."""
        text = f"{self.content.safety['after']} {self.concern_line(conversation)}"
        return self._concern_reply(conversation, text)

    # Conversation moves ------------------------------------------------------------------------

    def welcome(self, conversation: Conversation) -> Reply:
        """The welcome says the disclaimer itself, in a few words, so answers need not. Its
        question names three topics; Yes takes the first."""
        conversation.disclaimer_given = True
        reply = self._menu_reply(self._pick("welcome"), self.content.line("welcome_reprompt"))
        return self._menu(conversation, reply)

    def help(self, conversation: Conversation) -> Reply:
        reply = self._menu_reply(
            self.content.line("help"), self.content.line("help_reprompt"), or_question=False
        )
        return self._menu(conversation, reply)

    def start_over(self, conversation: Conversation) -> Reply:
        """Forget everything and welcome again (the welcome says the disclaimer once more)."""
        vars(conversation).update(vars(Conversation()))
        return self.welcome(conversation)

    def accept(self, conversation: Conversation) -> Reply:
        """Yes: take the pending offer (an or-question's first option); with none pending, offer
        the next topic not yet heard nor offered."""
        offer = conversation.offer
        if offer is not None and offer in self.content.topics:
            return self.answer(conversation, offer)
        suggestion = self._next_offer(conversation, self.content.suggestions)
        if suggestion is None:
            return self.help(conversation)
        return self._offer_reply(conversation, suggestion)

    def decline(self, conversation: Conversation) -> Reply:
        """No: to an offer, ask what else; to "anything else?" or a menu's or-question, goodbye.
        (A menu's first option is pending for Yes but was never offered on its own.)"""
        if conversation.offer not in conversation.offers:
            return self.goodbye(conversation)
        conversation.offer = None
        return self._question(conversation, self._pick("decline"), self.content.line("anything_else"))

    def repeat(self, conversation: Conversation) -> Reply:
        """The last reply again, word for word."""
        if conversation.last is not None:
            return self._replay(conversation, conversation.last)
        return self._question(
            conversation, self.content.line("nothing_to_repeat"), self.content.line("anything_else")
        )

    def previous(self, conversation: Conversation) -> Reply:
        """Go back: the answer before the last one, word for word; what was heard stays heard."""
        if len(conversation.answers) < 2:
            return self._question(
                conversation,
                self.content.line("nothing_before"),
                self.content.line("anything_else"),
            )
        return self._replay(conversation, conversation.answers[-2])

    def fallback(self, conversation: Conversation) -> Reply:
        """Say what the skill can do, and the emergency number; after repeated misses, goodbye."""
        misses = conversation.fallbacks + 1
        if misses >= MISSES_BEFORE_GOODBYE:
            reply = Reply(speak(self.content.line("fallback_final")), None)
        else:
            reply = self._menu_reply(self.content.line("fallback"), self.content.line("fallback_reprompt"))
            conversation.offer = reply.offer
        return self._finish(conversation, reply, misses)

    def goodbye(self, conversation: Conversation) -> Reply:
        """After a concern, a neutral goodbye that points to the doctor, never "enjoy your workout"."""
        text = self._pick("goodbye") if conversation.concern is None else self.content.line("goodbye_concern")
        return self._finish(conversation, Reply(speak(text), None))

    def error(self, conversation: Conversation) -> Reply:
        return self._finish(
            conversation,
            Reply(speak(self.content.line("error")), speak(self.content.line("error_reprompt"))),
        )

    # Building blocks ---------------------------------------------------------------------------

    def _topic_reply(self, conversation: Conversation, topic: Topic, text: str) -> Reply:
        """The text, the disclaimer (first time only, after the answer), then the next offer."""
        disclaimer = "" if conversation.disclaimer_given else self.content.line("disclaimer")
        conversation.disclaimer_given = True
        conversation.topic = topic.key
        offer_key = self._next_offer(conversation, topic.next) or self._next_offer(
            conversation, self.content.suggestions
        )
        self._offering(conversation, offer_key)
        if offer_key is None:
            ask, reprompt = self.content.line("anything_else"), self.content.line("anything_else_reprompt")
        else:
            offer = self._offer(offer_key)
            ask, reprompt = offer.ask, offer.reprompt
        card_text = "\n\n".join(
            (
                text,
                self.content.line("source").format(source=topic.source),
                self.content.line("card_disclaimer"),
            )
        )
        reply = Reply(
            speak(text, disclaimer, ask),
            speak(reprompt),
            topic.title,
            card_text,
            topic.points,
            topic=topic.key,
            offer=offer_key,
        )
        return self._answered(conversation, reply)

    def with_red_flag(self, topic: Topic, text: str) -> str:
        """A reassuring answer never stands alone: the article's rule for when to see a doctor
        follows it, on the card too."""
        return f"{text} {self.content.line('red_flag')}" if topic.kind == REASSURANCE else text

    def _next_offer(self, conversation: Conversation, candidates: tuple[str, ...]) -> str | None:
        """The first candidate whose family is not yet heard, that was never offered this
        session, and that the session's concern does not replace."""
        topics = self.content.topics
        heard = {topics[key].family for key in conversation.heard if key in topics}
        return next(
            (
                key
                for key in candidates
                if key not in heard
                and key not in conversation.offers
                and not self._replaced(conversation, topics[key])
            ),
            None,
        )

    def _offering(self, conversation: Conversation, key: str | None) -> None:
        conversation.offer = key
        if key is not None:
            conversation.offers = [*conversation.offers, key][-MAX_HISTORY:]

    def _replaced(self, conversation: Conversation, topic: Topic) -> bool:
        """Whether the session's concern replaces this topic's answer."""
        return conversation.concern is not None and topic.kind in self.replaced.get(conversation.concern, ())

    def _offer(self, key: str) -> Offer:
        offer = self.content.topics[key].offer
        if offer is None:
            raise KeyError(f"topic {key!r} is offered but has no offer wording")
        return offer

    def _offer_reply(self, conversation: Conversation, key: str) -> Reply:
        offer = self._offer(key)
        self._offering(conversation, key)
        return self._finish(conversation, Reply(speak(offer.ask), speak(offer.reprompt), offer=key))

    def _raise(self, conversation: Conversation, concern: str, value: str | None = None) -> Reply:
        """Say a safety line and remember it for the rest of the session."""
        conversation.concern, conversation.concern_value = concern, value
        return self._concern_reply(conversation, self.concern_line(conversation))

    def concern_line(self, conversation: Conversation) -> str:
        """The session's safety line, with the warning sign or person it named."""
        concern, value = conversation.concern or "worry", conversation.concern_value
        text = self.content.safety[concern]
        if concern == "warning":
            return text.format(sign=self.content.signs[value or ""])
        if concern == "person":
            return text.format(person=self.content.persons[value or ""])
        return text

    def _concern_reply(self, conversation: Conversation, text: str) -> Reply:
        """A safety text, then "what else?": nothing offered, nothing reassuring, on the card too."""
        conversation.offer = conversation.topic = None
        card_text = f"{text}\n\n{self.content.line('card_disclaimer')}"
        reply = Reply(
            speak(text, self.content.line("anything_else")),
            speak(self.content.line("anything_else_reprompt")),
            self.content.safety[CONCERN_TITLES[conversation.concern or "worry"]],
            card_text,
            concern=conversation.concern,
        )
        return self._answered(conversation, reply)

    def _menu(self, conversation: Conversation, reply: Reply) -> Reply:
        conversation.offer = reply.offer
        return self._finish(conversation, reply)

    def _menu_reply(self, text: str, reprompt: str, or_question: bool = True) -> Reply:
        """A reply naming what the skill covers. Yes to its or-question ("why, prevention, or a
        doctor?") takes the first option, the first suggestion."""
        return Reply(
            ssml=speak(text),
            reprompt=speak(reprompt),
            card_title=self.content.line("menu_title"),
            card_text=text,
            points=self.content.variants("menu"),
            offer=self.content.suggestions[0] if or_question else None,
        )

    def _question(self, conversation: Conversation, *parts: str) -> Reply:
        conversation.offer = None
        reprompt = self.content.line("anything_else_reprompt")
        return self._finish(conversation, Reply(speak(*parts), speak(reprompt)))

    def _answered(self, conversation: Conversation, reply: Reply) -> Reply:
        """An answer (a topic or a safety line), kept for "go back"."""
        conversation.answers = [*conversation.answers, reply][-MAX_ANSWERS:]
        return self._finish(conversation, reply)

    def _replay(self, conversation: Conversation, reply: Reply) -> Reply:
        """A reply said again as it was: Yes, "more" mean what they meant then."""
        conversation.offer, conversation.topic = reply.offer, reply.topic
        return self._finish(conversation, reply)

    def _finish(self, conversation: Conversation, reply: Reply, misses: int = 0) -> Reply:
        """Every reply ends here: the misses in a row so far (0 unless this was a fallback), and
        the reply kept for Repeat while the session stays open."""
        conversation.fallbacks = misses
        if not reply.end_session:
            conversation.last = reply
        return reply

    def _current(self, conversation: Conversation) -> Topic | None:
        return self.content.topics.get(conversation.topic or "")

    def _wording(self, conversation: Conversation, topic: Topic) -> str:
        """A summary wording, never the one this topic used last time in the session."""
        previous = conversation.wording.get(topic.key)
        choices = [i for i in range(len(topic.summary)) if i != previous] or [0]
        index = self.rng.choice(choices)
        conversation.wording[topic.key] = index
        return topic.summary[index]

    def _pick(self, key: str) -> str:
        return self.rng.choice(self.content.variants(key))
