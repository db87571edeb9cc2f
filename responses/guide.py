"""Turns a topic and the conversation so far into a reply.

The handlers in `skill/` decide *what* was asked; this module decides *what to say*: which
wording, whether the disclaimer is due, which follow-up to offer, what Yes, No, "more", "repeat"
and "go back" mean at this point. It mutates the Conversation it is given and returns a Reply.
"""

from __future__ import annotations

import random

from responses.content import Content, Topic
from responses.conversation import MAX_HISTORY, Conversation
from responses.reply import Reply
from responses.ssml import speak


class Guide:
    def __init__(self, content: Content, rng: random.Random | None = None) -> None:
        self.content = content
        self.rng = rng or random.Random()

    # Answers -----------------------------------------------------------------------------------

    def answer(self, conversation: Conversation, topic_key: str, sign: str | None = None) -> Reply:
        """A topic's short answer; a red-flag sign puts the see-a-professional advice first."""
        topic = self.content.topics[topic_key]
        lead = self.content.line("red_flag").format(sign=self.content.signs[sign]) if sign else ""
        wording = self._wording(conversation, topic)
        conversation.heard = [*conversation.heard, topic.key][-MAX_HISTORY:]
        conversation.expanded = False
        return self._topic_reply(conversation, topic, lead, wording)

    def more(self, conversation: Conversation) -> Reply:
        """The longer version of the last topic (once; after that, say there is no more)."""
        topic = self._current(conversation)
        if topic is None:
            return self._question(conversation, self.content.line("ask_first"))
        if conversation.expanded:
            return self._topic_reply(conversation, topic, "", self.content.line("nothing_more"))
        conversation.expanded = True
        return self._topic_reply(conversation, topic, "", topic.more)

    def emergency(self, conversation: Conversation) -> Reply:
        """One line with the locale's emergency number and nothing else; the session ends."""
        return self._finish(
            conversation,
            Reply(
                ssml=speak(self.content.line("emergency")),
                reprompt=None,
                card_title=self.content.line("emergency_title"),
                card_text=self.content.line("emergency_card"),
            ),
        )

    # Conversation moves ------------------------------------------------------------------------

    def welcome(self, conversation: Conversation) -> Reply:
        conversation.offer = None
        return self._menu(conversation, self._pick("welcome"), self.content.line("welcome_reprompt"))

    def help(self, conversation: Conversation) -> Reply:
        conversation.offer = None
        return self._menu(conversation, self.content.line("help"), self.content.line("help_reprompt"))

    def start_over(self, conversation: Conversation) -> Reply:
        """Forget the topics heard (the disclaimer stays said) and welcome again."""
        fresh = Conversation(disclaimer_given=conversation.disclaimer_given)
        vars(conversation).update(vars(fresh))
        return self.welcome(conversation)

    def accept(self, conversation: Conversation) -> Reply:
        """Yes: take the pending offer, or ask what they would like if nothing was offered."""
        if conversation.offer in self.content.topics:
            return self.answer(conversation, conversation.offer)
        return self._question(conversation, self.content.line("anything_else"))

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
        """Say what the skill can do; the second miss in a row ends the session politely."""
        misses = conversation.fallbacks + 1
        if misses >= 2:
            reply = self._finish(conversation, Reply(speak(self.content.line("fallback_final")), None))
        else:
            conversation.offer = None
            reply = self._menu(
                conversation, self.content.line("fallback"), self.content.line("fallback_reprompt")
            )
        conversation.fallbacks = misses
        return reply

    def goodbye(self, conversation: Conversation) -> Reply:
        return self._finish(conversation, Reply(speak(self._pick("goodbye")), None))

    def error(self, conversation: Conversation) -> Reply:
        return self._finish(
            conversation,
            Reply(speak(self.content.line("error")), speak(self.content.line("error_reprompt"))),
        )

    # Building blocks ---------------------------------------------------------------------------

    def _topic_reply(self, conversation: Conversation, topic: Topic, lead: str, text: str) -> Reply:
        """Lead, disclaimer (first time only), the text, then the next offer not yet heard."""
        disclaimer = "" if conversation.disclaimer_given else self.content.line("disclaimer")
        conversation.disclaimer_given = True
        conversation.topic = topic.key
        heard = {key.partition("_")[0] for key in conversation.heard}
        offer_key = next((key for key in topic.next if key not in heard), None)
        conversation.offer = offer_key
        if offer_key is None:
            ask, reprompt = (
                self.content.line("anything_else"),
                self.content.line("anything_else_reprompt"),
            )
        else:
            offer = self.content.offers[offer_key]
            ask, reprompt = offer.ask, offer.reprompt
        card_text = "\n\n".join(
            part
            for part in (
                " ".join(p for p in (lead, text) if p),
                self.content.line("source").format(source=topic.source),
                self.content.line("card_disclaimer"),
            )
        )
        return self._finish(
            conversation,
            Reply(
                ssml=speak(lead, disclaimer, text, ask),
                reprompt=speak(reprompt),
                card_title=topic.title,
                card_text=card_text,
                points=topic.points,
            ),
        )

    def _menu(self, conversation: Conversation, text: str, reprompt: str) -> Reply:
        return self._finish(
            conversation,
            Reply(
                ssml=speak(text),
                reprompt=speak(reprompt),
                card_title=self.content.line("menu_title"),
                card_text=text,
                points=tuple(self.content.variants("menu")),
            ),
        )

    def _question(self, conversation: Conversation, *parts: str) -> Reply:
        conversation.offer = None
        reprompt = self.content.line("anything_else_reprompt")
        return self._finish(conversation, Reply(speak(*parts), speak(reprompt)))

    def _finish(self, conversation: Conversation, reply: Reply) -> Reply:
        conversation.fallbacks = 0
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
