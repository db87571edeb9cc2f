"""AWS Lambda (and Alexa-hosted skill) entry point. `make package` puts a top-level
`lambda_function.py` beside skill/ that imports `lambda_handler` from here, so the handler to set
is `lambda_function.lambda_handler`, the Lambda console's and the hosted template's default.

On Lambda, Alexa invokes the function directly through an Alexa Skills Kit trigger, so there is
no HTTP signature to check; restrict the trigger to your skill id, and set ALEXA_SKILL_ID too.
"""

from __future__ import annotations

import logging
from typing import Any

from skill.entry import configured_skill_id, handle_event

logging.getLogger().setLevel(logging.INFO)


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    return handle_event(event, context, configured_skill_id())
