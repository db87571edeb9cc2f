"""Turns a topic, a safety concern or a conversation move into a reply.

The handlers in `skill/` decide *what* was asked; this module decides *what to say*: which
wording, whether the disclaimer is due, which follow-up to offer, what Yes, No, "more", "repeat"
and "go back" mean at this point, and the safety lines of ../shared/docs/SAFETY.md. It mutates
the Conversation it is given and returns a Reply.

Words for the ear: an answer comes first, then (once a session) the disclaimer, then one offer.
No offer is made twice in a row, and an offer is never for a topic already heard.
"""

from __future__ import annotations

import random

from responses.content import Content, Offer, Topic
from responses.conversation import MAX_HISTORY, Conversation
from responses.reply import Reply
from responses.ssml import speak

MISSES_BEFORE_GOODBYE = 2
"""Fallbacks in a row after which the session ends politely (Amazon: no dead ends, no loops)."""


class Guide:
    def __init__(self, content: Content, rng: random.Random) -> None:
        self.content = content
        self.rng = rng
        """Which wording is said: handed in, never made here, so whoever builds a guide decides
        whether chance or a test chooses."""

    # Answers -----------------------------------------------------------------------------------

    def answer(self, conversation: Conversation, topic_key: str) -> Reply:
        """A topic's short answer, a wording not used for it last time in this session."""
        topic = self.content.topics[topic_key]
        wording = self._wording(conversation, topic)
        conversation.heard = [*conversation.heard, topic.key][-MAX_HISTORY:]
        conversation.expanded = False
        return self._topic_reply(conversation, topic, wording)

    def more(self, conversation: Conversation) -> Reply:
        """The longer version of the last topic (once; after that, say there is no more)."""
        topic = self._current(conversation)
        if topic is None:
            return self._question(conversation, self.content.line("ask_first"))
        if conversation.expanded:
            return self._topic_reply(conversation, topic, self.content.line("nothing_more"))
        conversation.expanded = True
        return self._topic_reply(conversation, topic, topic.more)

    # Safety (SAFETY.md): no reassurance, no tips, the right professional -------------------------

    def emergency(self, conversation: Conversation) -> Reply:
        """One line with the locale's emergency number and nothing else; the session ends."""
        safety = self.content.safety
        reply = Reply(speak(safety["emergency"]), None, safety["emergency_title"], safety["emergency_card"])
        return self._finish(conversation, reply)

    def urgent(self, conversation: Conversation) -> Reply:
        """Dark urine after hard exercise: medical care today."""
        return self._concern(conversation, self.content.safety["urgent"], "urgent_title")

    def warning(self, conversation: Conversation, sign: str) -> Reply:
        """A warning sign (an id of the content's [signs]): see a doctor."""
        text = self.content.safety["warning"].format(sign=self.content.signs[sign])
        return self._concern(conversation, text, "warning_title")

    def worry(self, conversation: Conversation) -> Reply:
        """A feared illness, or a cause we do not know: only a doctor can tell."""
        return self._concern(conversation, self.content.safety["worry"], "worry_title")

    def medicine(self, conversation: Conversation) -> Reply:
        """Medicines, supplements and doses: ask a doctor or pharmacist, never a name or a dose."""
        return self._concern(conversation, self.content.safety["medicine"], "professional_title")

    def person(self, conversation: Conversation, person: str) -> Reply:
        """A baby, a child or pregnancy (an id of the content's [persons]): ask a professional."""
        text = self.content.safety["person"].format(person=self.content.persons[person])
        return self._concern(conversation, text, "professional_title")

    # Conversation moves ------------------------------------------------------------------------

    def welcome(self, conversation: Conversation) -> Reply:
        """The welcome says the disclaimer itself, in a few words, so answers need not."""
        conversation.offer = None
        conversation.disclaimer_given = True
        return self._menu(conversation, self._pick("welcome"), self.content.line("welcome_reprompt"))

    def help(self, conversation: Conversation) -> Reply:
        conversation.offer = None
        return self._menu(conversation, self.content.line("help"), self.content.line("help_reprompt"))

    def start_over(self, conversation: Conversation) -> Reply:
        """Forget everything and welcome again (the welcome says the disclaimer once more)."""
        vars(conversation).update(vars(Conversation()))
        return self.welcome(conversation)

    def accept(self, conversation: Conversation) -> Reply:
        """Yes: take the pending offer; with none pending, offer the next topic not yet heard."""
        offer = conversation.offer
        if offer is not None and offer in self.content.topics:
            return self.answer(conversation, offer)
        suggestion = self._next_offer(conversation, self.content.suggestions)
        if suggestion is None:
            return self.help(conversation)
        return self._offer_reply(conversation, suggestion)

    def decline(self, conversation: Conversation) -> Reply:
        """No: to an offer, ask what else; to "anything else?", say goodbye."""
        if conversation.offer is None:
            return self.goodbye(conversation)
        conversation.offer = None
        return self._question(conversation, self._pick("decline"), self.content.line("anything_else"))

    def repeat(self, conversation: Conversation) -> Reply:
        if conversation.last is not None:
            return conversation.last
        return self._question(
            conversation, self.content.line("nothing_to_repeat"), self.content.line("anything_else")
        )

    def previous(self, conversation: Conversation) -> Reply:
        """Go back: answer the topic heard before the current one again."""
        heard = [key for key in conversation.heard if key in self.content.topics]
        if len(heard) < 2:
            return self._question(
                conversation,
                self.content.line("nothing_before"),
                self.content.line("anything_else"),
            )
        conversation.heard = heard[:-2]
        return self.answer(conversation, heard[-2])

    def fallback(self, conversation: Conversation) -> Reply:
        """Say what the skill can do, and the emergency number; after repeated misses, goodbye."""
        misses = conversation.fallbacks + 1
        if misses >= MISSES_BEFORE_GOODBYE:
            reply = Reply(speak(self.content.line("fallback_final")), None)
        else:
            conversation.offer = None
            reply = self._menu_reply(self.content.line("fallback"), self.content.line("fallback_reprompt"))
        return self._finish(conversation, reply, misses)

    def goodbye(self, conversation: Conversation) -> Reply:
        return self._finish(conversation, Reply(speak(self._pick("goodbye")), None))

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
        conversation.offer = conversation.offered = offer_key
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
        reply = Reply(speak(text, disclaimer, ask), speak(reprompt), topic.title, card_text, topic.points)
        return self._finish(conversation, reply)

    def _next_offer(self, conversation: Conversation, candidates: tuple[str, ...]) -> str | None:
        """The first candidate whose family is not yet heard and that was not just offered."""
        topics = self.content.topics
        heard = {topics[key].family for key in conversation.heard if key in topics}
        return next(
            (key for key in candidates if key not in heard and key != conversation.offered),
            None,
        )

    def _offer(self, key: str) -> Offer:
        offer = self.content.topics[key].offer
        if offer is None:
            raise KeyError(f"topic {key!r} is offered but has no offer wording")
        return offer

    def _offer_reply(self, conversation: Conversation, key: str) -> Reply:
        offer = self._offer(key)
        conversation.offer = conversation.offered = key
        return self._finish(conversation, Reply(speak(offer.ask), speak(offer.reprompt)))

    def _concern(self, conversation: Conversation, text: str, title_key: str) -> Reply:
        """A safety line, then "what else?": nothing offered, nothing reassuring, on the card too."""
        conversation.offer = None
        card_text = f"{text}\n\n{self.content.line('card_disclaimer')}"
        reply = Reply(
            speak(text, self.content.line("anything_else")),
            speak(self.content.line("anything_else_reprompt")),
            self.content.safety[title_key],
            card_text,
        )
        return self._finish(conversation, reply)

    def _menu(self, conversation: Conversation, text: str, reprompt: str) -> Reply:
        return self._finish(conversation, self._menu_reply(text, reprompt))

    def _menu_reply(self, text: str, reprompt: str) -> Reply:
        return Reply(
            ssml=speak(text),
            reprompt=speak(reprompt),
            card_title=self.content.line("menu_title"),
            card_text=text,
            points=self.content.variants("menu"),
        )

    def _question(self, conversation: Conversation, *parts: str) -> Reply:
        conversation.offer = None
        reprompt = self.content.line("anything_else_reprompt")
        return self._finish(conversation, Reply(speak(*parts), speak(reprompt)))

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
